"""What flags do to posts: hiding and showing them, moderators' decisions, the queue.

:mod:`socialcrm.capabilities.flags.service` runs the commands (``community.flags``); this
module holds what those commands apply under their transaction and what other
services read: :func:`hide_post` and :func:`unhide_post` (the post's and its
thread's hidden state, re-checked under their locks), the automatic hiding and
silencing after a post flag (:func:`after_post_flag`), the effect of a
moderator's decision on the post (:func:`apply_decision`) and the moderators'
queue (:func:`flag_queue_items`, merged into the combined review queue). The
rules are in ``docs/moderation.md``, "Flags".
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from socialcrm.capabilities.flags.events import PostHidden, PostUnhidden
from socialcrm.capabilities.flags.policy import open_score, spam_flaggers, trusted_spam_flag
from socialcrm.capabilities.flags.records import Flag
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.auto_sanctions import impose_automatic_silence
from socialcrm.capabilities.spaces.access import blocking_sanction, readable_spaces, resolve_space
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.spaces.tree import space_and_descendants
from socialcrm.capabilities.threads.posts import delete_post
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.errors import ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.runtime import Runtime, Transaction
from socialcrm.settings import FlagSettings

#: What a moderator may decide about the open flags of a post or member.
FLAG_DECISIONS = ("agreed", "disagreed", "deferred")


@attrs.frozen
class FlagQueueItem:
    """One flagged post (``post_id`` set) or member waiting for a moderator.

    ``queued_at`` is when its oldest open flag was raised: the queue is ordered
    by it (then by ``kind`` and subject id), so items of other queues (posts
    held for approval) can be merged in by the same key. ``score`` sums the open
    flags' weights; ``reasons`` lists their distinct reasons in the order first
    raised; ``hidden`` says whether the post is hidden now.
    """

    kind: str
    queued_at: datetime
    member_id: int
    flag_ids: tuple[int, ...]
    reasons: tuple[str, ...]
    score: int
    hidden: bool = False
    post_id: int | None = None
    thread_id: int | None = None
    space_id: int | None = None

    @property
    def flag_count(self) -> int:
        """How many open flags the item has."""
        return len(self.flag_ids)


@attrs.frozen
class FlagDecision:
    """What a moderator's decision did: the flags it closed and the post's state after."""

    decision: str
    flags: tuple[Flag, ...]
    post_id: int | None
    member_id: int
    hidden: bool
    deleted: bool = False


# ------------------------------------------------------------ hiding posts


def _set_hidden(
    tx: Transaction,
    actor_id: int | None,
    located: tuple[Post, Thread, Space],
    *,
    trigger: str | None,
) -> bool:
    """Hide the post (``trigger`` set) or show it again (``None``); whether it changed.

    Locks the thread, then the post (the lock order) and changes nothing if either
    was deleted meanwhile. An opening post hides or shows its thread with it; a
    hidden reply leaves the thread's reply count, shown again it counts again.
    Records ``PostHidden`` or ``PostUnhidden``.
    """
    post, thread, space = located
    locked = tx.uow.threads.lock(thread.id)
    if locked is None or locked.deleted_at is not None:
        return False
    current = tx.uow.posts.lock(post.id)
    if current is None or current.deleted_at is not None:
        return False
    at = None if trigger is None else tx.now
    if not tx.uow.posts.set_hidden(post.id, at):
        return False
    if post.is_opening:
        tx.uow.threads.set_hidden(thread.id, at)
    else:
        tx.uow.threads.record_reply(thread.id, delta=1 if trigger is None else -1, at=None)
    subject: dict[str, Any] = {
        "at": tx.now,
        "actor_id": actor_id,
        "post_id": post.id,
        "thread_id": thread.id,
        "space_id": space.id,
        "author_id": post.author_id,
    }
    if trigger is None:
        tx.record(PostUnhidden(**subject))
    else:
        score = open_score(tx.uow.flags.for_post(post.id))
        tx.record(PostHidden(**subject, trigger=trigger, score=score))
    return True


def hide_post(
    tx: Transaction, actor_id: int | None, post: Post, thread: Thread, space: Space, trigger: str
) -> bool:
    """Hide the post (and its thread, for an opening post); ``False`` if it already was.

    ``False`` too, changing nothing, if the post or its thread was deleted meanwhile
    (re-checked under the thread's and the post's locks: a deleted reply left the
    reply count already).
    """
    return _set_hidden(tx, actor_id, (post, thread, space), trigger=trigger)


def unhide_post(tx: Transaction, actor_id: int, post: Post, thread: Thread, space: Space) -> bool:
    """Show a hidden post (and its thread) again; ``False`` if it was not hidden.

    ``False`` too, changing nothing, if the post or its thread was deleted meanwhile.
    """
    return _set_hidden(tx, actor_id, (post, thread, space), trigger=None)


def after_post_flag(
    tx: Transaction,
    settings: FlagSettings,
    acting: Member,
    author: Member,
    located: tuple[Post, Thread, Space],
    reason: str,
    score: int,
) -> None:
    """Apply what a new flag on a post triggers: hiding it, silencing a spammer.

    The post is hidden when its open flags weigh ``hide_threshold`` or at once by
    a trusted member's spam flag on a TL0 author's post; spam flags from
    ``spam_silence_flaggers`` distinct members silence a TL0 author and hide all
    their live posts.
    """
    post, thread, space = located
    if score >= settings.hide_threshold:
        hide_post(tx, acting.id, post, thread, space, "score")
    elif trusted_spam_flag(acting, author, reason, settings):
        hide_post(tx, acting.id, post, thread, space, "trusted_spam_flag")
    if reason != "spam" or author.trust_level != 0 or author.is_moderator:
        return
    flaggers = spam_flaggers(tx.uow.flags.about_member(author.id))
    if len(flaggers) < settings.spam_silence_flaggers:
        return
    _silence_spammer(tx, acting, author, len(flaggers))
    for own in tx.uow.posts.by_author(author.id):
        found = tx.uow.posts.locate(own.id)
        if found is None or found[1].deleted_at is not None:
            continue
        hide_post(tx, acting.id, *found, "author_silenced")


def _silence_spammer(tx: Transaction, acting: Member, author: Member, count: int) -> None:
    if blocking_sanction(tx.uow, author, tx.now, posts=True) is not None:
        return
    why = f"spam flags from {count} members (Settings.flags.spam_silence_flaggers)"
    # ``imposed_by`` names the member whose flag completed the count; the audit
    # entry has no actor: no moderator decided it.
    impose_automatic_silence(
        tx,
        member_id=author.id,
        imposed_by=acting.id,
        reason=why,
        after={"rule": "spam_flags", "flaggers": count},
    )


# ------------------------------------------------------------ decisions


def apply_decision(
    tx: Transaction,
    acting: Member,
    decision: str,
    located: tuple[Post, Thread, Space] | None,
    why: str,
    *,
    delete: bool,
) -> tuple[bool, bool]:
    """Hide, show or delete the post as decided; return ``(hidden, deleted)`` after.

    ``located`` is ``None`` for a member's flags: nothing to hide, and
    ``ValidationError`` if ``delete`` was asked.
    """
    if located is None:
        if delete:
            raise ValidationError("only a flagged post can be deleted", field="delete")
        return False, False
    found, thread, space = located
    hidden = found.hidden_at is not None
    if decision == "agreed":
        hide_post(tx, acting.id, found, thread, space, "agreed")
        if delete:
            current = tx.uow.posts.get(found.id)
            assert current is not None
            delete_post(tx, acting, current, thread, space, why)
        return True, delete
    if decision == "disagreed":
        unhide_post(tx, acting.id, found, thread, space)
        return False, False
    return hidden, False


# ------------------------------------------------------------ the queue


def flag_queue_items(
    uow: UnitOfWork,
    viewer: Member,
    runtime: Runtime,
    *,
    space: str | int | None = None,
    reason: str | None = None,
) -> builtins.list[FlagQueueItem]:
    """The moderators' flag queue for ``viewer``, oldest first; see ``Flags.queue``.

    A function of its own so that a combined review queue can merge these items
    with others by ``queued_at``.
    """
    visible = readable_spaces(uow, viewer)
    wanted: set[int] | None = None
    if space is not None:
        wanted = set(space_and_descendants(visible, resolve_space(uow, viewer, space).id))
    groups: dict[tuple[str, int], list[Flag]] = {}
    for flag in uow.flags.open_flags(limit=runtime.settings.flags.queue_scan_limit):
        if flag.post_id is None:
            if wanted is not None:
                continue
            key = ("flagged_member", flag.member_id)
        else:
            if flag.space_id not in visible or (wanted is not None and flag.space_id not in wanted):
                continue
            key = ("flagged_post", flag.post_id)
        groups.setdefault(key, []).append(flag)
    posts = _live_posts(uow, [sid for kind, sid in groups if kind == "flagged_post"])
    items = []
    for (kind, subject), flags in groups.items():
        reasons = tuple(dict.fromkeys(f.reason for f in flags))
        if reason is not None and reason not in reasons:
            continue
        if kind == "flagged_post" and subject not in posts:
            continue  # deleted since it was flagged: nothing left to decide
        first = flags[0]
        items.append(
            FlagQueueItem(
                kind=kind,
                queued_at=first.created_at,
                member_id=first.member_id,
                flag_ids=tuple(f.id for f in flags),
                reasons=reasons,
                score=open_score(flags),
                hidden=kind == "flagged_post" and posts[subject].hidden_at is not None,
                post_id=first.post_id,
                thread_id=first.thread_id,
                space_id=first.space_id,
            )
        )
    items.sort(key=lambda i: (i.queued_at, i.kind, i.post_id or i.member_id))
    return items


def _live_posts(uow: UnitOfWork, post_ids: builtins.list[int]) -> Mapping[int, Post]:
    """The posts among ``post_ids`` that are not deleted (nor their threads), by id."""
    found = {}
    for post_id in post_ids:
        located = uow.posts.locate(post_id)
        if located is not None and located[0].deleted_at is None and located[1].deleted_at is None:
            found[post_id] = located[0]
    return found


__all__ = [
    "FLAG_DECISIONS",
    "FlagDecision",
    "FlagQueueItem",
    "after_post_flag",
    "apply_decision",
    "flag_queue_items",
    "hide_post",
    "unhide_post",
]

"""Threads: starting them, finding them, closing them, accepting answers."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

import attrs

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.held import (
    HOLDING,
    HeldSubmission,
    after_publish,
    hold,
    merge_rule_tags,
)
from socialcrm.capabilities.moderation.pipeline import moderate
from socialcrm.capabilities.ratelimits.service import enforce_rate_limits
from socialcrm.capabilities.spaces.access import (
    blocking_sanction,
    hidden_space_ids,
    optional_viewer,
    readable_spaces,
    require_actor,
    require_privilege,
    require_viewer,
    resolve_space,
    thread_filter,
    visible_post,
    visible_thread,
)
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.spaces.tree import space_and_descendants
from socialcrm.capabilities.threads.events import (
    AnswerAccepted,
    AnswerUnaccepted,
    ThreadClosed,
    ThreadReopened,
    ThreadStarted,
    ThreadViewed,
)
from socialcrm.capabilities.threads.locking import live_post_under_thread_lock, lock_live_thread
from socialcrm.capabilities.threads.records import (
    THREAD_KINDS,
    NewPost,
    NewThread,
    Thread,
    ThreadFilter,
)
from socialcrm.core import validation
from socialcrm.errors import (
    Conflict,
    PermissionDenied,
    RetryableStorageError,
    StorageError,
    ValidationError,
)
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

THREAD_SORTS = ("active", "newest", "score", "unanswered")

#: The most views one ``threads.record_views`` call may add.
MAX_VIEWS_PER_CALL = 1_000_000


def ensure_tags(tx: Transaction, acting: Member, tag_list: tuple[str, ...]) -> None:
    """Create unknown tags, checking ``create_tags`` when the settings ask for it.

    A tag used only in spaces ``acting`` cannot see counts as new to them: the
    refusal must not tell an outsider that such a tag exists.
    """
    if not tag_list:
        return
    if tx.runtime.settings.new_tags_need_privilege:
        hidden = hidden_space_ids(tx.uow, acting)
        if set(tag_list) - tx.uow.threads.known_tags(tag_list, exclude_space_ids=hidden):
            require_privilege(tx.runtime, tx, acting, "create_tags")
    new = set(tag_list) - tx.uow.threads.known_tags(tag_list)
    if new:
        tx.uow.threads.add_tags(sorted(new), tx.now)


def withdraw_acceptance(tx: Transaction, actor_id: int, thread: Thread, space: Space) -> None:
    """Clear the thread's accepted answer and record ``AnswerUnaccepted`` (which reverses it)."""
    current = thread.accepted_answer_id
    if current is None:
        return
    answer = tx.uow.posts.get(current)
    if answer is None:
        raise StorageError(f"accepted answer {current} is missing from storage")
    if not tx.uow.threads.compare_and_set_accepted(thread.id, expected=current, new=None):
        raise RetryableStorageError("the accepted answer changed meanwhile")
    tx.record(
        AnswerUnaccepted(
            at=tx.now,
            actor_id=actor_id,
            thread_id=thread.id,
            space_id=space.id,
            answer_id=current,
            answer_author_id=answer.author_id,
            asker_id=thread.author_id,
        )
    )


class Threads(PublicAPI):
    """``community.threads``: start, list, close and reopen threads; accept answers."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ commands

    @retry_transient
    def start(
        self,
        *,
        actor: int,
        space: str | int,
        kind: str,
        title: str,
        body: str,
        tags: Iterable[str] = (),
        community_wiki: bool = False,
    ) -> Thread | HeldSubmission:
        """Start a thread and its opening post in ``space``.

        Returns the :class:`Thread`, or a
        :class:`~socialcrm.capabilities.moderation.held.HeldSubmission` when a content
        rule or the pre-moderation settings held it for review (nothing is published then;
        see docs/moderation.md).

        ``kind`` is question, discussion, idea or announcement (announcements and
        spaces whose ``posting`` is ``moderators`` need a moderator). New tags need
        the ``create_tags`` privilege when ``Settings.new_tags_need_privilege``.
        ``community_wiki`` makes the opening post a community-wiki post, which
        earns its author no reputation.
        """
        settings = self._rt.settings
        kind = validation.choice(kind, "kind", THREAD_KINDS)
        title = validation.title(title, settings)
        body = validation.body(body, settings)
        tag_list = validation.tags(
            list(tags) if not isinstance(tags, str) else tags,
            max_count=settings.max_tags,
            max_length=settings.tag_max_length,
        )
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            found = resolve_space(tx.uow, acting, space)
            if (
                found.posting == "moderators" or kind == "announcement"
            ) and not acting.is_moderator:
                what = "announcements" if kind == "announcement" else "threads"
                raise PermissionDenied(
                    f"only moderators may start {what} in {found.slug!r}", code="moderators_only"
                )
            enforce_rate_limits(tx, acting, "start_thread")
            decision = moderate(tx, acting, {"title": title, "body": body}, found, holdable=True)
            title, body = decision.texts["title"], decision.texts["body"]
            # Tags are checked and created now, held or not: approval must not fail on them.
            ensure_tags(tx, acting, tag_list)
            if decision.action in HOLDING:
                return hold(
                    tx,
                    acting,
                    decision,
                    found,
                    thread_id=None,
                    thread_kind=kind,
                    title=title,
                    body=body,
                    tags=merge_rule_tags(tx, tag_list, decision.tags),
                    community_wiki=bool(community_wiki),
                )
            tag_list = merge_rule_tags(tx, tag_list, decision.tags)
            thread = tx.uow.threads.add(
                NewThread(
                    space_id=found.id,
                    kind=kind,
                    title=title,
                    tags=tag_list,
                    author_id=acting.id,
                    created_at=tx.now,
                )
            )
            post = tx.uow.posts.add(
                NewPost(
                    thread_id=thread.id,
                    author_id=acting.id,
                    body=body,
                    is_opening=True,
                    created_at=tx.now,
                    community_wiki=bool(community_wiki),
                )
            )
            tx.uow.threads.set_opening_post(thread.id, post.id)
            tx.record(
                ThreadStarted(
                    at=tx.now,
                    actor_id=acting.id,
                    thread_id=thread.id,
                    space_id=found.id,
                    kind=kind,
                    author_id=acting.id,
                    opening_post_id=post.id,
                    tags=tag_list,
                )
            )
            after_publish(
                tx, acting, decision, found, post_id=post.id, thread_id=thread.id, body=body
            )
            return attrs.evolve(thread, opening_post_id=post.id)

    @retry_transient
    def close(self, *, actor: int, thread: int) -> Thread:
        """Close a thread to new replies: its author, the ``close`` privilege, or moderators."""
        return self._set_status(actor, thread, "closed")

    @retry_transient
    def reopen(self, *, actor: int, thread: int) -> Thread:
        """Reopen a closed thread (same rule as closing)."""
        return self._set_status(actor, thread, "open")

    def _set_status(self, actor: int, thread_id: int, status: str) -> Thread:
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            thread, space = visible_thread(tx.uow, acting, thread_id)
            thread = lock_live_thread(tx, thread.id)
            if thread.author_id != acting.id:
                require_privilege(self._rt, tx, acting, "close")
            if thread.status == status:
                return thread
            tx.uow.threads.set_status(thread.id, status)
            cls = ThreadClosed if status == "closed" else ThreadReopened
            tx.record(cls(at=tx.now, actor_id=acting.id, thread_id=thread.id, space_id=space.id))
            if acting.is_moderator and thread.author_id != acting.id:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="thread_closed" if status == "closed" else "thread_reopened",
                    member_id=thread.author_id,
                    post_id=thread.opening_post_id,
                    thread_id=thread.id,
                    before={"status": thread.status},
                    after={"status": status},
                )
            return attrs.evolve(thread, status=status)

    @retry_transient
    def accept(self, *, actor: int, answer: int) -> Thread:
        """Accept an answer; accepting another answer moves the acceptance.

        The asker may accept while the thread is open; moderators always. Accepting
        one's own answer is allowed and earns nothing.
        """
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            post, thread, space = visible_post(tx.uow, acting, answer)
            # Exclusive: the acceptance writes the thread; the answer's deletion
            # holds the same lock, so it is either committed (seen here) or waits.
            post, thread = live_post_under_thread_lock(tx, post.id, thread.id, shared=False)
            self._check_accept_rights(acting, thread)
            if post.is_opening:
                raise ValidationError("the question itself cannot be accepted", field="answer")
            if thread.accepted_answer_id == post.id:
                return thread
            previous = thread.accepted_answer_id
            if not tx.uow.threads.compare_and_set_accepted(
                thread.id, expected=previous, new=post.id
            ):
                raise RetryableStorageError("the accepted answer changed meanwhile")
            tx.record(
                AnswerAccepted(
                    at=tx.now,
                    actor_id=acting.id,
                    thread_id=thread.id,
                    space_id=space.id,
                    answer_id=post.id,
                    answer_author_id=post.author_id,
                    asker_id=thread.author_id,
                    previous_answer_id=previous,
                    answer_wiki=post.community_wiki,
                )
            )
            if acting.id != thread.author_id:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="answer_accepted",
                    member_id=post.author_id,
                    post_id=post.id,
                    thread_id=thread.id,
                    before={"accepted_answer_id": previous},
                    after={"accepted_answer_id": post.id},
                )
            return attrs.evolve(thread, accepted_answer_id=post.id)

    @retry_transient
    def unaccept(self, *, actor: int, thread: int) -> Thread:
        """Withdraw the acceptance (same rights as accepting); no-op if nothing is accepted."""
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, space = visible_thread(tx.uow, acting, thread)
            found = lock_live_thread(tx, found.id)
            self._check_accept_rights(acting, found)
            if found.accepted_answer_id is None:
                return found
            withdraw_acceptance(tx, acting.id, found, space)
            if acting.id != found.author_id:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="answer_unaccepted",
                    post_id=found.accepted_answer_id,
                    thread_id=found.id,
                    before={"accepted_answer_id": found.accepted_answer_id},
                    after={"accepted_answer_id": None},
                )
            return attrs.evolve(found, accepted_answer_id=None)

    @staticmethod
    def _check_accept_rights(acting: Member, thread: Thread) -> None:
        if thread.kind != "question":
            raise ValidationError("only questions have accepted answers", field="answer")
        if acting.is_moderator:
            return
        if acting.id != thread.author_id:
            raise PermissionDenied("only the asker may accept an answer", code="not_the_asker")
        if thread.status != "open":
            raise Conflict("the thread is closed", code="thread_closed")

    @retry_transient
    def record_views(self, *, thread: int, count: int = 1, viewer: int | None = None) -> int:
        """Count ``count`` views of a thread (1 to :data:`MAX_VIEWS_PER_CALL`); return the total.

        Trusted host call, like ``members.record_visit``: call it from the thread's
        page, or batch the views you counted (each call records one
        ``ThreadViewed`` event, which the popular-question badge checks). The
        thread must be visible to ``viewer`` (``None``: an anonymous visitor).
        """
        if isinstance(count, bool) or not isinstance(count, int):
            raise ValidationError(f"count must be an integer, got {count!r}", field="count")
        if not 1 <= count <= MAX_VIEWS_PER_CALL:
            raise ValidationError(
                f"count must be from 1 to {MAX_VIEWS_PER_CALL}, got {count}", field="count"
            )
        with self._rt.command() as tx:
            found, space = visible_thread(tx.uow, optional_viewer(tx.uow, viewer), thread)
            total = tx.uow.threads.add_views(found.id, count)
            tx.record(
                ThreadViewed(
                    at=tx.now,
                    actor_id=viewer,
                    thread_id=found.id,
                    space_id=space.id,
                    thread_kind=found.kind,
                    author_id=found.author_id,
                    count=count,
                    views=total,
                )
            )
            return total

    def views(self, *, actor: int | None, thread: int) -> int:
        """How many views of the thread were recorded (it must be visible to ``actor``)."""
        with self._rt.query() as uow:
            found = visible_thread(uow, optional_viewer(uow, actor), thread)[0]
            return uow.threads.views(found.id)

    # ------------------------------------------------------------ queries

    def get(self, *, actor: int | None, thread: int) -> Thread:
        """A thread ``actor`` (``None``: anonymous) may see; ``NotFound`` otherwise."""
        with self._rt.query() as uow:
            return visible_thread(uow, optional_viewer(uow, actor), thread)[0]

    def _filter(
        self,
        uow: object,
        actor: int | None,
        space: str | int | None,
        tag: str | None,
        kind: str | None,
        status: str | None,
    ) -> ThreadFilter:
        """What :meth:`list` and :meth:`count` select for ``actor``.

        The filter's constructor refuses an unknown ``kind`` or ``status``.
        """
        tag = validation.optional_tag(tag)
        member = optional_viewer(uow, actor)  # type: ignore[arg-type]
        visible = readable_spaces(uow, member)  # type: ignore[arg-type]
        if space is None:
            return thread_filter(member, list(visible), tag=tag, kind=kind, status=status)
        root = resolve_space(uow, member, space)  # type: ignore[arg-type]
        space_ids = space_and_descendants(visible, root.id)
        return thread_filter(member, space_ids, tag=tag, kind=kind, status=status)

    def list(
        self,
        *,
        actor: int | None,
        space: str | int | None = None,
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        sort: str = "active",
        limit: int = 20,
        offset: int = 0,
    ) -> builtins.list[Thread]:
        """Threads ``actor`` may see, in ``space`` and its subgroups or everywhere.

        ``sort``: ``active`` (latest activity first), ``newest``, ``score`` (the
        opening post's score) or ``unanswered`` (questions without replies).
        Hidden threads are listed only for their author and moderators.
        """
        sort = validation.choice(sort, "sort", THREAD_SORTS)
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            selected = self._filter(uow, actor, space, tag, kind, status)
            return uow.threads.list(selected, sort=sort, limit=limit, offset=offset)

    def count(
        self,
        *,
        actor: int | None,
        space: str | int | None = None,
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
    ) -> int:
        """How many threads ``list`` would show (private spaces and hidden threads never
        counted for those who cannot see them)."""
        with self._rt.query() as uow:
            return uow.threads.count(self._filter(uow, actor, space, tag, kind, status))

    def can_accept(self, *, actor: int, thread: int) -> bool:
        """Whether ``actor`` may accept answers in the thread now."""
        now = self._rt.clock.now()
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            found, _ = visible_thread(uow, acting, thread)
            if blocking_sanction(uow, acting, now, posts=False) is not None:
                return False
            try:
                self._check_accept_rights(acting, found)
            except (PermissionDenied, Conflict, ValidationError):
                return False
            return True


__all__ = ["Threads", "THREAD_SORTS"]

"""Flags: members report posts and members; flags hide posts, silence spammers, queue up.

How a flag is weighed and when it hides a post is :mod:`socialcrm.capabilities.flags.policy`;
this module runs the commands (``community.flags``); what they do to posts, a
moderator's decision and the queue are :mod:`socialcrm.capabilities.flags.decisions`
(its names are importable from here too). Every rule and setting is in
``docs/moderation.md``, "Flags". In short:

* flagging needs the ``flag`` privilege and trust level ``FlagSettings.min_trust_level``
  (moderators only the privilege), at most ``daily_limit`` flags in any 24 hours
  (moderators are exempt), never one's own post or oneself, once per subject;
* a post is hidden when its open flags weigh ``hide_threshold``, or at once by a
  TL3+ member's spam flag on a TL0 author's post; spam flags on a TL0 author's
  posts from ``spam_silence_flaggers`` distinct members silence the author and
  hide all their posts;
* moderators agree (the post stays or becomes hidden; optionally deleted),
  disagree (it is shown again) or defer (the flags close, nothing else changes).
"""

from __future__ import annotations

import builtins
from datetime import timedelta

import attrs

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.flags.decisions import (
    FLAG_DECISIONS,
    FlagDecision,
    FlagQueueItem,
    after_post_flag,
    apply_decision,
    flag_queue_items,
    hide_post,
    unhide_post,
)
from socialcrm.capabilities.flags.events import FlagDecided, FlagRaised
from socialcrm.capabilities.flags.policy import flag_weight, open_score
from socialcrm.capabilities.flags.records import FLAG_REASONS, Flag, FlagAccuracy, NewFlag
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.spaces.access import (
    hidden_space_ids,
    require_actor,
    require_moderator,
    require_privilege,
    require_viewer,
    visible_post,
)
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.locking import lock_live_thread
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

#: The window of the daily flag limit.
FLAG_LIMIT_WINDOW = timedelta(hours=24)


def _flag_text(value: object, reason: str, runtime: Runtime) -> str:
    limit = runtime.settings.flags.text_max_length
    if value is None:
        value = ""
    return validation.text(
        value, "text", min_length=1 if reason == "other" else 0, max_length=limit
    )


def _member(uow: UnitOfWork, member_id: int) -> Member:
    found = uow.members.get(member_id)
    if found is None:
        raise NotFound(f"no member {member_id}", code="member_not_found")
    return found


class Flags(PublicAPI):
    """``community.flags``: flag posts and members; moderators' queue and decisions."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ flagging

    def _check_flagger(self, tx: Transaction, acting: Member) -> int:
        """Refuse members who may not flag now; return the new flag's weight."""
        settings = self._rt.settings.flags
        require_privilege(self._rt, tx, acting, "flag")
        if not acting.is_moderator and acting.trust_level < settings.min_trust_level:
            raise PermissionDenied(
                f"flagging needs trust level {settings.min_trust_level}; member "
                f"{acting.id} is at {acting.trust_level}",
                code="trust_level_too_low",
            )
        if not acting.is_moderator:
            count, earliest = tx.uow.flags.raised_since(acting.id, tx.now - FLAG_LIMIT_WINDOW)
            if count >= settings.daily_limit and earliest is not None:
                wait = (earliest + FLAG_LIMIT_WINDOW - tx.now).total_seconds()
                raise RateLimited(
                    f"at most {settings.daily_limit} flags in 24 hours "
                    "(Settings.flags.daily_limit)",
                    retry_after=max(wait, 0.0),
                    code="flag_limit",
                )
        return flag_weight(acting, tx.uow.flags.accuracy(acting.id), settings)

    @retry_transient
    def flag_post(self, *, actor: int, post: int, reason: str, text: str = "") -> Flag:
        """Flag a post as ``spam``, ``inappropriate``, ``off_topic`` or ``other``.

        ``text`` is required for ``other`` (at most ``FlagSettings.text_max_length``).
        ``Conflict`` (``duplicate_flag``) if the member flagged this post before;
        ``PermissionDenied`` for one's own post (``own_post``), without the ``flag``
        privilege or below ``FlagSettings.min_trust_level``
        (``trust_level_too_low``); ``RateLimited`` (``flag_limit``) past the daily
        limit. The flag may hide the post and silence its author (see the module).
        """
        reason = validation.choice(reason, "reason", FLAG_REASONS)
        note = _flag_text(text, reason, self._rt)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, thread, space = visible_post(tx.uow, acting, post)
            if found.author_id == acting.id:
                raise PermissionDenied("members cannot flag their own posts", code="own_post")
            weight = self._check_flagger(tx, acting)
            # The thread before the author's row (the lock order): the flag may hide
            # the post, which writes the thread's reply count.
            lock_live_thread(tx, thread.id, post_id=found.id)
            # Flags on one author's posts take turns (READ COMMITTED then sees every
            # committed flag), so concurrent flags cannot both miss the threshold or
            # both silence the author.
            tx.uow.members.lock(found.author_id)
            located = (found, thread, space)
            flag, score = self._raise(tx, acting, found.author_id, located, reason, note, weight)
            author = _member(tx.uow, found.author_id)
            after_post_flag(tx, self._rt.settings.flags, acting, author, located, reason, score)
            return flag

    @staticmethod
    def _raise(
        tx: Transaction,
        acting: Member,
        member_id: int,
        located: tuple[Post, Thread, Space] | None,
        reason: str,
        note: str,
        weight: int,
    ) -> tuple[Flag, int]:
        """Add the flag on a post (``located``) or a member; return it and the open score."""
        post, thread, space = (None, None, None) if located is None else located
        flag = tx.uow.flags.add(
            NewFlag(
                flagger_id=acting.id,
                member_id=member_id,
                post_id=None if post is None else post.id,
                thread_id=None if thread is None else thread.id,
                space_id=None if space is None else space.id,
                reason=reason,
                text=note,
                weight=weight,
                created_at=tx.now,
            )
        )
        if post is None:
            score = open_score(tx.uow.flags.member_flags(member_id))
        else:
            score = open_score(tx.uow.flags.for_post(post.id))
        tx.record(
            FlagRaised(
                at=tx.now,
                actor_id=acting.id,
                flag_id=flag.id,
                flagger_id=acting.id,
                member_id=member_id,
                reason=reason,
                weight=weight,
                score=score,
                post_id=flag.post_id,
                thread_id=flag.thread_id,
                space_id=flag.space_id,
            )
        )
        return flag, score

    @retry_transient
    def flag_member(self, *, actor: int, member: int, reason: str, text: str = "") -> Flag:
        """Flag a member (a profile, a display name, a pattern of behaviour).

        Same reasons, rights and limits as :meth:`flag_post`; members cannot flag
        themselves (``self_flag``). A member flag hides nothing; it waits in the
        moderators' queue.
        """
        reason = validation.choice(reason, "reason", FLAG_REASONS)
        note = _flag_text(text, reason, self._rt)
        target_id = validation.identifier(member, "member")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            target = _member(tx.uow, target_id)
            if target.id == acting.id:
                raise PermissionDenied("members cannot flag themselves", code="self_flag")
            weight = self._check_flagger(tx, acting)
            return self._raise(tx, acting, target.id, None, reason, note, weight)[0]

    # ------------------------------------------------------------ decisions

    @retry_transient
    def agree(
        self,
        *,
        actor: int,
        post: int | None = None,
        member: int | None = None,
        reason: str = "",
        delete: bool = False,
    ) -> FlagDecision:
        """Agree with the open flags of a post (or member): a moderator's decision.

        The post stays hidden, or is hidden now; ``delete=True`` also deletes it
        (as ``community.posts.delete`` would). Each flagger's accuracy counts one
        more agreed flag.
        """
        return self._decide("agreed", actor, post, member, reason, delete=bool(delete))

    @retry_transient
    def disagree(
        self, *, actor: int, post: int | None = None, member: int | None = None, reason: str = ""
    ) -> FlagDecision:
        """Disagree with the open flags of a post (or member): a hidden post is shown again.

        Each flagger's accuracy counts one more disagreed flag. A silence the flags
        imposed stays until a moderator lifts it (``community.moderation.lift``).
        """
        return self._decide("disagreed", actor, post, member, reason)

    @retry_transient
    def defer(
        self, *, actor: int, post: int | None = None, member: int | None = None, reason: str = ""
    ) -> FlagDecision:
        """Close the open flags without judging them: nothing else changes, accuracy neither."""
        return self._decide("deferred", actor, post, member, reason)

    def _decide(
        self,
        decision: str,
        actor: int,
        post: int | None,
        member: int | None,
        reason: str,
        *,
        delete: bool = False,
    ) -> FlagDecision:
        if (post is None) == (member is None):
            raise ValidationError("give post or member, not both", field="post")
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "decide on flags")
            located: tuple[Post, Thread, Space] | None = None
            if post is not None:
                located = visible_post(tx.uow, acting, post)
                subject_member = located[0].author_id
                flags = tx.uow.flags.for_post(located[0].id)
            else:
                subject_member = _member(tx.uow, validation.identifier(member, "member")).id
                flags = tx.uow.flags.member_flags(subject_member)
            if subject_member == acting.id:
                raise PermissionDenied(
                    "moderators cannot decide on flags about themselves", code="own_flags"
                )
            pending = [f for f in flags if f.is_open]
            if not pending:
                raise Conflict("nothing to decide: no open flags", code="no_open_flags")
            if tx.uow.flags.decide(
                [f.id for f in pending], status=decision, by=acting.id, at=tx.now
            ) != len(pending):
                raise Conflict("the flags were decided meanwhile", code="flags_decided")
            closed = tuple(
                attrs.evolve(f, status=decision, decided_by=acting.id, decided_at=tx.now)
                for f in pending
            )
            for flag in closed:
                tx.record(
                    FlagDecided(
                        at=tx.now,
                        actor_id=acting.id,
                        flag_id=flag.id,
                        flagger_id=flag.flagger_id,
                        member_id=flag.member_id,
                        decision=decision,
                        raised_at=flag.created_at,
                        post_id=flag.post_id,
                    )
                )
            hidden, deleted = apply_decision(tx, acting, decision, located, why, delete=delete)
            record_audit(
                tx,
                actor_id=acting.id,
                action=f"flags_{decision}",
                reason=why,
                member_id=subject_member,
                post_id=None if located is None else located[0].id,
                thread_id=None if located is None else located[1].id,
                before={
                    "flag_ids": [f.id for f in pending],
                    "hidden": located is not None and located[0].hidden_at is not None,
                },
                after={"decision": decision, "hidden": hidden, "deleted": deleted},
            )
            return FlagDecision(
                decision=decision,
                flags=closed,
                post_id=None if located is None else located[0].id,
                member_id=subject_member,
                hidden=hidden,
                deleted=deleted,
            )

    # ------------------------------------------------------------ queries

    def queue(
        self,
        *,
        actor: int,
        space: str | int | None = None,
        reason: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[FlagQueueItem]:
        """Flagged posts and members with open flags, oldest first; moderators only.

        ``space`` keeps posts of that space and its subgroups (member flags have no
        space and are left out then); ``reason`` keeps items with an open flag of
        that reason. Posts of spaces the moderator cannot see are never listed.
        Reads at most ``FlagSettings.queue_scan_limit`` open flags.
        """
        if reason is not None:
            reason = validation.choice(reason, "reason", FLAG_REASONS)
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            require_moderator(viewer, "see the flag queue")
            items = flag_queue_items(uow, viewer, self._rt, space=space, reason=reason)
        return items[offset : offset + limit]

    def for_post(self, *, actor: int, post: int) -> builtins.list[Flag]:
        """Every flag on a post, decided ones too, by id; moderators only."""
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            require_moderator(viewer, "see flags")
            found = visible_post(uow, viewer, post)[0]
            return uow.flags.for_post(found.id)

    def accuracy(self, *, actor: int, member: int) -> FlagAccuracy:
        """A member's agreed and disagreed flags; moderators, or the member themself.

        Flags in spaces the viewer cannot see do not count.
        """
        member_id = validation.identifier(member, "member")
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            if viewer.id != member_id:
                require_moderator(viewer, "see other members' flag accuracy")
            _member(uow, member_id)
            return uow.flags.accuracy(member_id, exclude_space_ids=hidden_space_ids(uow, viewer))

    def weight(self, *, actor: int, member: int) -> int:
        """The weight a flag by the member would have now (see ``docs/moderation.md``).

        Moderators, or the member themself (it reveals their accuracy). The
        accuracy bonus counts only flags in spaces the viewer can see, so a
        moderator outside a private space may see a lower weight than the one
        applied (staff and admins see the one applied).
        """
        member_id = validation.identifier(member, "member")
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            if viewer.id != member_id:
                require_moderator(viewer, "see other members' flag weight")
            found = _member(uow, member_id)
            accuracy = uow.flags.accuracy(found.id, exclude_space_ids=hidden_space_ids(uow, viewer))
            return flag_weight(found, accuracy, self._rt.settings.flags)


__all__ = [
    "FLAG_DECISIONS",
    "FLAG_LIMIT_WINDOW",
    "FlagDecision",
    "FlagQueueItem",
    "Flags",
    "after_post_flag",
    "apply_decision",
    "flag_queue_items",
    "hide_post",
    "unhide_post",
]

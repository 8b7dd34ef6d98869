"""Sanctions: silencing, suspending and banning members, lifting them, and their expiry.

Who may do what (see docs/moderation.md):

* moderators, staff and admins silence and suspend; only staff and admins ban;
* nobody sanctions themselves or anyone of equal or higher rank (member <
  moderator < staff < admin), and lifting a sanction needs the same authority as
  imposing it;
* a sanction stops applying at its end time by itself; ``expire_sanctions()``
  records that once per sanction (event, signal, audit entry).

Whether a sanction refuses a command is decided in
:func:`socialcrm.capabilities.spaces.access.require_actor`, which every command calls.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta

import attrs

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.events import (
    ModerationBudgetExceeded,
    SanctionImposed,
    SanctionLifted,
)
from socialcrm.capabilities.moderation.policy import (
    BLOCKS_EVERYTHING,
    IMPOSER_RANK,
    duration_until,
    rank,
    sanction_state,
)
from socialcrm.capabilities.moderation.records import NewSanction, Sanction
from socialcrm.capabilities.moderation.workload import ModerationWorkload, check_budget, workload
from socialcrm.capabilities.spaces.access import require_actor, require_moderator, require_viewer
from socialcrm.capabilities.votes.serial import SerialVoteReversal, reverse_serial_votes
from socialcrm.core import validation
from socialcrm.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RetryableStorageError,
    ValidationError,
)
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

_WHO_MAY = {1: "moderators, staff and admins", 2: "staff and admins"}


def check_authority(acting: Member, target: Member, kind: str, verb: str) -> None:
    """Refuse unless ``acting`` may impose (or lift) a sanction of ``kind`` on ``target``."""
    needed = IMPOSER_RANK[kind]
    if rank(acting) < needed:
        raise PermissionDenied(
            f"only {_WHO_MAY[needed]} may {verb} a {kind}",
            code="moderators_only" if needed == 1 else "staff_only",
        )
    if acting.id == target.id:
        raise PermissionDenied(f"members cannot {verb} their own {kind}", code="self_sanction")
    if rank(target) >= rank(acting):
        raise PermissionDenied(
            f"member {acting.id} may not {verb} a {kind} on member {target.id}, "
            "who has the same or a higher role",
            code="target_outranks_actor",
        )


def _member(uow: UnitOfWork, member_id: int) -> Member:
    found = uow.members.get(member_id)
    if found is None:
        raise NotFound(f"no member {member_id}", code="member_not_found")
    return found


class Moderation(PublicAPI):
    """``community.moderation``: silence, suspend and ban members; lift and expire sanctions."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ commands

    @retry_transient
    def silence(
        self,
        *,
        actor: int,
        member: int,
        reason: str,
        until: datetime | None = None,
        duration: timedelta | None = None,
    ) -> Sanction:
        """Silence a member: they may not start threads, reply, comment, edit posts or profiles.

        They may still vote, accept answers, close their threads and read. Ends at
        ``until`` (or after ``duration``), or only when lifted if neither is given.
        Moderators, staff and admins, on members of a lower role.
        """
        return self._impose("silence", actor, member, reason, until, duration)

    @retry_transient
    def suspend(
        self,
        *,
        actor: int,
        member: int,
        reason: str,
        until: datetime | None = None,
        duration: timedelta | None = None,
    ) -> Sanction:
        """Suspend a member: every command they try is refused; reading is still allowed.

        Same rules as :meth:`silence`.
        """
        return self._impose("suspend", actor, member, reason, until, duration)

    @retry_transient
    def ban(
        self,
        *,
        actor: int,
        member: int,
        reason: str,
        until: datetime | None = None,
        duration: timedelta | None = None,
    ) -> Sanction:
        """Ban a member: like a suspension, usually without an end; staff and admins only."""
        return self._impose("ban", actor, member, reason, until, duration)

    def _end_time(self, tx: Transaction, kind: str, ends_at: datetime | None) -> datetime | None:
        if ends_at is not None and ends_at <= tx.now:
            raise ValidationError("a sanction must end in the future", field="until")
        longest = self._rt.settings.sanction_max_days
        if longest is not None and kind not in ("ban",):
            limit = tx.now + timedelta(days=longest)
            if ends_at is None or ends_at > limit:
                raise ValidationError(
                    f"a {kind} may last at most {longest} days (Settings.sanction_max_days)",
                    field="until",
                )
        return ends_at

    def _impose(
        self,
        kind: str,
        actor: int,
        member: int,
        reason: str,
        until: datetime | None,
        duration: timedelta | None,
    ) -> Sanction:
        target_id = validation.identifier(member, "member")
        why = reason_text(reason, self._rt, required=True)
        if until is not None and duration is not None:
            raise ValidationError("give until or duration, not both", field="until")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            ends_at = self._end_time(tx, kind, duration_until(tx.now, until, duration))
            target = _member(tx.uow, target_id)
            check_authority(acting, target, kind, "impose")
            sanction = tx.uow.sanctions.add(
                NewSanction(
                    member_id=target.id,
                    kind=kind,
                    reason=why,
                    imposed_by=acting.id,
                    imposed_at=tx.now,
                    ends_at=ends_at,
                )
            )
            tx.record(
                SanctionImposed(
                    at=tx.now,
                    actor_id=acting.id,
                    sanction_id=sanction.id,
                    member_id=target.id,
                    kind=kind,
                    reason=why,
                    ends_at=ends_at,
                )
            )
            record_audit(
                tx,
                actor_id=acting.id,
                action="sanction_imposed",
                reason=why,
                member_id=target.id,
                after=sanction_state(sanction),
            )
            return sanction

    @retry_transient
    def lift(self, *, actor: int, sanction: int, reason: str = "") -> Sanction:
        """Lift a sanction before its end; the same authority as imposing it is needed.

        ``Conflict`` (code ``sanction_not_in_force``) if it already ended or was lifted.
        """
        sanction_id = validation.identifier(sanction, "sanction")
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "lift sanctions")
            found = tx.uow.sanctions.get(sanction_id)
            if found is None:
                raise NotFound(f"no sanction {sanction_id}", code="sanction_not_found")
            check_authority(acting, _member(tx.uow, found.member_id), found.kind, "lift")
            if not found.applies_at(tx.now):
                raise Conflict(
                    f"sanction {found.id} is no longer in force", code="sanction_not_in_force"
                )
            if not tx.uow.sanctions.lift(found.id, at=tx.now, by=acting.id, reason=why):
                raise RetryableStorageError("the sanction was lifted meanwhile")
            lifted = attrs.evolve(found, lifted_at=tx.now, lifted_by=acting.id, lift_reason=why)
            tx.record(
                SanctionLifted(
                    at=tx.now,
                    actor_id=acting.id,
                    sanction_id=found.id,
                    member_id=found.member_id,
                    kind=found.kind,
                    expired=False,
                    ended_at=tx.now,
                    reason=why,
                )
            )
            record_audit(
                tx,
                actor_id=acting.id,
                action="sanction_lifted",
                reason=why,
                member_id=found.member_id,
                before=sanction_state(found),
                after=sanction_state(lifted),
            )
            return lifted

    @retry_transient
    def expire_sanctions(self, *, limit: int | None = None) -> builtins.list[Sanction]:
        """Record every sanction whose end time has passed; a periodic host job.

        Expired sanctions stop applying at their end time whether or not this runs;
        running it sends ``sanction_lifted`` (``expired=True``, ``actor_id``
        ``None``) and writes an audit entry exactly once per sanction, however often
        it runs and even when several workers run it at once. Handles up to
        ``limit`` (default ``Settings.expire_sanctions_batch``) sanctions, earliest
        end first; returns the sanctions it recorded.
        """
        batch = self._rt.settings.expire_sanctions_batch if limit is None else limit
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ValidationError("limit must be a positive integer", field="limit")
        done: builtins.list[Sanction] = []
        with self._rt.command() as tx:
            for due in tx.uow.sanctions.due_to_expire(tx.now, limit=batch):
                assert due.ends_at is not None
                # A compare-and-set: a concurrent job that got there first wins.
                if not tx.uow.sanctions.lift(due.id, at=due.ends_at, by=None, reason=None):
                    continue
                ended = attrs.evolve(due, lifted_at=due.ends_at)
                tx.record(
                    SanctionLifted(
                        at=tx.now,
                        actor_id=None,
                        sanction_id=due.id,
                        member_id=due.member_id,
                        kind=due.kind,
                        expired=True,
                        ended_at=due.ends_at,
                    )
                )
                record_audit(
                    tx,
                    actor_id=None,
                    action="sanction_expired",
                    member_id=due.member_id,
                    before=sanction_state(due),
                    after=sanction_state(ended),
                )
                done.append(ended)
        return done

    @retry_transient
    def reverse_serial_votes(self) -> builtins.list[SerialVoteReversal]:
        """Take back serial votes; a periodic host job (daily is typical).

        Finds voters who cast ``Settings.serial_vote_threshold`` or more votes on one
        author's posts within ``serial_vote_window_seconds``, among the votes of the
        last ``serial_vote_lookback_days``, and removes those votes: scores and
        reputation go back (compensating ledger entries), each removal sends
        ``vote_reversed``, and each voter and author gets a ``serial_votes_reversed``
        audit entry. Thresholds appear in no output. Running it again changes
        nothing; concurrent runs remove each vote once. Returns what it took back.
        """
        return reverse_serial_votes(self._rt)

    @retry_transient
    def check_budget(self) -> ModerationBudgetExceeded | None:
        """Send ``moderation_budget_exceeded`` once a UTC week passes its budget; a periodic job.

        This week's decisions times ``Settings.workload.minutes_per_decision``
        against ``budget_hours_per_week``; at most once per week (Monday 00:00
        UTC), remembered in the audit log. Returns the event sent, or ``None``.
        """
        return check_budget(self._rt)

    # ------------------------------------------------------------ queries

    def workload(
        self, *, actor: int, since: datetime | None = None, until: datetime | None = None
    ) -> ModerationWorkload:
        """Moderation figures: queue sizes and age, decisions per moderator, time to
        decision, estimated hours per week against the budget; moderators only.

        Over ``since <= t < until`` (default: the 7 days up to and including now); see
        :class:`~socialcrm.capabilities.moderation.workload.ModerationWorkload`.
        """
        return workload(self._rt, actor, since, until)

    def _viewable(self, uow: UnitOfWork, actor: int, member_id: int) -> None:
        viewer = require_viewer(uow, actor)
        if viewer.id != member_id:
            require_moderator(viewer, "see other members' sanctions")
        _member(uow, member_id)

    def in_force(self, *, actor: int, member: int) -> builtins.list[Sanction]:
        """The member's sanctions that apply now, by id; moderators, or the member themself."""
        member_id = validation.identifier(member, "member")
        now = self._rt.clock.now()
        with self._rt.query() as uow:
            self._viewable(uow, actor, member_id)
            return [s for s in uow.sanctions.in_force(member_id, now) if s.applies_at(now)]

    def history(
        self, *, actor: int, member: int, limit: int = 50, offset: int = 0
    ) -> builtins.list[Sanction]:
        """Every sanction of the member, lifted and expired ones too, newest first.

        Moderators, or the member themself.
        """
        member_id = validation.identifier(member, "member")
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            self._viewable(uow, actor, member_id)
            return uow.sanctions.history(member_id, limit=limit, offset=offset)

    def get(self, *, actor: int, sanction: int) -> Sanction:
        """One sanction by id; moderators, or the sanctioned member."""
        sanction_id = validation.identifier(sanction, "sanction")
        with self._rt.query() as uow:
            found = uow.sanctions.get(sanction_id)
            viewer = require_viewer(uow, actor)
            if found is None or (found.member_id != viewer.id and not viewer.is_moderator):
                raise NotFound(f"no sanction {sanction_id}", code="sanction_not_found")
            return found

    def can_post(self, *, member: int) -> bool:
        """Whether no sanction keeps the member from publishing content now."""
        return not self._blocked(member, posts=True)

    def can_act(self, *, member: int) -> bool:
        """Whether no suspension or ban keeps the member from commands now."""
        return not self._blocked(member, posts=False)

    def _blocked(self, member: int, *, posts: bool) -> bool:
        member_id = validation.identifier(member, "member")
        now = self._rt.clock.now()
        with self._rt.query() as uow:
            _member(uow, member_id)
            return any(
                s.applies_at(now) and (posts or s.kind in BLOCKS_EVERYTHING)
                for s in uow.sanctions.in_force(member_id, now)
            )


__all__ = ["Moderation", "check_authority"]

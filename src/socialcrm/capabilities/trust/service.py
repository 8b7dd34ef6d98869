"""Trust levels: staff grants and locks, the periodic review, members' recorded activity.

Recording visits and reads lives on ``community.members`` (``record_visit``,
``record_read``); likes and replies are counted from the votes and replies the
core already records (see :mod:`socialcrm.capabilities.trust.activity`).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.spaces.access import require_actor, require_role
from socialcrm.capabilities.trust.activity import (
    change_automatically,
    shared_space_ids,
    trust_activity,
    with_flagged_posts,
)
from socialcrm.capabilities.trust.events import TrustLevelChanged
from socialcrm.capabilities.trust.policy import MAX_TRUST_LEVEL, day_start, window_start
from socialcrm.capabilities.trust.records import TrustActivity, TrustReview
from socialcrm.clock import ensure_utc
from socialcrm.core import validation
from socialcrm.errors import NotFound, RetryableStorageError, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

#: Roles that may set and lock trust levels.
TRUST_STAFF_ROLES = frozenset({"staff", "admin"})


def _moment(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError(f"{field} must be a datetime, got {value!r}", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be timezone-aware", field=field)
    return ensure_utc(value)


def _target(tx: Transaction, member_id: int) -> Member:
    found = tx.uow.members.get(member_id)
    if found is None:
        raise NotFound(f"no member {member_id}", code="member_not_found")
    return found


class Trust(PublicAPI):
    """``community.trust``: staff set and lock levels; a periodic job reviews everyone."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ staff commands

    def _set(
        self, actor: int, member: int, *, level: int | None, lock: bool | None, reason: str
    ) -> Member:
        target_id = validation.identifier(member, "member")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, TRUST_STAFF_ROLES, "set trust levels")
            target = _target(tx, target_id)
            new_level = target.trust_level if level is None else level
            new_lock = target.trust_level_locked if lock is None else lock
            if new_level == target.trust_level and new_lock == target.trust_level_locked:
                return target
            changed_at = (
                tx.now if new_level != target.trust_level else target.trust_level_changed_at
            )
            if not tx.uow.members.compare_and_set_trust_level(
                target.id,
                expected_level=target.trust_level,
                expected_locked=target.trust_level_locked,
                level=new_level,
                locked=new_lock,
                changed_at=changed_at,
            ):
                raise RetryableStorageError("the member's trust level changed meanwhile")
            if reason == "granted" and new_level == target.trust_level:
                reason = "locked" if new_lock else "unlocked"
            tx.record(
                TrustLevelChanged(
                    at=tx.now,
                    actor_id=acting.id,
                    member_id=target.id,
                    previous_level=target.trust_level,
                    level=new_level,
                    reason=reason,
                    locked=new_lock,
                )
            )
            record_audit(
                tx,
                actor_id=acting.id,
                action="trust_level_changed",
                member_id=target.id,
                before={"level": target.trust_level, "locked": target.trust_level_locked},
                after={"level": new_level, "locked": new_lock, "reason": reason},
            )
            return attrs.evolve(
                target,
                trust_level=new_level,
                trust_level_locked=new_lock,
                trust_level_changed_at=changed_at,
            )

    @retry_transient
    def grant(self, *, actor: int, member: int, level: int, lock: bool | None = None) -> Member:
        """Set a member's trust level by hand (0 to 4); staff and admins only.

        The only way to TL4. ``lock=True`` also locks the level (automatic
        promotion and demotion leave it alone), ``False`` unlocks it, ``None``
        keeps the lock as it is. An unlocked TL3 given by hand is still reviewed
        (after the grace period); lock it to keep it. Setting what is already set
        changes nothing.
        """
        if isinstance(level, bool) or not isinstance(level, int):
            raise ValidationError(f"level must be an integer, got {level!r}", field="level")
        if not 0 <= level <= MAX_TRUST_LEVEL:
            raise ValidationError(f"level must be from 0 to {MAX_TRUST_LEVEL}", field="level")
        if lock is not None and not isinstance(lock, bool):
            raise ValidationError("lock must be True, False or None", field="lock")
        return self._set(actor, member, level=level, lock=lock, reason="granted")

    @retry_transient
    def lock(self, *, actor: int, member: int) -> Member:
        """Lock a member's level where it is; staff and admins only."""
        return self._set(actor, member, level=None, lock=True, reason="locked")

    @retry_transient
    def unlock(self, *, actor: int, member: int) -> Member:
        """Let automatic promotion and demotion move the member's level again."""
        return self._set(actor, member, level=None, lock=False, reason="unlocked")

    # ------------------------------------------------------------ the periodic job

    def review(self, *, now: datetime | None = None) -> TrustReview:
        """Promote and demote every unlocked member below TL4 as their activity says.

        ``checked`` in the result counts those members (locked ones and TL4 are not
        looked at).

        The job for the TL3 window (promotions to TL3, demotions from it after the
        grace period) that also catches up TL1/TL2 promotions the per-command checks
        missed (after a settings change, say). Run it daily. It is idempotent: a
        second run at the same time changes nothing. Members are reviewed in
        batches of ``TrustSettings.review_batch_size`` by id, each batch in its own
        unit of work (inside ``community.unit_of_work()``, all in the host's).

        :param now: the review's time (aware); the community clock's by default.
        """
        moment = self._rt.clock.now() if now is None else _moment(now, "now")
        settings = self._rt.settings.trust
        if not settings.enabled:
            return TrustReview(at=moment, checked=0)
        since = window_start(moment, settings)
        with self._rt.query() as uow:
            topics, posts = uow.activity.created_since(day_start(since), shared_space_ids(uow))
        checked, changes, after_id = 0, [], 0
        while True:
            seen, last_id, made = self._review_batch(after_id, moment, topics, posts)
            checked += seen
            changes.extend(made)
            if seen < settings.review_batch_size:
                break
            after_id = last_id
        return TrustReview(at=moment, checked=checked, changes=tuple(changes))

    @retry_transient
    def _review_batch(
        self, after_id: int, moment: datetime, topics: int, posts: int
    ) -> tuple[int, int, list[TrustLevelChanged]]:
        settings = self._rt.settings.trust
        since = window_start(moment, settings)
        with self._rt.command() as tx:
            first = len(tx.events)
            batch = tx.uow.members.trust_review_batch(
                after_id=after_id, limit=settings.review_batch_size
            )
            found = tx.uow.activity.activities([m.id for m in batch], since=since)
            for member in batch:
                activity = trust_activity(
                    with_flagged_posts(tx.uow, found[member.id], since),
                    since,
                    topics_created=topics,
                    posts_created=posts,
                )
                change_automatically(tx, member, activity, now=moment, actor_id=None)
            made = [e for e in tx.events[first:] if isinstance(e, TrustLevelChanged)]
        return len(batch), batch[-1].id if batch else after_id, made

    # ------------------------------------------------------------ queries

    def activity(self, member: int) -> TrustActivity:
        """What the trust rules see for a member now: all-time and TL3-window totals.

        ``topics_created_in_window`` and ``posts_created_in_window`` are filled in,
        so :func:`socialcrm.capabilities.trust.policy.supported_level` and the requirement
        helpers there can show a member their progress.
        """
        mid = validation.identifier(member, "member")
        now = self._rt.clock.now()
        since = window_start(now, self._rt.settings.trust)
        with self._rt.query() as uow:
            if uow.members.get(mid) is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            topics, posts = uow.activity.created_since(day_start(since), shared_space_ids(uow))
            found = with_flagged_posts(uow, uow.activity.activity(mid, since=since), since)
        return trust_activity(found, since, topics_created=topics, posts_created=posts)


__all__ = ["TRUST_STAFF_ROLES", "Trust"]

"""Trust-level inputs and automatic changes, inside a command's transaction.

:func:`track_trust_inputs` runs for every recorded event (from
:meth:`~socialcrm.services.runtime.Transaction.record`) and counts what trust
levels look at: likes (upvotes) given and received, net of retractions, on the
day of the command, and replies per thread. When a count rose for a member below
TL2 who is not locked, :func:`promote_after_activity` checks them at once;
members at TL2 and above are left to ``community.trust.review()``, which alone
looks at the TL3 window. Inputs only TL2 asks for (visits, likes, replies) check
TL1 members only: TL0 members need reads for TL1 first. So a vote between
members at TL0 or TL2 and above costs the counter writes and two member reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.events import ReplyPosted
from socialcrm.capabilities.trust.events import TrustLevelChanged
from socialcrm.capabilities.trust.policy import (
    MAX_AUTOMATIC_LEVEL,
    automatic_level,
    day_start,
    window_start,
)
from socialcrm.capabilities.trust.records import MemberActivity, TrustActivity
from socialcrm.capabilities.votes.events import VoteCast, VoteChanged, VoteRetracted, VoteReversed
from socialcrm.core.events import Event
from socialcrm.ports import UnitOfWork

if TYPE_CHECKING:
    from socialcrm.services.runtime import Handler, Runtime, Transaction

#: Events whose recording changes some member's trust-level inputs.
TRUST_INPUT_EVENTS = frozenset(
    {VoteCast.name, VoteChanged.name, VoteRetracted.name, VoteReversed.name, ReplyPosted.name}
)

#: The level up to which the checks after each command promote.
EVENT_PROMOTION_LIMIT = 2

#: Levels whose members a read can promote (reads count for TL1 and TL2).
AFTER_READS = frozenset({0, 1})
#: Levels whose members a visit, like or reply can promote (only TL2 counts them).
AFTER_TL2_INPUTS = frozenset({1})


def shared_space_ids(uow: UnitOfWork) -> list[int]:
    """Spaces every member can see: neither they nor an ancestor is private.

    TL3 asks for a share of the topics and posts created in the window; only
    these spaces' count, so private spaces do not raise the bar for members who
    cannot see them.
    """
    spaces: Mapping[int, Space] = {space.id: space for space in uow.spaces.list()}
    verdict: dict[int, bool] = {}

    def shared(space_id: int) -> bool:
        if space_id not in verdict:
            space = spaces[space_id]
            verdict[space_id] = space.visibility != "private" and (
                space.parent_id is None or space.parent_id not in spaces or shared(space.parent_id)
            )
        return verdict[space_id]

    return [space_id for space_id in spaces if shared(space_id)]


def with_flagged_posts(uow: UnitOfWork, found: MemberActivity, since: date) -> MemberActivity:
    """``found`` with ``flagged_posts`` filled in from the flags moderators agreed with.

    A post counts once for the window when a flag raised on it since ``since``
    was agreed (TL3's "at most 5 flagged posts"); all time counts every one.
    """
    member_id = found.member_id
    recent = uow.flags.agreed_posts(member_id, since=day_start(since))
    ever = uow.flags.agreed_posts(member_id, since=day_start(date(1970, 1, 1)))
    return attrs.evolve(
        found,
        all_time=attrs.evolve(found.all_time, flagged_posts=ever),
        recent=attrs.evolve(found.recent, flagged_posts=recent),
    )


def trust_activity(
    found: MemberActivity,
    since: date,
    *,
    topics_created: int | None = None,
    posts_created: int | None = None,
) -> TrustActivity:
    """The policy's view of what storage returned for one member."""
    return TrustActivity(
        member_id=found.member_id,
        all_time=found.all_time,
        window=found.recent,
        window_start=since,
        topics_created_in_window=topics_created,
        posts_created_in_window=posts_created,
    )


def _checked_verdict(verdict: object) -> int:
    if isinstance(verdict, bool) or not isinstance(verdict, int):
        raise ValueError(f"socialcrm_trust_level must return a level or None, got {verdict!r}")
    if not 0 <= verdict <= MAX_AUTOMATIC_LEVEL:
        raise ValueError(
            f"socialcrm_trust_level returned {verdict}; automatic levels are 0 to "
            f"{MAX_AUTOMATIC_LEVEL} (TL4 is given by hand)"
        )
    return verdict


def change_automatically(
    tx: Transaction,
    member: Member,
    activity: TrustActivity,
    *,
    now: datetime,
    actor_id: int | None,
    limit: int = MAX_AUTOMATIC_LEVEL,
) -> Member:
    """Promote or demote the member as the policy and the hook say; return the member now.

    ``limit`` caps promotions (the checks after each command stop at TL2). A
    lost compare-and-set (another unit changed the level or lock meanwhile)
    changes nothing: the next check sees the new state.
    """
    settings = tx.runtime.settings.trust
    current = member.trust_level
    proposed = automatic_level(member, activity, settings, now)
    if proposed > current:
        proposed = max(current, min(proposed, limit))
    if proposed == current:
        return member
    verdict = tx.runtime.hooks.socialcrm_trust_level(
        member=member, proposed=proposed, activity=activity, context=tx.context
    )
    if verdict is not None:
        proposed = _checked_verdict(verdict)
    if proposed == current:
        return member
    if not tx.uow.members.compare_and_set_trust_level(
        member.id,
        expected_level=current,
        expected_locked=member.trust_level_locked,
        level=proposed,
        locked=member.trust_level_locked,
        changed_at=now,
    ):
        return member
    tx.record(
        TrustLevelChanged(
            at=now,
            actor_id=actor_id,
            member_id=member.id,
            previous_level=current,
            level=proposed,
            reason="promoted" if proposed > current else "demoted",
            locked=member.trust_level_locked,
        )
    )
    changed = attrs.evolve(member, trust_level=proposed, trust_level_changed_at=now)
    if member.id in tx.actors:
        tx.actors[member.id] = changed
    return changed


def promote_after_activity(
    tx: Transaction, member: Member, *, actor_id: int | None, levels: frozenset[int]
) -> Member:
    """Check a member whose activity grew, if their level is in ``levels`` (below TL2).

    Looks at all-time counts only and promotes at most to TL2.
    """
    if (
        member.trust_level_locked
        or member.trust_level >= EVENT_PROMOTION_LIMIT
        or member.trust_level not in levels
    ):
        return member
    since = window_start(tx.now, tx.runtime.settings.trust)
    found = tx.uow.activity.activity(member.id, since=since)
    activity = trust_activity(found, since)
    return change_automatically(
        tx, member, activity, now=tx.now, actor_id=actor_id, limit=EVENT_PROMOTION_LIMIT
    )


def _check(tx: Transaction, member_ids: list[int], actor_id: int | None) -> None:
    """Check the members whose TL2 inputs rose.

    The command's actor is already at hand (``tx.actors``); others cost one
    ``members.get`` each: on SQLite a direct primary-key read costs a fraction of
    ``get_many``'s expanding ``IN`` through SQLAlchemy.
    """
    for member_id in member_ids:
        member = tx.actors.get(member_id) or tx.uow.members.get(member_id)
        if member is not None:
            promote_after_activity(tx, member, actor_id=actor_id, levels=AFTER_TL2_INPUTS)


def _like_delta(event: Event) -> int:
    if isinstance(event, VoteCast):
        return 1 if event.value == 1 else 0
    if isinstance(event, VoteChanged):
        return int(event.value == 1) - int(event.previous_value == 1)
    if isinstance(event, (VoteRetracted, VoteReversed)):
        return -1 if event.previous_value == 1 else 0
    return 0


def track_trust_inputs(tx: Transaction, event: Event) -> None:
    """Count the event's likes and replies, then check the members whose counts rose."""
    day = tx.now.date()
    activity = tx.uow.activity
    if isinstance(event, ReplyPosted):
        if activity.record_topic_reply(event.author_id, event.thread_id, day):
            _check(tx, [event.author_id], event.actor_id)
        return
    delta = _like_delta(event)
    # A reversed serial vote has no actor (a job removed it): the like was the voter's.
    voter = event.voter_id if isinstance(event, VoteReversed) else event.actor_id
    if not delta or voter is None:
        return
    author_id: int = event.post_author_id  # type: ignore[attr-defined]
    activity.add_like(voter, author_id, day, delta)
    if delta > 0:
        _check(tx, [voter, author_id], event.actor_id)


__all__ = [
    "AFTER_READS",
    "AFTER_TL2_INPUTS",
    "EVENT_PROMOTION_LIMIT",
    "TRUST_INPUT_EVENTS",
    "change_automatically",
    "promote_after_activity",
    "shared_space_ids",
    "track_trust_inputs",
    "trust_activity",
]


def trust_subscription(
    runtime: Runtime, event_type: type[Event], side_effect: bool
) -> Handler | None:
    """The trust inputs' handler: for the input events, when trust levels are on."""
    if side_effect or event_type.name not in TRUST_INPUT_EVENTS:
        return None
    return track_trust_inputs if runtime.settings.trust.enabled else None

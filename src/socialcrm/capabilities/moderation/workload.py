"""Moderation workload: queue size and age, decisions, time to decision, hours against budget.

``community.moderation.workload()`` reports the figures for a span of time;
``community.moderation.check_budget()`` is the periodic job (hourly or daily is
typical) that sends ``moderation_budget_exceeded`` once in a UTC week (Monday
00:00 to Monday 00:00) whose estimated moderation time passed
``Settings.workload.budget_hours_per_week``. Nothing else checks the budget.

A *decision* is one moderator's agree, disagree or defer on one flagged post or
member, however many flags it closed; its estimated cost is
``Settings.workload.minutes_per_decision``. Queues are named in
:data:`WORKLOAD_QUEUES`, so another queue (posts held for approval) adds its
figures by adding an entry.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

import attrs

from socialcrm.capabilities.audit.records import AuditQuery
from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.flags.records import Flag
from socialcrm.capabilities.flags.service import flag_queue_items
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.events import ModerationBudgetExceeded
from socialcrm.capabilities.spaces.access import (
    hidden_space_ids,
    readable_spaces,
    require_moderator,
    require_viewer,
)
from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.runtime import Runtime

#: The span ``workload()`` reports on when ``since`` is not given.
DEFAULT_WORKLOAD_SPAN = timedelta(days=7)
_WEEK = timedelta(days=7)


@attrs.frozen
class QueueLoad:
    """One queue's size (items waiting) and when its oldest item was queued."""

    size: int
    oldest_queued_at: datetime | None = None


@attrs.frozen
class ModerationWorkload:
    """Moderation figures over ``since <= t < until`` and the queues as they stand now.

    ``hours_per_week`` scales ``estimated_hours`` to a 7-day week;
    ``over_budget`` compares it with ``budget_hours_per_week`` (never over
    without a budget). Times to decision are in seconds, from a subject's oldest
    flag to the decision (``None`` without decisions).
    """

    since: datetime
    until: datetime
    queues: Mapping[str, QueueLoad]
    decisions: int
    decisions_by_moderator: Mapping[int, int]
    mean_seconds_to_decision: float | None
    median_seconds_to_decision: float | None
    estimated_hours: float
    hours_per_week: float
    budget_hours_per_week: float | None
    over_budget: bool

    @property
    def queue_size(self) -> int:
        """Items waiting in every queue."""
        return sum(q.size for q in self.queues.values())

    @property
    def oldest_queued_at(self) -> datetime | None:
        """When the oldest item of any queue was queued."""
        times = [q.oldest_queued_at for q in self.queues.values() if q.oldest_queued_at]
        return min(times, default=None)

    def oldest_age_seconds(self, now: datetime) -> float | None:
        """How long the oldest waiting item has waited at ``now``."""
        oldest = self.oldest_queued_at
        return None if oldest is None else (now - oldest).total_seconds()


def flag_queue_load(uow: UnitOfWork, viewer: Member, runtime: Runtime) -> QueueLoad:
    """The flag queue's figures as ``viewer`` sees the queue."""
    items = flag_queue_items(uow, viewer, runtime)
    return QueueLoad(size=len(items), oldest_queued_at=items[0].queued_at if items else None)


def review_queue_load(uow: UnitOfWork, viewer: Member, runtime: Runtime) -> QueueLoad:
    """The review queue's figures (held submissions and rule flags) as ``viewer`` sees it."""
    spaces = list(readable_spaces(uow, viewer))
    size = uow.review.count_pending(space_ids=spaces, reason=None, kind=None)
    oldest = uow.review.pending(space_ids=spaces, reason=None, kind=None, limit=1, offset=0)
    return QueueLoad(size=size, oldest_queued_at=oldest[0].created_at if oldest else None)


#: The queues workload figures cover: name and how to measure it.
WORKLOAD_QUEUES: tuple[tuple[str, Callable[[UnitOfWork, Member, Runtime], QueueLoad]], ...] = (
    ("flags", flag_queue_load),
    ("review", review_queue_load),
)

#: Audit actions of decisions on review items (one decision each).
REVIEW_DECISION_ACTIONS = (
    "submission_approved",
    "submission_edited_and_approved",
    "submission_rejected",
    "review_item_dismissed",
)
_AUDIT_PAGE = 500


@attrs.frozen
class _Decision:
    moderator_id: int
    at: datetime
    seconds: float


def decisions_of(flags: list[Flag]) -> list[_Decision]:
    """Group decided flags into decisions: one per moderator, moment and subject."""
    groups: dict[tuple[int, datetime, int, int | None], list[Flag]] = {}
    for flag in flags:
        assert flag.decided_by is not None and flag.decided_at is not None
        key = (flag.decided_by, flag.decided_at, flag.member_id, flag.post_id)
        groups.setdefault(key, []).append(flag)
    return [
        _Decision(
            moderator_id=moderator,
            at=at,
            seconds=(at - min(f.created_at for f in group)).total_seconds(),
        )
        for (moderator, at, _, _), group in groups.items()
    ]


def review_decisions(
    uow: UnitOfWork, since: datetime, until: datetime, hidden: Collection[int] = ()
) -> list[_Decision]:
    """Decisions on review items with ``since <= at < until``, from the audit log.

    Decisions in the spaces ``hidden`` are left out (by the audit query).

    The time to decision is from the item's creation (its submission) to the
    decision; entries whose item is gone count with the time unknown (0 s).
    """
    found: list[_Decision] = []
    query = AuditQuery(
        actions=REVIEW_DECISION_ACTIONS, since=since, until=until, exclude_space_ids=hidden
    )
    offset = 0
    while True:
        page = uow.audit.entries(query, limit=_AUDIT_PAGE, offset=offset)
        for entry in page:
            if entry.actor_id is None:
                continue
            item_id = entry.after.get("review_item_id") or entry.before.get("review_item_id")
            item = uow.review.get(item_id) if isinstance(item_id, int) else None
            seconds = (
                0.0 if item is None else max(0.0, (entry.at - item.created_at).total_seconds())
            )
            found.append(_Decision(moderator_id=entry.actor_id, at=entry.at, seconds=seconds))
        if len(page) < _AUDIT_PAGE:
            return found
        offset += _AUDIT_PAGE


def all_decisions(
    uow: UnitOfWork, since: datetime, until: datetime, hidden: Collection[int] = ()
) -> list[_Decision]:
    """Decisions on flags and on review items with ``since <= at < until``.

    ``hidden``: spaces whose decisions are left out (those the viewer cannot see);
    the budget job counts every decision.
    """
    flags = uow.flags.decided(since=since, until=until, exclude_space_ids=hidden)
    return decisions_of(flags) + review_decisions(uow, since, until, hidden)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of ``moment``'s week."""
    day = moment.date() - timedelta(days=moment.weekday())
    return datetime(day.year, day.month, day.day, tzinfo=moment.tzinfo)


def workload(
    runtime: Runtime, actor: int, since: datetime | None, until: datetime | None
) -> ModerationWorkload:
    """The figures of :class:`ModerationWorkload`; moderators only.

    Queues and decisions count only what happened in spaces the moderator can see.
    """
    now = runtime.clock.now()
    # By default the span includes decisions made at this very moment.
    end = now + timedelta(microseconds=1) if until is None else aware(until, "until")
    start = end - DEFAULT_WORKLOAD_SPAN if since is None else aware(since, "since")
    if start >= end:
        raise ValidationError("since must be before until", field="since")
    settings = runtime.settings.workload
    with runtime.query() as uow:
        viewer = require_viewer(uow, actor)
        require_moderator(viewer, "see the moderation workload")
        queues = {name: measure(uow, viewer, runtime) for name, measure in WORKLOAD_QUEUES}
        decisions = all_decisions(uow, start, end, hidden_space_ids(uow, viewer))
    by_moderator: dict[int, int] = {}
    for decision in decisions:
        by_moderator[decision.moderator_id] = by_moderator.get(decision.moderator_id, 0) + 1
    waits = [d.seconds for d in decisions]
    hours = len(decisions) * settings.minutes_per_decision / 60
    per_week = hours * (_WEEK / (end - start))
    budget = settings.budget_hours_per_week
    return ModerationWorkload(
        since=start,
        until=end,
        queues=MappingProxyType(queues),
        decisions=len(decisions),
        decisions_by_moderator=MappingProxyType(dict(sorted(by_moderator.items()))),
        mean_seconds_to_decision=statistics.fmean(waits) if waits else None,
        median_seconds_to_decision=statistics.median(waits) if waits else None,
        estimated_hours=hours,
        hours_per_week=per_week,
        budget_hours_per_week=budget,
        over_budget=budget is not None and per_week > budget,
    )


def check_budget(runtime: Runtime) -> ModerationBudgetExceeded | None:
    """Send ``moderation_budget_exceeded`` if this week passed its budget and it was not sent.

    Returns the event recorded, or ``None``. The audit log (action
    ``moderation_budget_exceeded``) remembers that the week was reported, so
    running it often, or from several workers one after another, reports a week
    once.
    """
    settings = runtime.settings.workload
    if settings.budget_hours_per_week is None:
        return None
    with runtime.command() as tx:
        start = week_start(tx.now)
        decisions = all_decisions(tx.uow, start, tx.now + _WEEK)
        minutes = len(decisions) * settings.minutes_per_decision
        budget_minutes = settings.budget_hours_per_week * 60
        if minutes <= budget_minutes:
            return None
        exceeded = AuditQuery(actions=["moderation_budget_exceeded"], since=start)
        if tx.uow.audit.entries(exceeded, limit=1):
            return None
        event = ModerationBudgetExceeded(
            at=tx.now,
            actor_id=None,
            week_start=start,
            decisions=len(decisions),
            estimated_minutes=int(minutes),
            budget_minutes=int(budget_minutes),
        )
        tx.record(event)
        record_audit(
            tx,
            actor_id=None,
            action="moderation_budget_exceeded",
            after={
                "week_start": start.isoformat(),
                "decisions": len(decisions),
                "estimated_minutes": int(minutes),
                "budget_minutes": int(budget_minutes),
            },
        )
        return event


__all__ = [
    "DEFAULT_WORKLOAD_SPAN",
    "ModerationWorkload",
    "QueueLoad",
    "WORKLOAD_QUEUES",
    "check_budget",
    "flag_queue_load",
    "week_start",
    "workload",
]

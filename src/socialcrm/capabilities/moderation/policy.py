"""Pure rules of sanctions: ranks, what a sanction blocks, valid rows.

Nothing here does I/O. The services decide with these functions. A sanction to
write is a :class:`~socialcrm.capabilities.moderation.records.NewSanction`, which
refuses a bad row with :func:`check_sanction` when it is made, so no adapter is
handed one (the check lives in the records module, for the record to call it,
and is re-exported here); adapters call :func:`check_lift` before lifting (the audit log's rules
are in :mod:`socialcrm.capabilities.audit.policy`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.records import SANCTION_KINDS, Sanction, check_sanction
from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError

#: How much authority each role carries; a member's rank is their highest role's.
ROLE_RANKS: Mapping[str, int] = {"member": 0, "moderator": 1, "staff": 2, "admin": 3}

#: The lowest rank that may impose (and lift) each kind of sanction.
IMPOSER_RANK: Mapping[str, int] = {"silence": 1, "suspend": 1, "ban": 2}

#: Kinds that refuse every command; a ``silence`` only refuses publishing content.
BLOCKS_EVERYTHING = frozenset({"suspend", "ban"})


def rank(member: Member) -> int:
    """The member's authority: 0 member, 1 moderator, 2 staff, 3 admin."""
    return max((ROLE_RANKS.get(role, 0) for role in member.roles), default=0)


def check_lift(*, at: object) -> None:
    """Refuse a naive lift time."""
    aware(at, "at")


def end_of(moment: datetime | None) -> float:
    """Sort key of an end time: a sanction without one lasts forever."""
    return math.inf if moment is None else moment.timestamp()


def blocking(sanctions: Iterable[Sanction], at: datetime, *, posts: bool) -> Sanction | None:
    """The sanction that keeps a command from running at ``at``, or ``None``.

    ``posts`` says whether the command publishes content (then a silence blocks
    it too). When several apply, the one that ends last is reported, since it
    says when the member may act again; ties go to the harsher kind.
    """
    found: Sanction | None = None
    for sanction in sanctions:
        if not sanction.applies_at(at):
            continue
        if sanction.kind not in BLOCKS_EVERYTHING and not posts:
            continue
        if found is None or _sort_key(sanction) > _sort_key(found):
            found = sanction
    return found


def _sort_key(sanction: Sanction) -> tuple[float, int, int]:
    return (end_of(sanction.ends_at), SANCTION_KINDS.index(sanction.kind), sanction.id)


def describe(sanction: Sanction) -> str:
    """A sentence for the member: what they are under, until when, and why."""
    verb = {"silence": "silenced", "suspend": "suspended", "ban": "banned"}[sanction.kind]
    until = (
        "until a moderator lifts it"
        if sanction.ends_at is None
        else f"until {sanction.ends_at.isoformat()}"
    )
    return f"member {sanction.member_id} is {verb} {until}: {sanction.reason}"


def sanction_state(sanction: Sanction) -> dict[str, Any]:
    """The sanction as a small JSON object for the audit log."""
    return {
        "sanction_id": sanction.id,
        "kind": sanction.kind,
        "ends_at": None if sanction.ends_at is None else sanction.ends_at.isoformat(),
        "active": sanction.lifted_at is None,
    }


def duration_until(
    now: datetime, until: datetime | None, duration: timedelta | None
) -> datetime | None:
    """The end time a command asked for, from ``until`` or ``duration`` (not both)."""
    if until is not None and duration is not None:
        raise ValidationError("give until or duration, not both", field="until")
    if duration is not None:
        if not isinstance(duration, timedelta):
            raise ValidationError("duration must be a timedelta", field="duration")
        if duration <= timedelta(0):
            raise ValidationError("duration must be positive", field="duration")
        try:
            return now + duration
        except OverflowError:
            raise ValidationError("duration is too long", field="duration") from None
    if until is None:
        return None
    return aware(until, "until").astimezone(timezone.utc)


__all__ = [
    "BLOCKS_EVERYTHING",
    "IMPOSER_RANK",
    "ROLE_RANKS",
    "blocking",
    "check_lift",
    "check_sanction",
    "describe",
    "duration_until",
    "end_of",
    "rank",
    "sanction_state",
]

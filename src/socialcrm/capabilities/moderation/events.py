"""Events of the moderation capability: sanctions and the weekly moderation budget."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class _SanctionEvent(Event):
    """The fields every sanction event starts with: which sanction, on whom, of what kind."""

    sanction_id: int
    member_id: int
    kind: str


@attrs.frozen(kw_only=True)
class SanctionImposed(_SanctionEvent):
    """A moderator silenced, suspended or banned a member.

    ``ends_at`` is when the sanction lifts by itself (``None``: only when lifted).
    """

    name: ClassVar[str] = "sanction_imposed"
    reason: str
    ends_at: datetime | None = None


@attrs.frozen(kw_only=True)
class SanctionLifted(_SanctionEvent):
    """A sanction stopped applying: lifted early by a moderator, or expired.

    ``expired`` is ``True`` when it reached its end time and
    ``expire_sanctions()`` recorded that (``actor_id`` is then ``None`` and ``at``
    is when the job ran), ``False`` when a moderator lifted it. ``ended_at`` is
    when it stopped applying.
    """

    name: ClassVar[str] = "sanction_lifted"
    expired: bool
    ended_at: datetime
    reason: str = ""


@attrs.frozen(kw_only=True)
class ModerationBudgetExceeded(Event):
    """This UTC week's estimated moderation time passed the configured weekly budget.

    Sent at most once per week, by ``community.moderation.check_budget()``;
    ``week_start`` is the Monday 00:00 UTC the week began, minutes are whole.
    """

    name: ClassVar[str] = "moderation_budget_exceeded"
    week_start: datetime
    decisions: int
    estimated_minutes: int
    budget_minutes: int


__all__ = ["ModerationBudgetExceeded", "SanctionImposed", "SanctionLifted"]

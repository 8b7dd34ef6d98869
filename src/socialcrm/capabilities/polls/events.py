"""Events of the polls capability: polls created, ballots cast, polls closed."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class _PollEvent(Event):
    """The fields every poll event starts with: the poll and the thread carrying it."""

    poll_id: int
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class PollCreated(_PollEvent):
    """A thread got a poll."""

    name: ClassVar[str] = "poll_created"
    closes_at: datetime | None = None


@attrs.frozen(kw_only=True)
class PollVoted(_PollEvent):
    """A member cast or changed their ballot; ``option_ids`` is the new choice."""

    name: ClassVar[str] = "poll_voted"
    member_id: int
    option_ids: tuple[int, ...]
    changed: bool


@attrs.frozen(kw_only=True)
class PollClosed(_PollEvent):
    """A poll was closed by hand before its closing date."""

    name: ClassVar[str] = "poll_closed"


__all__ = ["PollClosed", "PollCreated", "PollVoted"]

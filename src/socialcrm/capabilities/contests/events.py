"""Events of the contests capability: contests created and decided."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class _ContestEvent(Event):
    """The fields every contest event starts with: the contest and its thread."""

    contest_id: int
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class ContestCreated(_ContestEvent):
    """A thread became a contest."""

    name: ClassVar[str] = "contest_created"
    submission_ends_at: datetime
    voting_ends_at: datetime


@attrs.frozen(kw_only=True)
class ContestDecided(_ContestEvent):
    """A contest's winners were decided and recorded (once per contest).

    ``winner_post_ids`` and ``winner_member_ids`` are in place order (first
    place first); both are empty when the contest had no entries.
    """

    name: ClassVar[str] = "contest_decided"
    winner_post_ids: tuple[int, ...]
    winner_member_ids: tuple[int, ...]


__all__ = ["ContestCreated", "ContestDecided"]

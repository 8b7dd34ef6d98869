"""The contests capability's storage port: contests and their winners.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.contests.records import Contest, ContestWinner, NewContest


class ContestRepository(Protocol):
    """Contests on threads (one per thread) and their recorded winners."""

    def add(self, new: NewContest) -> Contest:
        """Store the contest (validated when ``new`` was built), not decided yet.

        The storage may still refuse it: ``Conflict`` (``duplicate_contest``) if the
        thread has a contest already.
        """
        ...

    def get(self, contest_id: int) -> Contest | None:
        """The contest with this id, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> Contest | None:
        """The thread's contest, or ``None``. Every vote reads this, so SQL adapters
        answer it from the unique index on ``thread_id``."""
        ...

    def mark_decided(self, contest_id: int, *, at: datetime) -> bool:
        """Set ``decided_at`` only if it is not set; ``False`` (nothing changed) otherwise."""
        ...

    def add_winners(self, contest_id: int, winners: Collection[ContestWinner]) -> None:
        """Record the decided places; ``Conflict`` (``duplicate_winner``) if a place is taken."""
        ...

    def winners(self, contest_id: int) -> builtins.list[ContestWinner]:
        """The recorded places, first place first."""
        ...

    def due(self, at: datetime, *, limit: int) -> builtins.list[Contest]:
        """Undecided contests whose voting ended at or before ``at``, earliest end first
        (ties by id), at most ``limit``."""


__all__ = ["ContestRepository"]

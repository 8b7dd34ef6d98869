"""Contests in memory: one per thread, with a submission and a voting window, and winners."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import EngagementRepository
from socialcrm.adapters.memory.queries import first_by, lookup
from socialcrm.capabilities.contests.records import Contest, ContestWinner, NewContest
from socialcrm.errors import Conflict


class MemoryContests(EngagementRepository):
    """:class:`socialcrm.ports.ContestRepository` in memory."""

    def add(self, new: NewContest) -> Contest:
        """Insert a contest; ``Conflict`` if the thread has one."""
        if new.thread_id in self._e.contest_by_thread:
            raise Conflict(f"thread {new.thread_id} is a contest already", code="duplicate_contest")
        contest = Contest(id=self._j.next_id("contests"), **attrs.asdict(new, recurse=False))
        return self._j.insert(
            self._e.contests, contest, index=self._e.contest_by_thread, key=new.thread_id
        )

    def get(self, contest_id: int) -> Contest | None:
        """The contest, or ``None``."""
        return self._e.contests.get(contest_id)

    def for_thread(self, thread_id: int) -> Contest | None:
        """The thread's contest, or ``None``."""
        return lookup(self._e.contests, self._e.contest_by_thread, thread_id)

    def mark_decided(self, contest_id: int, *, at: datetime) -> bool:
        """Set ``decided_at`` once."""
        return self._j.evolve_if(
            self._e.contests, contest_id, lambda c: c.decided_at is None, decided_at=at
        )

    def add_winners(self, contest_id: int, winners: Collection[ContestWinner]) -> None:
        """Record the places; ``Conflict`` if a place is recorded already."""
        for winner in winners:
            key = (contest_id, winner.position)
            if key in self._e.contest_winners:
                raise Conflict("that place is recorded already", code="duplicate_winner")
            self._j.put(self._e.contest_winners, key, winner)

    def winners(self, contest_id: int) -> list[ContestWinner]:
        """The places, first first."""
        return [w for (cid, _), w in sorted(self._e.contest_winners.items()) if cid == contest_id]

    def due(self, at: datetime, *, limit: int) -> list[Contest]:
        """Undecided contests whose voting ended by ``at``."""
        found = (
            c for c in self._e.contests.values() if c.decided_at is None and c.voting_ends_at <= at
        )
        return first_by(found, lambda c: (c.voting_ends_at, c.id), limit=limit)


__all__ = ["MemoryContests"]

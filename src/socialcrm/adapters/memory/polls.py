"""Polls in memory: one per thread, with options and one ballot per member."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import EngagementRepository
from socialcrm.adapters.memory.queries import lookup
from socialcrm.capabilities.polls.records import NewPoll, Poll, PollOption
from socialcrm.errors import Conflict


class MemoryPolls(EngagementRepository):
    """:class:`socialcrm.ports.PollRepository` in memory."""

    def add(self, new: NewPoll) -> Poll:
        """Insert a poll with its options; ``Conflict`` if the thread has a poll."""
        if new.thread_id in self._e.poll_by_thread:
            raise Conflict(f"thread {new.thread_id} has a poll already", code="duplicate_poll")
        poll_id = self._j.next_id("polls")
        options = tuple(
            PollOption(id=self._j.next_id("poll_options"), poll_id=poll_id, position=i, label=label)
            for i, label in enumerate(new.options)
        )
        poll = Poll(id=poll_id, **{**attrs.asdict(new, recurse=False), "options": options})
        return self._j.insert(self._e.polls, poll, index=self._e.poll_by_thread, key=new.thread_id)

    def get(self, poll_id: int) -> Poll | None:
        """The poll, or ``None``."""
        return self._e.polls.get(poll_id)

    def for_thread(self, thread_id: int) -> Poll | None:
        """The thread's poll, or ``None``."""
        return lookup(self._e.polls, self._e.poll_by_thread, thread_id)

    def close(self, poll_id: int, *, at: datetime) -> bool:
        """Close once; ``False`` if already closed or unknown."""
        return self._j.evolve_if(
            self._e.polls, poll_id, lambda p: p.closed_at is None, closed_at=at
        )

    def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...]:
        """The member's chosen option ids, ascending."""
        return self._e.ballots.get((poll_id, member_id), ())

    def set_ballot(
        self, poll_id: int, member_id: int, option_ids: Collection[int], *, cast_at: datetime
    ) -> None:
        """Replace the member's ballot (empty withdraws it)."""
        chosen = tuple(sorted(set(option_ids)))
        if chosen:
            self._j.put(self._e.ballots, (poll_id, member_id), chosen)
        else:
            self._j.delete(self._e.ballots, (poll_id, member_id))

    def tallies(self, poll_id: int) -> dict[int, int]:
        """Ballots per option id (every option of the poll)."""
        poll = self._e.polls.get(poll_id)
        counts = {o.id: 0 for o in poll.options} if poll is not None else {}
        for (pid, _), chosen in self._e.ballots.items():
            if pid == poll_id:
                for option_id in chosen:
                    counts[option_id] = counts.get(option_id, 0) + 1
        return counts

    def voters(self, poll_id: int) -> int:
        """How many members hold a ballot."""
        return sum(1 for (pid, _) in self._e.ballots if pid == poll_id)


__all__ = ["MemoryPolls"]

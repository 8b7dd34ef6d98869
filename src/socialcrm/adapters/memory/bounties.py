"""Bounties in memory: at most one open per thread, closed as awarded, expired or refunded."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, first_by, lookup, require
from socialcrm.capabilities.bounties.records import Bounty, BountyClosing
from socialcrm.errors import Conflict


class MemoryBounties(MemoryRepository):
    """:class:`socialcrm.ports.BountyRepository` in memory."""

    def open(
        self,
        *,
        thread_id: int,
        offered_by: int,
        amount: int,
        started_at: datetime,
        ends_at: datetime,
    ) -> Bounty:
        """Open a bounty; ``Conflict`` (``bounty_already_open``) if the thread has one open."""
        if thread_id in self._t.open_bounty_by_thread:
            raise Conflict(
                f"thread {thread_id} has an open bounty already", code="bounty_already_open"
            )
        bounty = Bounty(
            id=self._j.next_id("bounties"),
            thread_id=thread_id,
            offered_by=offered_by,
            amount=amount,
            started_at=started_at,
            ends_at=ends_at,
        )
        return self._j.insert(
            self._t.bounties, bounty, index=self._t.open_bounty_by_thread, key=thread_id
        )

    def get(self, bounty_id: int) -> Bounty | None:
        """The bounty with this id, or ``None``."""
        return self._t.bounties.get(bounty_id)

    def open_for_thread(self, thread_id: int) -> Bounty | None:
        """The thread's open bounty, or ``None``."""
        return lookup(self._t.bounties, self._t.open_bounty_by_thread, thread_id)

    def for_thread(self, thread_id: int) -> list[Bounty]:
        """Every bounty of the thread, by id."""
        return by_id(b for b in self._t.bounties.values() if b.thread_id == thread_id)

    def close(self, bounty_id: int, closing: BountyClosing) -> bool:
        """Close an open bounty once; ``False`` if closed already, ``NotFound`` if unknown."""
        bounty = require(self._t.bounties, bounty_id, "bounty", "bounty_not_found")
        closed = self._j.evolve_if(
            self._t.bounties,
            bounty_id,
            lambda b: b.is_open,
            **attrs.asdict(closing, recurse=False),
        )
        if closed:
            self._j.delete(self._t.open_bounty_by_thread, bounty.thread_id)
        return closed

    def due(self, at: datetime, *, limit: int) -> list[Bounty]:
        """Open bounties that ended by ``at``, earliest end first."""
        found = (b for b in self._t.bounties.values() if b.is_open and b.ends_at <= at)
        return first_by(found, lambda b: (b.ends_at, b.id), limit=limit)


__all__ = ["MemoryBounties"]

"""Sanctions in memory: silences and suspensions, lifted by hand or when they end."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, first_by, newest_first, require
from socialcrm.capabilities.moderation.policy import check_lift
from socialcrm.capabilities.moderation.records import NewSanction, Sanction


class MemorySanctions(MemoryRepository):
    """:class:`socialcrm.ports.SanctionRepository` in memory."""

    def add(self, new: NewSanction) -> Sanction:
        """Impose a sanction; ``NotFound`` (``member_not_found``) for an unknown member."""
        require(self._t.members, new.member_id, "member", "member_not_found")
        sanction = Sanction(id=self._j.next_id("sanctions"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.sanctions, sanction)

    def get(self, sanction_id: int) -> Sanction | None:
        """The sanction with this id, or ``None``."""
        return self._t.sanctions.get(sanction_id)

    def in_force(self, member_id: int, at: datetime) -> list[Sanction]:
        """The member's sanctions neither lifted nor ended at ``at``, by id."""
        return by_id(
            s
            for s in self._t.sanctions.values()
            if s.member_id == member_id
            and s.lifted_at is None
            and (s.ends_at is None or s.ends_at > at)
        )

    def lift(self, sanction_id: int, *, at: datetime, by: int | None, reason: str | None) -> bool:
        """Lift once; ``False`` if lifted already, ``NotFound`` if unknown."""
        check_lift(at=at)
        require(self._t.sanctions, sanction_id, "sanction", "sanction_not_found")
        return self._j.evolve_if(
            self._t.sanctions,
            sanction_id,
            lambda s: s.lifted_at is None,
            lifted_at=at,
            lifted_by=by,
            lift_reason=reason,
        )

    def due_to_expire(self, at: datetime, *, limit: int) -> list[Sanction]:
        """Unlifted sanctions that ended by ``at``, earliest end first."""
        due = (
            s
            for s in self._t.sanctions.values()
            if s.lifted_at is None and s.ends_at is not None and s.ends_at <= at
        )
        return first_by(due, lambda s: (s.ends_at, s.id), limit=limit)

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> list[Sanction]:
        """One page of the member's sanctions, newest first."""
        mine = (s for s in self._t.sanctions.values() if s.member_id == member_id)
        return newest_first(mine, limit=limit, offset=offset)


__all__ = ["MemorySanctions"]

"""The audit log in memory: append-only entries of what moderators and the system did."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import newest_first, visible
from socialcrm.capabilities.audit.records import AuditEntry, NewAuditEntry


class MemoryAudit(MemoryRepository):
    """:class:`socialcrm.ports.AuditRepository` in memory."""

    def append(self, new: NewAuditEntry) -> AuditEntry:
        """Append an entry."""
        entry = AuditEntry(id=self._j.next_id("audit"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.audit, entry)

    def entries(
        self,
        *,
        actor_id: int | None = None,
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        actions: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        exclude_space_ids: Collection[int] = (),
        limit: int,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """One page of the entries matching every filter given, newest first."""
        wanted = None if actions is None else set(actions)
        hidden = set(exclude_space_ids)
        found = (
            e
            for e in self._t.audit.values()
            if (actor_id is None or e.actor_id == actor_id)
            and (member_id is None or e.member_id == member_id)
            and (post_id is None or e.post_id == post_id)
            and (thread_id is None or e.thread_id == thread_id)
            and (wanted is None or e.action in wanted)
            and (since is None or e.at >= since)
            and (until is None or e.at < until)
            and (before_id is None or e.id < before_id)
            and visible(e.space_id, hidden)
        )
        return newest_first(found, limit=limit, offset=offset)


__all__ = ["MemoryAudit"]

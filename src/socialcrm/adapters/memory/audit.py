"""The audit log in memory: append-only entries of what moderators and the system did."""

from __future__ import annotations

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import in_window, newest_first, visible
from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry


class MemoryAudit(MemoryRepository):
    """:class:`socialcrm.ports.AuditRepository` in memory."""

    def append(self, new: NewAuditEntry) -> AuditEntry:
        """Append an entry."""
        entry = AuditEntry(id=self._j.next_id("audit"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.audit, entry)

    def entries(self, query: AuditQuery, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        """One page of the entries ``query`` matches, newest first."""
        q = query
        found = (
            e
            for e in self._t.audit.values()
            if (q.actor_id is None or e.actor_id == q.actor_id)
            and (q.member_id is None or e.member_id == q.member_id)
            and (q.post_id is None or e.post_id == q.post_id)
            and (q.thread_id is None or e.thread_id == q.thread_id)
            and (q.actions is None or e.action in q.actions)
            and in_window(e.at, q.since, q.until)
            and (q.before_id is None or e.id < q.before_id)
            and visible(e.space_id, q.exclude_space_ids)
        )
        return newest_first(found, limit=limit, offset=offset)


__all__ = ["MemoryAudit"]

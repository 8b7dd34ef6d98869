"""Import state in memory: which external ids became which local ids, and checkpoints."""

from __future__ import annotations

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.errors import Conflict


class MemoryImports(MemoryRepository):
    """:class:`socialcrm.ports.ImportRepository` in memory."""

    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        """Remember a local id; ``Conflict`` (``duplicate_import_id``) if mapped already."""
        key = (source, kind, external_id)
        if key in self._t.import_ids:
            raise Conflict(
                f"{source} {kind} {external_id!r} was imported already",
                code="duplicate_import_id",
            )
        self._j.put(self._t.import_ids, key, local_id)

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        """External id to local id for one source and kind."""
        return {
            ext: local
            for (src, knd, ext), local in self._t.import_ids.items()
            if src == source and knd == kind
        }

    def checkpoint(self, *, source: str, stage: str) -> int:
        """How far a stage of an import got (0 before it starts)."""
        return self._t.import_checkpoints.get((source, stage), 0)

    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        """Record how far a stage got."""
        self._j.put(self._t.import_checkpoints, (source, stage), position)


__all__ = ["MemoryImports"]

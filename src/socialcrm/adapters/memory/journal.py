"""The undo journal of a memory unit of work, shared by every repository of the unit.

Isolation comes from one re-entrant lock held for the whole unit (units run one at a
time, like SQLite's ``BEGIN IMMEDIATE``). Every write goes through the journal, which
remembers how to undo it; rollback replays those undos in reverse, so a rejected command
leaves the data exactly as it was without copying the whole store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import attrs

from socialcrm.adapters.memory.tables import Tables


class Identified(Protocol):
    """A stored record: every table keys its records by their ``id``."""

    @property
    def id(self) -> int:
        """The record's id, handed out by :meth:`Journal.next_id`."""
        ...


R = TypeVar("R", bound=Identified)


class Journal:
    """Records how to undo each write of the current unit."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables
        self.undo: list[Callable[[], None]] = []

    def next_id(self, name: str) -> int:
        """The next id of sequence ``name``.

        Like SQL sequences, ids handed out are not given back on rollback.
        """
        value = self.t.sequences.get(name, 0) + 1
        self.t.sequences[name] = value
        return value

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        """Store ``value`` under ``key``, remembering what was there."""
        if key in table:
            old = table[key]
            self.undo.append(lambda: table.__setitem__(key, old))
        else:
            self.undo.append(lambda: table.pop(key, None))
        table[key] = value

    def delete(self, table: dict[Any, Any], key: Any) -> None:
        """Remove ``key`` if present, remembering its value."""
        if key in table:
            old = table.pop(key)
            self.undo.append(lambda: table.__setitem__(key, old))

    def set_add(self, target: set[Any], item: Any) -> bool:
        """Add ``item``; ``False`` if it was there already."""
        if item in target:
            return False
        target.add(item)
        self.undo.append(lambda: target.discard(item))
        return True

    def set_remove(self, target: set[Any], item: Any) -> bool:
        """Remove ``item``; ``False`` if it was not there."""
        if item not in target:
            return False
        target.discard(item)
        self.undo.append(lambda: target.add(item))
        return True

    def insert(
        self,
        table: dict[int, R],
        record: R,
        *,
        index: dict[Any, int] | None = None,
        key: Any = None,
    ) -> R:
        """Store a new record under its id, and its id under ``key`` in a unique ``index``."""
        self.put(table, record.id, record)
        if index is not None:
            self.put(index, key, record.id)
        return record

    def evolve(self, table: dict[Any, Any], key: Any, **changes: Any) -> None:
        """Replace the record under ``key`` by a copy with ``changes``; nothing if absent."""
        record = table.get(key)
        if record is not None:
            self.put(table, key, attrs.evolve(record, **changes))

    def evolve_if(
        self, table: dict[Any, R], key: Any, test: Callable[[R], bool], **changes: Any
    ) -> bool:
        """:meth:`evolve` the record only if it exists and passes ``test``; whether it did."""
        record = table.get(key)
        if record is None or not test(record):
            return False
        self.put(table, key, attrs.evolve(cast(Any, record), **changes))
        return True

    def commit(self) -> None:
        """Keep every write made so far: forget how to undo them."""
        self.undo.clear()

    def rollback(self) -> None:
        """Undo every write not committed, newest first."""
        while self.undo:
            self.undo.pop()()


class MemoryRepository:
    """What every memory repository holds: its unit's journal and the store it writes."""

    def __init__(self, journal: Journal) -> None:
        self._j = journal
        self._t = journal.t


class EngagementRepository(MemoryRepository):
    """A memory repository over the engagement part of the store (``self._e``)."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self._e = journal.t.engagement


__all__ = ["EngagementRepository", "Identified", "Journal", "MemoryRepository"]

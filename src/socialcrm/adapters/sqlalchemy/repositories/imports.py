"""Import state: source ids mapped to local ids, and checkpoints of each stage."""

from __future__ import annotations

from sqlalchemy import Integer, MetaData, Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string
from socialcrm.adapters.sqlalchemy.conventions import (
    CODE_LENGTH,
    IMPORT_KEY_LENGTH,
    TableKit,
    column,
)
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.errors import Conflict


def add_import_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``import_ids`` and ``import_checkpoints``, the state of history imports.

    Which source row became which local row, and how far each stage got. Keys are
    at most 191 characters so a three-column primary key stays within InnoDB's
    3072-byte limit in utf8mb4. No foreign keys: the state outlives nothing.
    """
    kit = TableKit(metadata, prefix)
    import_ids = kit.keyed(
        "import_ids",
        ("source", "kind", "external_id"),
        column("source", case_sensitive_string(IMPORT_KEY_LENGTH)),
        column("kind", case_sensitive_string(CODE_LENGTH)),
        column("external_id", case_sensitive_string(IMPORT_KEY_LENGTH)),
        column("local_id", Integer),
    )
    import_checkpoints = kit.keyed(
        "import_checkpoints",
        ("source", "stage"),
        column("source", case_sensitive_string(IMPORT_KEY_LENGTH)),
        column("stage", case_sensitive_string(CODE_LENGTH)),
        column("position", Integer),
    )
    return {"import_ids": import_ids, "import_checkpoints": import_checkpoints}


class ImportStatements:
    """The import-state statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        ids, cp = tables.import_ids, tables.import_checkpoints
        self.insert_id = prepare.hot(
            insert(ids), column_keys=["source", "kind", "external_id", "local_id"]
        )
        self.get_id = prepare.core(
            select(ids.c.local_id).where(
                ids.c.source == bindparam("source"),
                ids.c.kind == bindparam("kind"),
                ids.c.external_id == bindparam("external_id"),
            )
        )
        self.all_ids = prepare.core(
            select(ids.c.external_id, ids.c.local_id).where(
                ids.c.source == bindparam("source"), ids.c.kind == bindparam("kind")
            )
        )
        # Named "src"/"stg", not like the columns: those would join the SET clause.
        is_stage = (cp.c.source == bindparam("src"), cp.c.stage == bindparam("stg"))
        self.checkpoint = prepare.core(select(cp.c.position).where(*is_stage))
        self.update_checkpoint = prepare.core(
            update(cp).where(*is_stage).values(position=bindparam("new_position"))
        )
        self.insert_checkpoint = prepare.core(insert(cp))


class SQLImportRepository(SQLRepository):
    """:class:`socialcrm.ports.ImportRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: ImportStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        """Record a mapping; ``Conflict`` (``duplicate_import_id``) if it exists."""
        key = {"source": source, "kind": kind, "external_id": external_id}
        self._insert_unique(
            self._q.insert_id,
            {**key, "local_id": local_id},
            already_exists=lambda: self._q.get_id.first(self._conn, key) is not None,
            conflict=lambda: Conflict(
                f"{source} {kind} {external_id!r} was imported already",
                code="duplicate_import_id",
            ),
        )

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        """Every mapped id of ``kind`` in ``source``."""
        rows = self._q.all_ids.all(self._conn, {"source": source, "kind": kind})
        return {external_id: local_id for external_id, local_id in rows}

    def checkpoint(self, *, source: str, stage: str) -> int:
        """The saved position, or 0."""
        found = self._q.checkpoint.scalar(self._conn, {"src": source, "stg": stage})
        return 0 if found is None else int(found)

    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        """Save the position (update, else insert)."""
        key = {"src": source, "stg": stage, "new_position": position}
        if self._q.update_checkpoint.write(self._conn, key):
            return
        # Only one import runs per source at a time (documented), so no insert race.
        row = {"source": source, "stage": stage, "position": position}
        self._q.insert_checkpoint.insert(self._conn, row)


__all__ = ["ImportStatements", "SQLImportRepository"]

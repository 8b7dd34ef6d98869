"""The append-only audit log of moderator and admin actions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import Index, Integer, MetaData, String, Table, insert, or_, select
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    AUDIT_ACTION_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import FromColumns, RowMapper, json_value
from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry

#: The records' row mappers; a query selects their ``columns``, in order.
AUDIT_ROW = RowMapper(
    AuditEntry,
    {
        "before": FromColumns(("before_state",), json_value),
        "after": FromColumns(("after_state",), json_value),
    },
)
AUDIT_FIELDS = AUDIT_ROW.columns


def _state_to_text(state: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(state or {}), separators=(",", ":"), allow_nan=False)


def add_audit_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``audit_log`` table, the append-only moderation log.

    It has no foreign keys (it names members, posts and threads that may later be
    deleted); ``before_state`` and ``after_state`` are JSON objects as text. Each
    filter of the audit query leads an index with ``id``, so "newest first" pages
    read the index in order.
    """
    kit = TableKit(metadata, prefix)
    audit_log = kit.entity(
        "audit_log",
        timestamp("at"),
        column("actor_id", Integer, nullable=True),
        column("action", String(AUDIT_ACTION_LENGTH)),
        column("reason", long_text()),
        column("member_id", Integer, nullable=True),
        column("post_id", Integer, nullable=True),
        column("thread_id", Integer, nullable=True),
        column("before_state", long_text()),
        column("after_state", long_text()),
        column("space_id", Integer, nullable=True),
        Index(None, "actor_id", "id"),
        Index(None, "member_id", "id"),
        Index(None, "post_id", "id"),
        Index(None, "thread_id", "id"),
        Index(None, "action", "id"),
        Index(None, "at"),
    )
    return {"audit_log": audit_log}


class AuditStatements:
    """The audit statements built once per storage; queries are built per filter set."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        a = tables.audit_log
        self.table = a
        self.columns = [a.c[name] for name in AUDIT_FIELDS]
        self.insert = prepare.core(insert(a))


class SQLAuditRepository(SQLRepository):
    """:class:`socialcrm.ports.AuditRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: AuditStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def append(self, new: NewAuditEntry) -> AuditEntry:
        """Append an entry (``before``/``after`` stored as JSON text)."""
        row = attrs.asdict(new, recurse=False)
        row["before_state"] = _state_to_text(row.pop("before"))
        row["after_state"] = _state_to_text(row.pop("after"))
        entry_id = self._q.insert.insert(self._conn, row)
        return AuditEntry(id=entry_id, **attrs.asdict(new, recurse=False))

    def entries(self, query: AuditQuery, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        """One page of the entries ``query`` matches, newest first."""
        if query.actions is not None and not query.actions:
            return []
        a = self._q.table
        selected = select(*self._q.columns)
        for filtered, value in (
            (a.c.actor_id, query.actor_id),
            (a.c.member_id, query.member_id),
            (a.c.post_id, query.post_id),
            (a.c.thread_id, query.thread_id),
        ):
            if value is not None:
                selected = selected.where(filtered == value)
        if query.actions is not None:
            selected = selected.where(a.c.action.in_(sorted(query.actions)))
        if query.since is not None:
            selected = selected.where(a.c.at >= query.since)
        if query.until is not None:
            selected = selected.where(a.c.at < query.until)
        if query.before_id is not None:
            selected = selected.where(a.c.id < query.before_id)
        if query.exclude_space_ids:
            hidden = sorted(query.exclude_space_ids)
            selected = selected.where(or_(a.c.space_id.is_(None), a.c.space_id.not_in(hidden)))
        selected = selected.order_by(a.c.id.desc()).limit(limit).offset(offset)
        return [AUDIT_ROW.from_row(row) for row in CoreStatement(selected).all(self._conn)]


__all__ = ["AUDIT_FIELDS", "AuditStatements", "SQLAuditRepository"]

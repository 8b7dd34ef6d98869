"""The append-only audit log of moderator and admin actions."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
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
from socialcrm.capabilities.audit.records import AuditEntry, NewAuditEntry

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
        """Entries matching every filter given, newest first."""
        if actions is not None and not actions:
            return []
        a = self._q.table
        query = select(*self._q.columns)
        for filtered, value in (
            (a.c.actor_id, actor_id),
            (a.c.member_id, member_id),
            (a.c.post_id, post_id),
            (a.c.thread_id, thread_id),
        ):
            if value is not None:
                query = query.where(filtered == value)
        if actions is not None:
            query = query.where(a.c.action.in_(sorted(set(actions))))
        if since is not None:
            query = query.where(a.c.at >= since)
        if until is not None:
            query = query.where(a.c.at < until)
        if before_id is not None:
            query = query.where(a.c.id < before_id)
        if exclude_space_ids:
            query = query.where(
                or_(a.c.space_id.is_(None), a.c.space_id.not_in(sorted(set(exclude_space_ids))))
            )
        query = query.order_by(a.c.id.desc()).limit(limit).offset(offset)
        return [AUDIT_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]


__all__ = ["AUDIT_FIELDS", "AuditStatements", "SQLAuditRepository"]

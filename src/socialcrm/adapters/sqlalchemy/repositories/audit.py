"""The append-only audit log of moderator and admin actions."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.tables import Tables
from socialcrm.capabilities.audit.policy import check_audit_entry
from socialcrm.capabilities.audit.records import AuditEntry

#: Column order of every audit query; ``_entry_from_row`` unpacks in this order.
AUDIT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "action",
    "reason",
    "member_id",
    "post_id",
    "thread_id",
    "before_state",
    "after_state",
    "space_id",
)


def _state_to_text(state: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(state or {}), separators=(",", ":"), allow_nan=False)


def _entry_from_row(row: Sequence[Any]) -> AuditEntry:
    id_, at, actor_id, action, reason, member_id, post_id, thread_id, before, after, space = row
    return AuditEntry(
        id=id_,
        at=at,
        actor_id=actor_id,
        action=action,
        reason=reason,
        member_id=member_id,
        post_id=post_id,
        thread_id=thread_id,
        before=json.loads(before),
        after=json.loads(after),
        space_id=space,
    )


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

    def append(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        reason: str = "",
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        space_id: int | None = None,
    ) -> AuditEntry:
        """Append an entry; ``ValidationError`` (nothing written) for a bad one."""
        check_audit_entry(at=at, action=action, before=before, after=after)
        entry_id = self._q.insert.insert(
            self._conn,
            {
                "at": at,
                "actor_id": actor_id,
                "action": action,
                "reason": reason,
                "member_id": member_id,
                "post_id": post_id,
                "thread_id": thread_id,
                "before_state": _state_to_text(before),
                "after_state": _state_to_text(after),
                "space_id": space_id,
            },
        )
        return AuditEntry(
            id=entry_id,
            at=at,
            actor_id=actor_id,
            action=action,
            reason=reason,
            member_id=member_id,
            post_id=post_id,
            thread_id=thread_id,
            before=before,
            after=after,
            space_id=space_id,
        )

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
        for column, value in (
            (a.c.actor_id, actor_id),
            (a.c.member_id, member_id),
            (a.c.post_id, post_id),
            (a.c.thread_id, thread_id),
        ):
            if value is not None:
                query = query.where(column == value)
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
        return [_entry_from_row(row) for row in CoreStatement(query).all(self._conn)]


__all__ = ["AUDIT_FIELDS", "AuditStatements", "SQLAuditRepository"]

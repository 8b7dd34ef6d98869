"""Bounties: one open per thread (a unique key on ``open_thread_id``), closed by compare-and-set."""

from __future__ import annotations

import builtins
from datetime import datetime

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import CODE_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.bounties.records import Bounty, BountyClosing
from socialcrm.errors import Conflict, NotFound

#: The records' row mappers; a query selects their ``columns``, in order.
BOUNTY_ROW = RowMapper(Bounty)
BOUNTY_FIELDS = BOUNTY_ROW.columns


def add_bounty_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``bounties`` table: every bounty, closed ones too.

    ``open_thread_id`` is the thread's id while the bounty is open and NULL once it
    closes; its unique key allows one open bounty per thread (NULLs never clash on
    any of the three databases). ``(status, ends_at)`` serves the expiry job.
    """
    kit = TableKit(metadata, prefix)
    bounties = kit.entity(
        "bounties",
        kit.reference("thread_id", "threads"),
        kit.reference("offered_by", "members"),
        column("amount", Integer),
        timestamp("started_at"),
        timestamp("ends_at"),
        column("status", String(CODE_LENGTH)),
        # The thread's id while open, NULL once closed: unique, so one open bounty a thread.
        column("open_thread_id", Integer, nullable=True),
        column("answer_id", Integer, nullable=True),
        column("awarded_to", Integer, nullable=True),
        column("awarded_amount", Integer),
        timestamp("closed_at", nullable=True),
        column("closed_by", Integer, nullable=True),
        UniqueConstraint("open_thread_id"),
        Index(None, "thread_id"),
        Index(None, "offered_by"),
        Index(None, "status", "ends_at"),
    )
    return {"bounties": bounties}


class BountyStatements:
    """The bounty statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        b = tables.bounties
        columns = [b.c[name] for name in BOUNTY_FIELDS]
        is_open = b.c.status == "open"
        self.insert = prepare.core(insert(b))
        self.get = prepare.core(select(*columns).where(b.c.id == bindparam("bounty_id")))
        self.open_for_thread = prepare.core(
            select(*columns).where(b.c.open_thread_id == bindparam("thread_id"))
        )
        self.for_thread = prepare.core(
            select(*columns).where(b.c.thread_id == bindparam("thread_id")).order_by(b.c.id)
        )
        self.close = prepare.core(
            update(b)
            .where(b.c.id == bindparam("bounty_id"), is_open)
            .values(
                open_thread_id=None,
                # Each field of BountyClosing, bound as ``new_<field>``.
                **{f.name: bindparam(f"new_{f.name}") for f in attrs.fields(BountyClosing)},
            )
        )
        self.due = prepare.core(
            select(*columns)
            .where(is_open, b.c.ends_at <= bindparam("at"))
            .order_by(b.c.ends_at, b.c.id)
            .limit(bindparam("limit"))
        )


class SQLBountyRepository(SQLRepository):
    """:class:`socialcrm.ports.BountyRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: BountyStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def open(
        self,
        *,
        thread_id: int,
        offered_by: int,
        amount: int,
        started_at: datetime,
        ends_at: datetime,
    ) -> Bounty:
        """Insert an open bounty; ``Conflict`` (``bounty_already_open``) if one is open."""
        params = {
            "thread_id": thread_id,
            "offered_by": offered_by,
            "amount": amount,
            "started_at": started_at,
            "ends_at": ends_at,
            "status": "open",
            "open_thread_id": thread_id,
            "awarded_amount": 0,
        }
        bounty_id = self._insert_unique(
            self._q.insert,
            params,
            already_exists=lambda: self.open_for_thread(thread_id) is not None,
            conflict=lambda: Conflict(
                f"thread {thread_id} has an open bounty already", code="bounty_already_open"
            ),
        )
        return Bounty(
            id=bounty_id,
            thread_id=thread_id,
            offered_by=offered_by,
            amount=amount,
            started_at=started_at,
            ends_at=ends_at,
        )

    def get(self, bounty_id: int) -> Bounty | None:
        """The bounty, or ``None``."""
        row = self._q.get.first(self._conn, {"bounty_id": bounty_id})
        return None if row is None else BOUNTY_ROW.from_row(row)

    def open_for_thread(self, thread_id: int) -> Bounty | None:
        """The thread's open bounty, or ``None``."""
        row = self._q.open_for_thread.first(self._conn, {"thread_id": thread_id})
        return None if row is None else BOUNTY_ROW.from_row(row)

    def for_thread(self, thread_id: int) -> builtins.list[Bounty]:
        """Every bounty of the thread, by id."""
        rows = self._q.for_thread.all(self._conn, {"thread_id": thread_id})
        return [BOUNTY_ROW.from_row(row) for row in rows]

    def close(self, bounty_id: int, closing: BountyClosing) -> bool:
        """Compare-and-set the closing; ``NotFound`` for an unknown id."""
        params = {f"new_{name}": value for name, value in attrs.asdict(closing).items()}
        if self._q.close.write(self._conn, {"bounty_id": bounty_id, **params}):
            return True
        if self.get(bounty_id) is None:
            raise NotFound(f"no bounty {bounty_id}", code="bounty_not_found")
        return False

    def due(self, at: datetime, *, limit: int) -> builtins.list[Bounty]:
        """Open bounties ended by ``at``, earliest end first."""
        rows = self._q.due.all(self._conn, {"at": at, "limit": max(limit, 0)})
        return [BOUNTY_ROW.from_row(row) for row in rows]


__all__ = ["BountyStatements", "SQLBountyRepository"]

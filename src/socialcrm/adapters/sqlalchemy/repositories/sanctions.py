"""Sanctions: silences, suspensions and bans, read by every command for its actor."""

from __future__ import annotations

from datetime import datetime

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import CODE_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.moderation.policy import check_lift
from socialcrm.capabilities.moderation.records import NewSanction, Sanction
from socialcrm.errors import NotFound

#: The records' row mappers; a query selects their ``columns``, in order.
SANCTION_ROW = RowMapper(Sanction)
SANCTION_FIELDS = SANCTION_ROW.columns


_INSERTED = SANCTION_FIELDS[1:7]


def add_sanction_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``sanctions`` table: silences, suspensions and bans.

    Only ``member_id`` is a foreign key (like the ledger, it is history).
    ``(member_id, id)`` serves the sanctions-in-force read every command makes for
    its actor, and a member's history; ``(lifted_at, ends_at)`` the expiry job.
    """
    kit = TableKit(metadata, prefix)
    sanctions = kit.entity(
        "sanctions",
        kit.reference("member_id", "members"),
        column("kind", String(CODE_LENGTH)),
        column("reason", long_text()),
        column("imposed_by", Integer),
        timestamp("imposed_at"),
        timestamp("ends_at", nullable=True),
        timestamp("lifted_at", nullable=True),
        column("lifted_by", Integer, nullable=True),
        column("lift_reason", long_text(), nullable=True),
        Index(None, "member_id", "id"),
        Index(None, "lifted_at", "ends_at"),
    )
    return {"sanctions": sanctions}


class SanctionStatements:
    """The sanctions statements, built once per storage so the compiled cache is hit.

    ``in_force`` runs for the actor of every command, so it is a hot statement
    (direct on pysqlite).
    """

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        t = tables.sanctions
        columns = [t.c[name] for name in SANCTION_FIELDS]
        not_lifted = t.c.lifted_at.is_(None)
        self.insert = prepare.core(insert(t))
        self.member_exists = prepare.core(
            select(tables.members.c.id).where(tables.members.c.id == bindparam("member_id"))
        )
        self.get = prepare.core(select(*columns).where(t.c.id == bindparam("id")))
        self.in_force = prepare.hot(
            select(*columns)
            .where(
                t.c.member_id == bindparam("member_id"),
                not_lifted,
                or_(t.c.ends_at.is_(None), t.c.ends_at > bindparam("at")),
            )
            .order_by(t.c.id)
        )
        self.lift = prepare.core(
            update(t)
            .where(t.c.id == bindparam("sanction_id"), not_lifted)
            .values(
                lifted_at=bindparam("at"),
                lifted_by=bindparam("by"),
                lift_reason=bindparam("why"),
            )
        )
        self.due_to_expire = prepare.core(
            select(*columns)
            .where(not_lifted, t.c.ends_at.is_not(None), t.c.ends_at <= bindparam("at"))
            .order_by(t.c.ends_at, t.c.id)
            .limit(bindparam("limit"))
        )
        self.history = prepare.core(
            select(*columns)
            .where(t.c.member_id == bindparam("member_id"))
            .order_by(t.c.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )


class SQLSanctionRepository(SQLRepository):
    """:class:`socialcrm.ports.SanctionRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: SanctionStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewSanction) -> Sanction:
        """Insert a sanction (checked when made); ``NotFound`` for an unknown member."""
        # Checked first rather than parsed from a foreign-key error: portable, and
        # sanctions are rare enough that the extra read costs nothing that matters.
        if self._q.member_exists.first(self._conn, {"member_id": new.member_id}) is None:
            raise NotFound(f"no member {new.member_id}", code="member_not_found")
        fields = attrs.asdict(new, recurse=False)
        sanction_id = self._q.insert.insert(self._conn, fields)
        return Sanction(id=sanction_id, **fields)

    def get(self, sanction_id: int) -> Sanction | None:
        """The sanction with this id, or ``None``."""
        row = self._q.get.first(self._conn, {"id": sanction_id})
        return None if row is None else SANCTION_ROW.from_row(row)

    def in_force(self, member_id: int, at: datetime) -> list[Sanction]:
        """The member's sanctions not lifted and not ended at ``at``, by id."""
        rows = self._q.in_force.all(self._conn, {"member_id": member_id, "at": at})
        return [SANCTION_ROW.from_row(row) for row in rows]

    def lift(self, sanction_id: int, *, at: datetime, by: int | None, reason: str | None) -> bool:
        """Compare-and-set the lift; ``False`` if already lifted, ``NotFound`` if unknown."""
        check_lift(at=at)
        params = {"sanction_id": sanction_id, "at": at, "by": by, "why": reason}
        if self._q.lift.write(self._conn, params):
            return True
        if self.get(sanction_id) is None:
            raise NotFound(f"no sanction {sanction_id}", code="sanction_not_found")
        return False

    def due_to_expire(self, at: datetime, *, limit: int) -> list[Sanction]:
        """Sanctions not lifted that ended at or before ``at``, earliest end first."""
        rows = self._q.due_to_expire.all(self._conn, {"at": at, "limit": max(limit, 0)})
        return [SANCTION_ROW.from_row(row) for row in rows]

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> list[Sanction]:
        """Every sanction of the member, newest first."""
        params = {"member_id": member_id, "limit": limit, "offset": offset}
        return [SANCTION_ROW.from_row(row) for row in self._q.history.all(self._conn, params)]


__all__ = ["SANCTION_FIELDS", "SQLSanctionRepository", "SanctionStatements"]

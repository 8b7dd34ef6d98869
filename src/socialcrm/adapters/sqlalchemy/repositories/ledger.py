"""The append-only reputation ledger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import attrs
from sqlalchemy import (
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string
from socialcrm.adapters.sqlalchemy.conventions import (
    CAUSE_LENGTH,
    RULE_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.repositories.members import listed_members
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.reputation.records import LedgerEntry, LedgerWindow, NewLedgerEntry
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
LEDGER_ROW = RowMapper(LedgerEntry)
LEDGER_FIELDS = LEDGER_ROW.columns


def add_ledger_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``ledger`` table.

    It is an audit log: only ``member_id`` is a foreign key, so entries never
    block changes to the content they mention.
    """
    kit = TableKit(metadata, prefix)
    ledger = kit.entity(
        "ledger",
        kit.reference("member_id", "members"),
        column("delta", Integer),
        column("requested", Integer),
        column("rule", String(RULE_LENGTH)),
        column("event", String(RULE_LENGTH)),
        column("cause", case_sensitive_string(CAUSE_LENGTH)),
        timestamp("at"),
        column("undoes", Integer, nullable=True),
        column("cap_day", Date, nullable=True),
        column("space_id", Integer, nullable=True),
        column("post_id", Integer, nullable=True),
        Index(None, "member_id", "cap_day"),
        Index(None, "member_id", "id"),
        Index(None, "cause"),
        # An entry is undone at most once, whatever races (migration 0013).
        Index(None, "undoes", unique=True),
        Index(None, "at"),
    )
    return {"ledger": ledger}


class LedgerStatements:
    """The ledger statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        lg = tables.ledger
        self.table = lg
        members = tables.members
        self.placeholder_ids = select(members.c.id).where(~listed_members(members))
        self.columns = [lg.c[name] for name in LEDGER_FIELDS]
        self.insert = prepare.hot(insert(lg), column_keys=LEDGER_FIELDS[1:])
        self.undone = prepare.core(select(lg.c.id).where(lg.c.undoes == bindparam("undoes")))
        self.cap_used = prepare.hot(
            select(func.coalesce(func.sum(lg.c.delta), 0)).where(
                lg.c.member_id == bindparam("member_id"), lg.c.cap_day == bindparam("cap_day")
            )
        )
        self.history = prepare.core(
            select(*self.columns)
            .where(lg.c.member_id == bindparam("member_id"))
            .order_by(lg.c.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        undoing = lg.alias("undoing")
        self.live_changes = prepare.hot(
            select(lg.c.id, lg.c.delta, lg.c.requested)
            .where(
                lg.c.member_id == bindparam("member_id"),
                lg.c.undoes.is_(None),
                ~select(undoing.c.id).where(undoing.c.undoes == lg.c.id).exists(),
            )
            .order_by(lg.c.id)
        )
        self.totals = prepare.core(
            select(lg.c.member_id, func.sum(lg.c.delta)).group_by(lg.c.member_id)
        )


def _outside(lg: Any, exclude_space_ids: Collection[int]) -> Any:
    """Entries with no space, or in a space not in ``exclude_space_ids``."""
    return or_(lg.c.space_id.is_(None), lg.c.space_id.not_in(sorted(set(exclude_space_ids))))


class SQLLedgerRepository(SQLRepository):
    """:class:`socialcrm.ports.LedgerRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: LedgerStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def append(self, new: NewLedgerEntry) -> LedgerEntry:
        """Append an entry and return it with its id.

        A compensating entry (``undoes`` set) is unique per entry it undoes (a
        unique index): ``Conflict`` ``already_undone`` if that entry is undone already.
        """
        params = attrs.asdict(new, recurse=False)
        undoes = new.undoes
        if undoes is None:
            entry_id = self._q.insert.insert(self._conn, params)
        else:
            entry_id = self._insert_unique(
                self._q.insert,
                params,
                already_exists=lambda: (
                    self._q.undone.first(self._conn, {"undoes": undoes}) is not None
                ),
                conflict=lambda: Conflict(
                    f"ledger entry {undoes} is undone already", code="already_undone"
                ),
            )
        return LedgerEntry(id=entry_id, **params)

    def cap_used(self, member_id: int, cap_day: date) -> int:
        """Sum of ``delta`` over the member's entries whose ``cap_day`` is ``cap_day``."""
        params = {"member_id": member_id, "cap_day": cap_day}
        return int(self._q.cap_used.scalar(self._conn, params))

    def active_for_causes(
        self, causes: Collection[str] = (), prefixes: Collection[str] = ()
    ) -> list[LedgerEntry]:
        """Entries not yet undone whose cause equals one of ``causes`` or starts with a prefix.

        Compensating entries (``undoes`` set) are never returned. Ordered by id.
        Prefixes match case-sensitively and character for character (``%`` and
        ``_`` are not wildcards).
        """
        if not causes and not prefixes:
            return []
        lg = self._q.table
        undoing = lg.alias("undoing")
        matches: list[ColumnElement[bool]] = []
        if causes:
            matches.append(lg.c.cause.in_(list(causes)))
        # Not LIKE: SQLite's LIKE ignores case and "%"/"_" would need escaping.
        # Comparing the leading characters is exact on every database.
        matches.extend(func.substr(lg.c.cause, 1, len(prefix)) == prefix for prefix in prefixes)
        query = (
            select(*self._q.columns)
            .where(
                or_(*matches),
                lg.c.undoes.is_(None),
                ~select(undoing.c.id).where(undoing.c.undoes == lg.c.id).exists(),
            )
            .order_by(lg.c.id)
        )
        return [LEDGER_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]

    def live_changes(self, member_id: int) -> list[tuple[int, int, int]]:
        """``(id, delta, requested)`` of the member's live entries, oldest first."""
        rows = self._q.live_changes.all(self._conn, {"member_id": member_id})
        return [(int(id_), int(delta), int(requested)) for id_, delta, requested in rows]

    def history(
        self,
        member_id: int,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> list[LedgerEntry]:
        """The member's entries, newest first (id descending), outside ``exclude_space_ids``."""
        if exclude_space_ids:
            lg = self._q.table
            query = (
                select(*self._q.columns)
                .where(lg.c.member_id == member_id, _outside(lg, exclude_space_ids))
                .order_by(lg.c.id.desc())
                .limit(limit)
                .offset(offset)
            )
            return [LEDGER_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]
        params = {"member_id": member_id, "limit": limit, "offset": offset}
        return [LEDGER_ROW.from_row(row) for row in self._q.history.all(self._conn, params)]

    def totals(self) -> dict[int, int]:
        """Sum of ``delta`` per member, for members with at least one entry."""
        rows = self._q.totals.all(self._conn)
        return {member_id: int(total) for member_id, total in rows}

    def _in_ranking(self, query: Select[Any], window: LedgerWindow) -> Select[Any]:
        """``query`` narrowed to the entries a ranking over ``window`` counts.

        Placeholder members never count.
        """
        lg = self._q.table
        if window.since is not None:
            query = query.where(lg.c.at >= window.since)
        if window.until is not None:
            query = query.where(lg.c.at < window.until)
        if window.space_ids is not None:
            query = query.where(lg.c.space_id.in_(sorted(window.space_ids)))
        if window.exclude_space_ids:
            query = query.where(_outside(lg, window.exclude_space_ids))
        if window.exclude_member_ids:
            query = query.where(lg.c.member_id.not_in(sorted(window.exclude_member_ids)))
        return query.where(lg.c.member_id.not_in(self._q.placeholder_ids))

    def gains(self, window: LedgerWindow, *, limit: int) -> list[tuple[int, int]]:
        """``(member_id, sum of delta)`` over the entries in ``window``, highest sum first.

        Members whose sum is 0 or less, and placeholder members, are left out;
        ties by member id ascending.
        """
        if window.space_ids is not None and not window.space_ids:
            return []
        lg = self._q.table
        total = func.sum(lg.c.delta)
        query = (
            self._in_ranking(select(lg.c.member_id, total.label("gain")), window)
            .group_by(lg.c.member_id)
            .having(total > 0)
            .order_by(total.desc(), lg.c.member_id)
            .limit(limit)
        )
        rows = CoreStatement(query).all(self._conn)
        return [(member_id, int(gain)) for member_id, gain in rows]

    def rule_counts(
        self, rules: Collection[str], window: LedgerWindow, *, limit: int
    ) -> list[tuple[int, int]]:
        """``(member_id, count)`` of active entries of ``rules`` in ``window``, highest first."""
        if not rules or (window.space_ids is not None and not window.space_ids):
            return []
        lg = self._q.table
        undoing = lg.alias("undoing")
        count = func.count(lg.c.id)
        counted = select(lg.c.member_id, count.label("entries")).where(
            lg.c.rule.in_(sorted(set(rules))),
            lg.c.undoes.is_(None),
            ~select(undoing.c.id).where(undoing.c.undoes == lg.c.id).exists(),
        )
        query = (
            self._in_ranking(counted, window)
            .group_by(lg.c.member_id)
            .order_by(count.desc(), lg.c.member_id)
            .limit(limit)
        )
        rows = CoreStatement(query).all(self._conn)
        return [(member_id, int(entries)) for member_id, entries in rows]


__all__ = ["LEDGER_FIELDS", "LedgerStatements", "SQLLedgerRepository"]

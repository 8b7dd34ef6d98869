"""Flags: members' reports of posts and members, and moderators' decisions on them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    distinct,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import CODE_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.flags.records import Flag, FlagAccuracy, NewFlag
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
FLAG_ROW = RowMapper(Flag)
FLAG_FIELDS = FLAG_ROW.columns


def _outside(f: Any, exclude_space_ids: Collection[int]) -> Any:
    """Flags with no space, or in a space not in ``exclude_space_ids``."""
    return or_(f.c.space_id.is_(None), f.c.space_id.not_in(sorted(set(exclude_space_ids))))


def add_flag_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``flags`` table: members' flags on posts and members (revision 0008).

    Like the ledger it is history, so only ``flagger_id`` and ``member_id`` are
    foreign keys. ``post_key`` is the post's id, or 0 for a flag on a member, so
    that the unique ``(flagger_id, member_id, post_key)`` allows one flag per
    flagger and subject on every dialect (NULLs never collide in a unique key).
    """
    kit = TableKit(metadata, prefix)
    flags = kit.entity(
        "flags",
        kit.reference("flagger_id", "members"),
        kit.reference("member_id", "members"),
        column("post_key", Integer),
        column("post_id", Integer, nullable=True),
        column("thread_id", Integer, nullable=True),
        column("space_id", Integer, nullable=True),
        column("reason", String(CODE_LENGTH)),
        column("text", long_text()),
        column("weight", Integer),
        timestamp("created_at"),
        column("status", String(CODE_LENGTH)),
        column("decided_by", Integer, nullable=True),
        timestamp("decided_at", nullable=True),
        UniqueConstraint("flagger_id", "member_id", "post_key"),
        Index(None, "post_id"),
        Index(None, "member_id"),
        Index(None, "flagger_id", "created_at"),
        Index(None, "status", "created_at"),
        Index(None, "decided_at"),
    )
    return {"flags": flags}


class FlagStatements:
    """The flags statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        f = tables.flags
        self.table = f
        self.columns = columns = [f.c[name] for name in FLAG_FIELDS]
        by_id = select(*columns).order_by(f.c.id)
        self.insert = prepare.core(insert(f))
        self.get = prepare.core(select(*columns).where(f.c.id == bindparam("flag_id")))
        self.by_key = prepare.core(
            select(f.c.id).where(
                f.c.flagger_id == bindparam("flagger_id"),
                f.c.member_id == bindparam("member_id"),
                f.c.post_key == bindparam("post_key"),
            )
        )
        self.for_post = prepare.core(by_id.where(f.c.post_id == bindparam("post_id")))
        self.about_member = prepare.core(by_id.where(f.c.member_id == bindparam("member_id")))
        self.member_flags = prepare.core(
            by_id.where(f.c.member_id == bindparam("member_id"), f.c.post_key == 0)
        )
        self.open_flags = prepare.core(
            select(*columns)
            .where(f.c.status == "open")
            .order_by(f.c.created_at, f.c.id)
            .limit(bindparam("limit"))
        )
        self.count_open = prepare.core(
            select(func.count()).select_from(f).where(f.c.status == "open")
        )
        self.decide = prepare.core(
            update(f)
            .where(f.c.id.in_(bindparam("ids", expanding=True)), f.c.status == "open")
            .values(
                status=bindparam("new_status"),
                decided_by=bindparam("by"),
                decided_at=bindparam("at"),
            )
        )
        self.accuracy = prepare.core(
            select(f.c.status, func.count())
            .where(f.c.flagger_id == bindparam("flagger_id"))
            .group_by(f.c.status)
        )
        self.raised_since = prepare.core(
            select(func.count(), func.min(f.c.created_at)).where(
                f.c.flagger_id == bindparam("flagger_id"), f.c.created_at > bindparam("since")
            )
        )
        self.decided = prepare.core(
            select(*columns)
            .where(f.c.decided_at >= bindparam("since"), f.c.decided_at < bindparam("until"))
            .order_by(f.c.decided_at, f.c.id)
        )
        self.agreed_posts = prepare.core(
            select(func.count(distinct(f.c.post_id))).where(
                f.c.member_id == bindparam("member_id"),
                f.c.post_key != 0,
                f.c.status == "agreed",
                f.c.created_at >= bindparam("since"),
            )
        )


class SQLFlagRepository(SQLRepository):
    """:class:`socialcrm.ports.FlagRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: FlagStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewFlag) -> Flag:
        """Insert an open flag; ``Conflict`` (``duplicate_flag``) on a second one."""
        fields = attrs.asdict(new, recurse=False)
        key = {
            "flagger_id": new.flagger_id,
            "member_id": new.member_id,
            "post_key": 0 if new.post_id is None else new.post_id,
        }
        what = f"post {new.post_id}" if new.post_id is not None else f"member {new.member_id}"
        flag_id = self._insert_unique(
            self._q.insert,
            {**fields, **key, "status": "open", "decided_by": None, "decided_at": None},
            already_exists=lambda: self._q.by_key.first(self._conn, key) is not None,
            conflict=lambda: Conflict(
                f"member {new.flagger_id} already flagged {what}", code="duplicate_flag"
            ),
        )
        return Flag(id=flag_id, **fields)

    def get(self, flag_id: int) -> Flag | None:
        """The flag with this id, or ``None``."""
        row = self._q.get.first(self._conn, {"flag_id": flag_id})
        return None if row is None else FLAG_ROW.from_row(row)

    def for_post(self, post_id: int) -> list[Flag]:
        """Every flag on the post, by id."""
        rows = self._q.for_post.all(self._conn, {"post_id": post_id})
        return [FLAG_ROW.from_row(row) for row in rows]

    def about_member(self, member_id: int) -> list[Flag]:
        """Every flag naming the member (on their posts and on them), by id."""
        rows = self._q.about_member.all(self._conn, {"member_id": member_id})
        return [FLAG_ROW.from_row(row) for row in rows]

    def member_flags(self, member_id: int) -> list[Flag]:
        """The flags on the member themself, by id."""
        rows = self._q.member_flags.all(self._conn, {"member_id": member_id})
        return [FLAG_ROW.from_row(row) for row in rows]

    def open_flags(self, *, limit: int) -> list[Flag]:
        """Up to ``limit`` open flags, oldest first."""
        rows = self._q.open_flags.all(self._conn, {"limit": max(limit, 0)})
        return [FLAG_ROW.from_row(row) for row in rows]

    def count_open(self) -> int:
        """How many flags are open."""
        return int(self._q.count_open.scalar(self._conn, {}))

    def decide(self, flag_ids: Collection[int], *, status: str, by: int, at: datetime) -> int:
        """Close the flags still open; return how many changed."""
        ids = sorted(set(flag_ids))
        if not ids:
            return 0
        params = {"ids": ids, "new_status": status, "by": by, "at": at}
        return self._q.decide.write(self._conn, params)

    def accuracy(self, flagger_id: int, *, exclude_space_ids: Collection[int] = ()) -> FlagAccuracy:
        """Agreed and disagreed flags of the member, outside ``exclude_space_ids``."""
        if exclude_space_ids:
            f = self._q.table
            query = (
                select(f.c.status, func.count())
                .where(f.c.flagger_id == flagger_id, _outside(f, exclude_space_ids))
                .group_by(f.c.status)
            )
            counts = dict(CoreStatement(query).all(self._conn))
        else:
            counts = dict(self._q.accuracy.all(self._conn, {"flagger_id": flagger_id}))
        return FlagAccuracy(
            agreed=int(counts.get("agreed", 0)), disagreed=int(counts.get("disagreed", 0))
        )

    def raised_since(self, flagger_id: int, since: datetime) -> tuple[int, datetime | None]:
        """``(count, earliest)`` of the member's flags raised after ``since``."""
        row = self._q.raised_since.first(self._conn, {"flagger_id": flagger_id, "since": since})
        if row is None or not row[0]:
            return 0, None
        return int(row[0]), row[1]

    def decided(
        self, *, since: datetime, until: datetime, exclude_space_ids: Collection[int] = ()
    ) -> list[Flag]:
        """Flags decided in ``since <= decided_at < until``, outside ``exclude_space_ids``."""
        if exclude_space_ids:
            f = self._q.table
            query = (
                select(*self._q.columns)
                .where(
                    f.c.decided_at >= since,
                    f.c.decided_at < until,
                    _outside(f, exclude_space_ids),
                )
                .order_by(f.c.decided_at, f.c.id)
            )
            return [FLAG_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]
        rows = self._q.decided.all(self._conn, {"since": since, "until": until})
        return [FLAG_ROW.from_row(row) for row in rows]

    def agreed_posts(self, member_id: int, *, since: datetime) -> int:
        """Distinct posts of the member with an agreed flag raised since ``since``."""
        params = {"member_id": member_id, "since": since}
        return int(self._q.agreed_posts.scalar(self._conn, params) or 0)


__all__ = ["FLAG_FIELDS", "FlagStatements", "SQLFlagRepository"]

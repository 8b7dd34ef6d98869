"""Contests: one per thread (read by every vote), and their recorded winners."""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import datetime

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.contests.records import Contest, ContestWinner, NewContest
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
CONTEST_ROW = RowMapper(Contest)
CONTEST_FIELDS = CONTEST_ROW.columns
WINNER_ROW = RowMapper(ContestWinner)
WINNER_FIELDS = WINNER_ROW.columns


def add_contest_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``contests`` (one per thread, read by every vote) and ``contest_winners``.

    ``contest_winners`` is keyed by ``(contest_id, position)``; ``(decided_at,
    voting_ends_at)`` serves the job that decides ended contests.
    """
    kit = TableKit(metadata, prefix)
    contests = kit.entity(
        "contests",
        kit.reference("thread_id", "threads"),
        timestamp("submission_starts_at"),
        timestamp("submission_ends_at"),
        timestamp("voting_starts_at"),
        timestamp("voting_ends_at"),
        column("winners", Integer),
        kit.reference("created_by", "members"),
        timestamp("created_at"),
        timestamp("decided_at", nullable=True),
        UniqueConstraint("thread_id"),
        Index(None, "created_by"),
        Index(None, "decided_at", "voting_ends_at"),
    )
    contest_winners = kit.keyed(
        "contest_winners",
        ("contest_id", "position"),
        kit.reference("contest_id", "contests"),
        column("position", Integer),
        kit.reference("post_id", "posts"),
        kit.reference("member_id", "members"),
        column("score", Integer),
        Index(None, "post_id"),
        Index(None, "member_id"),
    )
    return {"contests": contests, "contest_winners": contest_winners}


class ContestStatements:
    """The contest statements, built once per storage; ``for_thread`` runs on every vote."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        c, w = tables.contests, tables.contest_winners
        columns = [c.c[name] for name in CONTEST_FIELDS]
        self.insert = prepare.core(insert(c))
        self.get = prepare.core(select(*columns).where(c.c.id == bindparam("cid")))
        self.for_thread = prepare.hot(select(*columns).where(c.c.thread_id == bindparam("tid")))
        self.mark_decided = prepare.core(
            update(c)
            .where(c.c.id == bindparam("cid"), c.c.decided_at.is_(None))
            .values(decided_at=bindparam("at"))
        )
        self.insert_winner = prepare.core(insert(w))
        self.winner_exists = prepare.core(
            select(w.c.position).where(
                w.c.contest_id == bindparam("contest_id"), w.c.position == bindparam("position")
            )
        )
        self.winners = prepare.core(
            select(*[w.c[name] for name in WINNER_FIELDS])
            .where(w.c.contest_id == bindparam("cid"))
            .order_by(w.c.position)
        )
        self.due = prepare.core(
            select(*columns)
            .where(c.c.decided_at.is_(None), c.c.voting_ends_at <= bindparam("at"))
            .order_by(c.c.voting_ends_at, c.c.id)
            .limit(bindparam("limit"))
        )


class SQLContestRepository(SQLRepository):
    """:class:`socialcrm.ports.ContestRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: ContestStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewContest) -> Contest:
        """Insert a contest; ``Conflict`` (``duplicate_contest``) if the thread has one."""
        fields = attrs.asdict(new, recurse=False)
        new_id = self._insert_unique(
            self._q.insert,
            {**fields, "decided_at": None},
            already_exists=lambda: self.for_thread(new.thread_id) is not None,
            conflict=lambda: Conflict(
                f"thread {new.thread_id} is a contest already", code="duplicate_contest"
            ),
        )
        return Contest(id=new_id, **fields)

    def get(self, contest_id: int) -> Contest | None:
        """The contest, or ``None``."""
        row = self._q.get.first(self._conn, {"cid": contest_id})
        return None if row is None else CONTEST_ROW.from_row(row)

    def for_thread(self, thread_id: int) -> Contest | None:
        """The thread's contest, or ``None`` (one index lookup)."""
        row = self._q.for_thread.first(self._conn, {"tid": thread_id})
        return None if row is None else CONTEST_ROW.from_row(row)

    def mark_decided(self, contest_id: int, *, at: datetime) -> bool:
        """Set ``decided_at`` once."""
        return self._q.mark_decided.write(self._conn, {"cid": contest_id, "at": at}) == 1

    def _place_taken(self, contest_id: int, position: int) -> bool:
        key = {"contest_id": contest_id, "position": position}
        return self._q.winner_exists.first(self._conn, key) is not None

    def add_winners(self, contest_id: int, winners: Collection[ContestWinner]) -> None:
        """Record the places; ``Conflict`` (``duplicate_winner``) if a place is taken."""
        for winner in winners:
            params = {
                "contest_id": contest_id,
                "position": winner.position,
                "post_id": winner.post_id,
                "member_id": winner.member_id,
                "score": winner.score,
            }
            position = winner.position
            self._insert_unique(
                self._q.insert_winner,
                params,
                already_exists=functools.partial(self._place_taken, contest_id, position),
                conflict=lambda: Conflict(
                    "that place is recorded already", code="duplicate_winner"
                ),
            )

    def winners(self, contest_id: int) -> list[ContestWinner]:
        """The places, first first."""
        rows = self._q.winners.all(self._conn, {"cid": contest_id})
        return [WINNER_ROW.from_row(row) for row in rows]

    def due(self, at: datetime, *, limit: int) -> list[Contest]:
        """Undecided contests whose voting ended by ``at``, earliest end first."""
        rows = self._q.due.all(self._conn, {"at": at, "limit": max(limit, 0)})
        return [CONTEST_ROW.from_row(row) for row in rows]


__all__ = ["CONTEST_FIELDS", "ContestStatements", "SQLContestRepository"]

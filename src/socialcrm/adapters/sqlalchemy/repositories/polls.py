"""Polls: one per thread, their options in order, and one ballot per member."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Boolean,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    distinct,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import (
    NAME_LENGTH,
    TITLE_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.polls.records import NewPoll, Poll, PollOption
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
POLL_ROW = RowMapper(Poll, {"multiple": bool, "hide_results": bool}, supplied=("options",))
POLL_FIELDS = POLL_ROW.columns
OPTION_ROW = RowMapper(PollOption)
#: The :class:`NewPoll` fields that are ``polls`` columns (options have their own table).
_POLL_COLUMNS = attrs.filters.exclude("options")


def add_poll_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``polls`` (one per thread), ``poll_options`` and ``poll_ballots``.

    ``poll_options`` are unique by ``(poll_id, position)``; ``poll_ballots`` hold
    one row per member and chosen option (primary key ``(poll_id, member_id,
    option_id)``).
    """
    kit = TableKit(metadata, prefix)
    polls = kit.entity(
        "polls",
        kit.reference("thread_id", "threads"),
        column("question", String(TITLE_LENGTH)),
        column("multiple", Boolean),
        column("hide_results", Boolean),
        timestamp("closes_at", nullable=True),
        timestamp("closed_at", nullable=True),
        kit.reference("created_by", "members"),
        timestamp("created_at"),
        UniqueConstraint("thread_id"),
        Index(None, "created_by"),
    )
    poll_options = kit.entity(
        "poll_options",
        kit.reference("poll_id", "polls"),
        column("position", Integer),
        column("label", String(NAME_LENGTH)),
        UniqueConstraint("poll_id", "position"),
    )
    poll_ballots = kit.keyed(
        "poll_ballots",
        ("poll_id", "member_id", "option_id"),
        kit.reference("poll_id", "polls"),
        kit.reference("member_id", "members"),
        kit.reference("option_id", "poll_options"),
        timestamp("cast_at"),
        Index(None, "member_id"),
        Index(None, "option_id"),
    )
    return {"polls": polls, "poll_options": poll_options, "poll_ballots": poll_ballots}


class PollStatements:
    """The poll statements, built once per storage."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        p, o, b = tables.polls, tables.poll_options, tables.poll_ballots
        columns = [p.c[name] for name in POLL_FIELDS]
        self.insert = prepare.core(insert(p))
        self.insert_options = prepare.core(insert(o))
        self.get = prepare.core(select(*columns).where(p.c.id == bindparam("poll_id")))
        self.for_thread = prepare.core(select(*columns).where(p.c.thread_id == bindparam("tid")))
        self.options = prepare.core(
            select(o.c.id, o.c.poll_id, o.c.position, o.c.label)
            .where(o.c.poll_id == bindparam("poll_id"))
            .order_by(o.c.position)
        )
        self.close = prepare.core(
            update(p)
            .where(p.c.id == bindparam("poll_id"), p.c.closed_at.is_(None))
            .values(closed_at=bindparam("at"))
        )
        mine = (b.c.poll_id == bindparam("poll_id"), b.c.member_id == bindparam("member_id"))
        self.ballot = prepare.core(select(b.c.option_id).where(*mine).order_by(b.c.option_id))
        self.clear_ballot = prepare.core(delete(b).where(*mine))
        self.insert_ballot = prepare.core(insert(b))
        self.tallies = prepare.core(
            select(o.c.id, func.count(b.c.member_id))
            .select_from(o.outerjoin(b, b.c.option_id == o.c.id))
            .where(o.c.poll_id == bindparam("poll_id"))
            .group_by(o.c.id)
        )
        self.voters = prepare.core(
            select(func.count(distinct(b.c.member_id))).where(b.c.poll_id == bindparam("poll_id"))
        )


class SQLPollRepository(SQLRepository):
    """:class:`socialcrm.ports.PollRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: PollStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def _poll(self, row: Sequence[Any] | None) -> Poll | None:
        if row is None:
            return None
        options = self._q.options.all(self._conn, {"poll_id": row[0]})
        return POLL_ROW.from_row(row, options=tuple(map(OPTION_ROW.from_row, options)))

    def add(self, new: NewPoll) -> Poll:
        """Insert a poll and its options; ``Conflict`` (``duplicate_poll``) for a second one."""
        poll_id = self._insert_unique(
            self._q.insert,
            {**attrs.asdict(new, recurse=False, filter=_POLL_COLUMNS), "closed_at": None},
            already_exists=lambda: self.for_thread(new.thread_id) is not None,
            conflict=lambda: Conflict(
                f"thread {new.thread_id} has a poll already", code="duplicate_poll"
            ),
        )
        self._q.insert_options.write_many(
            self._conn,
            [
                {"poll_id": poll_id, "position": position, "label": label}
                for position, label in enumerate(new.options)
            ],
        )
        poll = self.get(poll_id)
        assert poll is not None
        return poll

    def get(self, poll_id: int) -> Poll | None:
        """The poll with its options, or ``None``."""
        return self._poll(self._q.get.first(self._conn, {"poll_id": poll_id}))

    def for_thread(self, thread_id: int) -> Poll | None:
        """The thread's poll, or ``None``."""
        return self._poll(self._q.for_thread.first(self._conn, {"tid": thread_id}))

    def close(self, poll_id: int, *, at: datetime) -> bool:
        """Close once; ``False`` if already closed or unknown."""
        return self._q.close.write(self._conn, {"poll_id": poll_id, "at": at}) == 1

    def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...]:
        """The member's chosen option ids, ascending."""
        rows = self._q.ballot.all(self._conn, {"poll_id": poll_id, "member_id": member_id})
        return tuple(row[0] for row in rows)

    def set_ballot(
        self, poll_id: int, member_id: int, option_ids: Collection[int], *, cast_at: datetime
    ) -> None:
        """Replace the member's ballot: delete their rows, insert the new choice."""
        self._q.clear_ballot.write(self._conn, {"poll_id": poll_id, "member_id": member_id})
        chosen = sorted(set(option_ids))
        if chosen:
            self._q.insert_ballot.write_many(
                self._conn,
                [
                    {
                        "poll_id": poll_id,
                        "member_id": member_id,
                        "option_id": option_id,
                        "cast_at": cast_at,
                    }
                    for option_id in chosen
                ],
            )

    def tallies(self, poll_id: int) -> dict[int, int]:
        """Ballots per option id, every option included."""
        rows = self._q.tallies.all(self._conn, {"poll_id": poll_id})
        return {option_id: int(count) for option_id, count in rows}

    def voters(self, poll_id: int) -> int:
        """How many members hold a ballot."""
        return int(self._q.voters.scalar(self._conn, {"poll_id": poll_id}) or 0)


__all__ = ["POLL_FIELDS", "PollStatements", "SQLPollRepository"]

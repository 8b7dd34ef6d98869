"""Votes: one per member and post, enforced by a unique constraint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    bindparam,
    case,
    delete,
    func,
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
from socialcrm.capabilities.votes.records import Vote
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
VOTE_ROW = RowMapper(Vote)
VOTE_FIELDS = VOTE_ROW.columns


def add_vote_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``votes`` table: one row per member and post (a unique key)."""
    kit = TableKit(metadata, prefix)
    votes = kit.entity(
        "votes",
        kit.reference("post_id", "posts"),
        kit.reference("member_id", "members"),
        column("value", Integer),
        timestamp("cast_at"),
        # The storage-level guarantee of one vote per member and post.
        UniqueConstraint("post_id", "member_id"),
        Index(None, "member_id"),
        Index(None, "cast_at"),
        # The daily vote limits count a member's votes of the day.
        Index(None, "member_id", "cast_at"),
    )
    return {"votes": votes}


class VoteStatements:
    """The vote statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        v = tables.votes
        columns = [v.c[name] for name in VOTE_FIELDS]
        by_id = v.c.id == bindparam("vote_id")
        self.insert = prepare.hot(insert(v), column_keys=VOTE_FIELDS[1:])
        self.get = prepare.hot(
            select(*columns).where(
                v.c.post_id == bindparam("post_id"), v.c.member_id == bindparam("member_id")
            )
        )
        self.change = prepare.core(
            update(v)
            .where(by_id, v.c.value != bindparam("new_value"))
            .values(value=bindparam("new_value"), cast_at=bindparam("new_cast_at"))
        )
        self.remove = prepare.core(delete(v).where(by_id, v.c.value == bindparam("expected")))
        self.for_post = prepare.core(
            select(*columns).where(v.c.post_id == bindparam("post_id")).order_by(v.c.id)
        )
        # Every vote runs it (the daily vote limits): on the hot path.
        self.count_cast_since = prepare.hot(
            select(
                func.count(), func.coalesce(func.sum(case((v.c.value > 0, 1), else_=0)), 0)
            ).where(v.c.member_id == bindparam("member_id"), v.c.cast_at >= bindparam("since"))
        )
        p = tables.posts
        in_window = (v.c.cast_at >= bindparam("since"), v.c.cast_at < bindparam("until"))
        pairs = (
            select(v.c.member_id.label("voter_id"), p.c.author_id.label("author_id"))
            .join(p, p.c.id == v.c.post_id)
            .where(*in_window)
            .group_by(v.c.member_id, p.c.author_id)
            .having(func.count() >= bindparam("min_votes"))
            .subquery("pairs")
        )
        self.repeated_pairs = prepare.core(
            select(p.c.author_id, *columns)
            .join(p, p.c.id == v.c.post_id)
            .join(
                pairs,
                (pairs.c.voter_id == v.c.member_id) & (pairs.c.author_id == p.c.author_id),
            )
            .where(*in_window)
            .order_by(v.c.member_id, p.c.author_id, v.c.cast_at, v.c.id)
        )


class SQLVoteRepository(SQLRepository):
    """:class:`socialcrm.ports.VoteRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: VoteStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def get(self, post_id: int, member_id: int) -> Vote | None:
        """The member's vote on the post, or ``None``."""
        row = self._q.get.first(self._conn, {"post_id": post_id, "member_id": member_id})
        return None if row is None else VOTE_ROW.from_row(row)

    def add(self, *, post_id: int, member_id: int, value: int, cast_at: datetime) -> Vote:
        """Insert a vote; ``Conflict`` (code ``duplicate_vote``) if the member already voted."""
        vote_id = self._insert_unique(
            self._q.insert,
            {"post_id": post_id, "member_id": member_id, "value": value, "cast_at": cast_at},
            already_exists=lambda: self.get(post_id, member_id) is not None,
            conflict=lambda: Conflict(
                f"member {member_id} already voted on post {post_id}", code="duplicate_vote"
            ),
        )
        assert vote_id is not None
        return Vote(
            id=vote_id,
            post_id=post_id,
            member_id=member_id,
            value=value,
            cast_at=cast_at,
        )

    def change(self, vote_id: int, *, value: int, cast_at: datetime) -> bool:
        """Change a vote's value and ``cast_at`` unless it holds ``value``; whether it did."""
        params = {"vote_id": vote_id, "new_value": value, "new_cast_at": cast_at}
        return self._q.change.write(self._conn, params) > 0

    def remove(self, vote_id: int, *, value: int) -> bool:
        """Delete the vote if it holds ``value``; ``False`` if gone or changed meanwhile."""
        return self._q.remove.write(self._conn, {"vote_id": vote_id, "expected": value}) > 0

    def for_post(self, post_id: int) -> list[Vote]:
        """Every vote on the post, by id ascending."""
        rows = self._q.for_post.all(self._conn, {"post_id": post_id})
        return [VOTE_ROW.from_row(row) for row in rows]

    def count_cast_since(self, member_id: int, since: datetime) -> tuple[int, int]:
        """See :meth:`socialcrm.ports.VoteRepository.count_cast_since`."""
        row = self._q.count_cast_since.first(self._conn, {"member_id": member_id, "since": since})
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def repeated_pairs(
        self, *, since: datetime, until: datetime, min_votes: int
    ) -> list[tuple[int, Vote]]:
        """See :meth:`socialcrm.ports.VoteRepository.repeated_pairs`."""
        params = {"since": since, "until": until, "min_votes": min_votes}
        rows = self._q.repeated_pairs.all(self._conn, params)
        return [(row[0], VOTE_ROW.from_row(row[1:])) for row in rows]


__all__ = ["VOTE_FIELDS", "VoteStatements", "SQLVoteRepository"]

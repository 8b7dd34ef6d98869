"""Trust-level inputs: a row per member and UTC day, a row per member and thread.

Every write is an insert-or-update spelled portably: an ``UPDATE`` first (the
common case once the row exists), then an ``INSERT`` guarded by the primary key
(inside a SAVEPOINT on PostgreSQL), and if a concurrent unit inserted the row in
between, the ``UPDATE`` again. Increments are ``col = col + :n`` so no count is
lost to a race. Dialect upserts (``ON CONFLICT``, ``ON DUPLICATE KEY``) would save
a round trip on a first write but need three spellings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Index,
    Integer,
    MetaData,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import TableKit, column
from socialcrm.adapters.sqlalchemy.prepared import Prepared, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.capabilities.trust.records import (
    DAY_COUNTERS,
    ActivityTotals,
    DayCounts,
    MemberActivity,
)


def add_activity_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``member_days`` and ``member_topics``, the inputs of the trust levels.

    One row per member and UTC day (visited, posts read, reading seconds, likes
    given and received), and one per member and thread (the day first entered,
    the day of the last reply). Their primary keys lead with ``member_id``, so one
    member's totals, all time and over the TL3 window, are one index range each.
    """
    kit = TableKit(metadata, prefix)
    member_days = kit.keyed(
        "member_days",
        ("member_id", "day"),
        kit.reference("member_id", "members"),
        column("day", Date),
        column("visited", Boolean),
        column("posts_read", Integer),
        column("reading_seconds", Integer),
        column("likes_given", Integer),
        column("likes_received", Integer),
    )
    member_topics = kit.keyed(
        "member_topics",
        ("member_id", "thread_id"),
        kit.reference("member_id", "members"),
        kit.reference("thread_id", "threads"),
        column("entered_on", Date, nullable=True),
        column("replied_on", Date, nullable=True),
        Index(None, "thread_id"),
    )
    return {"member_days": member_days, "member_topics": member_topics}


class ActivityStatements:
    """The activity statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        d, mt = tables.member_days, tables.member_topics
        th, po = tables.threads, tables.posts
        self.days, self.topics, self.threads, self.posts = d, mt, th, po
        # Bind names differ from column names: UPDATE reserves those for its SET clause.
        day_key = and_(d.c.member_id == bindparam("for_member"), d.c.day == bindparam("for_day"))
        topic_key = and_(
            mt.c.member_id == bindparam("for_member"), mt.c.thread_id == bindparam("for_thread")
        )
        self.mark_visited = prepare.hot(
            update(d).where(day_key, d.c.visited == sql_false()).values(visited=sql_true())
        )
        self.day_exists = prepare.hot(select(d.c.member_id).where(day_key))
        increments = {name: d.c[name] + bindparam(f"add_{name}") for name in DAY_COUNTERS}
        self.add_day = prepare.hot(update(d).where(day_key).values(**increments))
        self.add_visited_day = prepare.hot(
            update(d).where(day_key).values(visited=sql_true(), **increments)
        )
        self.insert_day = prepare.hot(
            insert(d), column_keys=["member_id", "day", "visited", *DAY_COUNTERS]
        )
        # A like's two rows (giver and receiver) in one UPDATE where the dialect can
        # say which rows it changed (RETURNING: SQLite 3.35+, PostgreSQL; not MariaDB).
        self.add_like: Prepared | None = None
        if prepare.dialect.update_returning:
            giver: BindParameter[int] = bindparam("giver")
            receiver: BindParameter[int] = bindparam("receiver")
            delta: BindParameter[int] = bindparam("delta")
            self.add_like = prepare.hot(
                update(d)
                .where(d.c.day == bindparam("for_day"), d.c.member_id.in_([giver, receiver]))
                .values(
                    likes_given=d.c.likes_given + case((d.c.member_id == giver, delta), else_=0),
                    likes_received=d.c.likes_received
                    + case((d.c.member_id == receiver, delta), else_=0),
                )
                .returning(d.c.member_id)
            )
        self.topic_exists = prepare.hot(select(mt.c.member_id).where(topic_key))
        self.enter_topic = prepare.hot(
            update(mt)
            .where(
                topic_key,
                or_(mt.c.entered_on.is_(None), mt.c.entered_on > bindparam("for_day")),
            )
            .values(entered_on=bindparam("for_day"))
        )
        self.reply_in_topic = prepare.hot(
            update(mt)
            .where(
                topic_key,
                or_(mt.c.replied_on.is_(None), mt.c.replied_on < bindparam("for_day")),
            )
            .values(replied_on=bindparam("for_day"))
        )
        self.insert_topic = prepare.hot(
            insert(mt), column_keys=["member_id", "thread_id", "entered_on", "replied_on"]
        )
        since: BindParameter[date] = bindparam("since")
        recent = d.c.day >= since

        def both(column: Any) -> list[Any]:
            return [func.sum(column), func.sum(case((recent, column), else_=0))]

        visited = case((d.c.visited, 1), else_=0)
        self.day_columns = [
            *both(visited),
            *(part for name in DAY_COUNTERS for part in both(d.c[name])),
        ]
        self.topic_columns = [
            func.count(mt.c.entered_on),
            func.sum(case((mt.c.entered_on >= since, 1), else_=0)),
            func.count(mt.c.replied_on),
            func.sum(case((mt.c.replied_on >= since, 1), else_=0)),
        ]
        self.day_totals = prepare.hot(
            select(*self.day_columns).where(d.c.member_id == bindparam("for_member"))
        )
        self.topic_totals = prepare.hot(
            select(*self.topic_columns).where(mt.c.member_id == bindparam("for_member"))
        )
        many: BindParameter[list[int]] = bindparam("ids", expanding=True)
        self.many_day_totals = prepare.core(
            select(d.c.member_id, *self.day_columns)
            .where(d.c.member_id.in_(many))
            .group_by(d.c.member_id)
        )
        self.many_topic_totals = prepare.core(
            select(mt.c.member_id, *self.topic_columns)
            .where(mt.c.member_id.in_(many))
            .group_by(mt.c.member_id)
        )
        spaces: BindParameter[list[int]] = bindparam("space_ids", expanding=True)
        self.threads_since = prepare.core(
            select(func.count()).where(
                th.c.space_id.in_(spaces),
                th.c.deleted_at.is_(None),
                th.c.created_at >= bindparam("since_at"),
            )
        )
        self.posts_since = prepare.core(
            select(func.count())
            .select_from(po.join(th, po.c.thread_id == th.c.id))
            .where(
                po.c.created_at >= bindparam("since_at"),
                po.c.deleted_at.is_(None),
                th.c.deleted_at.is_(None),
                th.c.space_id.in_(spaces),
            )
        )
        self.thread_posts = prepare.core(
            select(func.count()).where(
                po.c.thread_id == bindparam("thread_id"),
                po.c.deleted_at.is_(None),
                po.c.id.in_(bindparam("post_ids", expanding=True)),
            )
        )


def _int(value: Any) -> int:
    return int(value or 0)


def _totals(day_row: Sequence[Any] | None, topic_row: Sequence[Any] | None) -> MemberActivity:
    """Build the pair of totals from one row of each totals query (after the member id)."""
    days = [_int(v) for v in day_row] if day_row is not None else [0] * 10
    topics = [_int(v) for v in topic_row] if topic_row is not None else [0] * 4

    def pick(offset: int) -> ActivityTotals:
        return ActivityTotals(
            days_visited=days[0 + offset],
            posts_read=days[2 + offset],
            reading_seconds=days[4 + offset],
            likes_given=days[6 + offset],
            likes_received=days[8 + offset],
            topics_entered=topics[0 + offset],
            topics_replied_to=topics[2 + offset],
        )

    return MemberActivity(member_id=0, all_time=pick(0), recent=pick(1))


class SQLActivityRepository(SQLRepository):
    """:class:`socialcrm.ports.ActivityRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: ActivityStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def _insert_or_retry(
        self,
        insert_statement: Prepared,
        row: Mapping[str, Any],
        exists: Prepared,
        update_again: Prepared,
        key: Mapping[str, Any],
    ) -> bool:
        """Insert ``row``; if a concurrent unit inserted it first, run ``update_again``."""
        inserted = self._insert_unique(
            insert_statement,
            row,
            already_exists=lambda: exists.first(self._conn, key) is not None,
            conflict=None,
        )
        if inserted is not None:
            return True
        return update_again.write(self._conn, key) > 0

    def mark_visited(self, member_id: int, day: date) -> bool:
        """Mark the member's day as visited; ``True`` if it was not marked yet."""
        key = {"for_member": member_id, "for_day": day}
        if self._q.mark_visited.write(self._conn, key) > 0:
            return True
        if self._q.day_exists.first(self._conn, key) is not None:
            return False
        row = {"member_id": member_id, "day": day, "visited": True}
        row.update({name: 0 for name in DAY_COUNTERS})
        return self._insert_or_retry(
            self._q.insert_day, row, self._q.day_exists, self._q.mark_visited, key
        )

    def add_day(self, member_id: int, day: date, counts: DayCounts) -> None:
        """Add ``counts`` to the member's day (one atomic ``UPDATE`` once the row exists)."""
        added = counts.counters()
        key = {"for_member": member_id, "for_day": day}
        params = {**key, **{f"add_{name}": value for name, value in added.items()}}
        statement = self._q.add_visited_day if counts.visited else self._q.add_day
        if statement.write(self._conn, params) > 0:
            return
        inserted = self._insert_unique(
            self._q.insert_day,
            {"member_id": member_id, "day": day, "visited": counts.visited, **added},
            already_exists=lambda: self._q.day_exists.first(self._conn, key) is not None,
            conflict=None,
        )
        if inserted is None:
            statement.write(self._conn, params)

    def add_like(self, giver_id: int, receiver_id: int, day: date, delta: int) -> None:
        """Add ``delta`` likes given to the giver's day and received to the receiver's.

        One ``UPDATE ... RETURNING`` for both rows where the dialect has it; rows it
        did not find are then created by :meth:`add_day` (which handles a
        concurrent insert). Elsewhere, and for a member liking their own post,
        two :meth:`add_day` calls.
        """
        statement = self._q.add_like
        found: set[int] = set()
        if statement is not None and giver_id != receiver_id:
            params = {"for_day": day, "giver": giver_id, "receiver": receiver_id, "delta": delta}
            found = {row[0] for row in statement.all(self._conn, params)}
        if giver_id not in found:
            self.add_day(giver_id, day, DayCounts(likes_given=delta))
        if receiver_id not in found:
            self.add_day(receiver_id, day, DayCounts(likes_received=delta))

    def enter_topic(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record an entry; the row keeps the earliest day."""
        return self._touch_topic(member_id, thread_id, day, self._q.enter_topic, "entered_on")

    def record_topic_reply(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record a reply; the row keeps the latest day."""
        return self._touch_topic(member_id, thread_id, day, self._q.reply_in_topic, "replied_on")

    def _touch_topic(
        self, member_id: int, thread_id: int, day: date, moved: Prepared, column: str
    ) -> bool:
        """Set ``column`` of the member's thread row to ``day`` where ``moved`` allows it.

        ``moved`` is the guarded ``UPDATE`` (earliest or latest day); a missing row is
        inserted with only ``column`` set. ``True`` if that changed something.
        """
        key = {"for_member": member_id, "for_thread": thread_id, "for_day": day}
        if moved.write(self._conn, key) > 0:
            return True
        if self._q.topic_exists.first(self._conn, key) is not None:
            return False
        row: dict[str, Any] = {
            "member_id": member_id,
            "thread_id": thread_id,
            "entered_on": None,
            "replied_on": None,
        }
        row[column] = day
        return self._insert_or_retry(self._q.insert_topic, row, self._q.topic_exists, moved, key)

    def activity(self, member_id: int, *, since: date) -> MemberActivity:
        """The member's totals since joining and since ``since``: two index range reads."""
        params = {"for_member": member_id, "since": since}
        days = self._q.day_totals.first(self._conn, params)
        topics = self._q.topic_totals.first(self._conn, params)
        pair = _totals(days, topics)
        return MemberActivity(member_id=member_id, all_time=pair.all_time, recent=pair.recent)

    def activities(self, member_ids: Collection[int], *, since: date) -> dict[int, MemberActivity]:
        """:meth:`activity` for many members: two grouped queries."""
        ids = list(dict.fromkeys(member_ids))
        if not ids:
            return {}
        params = {"ids": ids, "since": since}
        days = {row[0]: row[1:] for row in self._q.many_day_totals.all(self._conn, params)}
        topics = {row[0]: row[1:] for row in self._q.many_topic_totals.all(self._conn, params)}
        found = {}
        for member_id in ids:
            pair = _totals(days.get(member_id), topics.get(member_id))
            found[member_id] = MemberActivity(
                member_id=member_id, all_time=pair.all_time, recent=pair.recent
            )
        return found

    def created_since(self, since: datetime, space_ids: Collection[int]) -> tuple[int, int]:
        """``(threads, posts)`` created at or after ``since`` in those spaces."""
        if not space_ids:
            return 0, 0
        params = {"since_at": since, "space_ids": list(space_ids)}
        threads = _int(self._q.threads_since.scalar(self._conn, params))
        posts = _int(self._q.posts_since.scalar(self._conn, params))
        return threads, posts

    def count_thread_posts(self, thread_id: int, post_ids: Collection[int]) -> int:
        """How many of ``post_ids`` are posts of the thread that are not deleted."""
        ids = sorted(set(post_ids))
        if not ids:
            return 0
        params = {"thread_id": thread_id, "post_ids": ids}
        return _int(self._q.thread_posts.scalar(self._conn, params))


__all__ = ["ActivityStatements", "SQLActivityRepository"]

"""Threads and their counters; their tags are in :mod:`.tags`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    CODE_LENGTH,
    TITLE_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.tags import SQLThreadTags, TagStatements
from socialcrm.adapters.sqlalchemy.rows import RowMapper, json_tuple
from socialcrm.capabilities.threads.records import NewThread, Thread, ThreadFilter
from socialcrm.errors import NotFound, ValidationError

THREAD_SORTS = ("active", "newest", "score", "unanswered")


#: The records' row mappers; a query selects their ``columns``, in order.
THREAD_ROW = RowMapper(Thread, {"tags": json_tuple})
THREAD_FIELDS = THREAD_ROW.columns


def add_thread_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``threads`` table.

    ``tags`` keeps the thread's tags in their given order (a JSON list of strings)
    so reading a thread is one query; ``thread_tags`` (:mod:`.tags`) indexes the
    same tags for filtering. ``hidden_at`` says when flags hid the thread's opening
    post; ``view_count`` (server default 0) counts the views the host records.
    """
    kit = TableKit(metadata, prefix)
    threads = kit.entity(
        "threads",
        kit.reference("space_id", "spaces"),
        column("kind", String(CODE_LENGTH)),
        column("title", String(TITLE_LENGTH)),
        column("tags", long_text()),
        column("status", String(CODE_LENGTH)),
        kit.reference("author_id", "members"),
        # No foreign keys: posts reference threads, and a cycle would need
        # deferred constraints that SQLite and MariaDB handle differently.
        column("opening_post_id", Integer, nullable=True),
        column("accepted_answer_id", Integer, nullable=True),
        column("reply_count", Integer),
        timestamp("created_at"),
        timestamp("last_activity_at"),
        timestamp("deleted_at", nullable=True),
        timestamp("hidden_at", nullable=True),
        column("view_count", Integer, server_default=text("0")),
        kit.index("threads_activity", "space_id", "deleted_at", "last_activity_at"),
        kit.index("threads_created", "space_id", "deleted_at", "created_at"),
        Index(None, "author_id"),
    )
    return {"threads": threads}


class ThreadStatements:
    """The thread statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        t = tables.threads
        self.threads, self.thread_tags, self.posts = t, tables.thread_tags, tables.posts
        self.tagging = TagStatements(tables, prepare)
        self.columns = [t.c[name] for name in THREAD_FIELDS]
        by_id = t.c.id == bindparam("thread_id")
        self.insert = prepare.core(insert(t))
        self.get = prepare.hot(select(*self.columns).where(by_id))
        # Step 1 of the lock order (docs/storage.md): exclusive for commands that
        # delete the thread or write its row, shared for those that only need it live.
        # PostgreSQL's shared lock is FOR KEY SHARE: it still makes FOR UPDATE (every
        # exclusive holder) wait, but not plain counter updates (view counts).
        self.lock = prepare.hot(select(*self.columns).where(by_id).with_for_update())
        self.lock_shared = prepare.hot(
            select(*self.columns).where(by_id).with_for_update(read=True, key_share=True)
        )
        self.set_opening_post = prepare.core(
            update(t).where(by_id).values(opening_post_id=bindparam("post_id"))
        )
        self.set_status = prepare.core(
            update(t).where(by_id).values(status=bindparam("new_status"))
        )
        self.set_title_and_tags = prepare.core(
            update(t).where(by_id).values(title=bindparam("new_title"), tags=bindparam("new_tags"))
        )
        set_accepted = update(t).values(accepted_answer_id=bindparam("new"))
        self.accept_if_none = prepare.core(
            set_accepted.where(by_id, t.c.accepted_answer_id.is_(None))
        )
        self.accept_if_equal = prepare.core(
            set_accepted.where(by_id, t.c.accepted_answer_id == bindparam("expected"))
        )
        more_replies = t.c.reply_count + bindparam("delta")
        self.add_replies = prepare.core(update(t).where(by_id).values(reply_count=more_replies))
        self.add_replies_at = prepare.core(
            update(t)
            .where(by_id)
            .values(reply_count=more_replies, last_activity_at=bindparam("at"))
        )
        self.mark_deleted = prepare.core(
            update(t).where(by_id, t.c.deleted_at.is_(None)).values(deleted_at=bindparam("at"))
        )
        self.hide = prepare.core(
            update(t).where(by_id, t.c.hidden_at.is_(None)).values(hidden_at=bindparam("at"))
        )
        self.unhide = prepare.core(
            update(t).where(by_id, t.c.hidden_at.is_not(None)).values(hidden_at=None)
        )
        self.add_views = prepare.core(
            update(t).where(by_id).values(view_count=t.c.view_count + bindparam("count"))
        )
        self.views = prepare.core(select(t.c.view_count).where(by_id))


class SQLThreadRepository(SQLThreadTags):
    """:class:`socialcrm.ports.ThreadRepository` over SQL (the tag methods inherited)."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: ThreadStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, statements.tagging, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewThread) -> Thread:
        """Insert an open thread with no opening post yet, ``reply_count`` 0."""
        stored = {
            "status": "open",
            "opening_post_id": None,
            "accepted_answer_id": None,
            "reply_count": 0,
            "last_activity_at": new.created_at,
            "deleted_at": None,
        }
        values = {**attrs.asdict(new, recurse=False), **stored}
        thread_id = self._q.insert.insert(
            self._conn, {**values, "tags": json.dumps(list(new.tags))}
        )
        self._link_tags(thread_id, new.tags)
        return Thread(id=thread_id, **values)

    def get(self, thread_id: int) -> Thread | None:
        """The thread with this id (deleted ones included), or ``None``."""
        row = self._q.get.first(self._conn, {"thread_id": thread_id})
        return None if row is None else THREAD_ROW.from_row(row)

    def lock(self, thread_id: int, *, shared: bool = False) -> Thread | None:
        """Lock the thread's row until the unit ends and return it as committed now."""
        query = self._q.lock_shared if shared else self._q.lock
        row = query.first(self._conn, {"thread_id": thread_id})
        return None if row is None else THREAD_ROW.from_row(row)

    def set_opening_post(self, thread_id: int, post_id: int) -> None:
        """Record the thread's opening post."""
        params = {"thread_id": thread_id, "post_id": post_id}
        self._q.set_opening_post.write(self._conn, params)

    def set_status(self, thread_id: int, status: str) -> None:
        """Set ``open`` or ``closed``."""
        self._q.set_status.write(self._conn, {"thread_id": thread_id, "new_status": status})

    def set_title_and_tags(self, thread_id: int, *, title: str, tags: tuple[str, ...]) -> None:
        """Replace the title and tags."""
        tags = tuple(dict.fromkeys(tags))
        self._q.set_title_and_tags.write(
            self._conn,
            {"thread_id": thread_id, "new_title": title, "new_tags": json.dumps(list(tags))},
        )
        self._unlink_tags(thread_id)
        self._link_tags(thread_id, tags)

    def compare_and_set_accepted(
        self, thread_id: int, *, expected: int | None, new: int | None
    ) -> bool:
        """Set the accepted answer to ``new`` only if it is currently ``expected``."""
        if expected is None:
            params: dict[str, Any] = {"thread_id": thread_id, "new": new}
            changed = self._q.accept_if_none.write(self._conn, params)
        else:
            params = {"thread_id": thread_id, "new": new, "expected": expected}
            changed = self._q.accept_if_equal.write(self._conn, params)
        return changed == 1

    def record_reply(self, thread_id: int, *, delta: int, at: datetime | None) -> None:
        """Add ``delta`` to ``reply_count``; move ``last_activity_at`` to ``at`` if given."""
        if at is None:
            self._q.add_replies.write(self._conn, {"thread_id": thread_id, "delta": delta})
        else:
            params = {"thread_id": thread_id, "delta": delta, "at": at}
            self._q.add_replies_at.write(self._conn, params)

    def add_views(self, thread_id: int, count: int) -> int:
        """Atomically add ``count`` views; return the new total."""
        key = {"thread_id": thread_id}
        if not self._q.add_views.write(self._conn, {**key, "count": count}):
            raise NotFound(f"no thread {thread_id}", code="thread_not_found")
        return int(self._q.views.scalar(self._conn, key))

    def views(self, thread_id: int) -> int:
        """The thread's view count, 0 if unknown."""
        found = self._q.views.scalar(self._conn, {"thread_id": thread_id})
        return 0 if found is None else int(found)

    def mark_deleted(self, thread_id: int, at: datetime) -> bool:
        """Soft-delete the thread; ``False`` if it is deleted already or absent."""
        return self._q.mark_deleted.write(self._conn, {"thread_id": thread_id, "at": at}) == 1

    def set_hidden(self, thread_id: int, at: datetime | None) -> bool:
        """Hide (``at``) or show (``None``) the thread; ``False`` if already so or absent."""
        if at is None:
            return self._q.unhide.write(self._conn, {"thread_id": thread_id}) == 1
        return self._q.hide.write(self._conn, {"thread_id": thread_id, "at": at}) == 1

    def _filtered(self, query: Select[Any], where: ThreadFilter) -> Select[Any]:
        """``query`` restricted to the threads ``where`` selects (its spaces are not empty)."""
        t, tt = self._q.threads, self._q.thread_tags
        query = query.where(t.c.space_id.in_(list(where.space_ids)), t.c.deleted_at.is_(None))
        if not where.include_hidden:
            if where.hidden_visible_to is None:
                query = query.where(t.c.hidden_at.is_(None))
            else:
                visible_to = t.c.author_id == where.hidden_visible_to
                query = query.where(or_(t.c.hidden_at.is_(None), visible_to))
        if where.tag is not None:
            query = query.where(exists().where(tt.c.thread_id == t.c.id, tt.c.tag == where.tag))
        if where.kind is not None:
            query = query.where(t.c.kind == where.kind)
        if where.status is not None:
            query = query.where(t.c.status == where.status)
        return query

    def list(
        self, filter: ThreadFilter, *, sort: str = "active", limit: int = 20, offset: int = 0
    ) -> list[Thread]:
        """The threads ``filter`` selects, one page in the order ``sort`` names.

        ``active`` (last activity, newest first), ``newest`` (creation, newest
        first), ``score`` (opening post's score, highest first; a thread without
        an opening post counts as 0) or ``unanswered`` (questions without
        replies only, newest first). Ties by id descending.
        """
        if sort not in THREAD_SORTS:
            raise ValidationError(f"unknown thread sort {sort!r}", field="sort")
        if not filter.space_ids:
            return []
        t, p = self._q.threads, self._q.posts
        query = self._filtered(select(*self._q.columns), filter)
        if sort == "active":
            query = query.order_by(t.c.last_activity_at.desc(), t.c.id.desc())
        elif sort == "newest":
            query = query.order_by(t.c.created_at.desc(), t.c.id.desc())
        elif sort == "score":
            query = query.outerjoin(p, p.c.id == t.c.opening_post_id).order_by(
                func.coalesce(p.c.score, 0).desc(), t.c.id.desc()
            )
        else:
            query = query.where(t.c.kind == "question", t.c.reply_count == 0).order_by(
                t.c.created_at.desc(), t.c.id.desc()
            )
        query = query.limit(limit).offset(offset)
        return [THREAD_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]

    def count(self, filter: ThreadFilter) -> int:
        """How many threads ``list`` would return without limit (``unanswered`` excluded)."""
        if not filter.space_ids:
            return 0
        query = self._filtered(select(func.count()).select_from(self._q.threads), filter)
        return int(CoreStatement(query).scalar(self._conn, {}))

    def count_by_space(self, filter: ThreadFilter) -> dict[int, int]:
        """The threads ``filter`` selects, per space (absent means 0)."""
        if not filter.space_ids:
            return {}
        t = self._q.threads
        query = self._filtered(select(t.c.space_id, func.count()), filter).group_by(t.c.space_id)
        return {space_id: int(n) for space_id, n in CoreStatement(query).all(self._conn)}


__all__ = ["THREAD_FIELDS", "THREAD_SORTS", "ThreadStatements", "SQLThreadRepository"]

"""Posts; their revisions and comments are in :mod:`.post_history`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs
from sqlalchemy import (
    Boolean,
    Index,
    Integer,
    MetaData,
    Table,
    and_,
    bindparam,
    case,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, Prepared, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.members import listed_members
from socialcrm.adapters.sqlalchemy.repositories.post_history import (
    COMMENT_FIELDS,
    REVISION_FIELDS,
    PostHistoryStatements,
    SQLPostHistory,
)
from socialcrm.adapters.sqlalchemy.repositories.spaces import SPACE_FIELDS, SPACE_ROW
from socialcrm.adapters.sqlalchemy.repositories.threads import THREAD_FIELDS, THREAD_ROW
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.members.records import AuthorStats
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import NewPost, Post, Thread

#: The records' row mappers; a query selects their ``columns``, in order.
POST_ROW = RowMapper(Post, {"is_opening": bool, "community_wiki": bool})
POST_FIELDS = POST_ROW.columns


def add_post_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``posts`` table.

    ``created_at`` is indexed for the TL3 window's "posts created" count;
    ``community_wiki`` marks posts owned by the community (they earn their author
    nothing under the built-in reward rules); ``hidden_at`` says when flags hid it.
    """
    kit = TableKit(metadata, prefix)
    posts = kit.entity(
        "posts",
        kit.reference("thread_id", "threads"),
        kit.reference("author_id", "members"),
        column("body", long_text()),
        column("score", Integer),
        column("is_opening", Boolean),
        timestamp("created_at"),
        timestamp("edited_at", nullable=True),
        timestamp("deleted_at", nullable=True),
        kit.reference("deleted_by", "members", nullable=True),
        column("community_wiki", Boolean, server_default=false()),
        timestamp("hidden_at", nullable=True),
        Index(None, "thread_id"),
        Index(None, "author_id"),
        Index(None, "deleted_by"),
        Index(None, "created_at"),
        # The rate limits count a member's recent posts.
        Index(None, "author_id", "created_at"),
    )
    return {"posts": posts}


class PostStatements:
    """The post statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        p = tables.posts
        self.history = PostHistoryStatements(tables, prepare)
        columns = [p.c[name] for name in POST_FIELDS]
        # Named "pid", not "id": a parameter named like a column would join the SET clause.
        by_id = p.c.id == bindparam("pid")
        self.insert = prepare.core(insert(p))
        self.get = prepare.hot(select(*columns).where(by_id))
        # Step 2 of the lock order (docs/storage.md), after the post's thread.
        self.lock = prepare.hot(select(*columns).where(by_id).with_for_update())
        t, s = tables.threads, tables.spaces
        self.locate = prepare.hot(
            select(
                *columns,
                *[t.c[name] for name in THREAD_FIELDS],
                *[s.c[name] for name in SPACE_FIELDS],
            )
            .select_from(p.join(t, t.c.id == p.c.thread_id).join(s, s.c.id == t.c.space_id))
            .where(by_id)
        )
        thread_posts = select(*columns).where(p.c.thread_id == bindparam("thread_id"))
        opening_first = (p.c.is_opening.desc(), p.c.id)
        self.for_thread_all = prepare.core(thread_posts.order_by(*opening_first))
        self.for_thread_live = prepare.core(
            thread_posts.where(p.c.deleted_at.is_(None)).order_by(*opening_first)
        )
        self.update_body = prepare.core(
            update(p)
            .where(by_id)
            .values(body=bindparam("new_body"), edited_at=bindparam("new_edited_at"))
        )
        live = p.c.deleted_at.is_(None)
        self.mark_deleted = prepare.core(
            update(p)
            .where(by_id, live)
            .values(deleted_at=bindparam("at"), deleted_by=bindparam("by"))
        )
        # Guarded: a vote that lost the race with the post's deletion changes nothing.
        self.add_score = prepare.hot(
            update(p).where(by_id, live).values(score=p.c.score + bindparam("delta"))
        )
        # The new score in the same statement where the dialect has UPDATE ... RETURNING
        # (SQLite 3.35+, PostgreSQL); MariaDB reads it back from the row it just locked.
        self.add_score_returning: Prepared | None = None
        if prepare.dialect.update_returning:
            self.add_score_returning = prepare.hot(
                update(p)
                .where(by_id, live)
                .values(score=p.c.score + bindparam("delta"))
                .returning(p.c.score)
            )
        self.score = prepare.hot(select(p.c.score).where(by_id))
        self.hide = prepare.core(
            update(p).where(by_id, p.c.hidden_at.is_(None)).values(hidden_at=bindparam("at"))
        )
        self.unhide = prepare.core(
            update(p).where(by_id, p.c.hidden_at.is_not(None)).values(hidden_at=None)
        )
        self.by_author = prepare.core(
            select(*columns)
            .where(p.c.author_id == bindparam("author_id"), p.c.deleted_at.is_(None))
            .order_by(p.c.id)
        )
        self.tables = tables
        self.recent_by_author = prepare.core(
            select(*columns)
            .select_from(p.join(t, t.c.id == p.c.thread_id))
            .where(
                p.c.author_id == bindparam("author_id"),
                p.c.created_at >= bindparam("since"),
                p.c.deleted_at.is_(None),
                t.c.deleted_at.is_(None),
            )
            .order_by(p.c.created_at.desc(), p.c.id.desc())
            .limit(bindparam("limit"))
        )
        # Every posting command runs these (the rate limits): on the hot path.
        by_author = p.c.author_id == bindparam("author_id")
        self.count_authored_since = prepare.hot(
            select(
                func.coalesce(func.sum(case((p.c.is_opening, 1), else_=0)), 0),
                func.count(),
            ).where(by_author, p.c.created_at >= bindparam("since"))
        )
        self.last_authored_at = prepare.hot(
            select(func.max(p.c.created_at, type_=p.c.created_at.type)).where(by_author)
        )
        in_thread = p.c.thread_id == bindparam("thread_id")
        last_other = (
            select(func.coalesce(func.max(p.c.id), 0))
            .where(in_thread, p.c.author_id != bindparam("author_id"))
            .scalar_subquery()
        )
        self.trailing_replies = prepare.hot(
            select(func.count()).where(
                in_thread, by_author, p.c.is_opening == false(), p.c.id > last_other
            )
        )


class SQLPostRepository(SQLPostHistory):
    """:class:`socialcrm.ports.PostRepository` over SQL (revisions and comments inherited)."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: PostStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, statements.history, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewPost) -> Post:
        """Insert a post with score 0."""
        values = {**attrs.asdict(new, recurse=False), "score": 0}
        stored = {"edited_at": None, "deleted_at": None, "deleted_by": None}
        post_id = self._q.insert.insert(self._conn, {**values, **stored})
        return Post(id=post_id, **values)

    def get(self, post_id: int) -> Post | None:
        """The post with this id (deleted ones included), or ``None``."""
        row = self._q.get.first(self._conn, {"pid": post_id})
        return None if row is None else POST_ROW.from_row(row)

    def lock(self, post_id: int) -> Post | None:
        """Lock the post's row until the unit ends and return it as committed now."""
        row = self._q.lock.first(self._conn, {"pid": post_id})
        return None if row is None else POST_ROW.from_row(row)

    def locate(self, post_id: int) -> tuple[Post, Thread, Space] | None:
        """The post, its thread and the thread's space in one joined query, or ``None``."""
        row = self._q.locate.first(self._conn, {"pid": post_id})
        if row is None:
            return None
        post_end = len(POST_FIELDS)
        thread_end = post_end + len(THREAD_FIELDS)
        return (
            POST_ROW.from_row(row[:post_end]),
            THREAD_ROW.from_row(row[post_end:thread_end]),
            SPACE_ROW.from_row(row[thread_end:]),
        )

    def list_for_thread(self, thread_id: int, *, include_deleted: bool = False) -> list[Post]:
        """The thread's posts, opening post first, then by id ascending."""
        query = self._q.for_thread_all if include_deleted else self._q.for_thread_live
        return [POST_ROW.from_row(row) for row in query.all(self._conn, {"thread_id": thread_id})]

    def update_body(self, post_id: int, *, body: str, edited_at: datetime) -> None:
        """Replace the body and set ``edited_at``."""
        params = {"pid": post_id, "new_body": body, "new_edited_at": edited_at}
        self._q.update_body.write(self._conn, params)

    def mark_deleted(self, post_id: int, *, by: int, at: datetime) -> bool:
        """Soft-delete the post; ``False`` if it is deleted already or absent."""
        return self._q.mark_deleted.write(self._conn, {"pid": post_id, "by": by, "at": at}) == 1

    def add_score(self, post_id: int, delta: int) -> int | None:
        """Atomically add ``delta`` to a live post's score; the new score (``None``: no
        such post, or it is deleted)."""
        params = {"pid": post_id, "delta": delta}
        if self._q.add_score_returning is not None:
            # ``all``, not ``first``: SQLite finishes an UPDATE ... RETURNING only once
            # every row is fetched.
            rows = self._q.add_score_returning.all(self._conn, params)
            return int(rows[0][0]) if rows else None
        if self._q.add_score.write(self._conn, params) == 0:
            return None
        return int(self._q.score.scalar(self._conn, {"pid": post_id}))

    def set_hidden(self, post_id: int, at: datetime | None) -> bool:
        """Hide (``at``) or show (``None``) the post; ``False`` if already so or absent."""
        if at is None:
            return self._q.unhide.write(self._conn, {"pid": post_id}) == 1
        return self._q.hide.write(self._conn, {"pid": post_id, "at": at}) == 1

    def by_author(self, author_id: int) -> list[Post]:
        """The author's posts that are not deleted, by id ascending."""
        rows = self._q.by_author.all(self._conn, {"author_id": author_id})
        return [POST_ROW.from_row(row) for row in rows]

    def author_stats(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int],
        exclude_member_ids: Collection[int] = (),
    ) -> list[AuthorStats]:
        """Per author, what they wrote in the period and spaces (one grouped query)."""
        if not space_ids:
            return []
        tables = self._q.tables
        p, t, m = tables.posts, tables.threads, tables.members
        is_answer = and_(t.c.kind == "question", p.c.is_opening == false())
        is_accepted = and_(
            is_answer, t.c.accepted_answer_id == p.c.id, p.c.author_id != t.c.author_id
        )
        query = (
            select(
                p.c.author_id,
                func.count(p.c.id),
                func.sum(case((is_answer, 1), else_=0)),
                func.sum(case((is_accepted, 1), else_=0)),
                func.sum(p.c.score),
            )
            .select_from(p.join(t, t.c.id == p.c.thread_id))
            .where(
                p.c.deleted_at.is_(None),
                t.c.deleted_at.is_(None),
                t.c.space_id.in_(sorted(set(space_ids))),
                p.c.author_id.not_in(select(m.c.id).where(~listed_members(m))),
            )
            .group_by(p.c.author_id)
            .order_by(p.c.author_id)
        )
        if since is not None:
            query = query.where(p.c.created_at >= since)
        if until is not None:
            query = query.where(p.c.created_at < until)
        if exclude_member_ids:
            query = query.where(p.c.author_id.not_in(sorted(set(exclude_member_ids))))
        return [
            AuthorStats(
                member_id=author,
                posts=int(posts),
                answers=int(answers),
                accepted_answers=int(accepted),
                score=int(score),
            )
            for author, posts, answers, accepted, score in CoreStatement(query).all(self._conn)
        ]

    def recent_by_author(self, author_id: int, *, since: datetime, limit: int) -> list[Post]:
        """The author's live posts created at or after ``since``, newest first."""
        params = {"author_id": author_id, "since": since, "limit": max(limit, 0)}
        return [POST_ROW.from_row(row) for row in self._q.recent_by_author.all(self._conn, params)]

    def count_authored_since(self, author_id: int, since: datetime) -> tuple[int, int]:
        """See :meth:`socialcrm.ports.PostRepository.count_authored_since`."""
        row = self._q.count_authored_since.first(
            self._conn, {"author_id": author_id, "since": since}
        )
        opening, total = (0, 0) if row is None else (int(row[0]), int(row[1]))
        return opening, total - opening

    def last_authored_at(self, author_id: int) -> datetime | None:
        """See :meth:`socialcrm.ports.PostRepository.last_authored_at`."""
        found: datetime | None = self._q.last_authored_at.scalar(
            self._conn, {"author_id": author_id}
        )
        return found

    def trailing_replies(self, thread_id: int, author_id: int) -> int:
        """See :meth:`socialcrm.ports.PostRepository.trailing_replies`."""
        params = {"thread_id": thread_id, "author_id": author_id}
        return int(self._q.trailing_replies.scalar(self._conn, params) or 0)


__all__ = [
    "COMMENT_FIELDS",
    "POST_FIELDS",
    "REVISION_FIELDS",
    "PostStatements",
    "SQLPostRepository",
]

"""What accrues under a post: its revisions and its comments (append and list only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, MetaData, String, Table, bindparam, insert, select
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import TITLE_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.threads.records import Comment, Revision

#: The records' row mappers; a query selects their ``columns``, in order.
REVISION_ROW = RowMapper(Revision)
REVISION_FIELDS = REVISION_ROW.columns
COMMENT_ROW = RowMapper(Comment)
COMMENT_FIELDS = COMMENT_ROW.columns


def add_post_history_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``revisions`` (a post's earlier bodies and titles) and ``comments``."""
    kit = TableKit(metadata, prefix)
    revisions = kit.entity(
        "revisions",
        kit.reference("post_id", "posts"),
        kit.reference("editor_id", "members"),
        timestamp("edited_at"),
        column("previous_body", long_text()),
        column("previous_title", String(TITLE_LENGTH), nullable=True),
        Index(None, "post_id"),
        Index(None, "editor_id"),
    )
    comments = kit.entity(
        "comments",
        kit.reference("post_id", "posts"),
        kit.reference("author_id", "members"),
        column("body", long_text()),
        timestamp("created_at"),
        Index(None, "post_id"),
        Index(None, "author_id"),
    )
    return {"revisions": revisions, "comments": comments}


class PostHistoryStatements:
    """The revision and comment statements, built once per storage."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        r, c = tables.revisions, tables.comments
        self.insert_revision = prepare.core(insert(r))
        self.revisions = prepare.core(
            select(*[r.c[name] for name in REVISION_FIELDS])
            .where(r.c.post_id == bindparam("pid"))
            .order_by(r.c.id)
        )
        self.insert_comment = prepare.core(insert(c))
        self.comments = prepare.core(
            select(*[c.c[name] for name in COMMENT_FIELDS])
            .where(c.c.post_id == bindparam("pid"))
            .order_by(c.c.id)
        )


class SQLPostHistory(SQLRepository):
    """The revisions and comments part of :class:`socialcrm.ports.PostRepository` over SQL."""

    __slots__ = ("_history",)

    def __init__(
        self, connection: Connection, statements: PostHistoryStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._history = statements

    def add_revision(
        self,
        *,
        post_id: int,
        editor_id: int,
        edited_at: datetime,
        previous_body: str,
        previous_title: str | None,
    ) -> Revision:
        """Append a revision."""
        revision_id = self._history.insert_revision.insert(
            self._conn,
            {
                "post_id": post_id,
                "editor_id": editor_id,
                "edited_at": edited_at,
                "previous_body": previous_body,
                "previous_title": previous_title,
            },
        )
        return Revision(
            id=revision_id,
            post_id=post_id,
            editor_id=editor_id,
            edited_at=edited_at,
            previous_body=previous_body,
            previous_title=previous_title,
        )

    def revisions(self, post_id: int) -> list[Revision]:
        """The post's revisions, oldest first."""
        rows = self._history.revisions.all(self._conn, {"pid": post_id})
        return [REVISION_ROW.from_row(row) for row in rows]

    def add_comment(
        self, *, post_id: int, author_id: int, body: str, created_at: datetime
    ) -> Comment:
        """Append a comment under the post."""
        comment_id = self._history.insert_comment.insert(
            self._conn,
            {"post_id": post_id, "author_id": author_id, "body": body, "created_at": created_at},
        )
        return Comment(
            id=comment_id,
            post_id=post_id,
            author_id=author_id,
            body=body,
            created_at=created_at,
        )

    def comments(self, post_id: int) -> list[Comment]:
        """The post's comments, oldest first (by id: equal timestamps keep insertion order)."""
        rows = self._history.comments.all(self._conn, {"pid": post_id})
        return [COMMENT_ROW.from_row(row) for row in rows]


__all__ = [
    "COMMENT_FIELDS",
    "REVISION_FIELDS",
    "PostHistoryStatements",
    "SQLPostHistory",
    "add_post_history_tables",
]

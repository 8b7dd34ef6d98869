"""The review queue: held submissions and flagged posts, and the decisions on them."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

import attrs
from sqlalchemy import (
    Boolean,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    CODE_LENGTH,
    RULE_LENGTH,
    TITLE_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper, json_tuple
from socialcrm.capabilities.review.records import NewReviewItem, ReviewDecision, ReviewItem
from socialcrm.errors import NotFound

#: The records' row mappers; a query selects their ``columns``, in order.
REVIEW_ROW = RowMapper(
    ReviewItem,
    {"reasons": json_tuple, "rules": json_tuple, "tags": json_tuple, "community_wiki": bool},
)
REVIEW_FIELDS = REVIEW_ROW.columns


def _list_to_text(values: Iterable[str]) -> str:
    return json.dumps([str(v) for v in values], separators=(",", ":"))


def add_review_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``review_items`` table: held submissions and flagged posts, and decisions."""
    kit = TableKit(metadata, prefix)
    review_items = kit.entity(
        "review_items",
        column("kind", String(CODE_LENGTH)),
        column("status", String(CODE_LENGTH)),
        column("reason", String(RULE_LENGTH)),
        column("reasons", long_text()),
        column("rules", long_text()),
        kit.reference("author_id", "members"),
        kit.reference("space_id", "spaces"),
        column("thread_id", Integer, nullable=True),
        column("post_id", Integer, nullable=True),
        column("thread_kind", String(CODE_LENGTH), nullable=True),
        column("title", String(TITLE_LENGTH), nullable=True),
        column("body", long_text()),
        column("tags", long_text()),
        column("community_wiki", Boolean),
        timestamp("created_at"),
        timestamp("decided_at", nullable=True),
        column("decided_by", Integer, nullable=True),
        column("note", long_text()),
        # Short explicit names: derived ones pass 63 characters with long prefixes.
        kit.index("review_queue", "status", "space_id", "created_at"),
        kit.index("review_author", "author_id", "status"),
    )
    return {"review_items": review_items}


class ReviewStatements:
    """The review statements built once per storage; filtered lists are built per call."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        r = tables.review_items
        self.table = r
        self.columns = [r.c[name] for name in REVIEW_FIELDS]
        self.insert = prepare.core(insert(r))
        self.get = prepare.core(select(*self.columns).where(r.c.id == bindparam("id")))
        self.count_by_author = prepare.core(
            select(func.count())
            .select_from(r)
            .where(
                r.c.author_id == bindparam("author_id"),
                r.c.kind == bindparam("kind"),
                r.c.status == bindparam("status"),
            )
        )


class SQLReviewRepository(SQLRepository):
    """:class:`socialcrm.ports.ReviewRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: ReviewStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewReviewItem) -> ReviewItem:
        """Insert a pending item (``new`` was checked when it was made)."""
        fields = attrs.asdict(new, recurse=False)
        params = {
            **fields,
            "status": "pending",
            "note": "",
            "reasons": _list_to_text(new.reasons),
            "rules": _list_to_text(new.rules),
            "tags": _list_to_text(new.tags),
        }
        item_id = self._q.insert.insert(self._conn, params)
        return ReviewItem(id=item_id, status="pending", **fields)

    def get(self, item_id: int) -> ReviewItem | None:
        """The item with this id, or ``None``."""
        row = self._q.get.first(self._conn, {"id": item_id})
        return None if row is None else REVIEW_ROW.from_row(row)

    def _filtered(
        self, query: Select[Any], space_ids: Collection[int], reason: str | None, kind: str | None
    ) -> Select[Any]:
        r = self._q.table
        query = query.where(r.c.status == "pending", r.c.space_id.in_(sorted(set(space_ids))))
        if reason is not None:
            query = query.where(r.c.reason == reason)
        if kind is not None:
            query = query.where(r.c.kind == kind)
        return query

    def pending(
        self,
        *,
        space_ids: Collection[int],
        reason: str | None = None,
        kind: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> list[ReviewItem]:
        """Pending items in the spaces, oldest first."""
        if not space_ids:
            return []
        r = self._q.table
        query = self._filtered(select(*self._q.columns), space_ids, reason, kind)
        query = query.order_by(r.c.created_at, r.c.id).limit(limit).offset(offset)
        return [REVIEW_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]

    def count_pending(
        self, *, space_ids: Collection[int], reason: str | None = None, kind: str | None = None
    ) -> int:
        """How many pending items match."""
        if not space_ids:
            return 0
        query = self._filtered(
            select(func.count()).select_from(self._q.table), space_ids, reason, kind
        )
        return int(CoreStatement(query).scalar(self._conn, {}))

    def by_author(
        self, author_id: int, *, status: str | None = None, limit: int
    ) -> list[ReviewItem]:
        """The author's items, oldest first."""
        r = self._q.table
        query = select(*self._q.columns).where(r.c.author_id == author_id)
        if status is not None:
            query = query.where(r.c.status == status)
        query = query.order_by(r.c.created_at, r.c.id).limit(limit)
        return [REVIEW_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]

    def count_by_author(self, author_id: int, *, kind: str, status: str) -> int:
        """How many of the author's items have this kind and status."""
        params = {"author_id": author_id, "kind": kind, "status": status}
        return int(self._q.count_by_author.scalar(self._conn, params))

    def decide(self, item_id: int, decision: ReviewDecision) -> bool:
        """Compare-and-set a pending item to ``decision.status``."""
        r = self._q.table
        statement = (
            update(r).where(r.c.id == item_id, r.c.status == "pending").values(**decision.changes())
        )
        if CoreStatement(statement).write(self._conn, {}):
            return True
        if self.get(item_id) is None:
            raise NotFound(f"no review item {item_id}", code="review_item_not_found")
        return False


__all__ = ["REVIEW_FIELDS", "ReviewStatements", "SQLReviewRepository"]

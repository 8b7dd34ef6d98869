"""Spaces and explicit space membership."""

from __future__ import annotations

import attrs
from sqlalchemy import (
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string, long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    CODE_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.spaces.records import NewSpace, Space
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
SPACE_ROW = RowMapper(Space)
SPACE_FIELDS = SPACE_ROW.columns


def add_space_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``spaces`` (a tree through ``parent_id``) and explicit ``space_members``."""
    kit = TableKit(metadata, prefix)
    spaces = kit.entity(
        "spaces",
        column("slug", case_sensitive_string(SLUG_LENGTH)),
        column("name", String(NAME_LENGTH)),
        column("description", long_text()),
        kit.reference("parent_id", "spaces", nullable=True),
        column("visibility", String(CODE_LENGTH)),
        column("posting", String(CODE_LENGTH)),
        timestamp("created_at"),
        UniqueConstraint("slug"),
        Index(None, "parent_id"),
    )
    space_members = kit.keyed(
        "space_members",
        ("space_id", "member_id"),
        kit.reference("space_id", "spaces"),
        kit.reference("member_id", "members"),
        Index(None, "member_id"),
    )
    return {"spaces": spaces, "space_members": space_members}


class SpaceStatements:
    """The space statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        s, sm = tables.spaces, tables.space_members
        columns = [s.c[name] for name in SPACE_FIELDS]
        self.insert = prepare.core(insert(s))
        self.get = prepare.hot(select(*columns).where(s.c.id == bindparam("space_id")))
        self.by_slug = prepare.core(select(*columns).where(s.c.slug == bindparam("slug")))
        self.all = prepare.core(select(*columns).order_by(s.c.id))
        is_pair = (
            sm.c.space_id == bindparam("space_id"),
            sm.c.member_id == bindparam("member_id"),
        )
        self.insert_member = prepare.core(insert(sm))
        self.has_member = prepare.core(select(sm.c.space_id).where(*is_pair))
        self.delete_member = prepare.core(delete(sm).where(*is_pair))
        self.memberships = prepare.core(
            select(sm.c.space_id).where(sm.c.member_id == bindparam("member_id"))
        )


class SQLSpaceRepository(SQLRepository):
    """:class:`socialcrm.ports.SpaceRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: SpaceStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewSpace) -> Space:
        """Insert a space; ``Conflict`` (code ``duplicate_slug``) if the slug is taken."""
        fields = attrs.asdict(new, recurse=False)
        space_id = self._insert_unique(
            self._q.insert,
            fields,
            already_exists=lambda: self.get_by_slug(new.slug) is not None,
            conflict=lambda: Conflict(
                f"a space with slug {new.slug!r} already exists", code="duplicate_slug"
            ),
        )
        assert space_id is not None
        return Space(id=space_id, **fields)

    def get(self, space_id: int) -> Space | None:
        """The space with this id, or ``None``."""
        row = self._q.get.first(self._conn, {"space_id": space_id})
        return None if row is None else SPACE_ROW.from_row(row)

    def get_by_slug(self, slug: str) -> Space | None:
        """The space with this slug, or ``None``."""
        row = self._q.by_slug.first(self._conn, {"slug": slug})
        return None if row is None else SPACE_ROW.from_row(row)

    def list(self) -> list[Space]:
        """Every space, by id ascending."""
        return [SPACE_ROW.from_row(row) for row in self._q.all.all(self._conn)]

    def add_member(self, space_id: int, member_id: int) -> bool:
        """Give explicit membership; ``False`` if it already existed."""
        pair = {"space_id": space_id, "member_id": member_id}
        if self._q.has_member.first(self._conn, pair) is not None:
            return False
        # A concurrent writer may add the same membership between the two statements.
        inserted = self._insert_unique(
            self._q.insert_member,
            pair,
            already_exists=lambda: self._q.has_member.first(self._conn, pair) is not None,
            conflict=None,
        )
        return inserted is not None

    def remove_member(self, space_id: int, member_id: int) -> bool:
        """End explicit membership; ``False`` if there was none."""
        pair = {"space_id": space_id, "member_id": member_id}
        return self._q.delete_member.write(self._conn, pair) > 0

    def memberships(self, member_id: int) -> frozenset[int]:
        """Ids of the spaces the member explicitly belongs to."""
        rows = self._q.memberships.all(self._conn, {"member_id": member_id})
        return frozenset(space_id for (space_id,) in rows)


__all__ = ["SPACE_FIELDS", "SpaceStatements", "SQLSpaceRepository"]

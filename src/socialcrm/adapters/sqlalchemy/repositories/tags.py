"""Tags: the names a community knows, and which threads carry which tag."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import Index, MetaData, Table, bindparam, delete, insert, or_, select
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string
from socialcrm.adapters.sqlalchemy.conventions import TAG_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository


def add_tag_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``thread_tags`` (which thread carries which tag, for filtering) and ``tags``.

    A thread's own row keeps its tags in their given order (``threads.tags``);
    ``thread_tags`` indexes the same tags, ``tags`` holds every name created.
    """
    kit = TableKit(metadata, prefix)
    thread_tags = kit.keyed(
        "thread_tags",
        ("thread_id", "tag"),
        kit.reference("thread_id", "threads"),
        column("tag", case_sensitive_string(TAG_LENGTH)),
        Index(None, "tag"),
    )
    tags = kit.keyed(
        "tags",
        ("name",),
        column("name", case_sensitive_string(TAG_LENGTH)),
        timestamp("created_at"),
    )
    return {"thread_tags": thread_tags, "tags": tags}


class TagStatements:
    """The tag statements, built once per storage."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        tt, tags = tables.thread_tags, tables.tags
        self.threads, self.thread_tags, self.tags = tables.threads, tt, tags
        self.insert_tag_links = prepare.core(insert(tt))
        self.delete_tag_links = prepare.core(
            delete(tt).where(tt.c.thread_id == bindparam("thread_id"))
        )
        self.known_tags = prepare.core(
            select(tags.c.name).where(tags.c.name.in_(bindparam("names", expanding=True)))
        )
        self.insert_tag = prepare.core(insert(tags))
        self.has_tag = prepare.core(select(tags.c.name).where(tags.c.name == bindparam("name")))


class SQLThreadTags(SQLRepository):
    """The tag part of :class:`socialcrm.ports.ThreadRepository` over SQL."""

    __slots__ = ("_tagging",)

    def __init__(
        self, connection: Connection, statements: TagStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._tagging = statements

    def _link_tags(self, thread_id: int, tags: tuple[str, ...]) -> None:
        if tags:
            rows = [{"thread_id": thread_id, "tag": tag} for tag in tags]
            self._tagging.insert_tag_links.write(self._conn, rows)  # type: ignore[arg-type]

    def _unlink_tags(self, thread_id: int) -> None:
        self._tagging.delete_tag_links.write(self._conn, {"thread_id": thread_id})

    def known_tags(
        self, names: Collection[str], *, exclude_space_ids: Collection[int] = ()
    ) -> frozenset[str]:
        """Which of these tag names exist (for a viewer who cannot see ``exclude_space_ids``)."""
        if not names:
            return frozenset()
        if exclude_space_ids:
            tags, t, tt = self._tagging.tags, self._tagging.threads, self._tagging.thread_tags
            anywhere = select(tt.c.tag).where(tt.c.tag == tags.c.name)
            visible = (
                select(tt.c.tag)
                .select_from(tt.join(t, t.c.id == tt.c.thread_id))
                .where(
                    tt.c.tag == tags.c.name,
                    t.c.space_id.not_in(sorted(set(exclude_space_ids))),
                )
            )
            query = select(tags.c.name).where(
                tags.c.name.in_(list(names)), or_(~anywhere.exists(), visible.exists())
            )
            return frozenset(name for (name,) in CoreStatement(query).all(self._conn))
        rows = self._tagging.known_tags.all(self._conn, {"names": list(names)})
        return frozenset(name for (name,) in rows)

    def add_tags(self, names: Iterable[str], at: datetime) -> None:
        """Create the tag names that do not exist yet."""
        wanted = list(dict.fromkeys(names))
        known = self.known_tags(wanted)
        for name in wanted:
            if name in known:
                continue
            # A concurrent writer may create the same tag: that is success too.
            self._insert_unique(
                self._tagging.insert_tag,
                {"name": name, "created_at": at},
                already_exists=lambda name=name: self._tag_exists(name),  # type: ignore[misc]
                conflict=None,
            )

    def _tag_exists(self, name: str) -> bool:
        return self._tagging.has_tag.first(self._conn, {"name": name}) is not None


__all__ = ["SQLThreadTags", "TagStatements", "add_tag_tables"]

"""The conventions every socialcrm table follows, in one place.

Each repository module builds its own tables (``add_<capability>_tables``) with
these helpers, and :mod:`.schema` composes them. What they settle:

* **Prefixing.** Every table name starts with a configurable prefix so the schema
  can live in a host application's database (:class:`TableKit` adds it).
* **Ids.** Entity tables are keyed by a surrogate integer ``id``, their first
  column (:meth:`TableKit.entity`). SQLite uses ``AUTOINCREMENT`` so that ids of
  deleted rows are never handed out again (ledger causes embed them,
  ``thread:<id>:post:<id>:vote:<id>``); an id handed out in a transaction that
  rolled back may be reused, which is harmless since nothing that used it was
  kept. Link and counter tables are keyed by their natural key
  (:meth:`TableKit.keyed`). References are integer columns with a foreign key to
  the other table's ``id`` (:meth:`TableKit.reference`).
* **Nullability** is always stated: :func:`column` and :func:`timestamp` are
  ``NOT NULL`` unless told ``nullable=True``.
* **Timestamps** are :class:`~.column_types.UTCDateTime`: stored in UTC, read
  back timezone-aware on every database.
* **Names of constraints and indexes** come from :data:`NAMING_CONVENTION`, or
  are given explicitly through :meth:`TableKit.index` where the convention
  would make them too long, so Alembic comparisons are stable on SQLite,
  PostgreSQL and MariaDB.
* **MariaDB**: every table is InnoDB in utf8mb4 with a binary default collation
  (:data:`~.column_types.MYSQL_TABLE_OPTIONS`), long texts are ``MEDIUMTEXT``,
  and keys compared by value (external ids, slugs, tags, causes) use a binary
  collation, so they are case sensitive everywhere. String lengths below stay
  indexable under MariaDB's utf8mb4 limits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, PrimaryKeyConstraint, Table
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeEngine

from socialcrm.adapters.sqlalchemy.column_types import MYSQL_TABLE_OPTIONS, UTCDateTime

DEFAULT_TABLE_PREFIX = "socialcrm_"

#: Constraint names derived from table and column names. FK names leave out the
#: referred table to stay under the 63/64 character limits of PostgreSQL/MariaDB.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths chosen to stay indexable under MariaDB's utf8mb4 limits.
EXTERNAL_ID_LENGTH = 255
NAME_LENGTH = 255
SLUG_LENGTH = 64
TAG_LENGTH = 35
TITLE_LENGTH = 500
PROFILE_FIELD_LENGTH = 500
CODE_LENGTH = 32
RULE_LENGTH = 64
CAUSE_LENGTH = 255
EVENT_ID_LENGTH = 36
EVENT_NAME_LENGTH = 64
AUDIT_ACTION_LENGTH = 64
IMPORT_KEY_LENGTH = 191
CODE_HASH_LENGTH = 64
REWARD_KEY_LENGTH = 191
BADGE_KEY_LENGTH = 64

ColumnType = TypeEngine[Any] | type[TypeEngine[Any]]


def column(
    name: str, type_: ColumnType, *, nullable: bool = False, server_default: Any = None
) -> Column[Any]:
    """A column, ``NOT NULL`` unless ``nullable``."""
    return Column(name, type_, nullable=nullable, server_default=server_default)


def timestamp(name: str, *, nullable: bool = False) -> Column[Any]:
    """A moment, stored in UTC and read back timezone-aware (``NOT NULL`` unless ``nullable``)."""
    return Column(name, UTCDateTime, nullable=nullable)


class TableKit:
    """Builds the tables of one :class:`MetaData` under one table prefix."""

    __slots__ = ("metadata", "prefix")

    def __init__(self, metadata: MetaData, prefix: str) -> None:
        self.metadata = metadata
        self.prefix = prefix

    def entity(self, name: str, *items: SchemaItem) -> Table:
        """A table keyed by a surrogate ``id`` (its first column), never reusing ids on SQLite."""
        return Table(
            self.prefix + name,
            self.metadata,
            Column("id", Integer, primary_key=True),
            *items,
            sqlite_autoincrement=True,
            **MYSQL_TABLE_OPTIONS,
        )

    def keyed(self, name: str, primary_key: tuple[str, ...], *items: SchemaItem) -> Table:
        """A table keyed by the columns ``primary_key`` names (no surrogate id)."""
        return Table(
            self.prefix + name,
            self.metadata,
            *items,
            PrimaryKeyConstraint(*primary_key),
            **MYSQL_TABLE_OPTIONS,
        )

    def reference(self, name: str, table: str, *, nullable: bool = False) -> Column[int]:
        """An integer column with a foreign key to ``table``'s ``id`` (``table`` unprefixed)."""
        return Column(name, Integer, ForeignKey(f"{self.prefix}{table}.id"), nullable=nullable)

    def index(self, suffix: str, *columns: str) -> Index:
        """An index named ``ix_<prefix><suffix>``, where the convention's name would be too long."""
        return Index(f"ix_{self.prefix}{suffix}", *columns)


__all__ = [
    "AUDIT_ACTION_LENGTH",
    "BADGE_KEY_LENGTH",
    "CAUSE_LENGTH",
    "CODE_HASH_LENGTH",
    "CODE_LENGTH",
    "DEFAULT_TABLE_PREFIX",
    "EVENT_ID_LENGTH",
    "EVENT_NAME_LENGTH",
    "EXTERNAL_ID_LENGTH",
    "IMPORT_KEY_LENGTH",
    "NAME_LENGTH",
    "NAMING_CONVENTION",
    "PROFILE_FIELD_LENGTH",
    "REWARD_KEY_LENGTH",
    "RULE_LENGTH",
    "SLUG_LENGTH",
    "TAG_LENGTH",
    "TITLE_LENGTH",
    "TableKit",
    "column",
    "timestamp",
]

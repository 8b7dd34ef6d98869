"""Column types shared by the tables and the migrations.

Migrations import from here, so a type's name and arguments are part of the
schema history: change behaviour freely, never the rendered type.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

_UTC = timezone.utc


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware in UTC.

    SQLite and MariaDB keep no time zone, so values are normalised to UTC and
    stored naive there; PostgreSQL stores ``timestamptz``. Naive datetimes are
    refused: socialcrm only ever handles aware UTC moments, and guessing the zone
    of a naive one would silently shift history.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Ask MariaDB/MySQL for microsecond precision; their default drops it."""
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; drop the zone where the database cannot keep it."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given; socialcrm stores aware UTC only")
        if value.tzinfo is not _UTC:
            value = value.astimezone(_UTC)
        if dialect.name == "postgresql":
            return value
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the driver gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=_UTC)
        return value.astimezone(_UTC)


def case_sensitive_string(length: int) -> TypeEngine[str]:
    """A ``VARCHAR(length)`` compared byte for byte on every database.

    SQLite and PostgreSQL compare strings exactly already; MariaDB's default
    collations ignore case, which would make ``"Ada"`` and ``"ada"`` the same
    external id, slug, tag or ledger cause there. Binary collation keeps every
    database in step with the in-memory adapter.
    """
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def long_text() -> TypeEngine[str]:
    """Unbounded text: ``TEXT`` on SQLite and PostgreSQL, ``MEDIUMTEXT`` on MariaDB/MySQL.

    MariaDB's ``TEXT`` holds 65,535 *bytes*: a 30,000-character post body of
    emoji (4 bytes each in utf8mb4), or a JSON list of profile interests whose
    non-ASCII characters ``json.dumps`` escapes to 6 or 12 bytes each, would not
    fit. ``MEDIUMTEXT`` holds 16 MiB.
    """
    return Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


#: Table options of every socialcrm table on MariaDB/MySQL: InnoDB (row locks and
#: transactions), utf8mb4 (emoji and every other character outside the BMP) and a
#: binary default collation, whatever the database's defaults are. Given under
#: both prefixes because SQLAlchemy's ``mariadb`` dialect reads only ``mariadb_``
#: options and its ``mysql`` dialect only ``mysql_`` ones.
MYSQL_TABLE_OPTIONS: dict[str, Any] = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (
        ("engine", "InnoDB"),
        ("charset", "utf8mb4"),
        ("collate", "utf8mb4_bin"),
    )
}


__all__ = ["MYSQL_TABLE_OPTIONS", "UTCDateTime", "case_sensitive_string", "long_text"]

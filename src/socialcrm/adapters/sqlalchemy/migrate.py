"""Run the adapter's Alembic migrations from Python (the CLI calls these too).

The migrations ship inside the package, keep their own version table
(``<prefix>alembic_version``) and create every table with the configured
prefix, so they can run in a database a host's own Alembic already manages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX
from socialcrm.adapters.sqlalchemy.engines import MYSQL_BACKENDS, READ_ONLY_OPTION
from socialcrm.errors import StorageError

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent / "migrations"

#: Key of ``Config.attributes`` (and of the migration context's options) holding the prefix.
TABLE_PREFIX_KEY = "socialcrm_table_prefix"


def version_table_name(table_prefix: str = DEFAULT_TABLE_PREFIX) -> str:
    """The Alembic version table of the schema with this prefix."""
    return f"{table_prefix}alembic_version"


def include_own_tables(table_prefix: str = DEFAULT_TABLE_PREFIX) -> Callable[..., bool]:
    """An Alembic ``include_name`` filter that only sees tables with ``table_prefix``.

    Autogenerate comparisons then ignore the host's tables in a shared database.
    """

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "table":
            return name is not None and name.startswith(table_prefix)
        return True

    return include_name


def alembic_config(
    table_prefix: str = DEFAULT_TABLE_PREFIX, *, connection: Connection | None = None
) -> Config:
    """An Alembic :class:`~alembic.config.Config` for the shipped migrations.

    :param connection: run online on this connection; without it, set
        ``sqlalchemy.url`` on the result (or generate SQL offline).
    """
    config = Config()
    # configparser interpolation would eat a "%" in the path.
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY).replace("%", "%%"))
    config.attributes[TABLE_PREFIX_KEY] = table_prefix
    if connection is not None:
        config.attributes["connection"] = connection
    return config


#: How long a migration waits for another process's migration of the same schema.
MIGRATION_LOCK_TIMEOUT_SECONDS = 300


def _lock_key(table_prefix: str) -> str:
    """A name for the schema's migration lock: short enough for MariaDB's 64 characters."""
    digest = hashlib.sha256(table_prefix.encode("utf-8")).hexdigest()[:16]
    return f"socialcrm_migrate_{digest}"


@contextmanager
def _migration_lock(connection: Connection, table_prefix: str) -> Iterator[None]:
    """Hold a lock so that two processes never migrate the same schema at once.

    SQLite needs none (the migration's ``BEGIN IMMEDIATE`` serializes writers).
    PostgreSQL takes a transaction-level advisory lock, released when the
    migration's transaction ends; MariaDB/MySQL, whose DDL commits on its own, a
    named lock (``GET_LOCK``) released when the migration is done.
    """
    dialect = connection.dialect.name
    key = _lock_key(table_prefix)
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
        yield
    elif dialect in MYSQL_BACKENDS:
        got = connection.execute(
            text("SELECT GET_LOCK(:key, :timeout)"),
            {"key": key, "timeout": MIGRATION_LOCK_TIMEOUT_SECONDS},
        ).scalar()
        if got != 1:
            raise StorageError(
                f"another process kept migrating the schema for over "
                f"{MIGRATION_LOCK_TIMEOUT_SECONDS} s (lock {key})"
            )
        try:
            yield
        finally:
            connection.execute(text("SELECT RELEASE_LOCK(:key)"), {"key": key})
    else:
        yield


def _run(
    bind: Engine | Connection,
    table_prefix: str,
    step: Callable[[Config], None],
) -> None:
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            with _migration_lock(connection, table_prefix):
                step(alembic_config(table_prefix, connection=connection))
    else:
        with _migration_lock(bind, table_prefix):
            step(alembic_config(table_prefix, connection=bind))


def upgrade(
    bind: Engine | Connection,
    table_prefix: str = DEFAULT_TABLE_PREFIX,
    *,
    revision: str = "head",
) -> None:
    """Upgrade the socialcrm schema to ``revision`` (the latest by default).

    Given an engine, the upgrade runs and commits in one transaction (on SQLite
    engines made by this adapter that is ``BEGIN IMMEDIATE``, so two processes
    starting together migrate one after the other; PostgreSQL and MariaDB take
    a lock named after the prefix for the same effect). Given a connection, it
    joins the connection's transaction if one is open, and the caller commits.
    MariaDB/MySQL commit every DDL statement on their own: a migration that
    fails half-way there leaves the tables it already created.
    """
    _run(bind, table_prefix, lambda config: command.upgrade(config, revision))


def downgrade(
    bind: Engine | Connection,
    table_prefix: str = DEFAULT_TABLE_PREFIX,
    *,
    revision: str = "base",
) -> None:
    """Downgrade the socialcrm schema to ``revision``; ``"base"`` drops every table and its data.

    Runs like :func:`upgrade`. The version table itself stays (empty).
    """
    _run(bind, table_prefix, lambda config: command.downgrade(config, revision))


def current(bind: Engine | Connection, table_prefix: str = DEFAULT_TABLE_PREFIX) -> str | None:
    """The schema's current revision, or ``None`` if it was never migrated."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            connection.execution_options(**{READ_ONLY_OPTION: True})
            return _current_revision(connection, table_prefix)
    return _current_revision(bind, table_prefix)


def _current_revision(connection: Connection, table_prefix: str) -> str | None:
    context = MigrationContext.configure(
        connection, opts={"version_table": version_table_name(table_prefix)}
    )
    return context.get_current_revision()


def head() -> str:
    """The latest revision shipped with this version of socialcrm."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


__all__ = [
    "MIGRATIONS_DIRECTORY",
    "MIGRATION_LOCK_TIMEOUT_SECONDS",
    "downgrade",
    "TABLE_PREFIX_KEY",
    "alembic_config",
    "current",
    "head",
    "include_own_tables",
    "upgrade",
    "version_table_name",
]

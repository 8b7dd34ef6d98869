"""Alembic environment of the socialcrm schema.

Normally driven by :mod:`socialcrm.adapters.sqlalchemy.migrate`, which puts the
connection and the table prefix in ``config.attributes``. Run from the
``alembic`` command line instead, it reads ``sqlalchemy.url`` from the ini file
and the prefix from ``-x table_prefix=...`` (or ``socialcrm.table_prefix``).

The prefix reaches the revision scripts as the migration context option
``socialcrm_table_prefix``; the version table is ``<prefix>alembic_version`` so
it never collides with the host's own Alembic history.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX
from socialcrm.adapters.sqlalchemy.migrate import (
    TABLE_PREFIX_KEY,
    include_own_tables,
    version_table_name,
)
from socialcrm.adapters.sqlalchemy.schema import build_metadata

config = context.config


def _table_prefix() -> str:
    prefix = config.attributes.get(TABLE_PREFIX_KEY)
    if prefix is None:
        prefix = context.get_x_argument(as_dictionary=True).get("table_prefix")
    if prefix is None:
        prefix = config.get_main_option("socialcrm.table_prefix", DEFAULT_TABLE_PREFIX)
    return str(prefix)


TABLE_PREFIX = _table_prefix()
target_metadata = build_metadata(TABLE_PREFIX)
_options: dict[str, Any] = {
    "target_metadata": target_metadata,
    "version_table": version_table_name(TABLE_PREFIX),
    "include_name": include_own_tables(TABLE_PREFIX),
    "compare_type": True,
    TABLE_PREFIX_KEY: TABLE_PREFIX,
}


def run_migrations_offline() -> None:
    """Write the migration SQL instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        # SQLite can only change a table by copying it: let later revisions batch.
        render_as_batch=connection.dialect.name == "sqlite",
        **_options,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a fresh one from the ini file."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as fresh:
        _run_on(fresh)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

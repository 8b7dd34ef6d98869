"""Engines for the adapter, with the SQLite settings socialcrm relies on.

SQLite needs three things from every connection:

* ``foreign_keys=ON`` (SQLite ignores foreign keys otherwise),
* WAL journaling with ``synchronous=NORMAL`` (readers never block the writer,
  and a commit does not wait for an fsync), plus a busy timeout,
* write transactions that start with ``BEGIN IMMEDIATE``: a deferred transaction
  that reads and then writes cannot wait for the write lock, it fails with
  ``SQLITE_BUSY`` at once. Taking the lock at ``BEGIN`` makes concurrent
  writers queue behind the busy timeout instead.

The last point follows the SQLAlchemy documentation's recipe for pysqlite: turn
off the driver's own transaction handling (``isolation_level = None``) and emit
``BEGIN`` from the engine's ``begin`` event. That also makes SAVEPOINT and
transactional DDL (the migrations) behave.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

#: Execution option that marks a connection whose transactions only read.
READ_ONLY_OPTION = "socialcrm_read_only"

_BEGIN_WRITE = "BEGIN IMMEDIATE"

#: How long a SQLite writer waits for the lock before giving up.
DEFAULT_BUSY_TIMEOUT_MS = 30_000


def is_sqlite_memory(url: URL) -> bool:
    """Whether ``url`` names a private in-memory SQLite database."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def configure_sqlite_engine(
    engine: Engine, *, wal: bool = True, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> None:
    """Give a pysqlite engine the pragmas and ``BEGIN IMMEDIATE`` transactions above.

    :class:`~socialcrm.adapters.sqlalchemy.SQLAlchemyStorage` does this for the
    engines it creates from a URL. A host that passes its own SQLite engine may
    call it on that engine once, before first use: it changes how *every*
    transaction of the engine begins.

    :param wal: switch the file to WAL journaling (not possible in memory).
    :param busy_timeout_ms: how long to wait for another writer's lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not issue BEGIN itself; the "begin" listener does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        begin = (
            "BEGIN" if connection.get_execution_options().get(READ_ONLY_OPTION) else _BEGIN_WRITE
        )
        # Straight to the driver: this runs once per unit of work, on the hot path,
        # and needs none of exec_driver_sql's result handling.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(begin)
        except engine.dialect.loaded_dbapi.Error as error:
            # Listeners run outside SQLAlchemy's error wrapping: wrap like it would.
            raise sa_exc.DBAPIError.instance(
                begin, None, error, engine.dialect.loaded_dbapi.Error
            ) from error
        finally:
            cursor.close()


def create_storage_engine(url: str | URL, **engine_options: Any) -> Engine:
    """Create an engine for ``url``, configured for socialcrm.

    ``sqlite:///:memory:`` (and ``sqlite://``) get a single shared connection
    (:class:`~sqlalchemy.pool.StaticPool`) so every unit of work sees the same
    database. Other URLs get SQLAlchemy's defaults plus ``engine_options``.
    """
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        engine_options.setdefault("pool_pre_ping", True)
        return create_engine(url, **engine_options)
    memory = is_sqlite_memory(url)
    if memory:
        engine_options.setdefault("poolclass", StaticPool)
        connect_args = dict(engine_options.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        engine_options["connect_args"] = connect_args
    engine = create_engine(url, **engine_options)
    configure_sqlite_engine(engine, wal=not memory)
    return engine


__all__ = [
    "READ_ONLY_OPTION",
    "DEFAULT_BUSY_TIMEOUT_MS",
    "configure_sqlite_engine",
    "create_storage_engine",
    "is_sqlite_memory",
]

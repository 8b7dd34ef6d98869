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

PostgreSQL and MariaDB/MySQL engines run every transaction at ``READ COMMITTED``
(:data:`ISOLATION_LEVEL`). PostgreSQL defaults to it already. InnoDB defaults to
``REPEATABLE READ``, where a plain ``SELECT`` reads the snapshot taken by the
transaction's first read: the ledger's daily-cap ``SUM``, run after
``members.lock`` waited for another writer's row lock, would then miss the
entries that writer just committed and let a member pass the cap. At ``READ
COMMITTED`` every statement sees the latest committed rows. MariaDB/MySQL
connections also get ``charset=utf8mb4`` (unless the URL names one) and
``STRICT_TRANS_TABLES``, so a value too long for its column is an error rather
than silently truncated.
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

#: The isolation level of every unit of work on PostgreSQL and MariaDB/MySQL.
ISOLATION_LEVEL = "READ COMMITTED"

#: Backends that get the server settings of :func:`create_storage_engine`.
MYSQL_BACKENDS = frozenset({"mysql", "mariadb"})

_STRICT_SQL_MODE = (
    "SET SESSION sql_mode = IF(FIND_IN_SET('STRICT_TRANS_TABLES', @@SESSION.sql_mode), "
    "@@SESSION.sql_mode, CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_TRANS_TABLES'))"
)


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


def configure_mysql_engine(engine: Engine) -> None:
    """Turn on ``STRICT_TRANS_TABLES`` for every connection of a MariaDB/MySQL engine.

    Servers usually have it on already (MariaDB's default ``sql_mode`` does);
    without it, a value too long for its column would be truncated silently.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(_STRICT_SQL_MODE)
        finally:
            cursor.close()


def create_storage_engine(url: str | URL, **engine_options: Any) -> Engine:
    """Create an engine for ``url``, configured for socialcrm.

    ``sqlite:///:memory:`` (and ``sqlite://``) get a single shared connection
    (:class:`~sqlalchemy.pool.StaticPool`) so every unit of work sees the same
    database. PostgreSQL and MariaDB/MySQL get ``READ COMMITTED`` isolation and
    ``pool_pre_ping``; MariaDB/MySQL also ``charset=utf8mb4`` (unless the URL
    names a charset) and ``STRICT_TRANS_TABLES``. ``engine_options`` go to
    :func:`sqlalchemy.create_engine` and win over these defaults.
    """
    url = make_url(url)
    backend = url.get_backend_name()
    if backend != "sqlite":
        engine_options.setdefault("pool_pre_ping", True)
        if backend == "postgresql" or backend in MYSQL_BACKENDS:
            engine_options.setdefault("isolation_level", ISOLATION_LEVEL)
        if backend in MYSQL_BACKENDS:
            if "charset" not in url.query:
                url = url.update_query_dict({"charset": "utf8mb4"})
            engine = create_engine(url, **engine_options)
            configure_mysql_engine(engine)
            return engine
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
    "ISOLATION_LEVEL",
    "MYSQL_BACKENDS",
    "configure_mysql_engine",
    "configure_sqlite_engine",
    "create_storage_engine",
    "is_sqlite_memory",
]

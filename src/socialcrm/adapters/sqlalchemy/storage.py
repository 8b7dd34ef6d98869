"""The SQLAlchemy storage adapter: units of work over one Core connection each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine

from socialcrm.adapters.sqlalchemy import migrate as migrations
from socialcrm.adapters.sqlalchemy.engines import (
    ISOLATION_LEVEL,
    MYSQL_BACKENDS,
    READ_ONLY_OPTION,
    create_storage_engine,
)
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory, storage_error
from socialcrm.adapters.sqlalchemy.repositories import (
    LedgerStatements,
    MemberStatements,
    PostStatements,
    SpaceStatements,
    SQLLedgerRepository,
    SQLMemberRepository,
    SQLPostRepository,
    SQLSpaceRepository,
    SQLThreadRepository,
    SQLVoteRepository,
    ThreadStatements,
    VoteStatements,
)
from socialcrm.adapters.sqlalchemy.repositories.base import needs_savepoint_for_conflicts
from socialcrm.adapters.sqlalchemy.tables import DEFAULT_TABLE_PREFIX, Tables, build_tables


def _end(connection: Connection) -> None:
    """Roll back whatever the unit left uncommitted and return the connection to the pool."""
    try:
        if connection.in_transaction():
            connection.rollback()
    finally:
        connection.close()


class _Statements:
    """Every statement of the adapter, built once per storage.

    Reusing the same statement objects lets SQLAlchemy memoize their cache keys
    and hit the compiled cache on every call; on SQLite the hot ones are compiled
    here once and run directly (see :mod:`.prepared`).
    """

    __slots__ = ("members", "spaces", "threads", "posts", "votes", "ledger")

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        self.members = MemberStatements(tables, prepare)
        self.spaces = SpaceStatements(tables, prepare)
        self.threads = ThreadStatements(tables, prepare)
        self.posts = PostStatements(tables, prepare)
        self.votes = VoteStatements(tables, prepare)
        self.ledger = LedgerStatements(tables, prepare)


class SQLAlchemyUnitOfWork:
    """One transaction on one connection, exposing the port's repositories.

    The transaction begins with the first statement. :meth:`commit` ends it;
    statements after a commit run in a new transaction, which again needs a
    commit to last.
    """

    __slots__ = ("_conn", "members", "spaces", "threads", "posts", "votes", "ledger")

    def __init__(
        self, connection: Connection, statements: _Statements, *, savepoints: bool
    ) -> None:
        self._conn = connection
        self.members = SQLMemberRepository(connection, statements.members, savepoints=savepoints)
        self.spaces = SQLSpaceRepository(connection, statements.spaces, savepoints=savepoints)
        self.threads = SQLThreadRepository(connection, statements.threads, savepoints=savepoints)
        self.posts = SQLPostRepository(connection, statements.posts, savepoints=savepoints)
        self.votes = SQLVoteRepository(connection, statements.votes, savepoints=savepoints)
        self.ledger = SQLLedgerRepository(connection, statements.ledger, savepoints=savepoints)

    @property
    def connection(self) -> Connection:
        """The unit's SQLAlchemy connection, for host code that writes in the same transaction."""
        return self._conn

    def commit(self) -> None:
        """Make every write of this unit durable."""
        try:
            self._conn.commit()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def rollback(self) -> None:
        """Undo every write of this unit (also done on leaving the block uncommitted)."""
        try:
            self._conn.rollback()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error


class SQLAlchemyStorage:
    """:class:`socialcrm.ports.Storage` on SQLite, PostgreSQL or MariaDB through SQLAlchemy Core.

    :param url_or_engine: a database URL, or an :class:`~sqlalchemy.engine.Engine`
        the host already has. URLs get socialcrm's engine settings (for SQLite:
        WAL, ``foreign_keys``, ``BEGIN IMMEDIATE`` writers, a shared connection
        for ``:memory:``; for PostgreSQL and MariaDB: ``READ COMMITTED``, and
        utf8mb4 with strict mode on MariaDB); a host engine is used as it is
        configured (see
        :func:`~socialcrm.adapters.sqlalchemy.configure_sqlite_engine`), except
        that units on a MariaDB/MySQL engine always run at ``READ COMMITTED``.
    :param table_prefix: prefix of every table name, so the schema can share
        the host's database.
    :param migrate: upgrade the schema to the latest Alembic revision now.
    :param direct_sqlite: on pysqlite, run the hot-path statements (those of a
        vote) straight on the driver connection, compiled once, instead of
        through SQLAlchemy's execution path: several times less overhead, but
        those statements skip ``echo`` logging and cursor events.
    """

    def __init__(
        self,
        url_or_engine: str | URL | Engine,
        *,
        table_prefix: str = DEFAULT_TABLE_PREFIX,
        migrate: bool = True,
        direct_sqlite: bool = True,
    ) -> None:
        if isinstance(url_or_engine, Engine):
            self._engine = url_or_engine
            self._owns_engine = False
        else:
            self._engine = create_storage_engine(url_or_engine)
            self._owns_engine = True
        self.table_prefix = table_prefix
        self.tables = build_tables(table_prefix)
        self._statements = _Statements(
            self.tables, StatementFactory(self._engine.dialect, direct=direct_sqlite)
        )
        self._savepoints = needs_savepoint_for_conflicts(self._engine.dialect.name)
        #: Execution options of every unit's connection (besides the read-only mark).
        self._unit_options: dict[str, Any] = {}
        try:
            if not self._owns_engine and self._engine.dialect.name in MYSQL_BACKENDS:
                self._unit_options = self._isolation_for_host_engine()
            if migrate:
                migrations.upgrade(self._engine, table_prefix)
        except sa_exc.SQLAlchemyError as error:
            self.close()
            raise storage_error(error) from error

    def _isolation_for_host_engine(self) -> dict[str, Any]:
        """Options that make a host's MariaDB/MySQL engine run units at READ COMMITTED.

        InnoDB's default ``REPEATABLE READ`` would let the ledger read a stale
        daily-cap sum after ``members.lock`` (see :mod:`.engines`). An engine
        already at ``READ COMMITTED`` costs nothing; any other gets the level set
        on each unit's connection (a round trip when the unit starts, another
        when the pool resets the connection).
        """
        with self._engine.connect() as connection:
            level = connection.get_isolation_level()
        if level == ISOLATION_LEVEL:
            return {}
        return {"isolation_level": ISOLATION_LEVEL}

    @property
    def engine(self) -> Engine:
        """The engine every unit of work connects through."""
        return self._engine

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[SQLAlchemyUnitOfWork]:
        """Open a transaction; leaving the block without ``commit()`` rolls it back.

        :param read_only: promise not to write. On SQLite such a unit starts a
            plain ``BEGIN`` instead of ``BEGIN IMMEDIATE``, so it does not queue
            behind (or hold up) writers.
        """
        try:
            connection = self._engine.connect()
            if self._unit_options:
                connection.execution_options(**self._unit_options)
            if read_only:
                connection.execution_options(**{READ_ONLY_OPTION: True})
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        try:
            yield SQLAlchemyUnitOfWork(connection, self._statements, savepoints=self._savepoints)
        except BaseException:
            # The block's own error matters more than a failing rollback.
            try:
                _end(connection)
            except sa_exc.SQLAlchemyError:
                pass
            raise
        try:
            _end(connection)
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def current_revision(self) -> str | None:
        """The schema's Alembic revision (``None`` if it was never migrated)."""
        return migrations.current(self._engine, self.table_prefix)

    def close(self) -> None:
        """Release connections and files (the engine is disposed only if this storage made it)."""
        if self._owns_engine:
            self._engine.dispose()


__all__ = ["SQLAlchemyStorage", "SQLAlchemyUnitOfWork"]

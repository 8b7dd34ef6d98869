"""The SQLAlchemy storage adapter: units of work over one Core connection each."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, NestedTransaction
from sqlalchemy.orm import Session

from socialcrm.adapters.sqlalchemy import migrate as migrations
from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX
from socialcrm.adapters.sqlalchemy.engines import (
    ISOLATION_LEVEL,
    MYSQL_BACKENDS,
    READ_ONLY_OPTION,
    create_storage_engine,
)
from socialcrm.adapters.sqlalchemy.host import HostTransaction
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory, storage_error
from socialcrm.adapters.sqlalchemy.repositories import (
    ActivityStatements,
    AuditStatements,
    BadgeStatements,
    BountyStatements,
    ContestStatements,
    FlagStatements,
    ImportStatements,
    InvitationStatements,
    LedgerStatements,
    MemberStatements,
    OutboxStatements,
    PollStatements,
    PostStatements,
    ReviewStatements,
    SanctionStatements,
    SpaceStatements,
    SQLActivityRepository,
    SQLAuditRepository,
    SQLBadgeRepository,
    SQLBountyRepository,
    SQLContestRepository,
    SQLFlagRepository,
    SQLImportRepository,
    SQLInvitationRepository,
    SQLLedgerRepository,
    SQLMemberRepository,
    SQLOutboxRepository,
    SQLPollRepository,
    SQLPostRepository,
    SQLReferralRepository,
    SQLReviewRepository,
    SQLSanctionRepository,
    SQLSpaceRepository,
    SQLThreadRepository,
    SQLVoteRepository,
    ThreadStatements,
    VoteStatements,
    reputation_counts,
)
from socialcrm.adapters.sqlalchemy.repositories.base import needs_savepoint_for_conflicts
from socialcrm.adapters.sqlalchemy.repositories.members import listed_members
from socialcrm.adapters.sqlalchemy.repositories.reputation_counts import (
    ReputationCounts,
    ReputationCountStatements,
)
from socialcrm.adapters.sqlalchemy.schema import build_tables
from socialcrm.errors import RetryableStorageError, StorageError


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

    __slots__ = (
        "members",
        "reputation_counts",
        "spaces",
        "threads",
        "posts",
        "votes",
        "ledger",
        "outbox",
        "activity",
        "sanctions",
        "audit",
        "flags",
        "imports",
        "invitations",
        "polls",
        "contests",
        "review",
        "badges",
        "bounties",
    )

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        self.members = MemberStatements(tables, prepare)
        self.reputation_counts = ReputationCountStatements(tables, prepare)
        self.spaces = SpaceStatements(tables, prepare)
        self.threads = ThreadStatements(tables, prepare)
        self.posts = PostStatements(tables, prepare)
        self.votes = VoteStatements(tables, prepare)
        self.ledger = LedgerStatements(tables, prepare)
        self.outbox = OutboxStatements(tables, prepare)
        self.activity = ActivityStatements(tables, prepare)
        self.sanctions = SanctionStatements(tables, prepare)
        self.audit = AuditStatements(tables, prepare)
        self.flags = FlagStatements(tables, prepare)
        self.imports = ImportStatements(tables, prepare)
        self.invitations = InvitationStatements(tables, prepare)
        self.polls = PollStatements(tables, prepare)
        self.contests = ContestStatements(tables, prepare)
        self.review = ReviewStatements(tables, prepare)
        self.badges = BadgeStatements(tables, prepare)
        self.bounties = BountyStatements(tables, prepare)


#: ``name: (repository class, statements group)`` of each repository but ``members``
#: (built at once: commit flushes it). A unit builds them on first use.
_REPOSITORIES: dict[str, tuple[Any, str]] = {
    name: (repository, group)
    for name, repository, group in (
        ("spaces", SQLSpaceRepository, "spaces"),
        ("threads", SQLThreadRepository, "threads"),
        ("posts", SQLPostRepository, "posts"),
        ("votes", SQLVoteRepository, "votes"),
        ("ledger", SQLLedgerRepository, "ledger"),
        ("outbox", SQLOutboxRepository, "outbox"),
        ("activity", SQLActivityRepository, "activity"),
        ("sanctions", SQLSanctionRepository, "sanctions"),
        ("audit", SQLAuditRepository, "audit"),
        ("flags", SQLFlagRepository, "flags"),
        ("imports", SQLImportRepository, "imports"),
        ("invitations", SQLInvitationRepository, "invitations"),
        ("referrals", SQLReferralRepository, "invitations"),
        ("polls", SQLPollRepository, "polls"),
        ("contests", SQLContestRepository, "contests"),
        ("review", SQLReviewRepository, "review"),
        ("badges", SQLBadgeRepository, "badges"),
        ("bounties", SQLBountyRepository, "bounties"),
    )
}


class SQLAlchemyUnitOfWork:
    """One transaction on one connection, exposing the port's repositories.

    The transaction begins with the first statement. :meth:`commit` ends it;
    statements after a commit run in a new transaction, which again needs a
    commit to last.
    """

    __slots__ = (
        "_conn",
        "_savepoint",
        "_savepoints",
        "_statements",
        "after_commit",
        "members",
        "spaces",
        "threads",
        "posts",
        "votes",
        "ledger",
        "outbox",
        "activity",
        "sanctions",
        "audit",
        "flags",
        "imports",
        "invitations",
        "referrals",
        "polls",
        "contests",
        "review",
        "badges",
        "bounties",
    )

    def __init__(
        self,
        connection: Connection,
        statements: _Statements,
        *,
        savepoints: bool,
        savepoint: NestedTransaction | None = None,
    ) -> None:
        self._conn = connection
        self._savepoint = savepoint
        self.after_commit: list[Callable[[], None]] = []
        self.members = SQLMemberRepository(
            connection,
            statements.members,
            ReputationCounts(connection, statements.reputation_counts),
            savepoints=savepoints,
        )
        self._statements = statements
        self._savepoints = savepoints

    def __getattr__(self, name: str) -> Any:
        """Build a repository the first time the unit uses it (most units use a few)."""
        found = _REPOSITORIES.get(name)
        if found is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        build, group = found
        repository = build(
            self._conn, getattr(self._statements, group), savepoints=self._savepoints
        )
        setattr(self, name, repository)
        return repository

    @property
    def connection(self) -> Connection:
        """The unit's SQLAlchemy connection, for host code that writes in the same transaction."""
        return self._conn

    def commit(self) -> None:
        """Make every write of this unit durable (joined: hand them to the host's transaction).

        The rank index's pending moves are written first, as the transaction's last
        statements (see :mod:`.repositories.reputation_counts`).
        """
        try:
            self.members.counts.flush()
            self.members.end_transaction()
            if self._savepoint is not None:
                if self._savepoint.is_active:
                    self._savepoint.commit()
            else:
                self._conn.commit()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def rollback(self) -> None:
        """Undo every write of this unit (also done on leaving the block uncommitted)."""
        self.members.counts.discard()
        self.members.end_transaction()
        try:
            if self._savepoint is not None:
                if self._savepoint.is_active:
                    self._savepoint.rollback()
            else:
                self._conn.rollback()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the unit's writes are committed (see the port)."""
        self.after_commit.append(callback)


class SQLAlchemyStorage:
    """:class:`socialcrm.ports.Storage` on SQLite, PostgreSQL or MariaDB through SQLAlchemy Core.

    :param url_or_engine: a database URL, an :class:`~sqlalchemy.engine.Engine`
        the host already has, or a :class:`~sqlalchemy.engine.Connection` or ORM
        :class:`~sqlalchemy.orm.Session` whose transaction socialcrm should join:
        then every unit of work is a SAVEPOINT in the host's transaction, socialcrm
        never commits, and signals wait for the host's commit (see
        :mod:`.host`). Migrations still run through the engine, on a connection
        of their own; pass ``migrate=False`` and run ``socialcrm db upgrade`` at
        deploy time instead. URLs get socialcrm's engine settings (for SQLite:
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
        url_or_engine: str | URL | Engine | Connection | Session,
        *,
        table_prefix: str = DEFAULT_TABLE_PREFIX,
        migrate: bool = True,
        direct_sqlite: bool = True,
    ) -> None:
        self._host: HostTransaction | None = None
        if isinstance(url_or_engine, (Connection, Session)):
            self._host = HostTransaction(url_or_engine)
            self._engine = self._host.engine
            self._owns_engine = False
        elif isinstance(url_or_engine, Engine):
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
        if self._host is not None:
            with self._joined_unit(read_only=read_only) as joined:
                yield joined
            return
        try:
            connection = self._engine.connect()
            if self._unit_options:
                connection.execution_options(**self._unit_options)
            if read_only:
                connection.execution_options(**{READ_ONLY_OPTION: True})
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        uow = SQLAlchemyUnitOfWork(connection, self._statements, savepoints=self._savepoints)
        try:
            yield uow
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
        for callback in uow.after_commit:
            callback()

    @contextmanager
    def _joined_unit(self, *, read_only: bool) -> Iterator[SQLAlchemyUnitOfWork]:
        """A unit inside the host's transaction: a SAVEPOINT that the host's commit makes last."""
        host = self._host
        assert host is not None
        try:
            # The host's isolation level is the host's choice: on MariaDB it should be
            # READ COMMITTED for the daily cap to read fresh data (docs/storage.md).
            connection = host.connection()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        with self.savepoint_unit(connection) as uow:
            yield uow
        host.defer(uow.after_commit)

    @contextmanager
    def savepoint_unit(self, connection: Connection) -> Iterator[SQLAlchemyUnitOfWork]:
        """A unit in a SAVEPOINT on ``connection``, inside a transaction the host owns.

        The unit's commit releases the savepoint; the host's commit makes it last.
        What the unit left uncommitted is rolled back on the way out. A deadlock or
        serialization failure aborts the host's whole transaction, so it is raised
        as ``StorageError`` ``host_transaction_aborted``: only the host can retry.
        The caller runs ``uow.after_commit`` once the host's transaction commits.
        """
        try:
            savepoint = connection.begin_nested()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        uow = SQLAlchemyUnitOfWork(
            connection, self._statements, savepoints=self._savepoints, savepoint=savepoint
        )
        try:
            yield uow
        except RetryableStorageError as error:
            raise StorageError(
                f"the host's transaction was aborted and must be retried by the host: {error}",
                code="host_transaction_aborted",
            ) from error
        finally:
            try:
                uow.rollback()  # only what the unit left uncommitted
            except Exception:  # noqa: BLE001 - the block's own error matters more
                pass

    def joined(self, target: Connection | Session) -> SQLAlchemyStorage:
        """A storage joined to ``target``'s transaction, sharing this storage's statements.

        Same as ``SQLAlchemyStorage(target, migrate=False)`` with this storage's
        table prefix, but without building the tables and compiling the statements
        again (tens of milliseconds), so a web app can make one per request.
        ``target`` must be a connection or session of this storage's engine. Close
        it when the host's transaction is over; closing it leaves this storage open.
        """
        host = HostTransaction(target)
        if host.engine is not self._engine:
            host.detach()
            raise StorageError(
                "the connection or session to join is not on this storage's engine",
                code="wrong_engine",
            )
        joined = copy.copy(self)
        joined._host = host
        joined._owns_engine = False
        return joined

    def rebuild_rank_index(self) -> int:
        """Recount the rank index from the members table; return the index rows written.

        Only needed after writing the members table's ``reputation`` column other
        than through socialcrm (a bulk load, a manual fix): socialcrm's own
        commands keep the index in step, and migration 0003 fills it. Runs in a
        transaction of its own on the engine (also for a storage joined to a host's
        transaction); ranks read meanwhile see the old index.
        """
        try:
            with self._engine.begin() as connection:
                ranked = listed_members(self.tables.members)
                return reputation_counts.rebuild(connection, self.tables, ranked)
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def current_revision(self) -> str | None:
        """The schema's Alembic revision (``None`` if it was never migrated)."""
        return migrations.current(self._engine, self.table_prefix)

    def close(self) -> None:
        """Release connections and files (the engine is disposed only if this storage made it).

        A storage joined to a host's connection or session stops listening to it;
        the host's transaction itself is left alone.
        """
        if self._host is not None:
            self._host.detach()
        if self._owns_engine:
            self._engine.dispose()


__all__ = ["SQLAlchemyStorage", "SQLAlchemyUnitOfWork"]

"""Statements prepared once per storage, and the two ways of running them.

Every statement is a SQLAlchemy Core construct built once per storage.
:class:`CoreStatement` runs it through :meth:`Connection.execute` (hitting the
compiled cache): that is the path for PostgreSQL, MariaDB and every query off
the hot path.

On pysqlite, SQLAlchemy's per-execution machinery costs several times what
SQLite itself spends on a primary-key lookup, and a vote runs a dozen such
statements. :class:`DirectStatement` therefore compiles the same Core statement
once with the engine's dialect, keeps the SQL text with the bind and result
processors of its column types, and runs it straight on the unit's driver
connection, inside the transaction SQLAlchemy began. Its statements bypass
``echo`` logging and cursor events.

Both return rows that unpack as tuples in the order of the selected columns and
raise :class:`DuplicateKey` for integrity violations, the ``ValueError`` or
``TypeError`` of a column type refusing a value, and :class:`StorageError` for
every other failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import Select

from socialcrm.errors import RetryableStorageError, StorageError

_Processor = Callable[[Any], Any]


class DuplicateKey(Exception):
    """An integrity constraint refused the row (internal; repositories translate it)."""


#: Code of the :class:`StorageError` raised for failures that running the whole
#: unit of work again may cure (the service runtime retries on it).
RETRYABLE = "retryable"

#: PostgreSQL SQLSTATEs that abort a transaction through no fault of its own:
#: serialization failure, deadlock detected, and lock not available (what
#: ``lock_timeout`` raises).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

#: MariaDB/MySQL error numbers of the same kind: deadlock (1213, the transaction
#: was rolled back) and lock wait timeout (1205).
RETRYABLE_MYSQL_ERRORS = frozenset({1213, 1205})


def is_retryable(driver_error: BaseException) -> bool:
    """Whether the driver's error is a deadlock, serialization failure or lock timeout.

    Reads the ``sqlstate`` of psycopg and PyMySQL (psycopg2's ``pgcode``) and the
    error number that PyMySQL and mysqlclient put first in ``args``; other
    drivers' errors are never retryable.
    """
    sqlstate = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "pgcode", None)
    if isinstance(sqlstate, str) and sqlstate in RETRYABLE_SQLSTATES:
        return True
    # PyMySQL also sets ``sqlstate``, but a lock wait timeout's is the generic HY000.
    args: tuple[Any, ...] = getattr(driver_error, "args", ())
    return bool(args) and type(args[0]) is int and args[0] in RETRYABLE_MYSQL_ERRORS


def storage_error(error: BaseException) -> StorageError:
    """A :class:`StorageError` that says what the driver reported, without the SQL.

    Deadlocks, serialization failures and lock timeouts get the code
    :data:`RETRYABLE`; every other failure the plain ``storage_error`` code.
    """
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    detail = text.splitlines()[0] if text else type(original).__name__
    if is_retryable(original):
        return RetryableStorageError(
            f"the transaction lost a race with another writer, try again: {detail}"
        )
    if "table is locked" in detail.lower():
        # SQLite's shared cache: another connection of this process holds the table,
        # and SQLite does not wait for it (Django's TestCase on an in-memory database).
        return StorageError(
            f"the database stayed locked by another writer: {detail} (another "
            "connection of this process holds an open transaction on a shared-cache "
            "SQLite database, e.g. Django's TestCase on an in-memory test database: "
            "use TransactionTestCase or a file TEST database, see docs/django.md)"
        )
    if "locked" in detail.lower() or "busy" in detail.lower():
        return StorageError(f"the database stayed locked by another writer: {detail}")
    return StorageError(f"storage failed ({type(original).__name__}): {detail}")


class CoreStatement:
    """A Core statement run through SQLAlchemy's execution path."""

    __slots__ = ("statement",)

    def __init__(self, statement: Executable) -> None:
        self.statement = statement

    def _run(
        self, conn: Connection, params: Mapping[str, Any] | list[Mapping[str, Any]] | None
    ) -> Any:
        try:
            return conn.execute(self.statement, params)
        except sa_exc.IntegrityError as error:
            raise DuplicateKey(str(error.orig)) from error
        except sa_exc.DBAPIError as error:
            raise storage_error(error) from error
        except sa_exc.StatementError as error:
            # A value no column type accepts (a naive datetime) is the caller's
            # bug, not a storage failure: raise it as the direct path does.
            if isinstance(error.orig, (TypeError, ValueError)):
                raise error.orig from None
            raise storage_error(error) from error
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Any] | None:
        """The first row, or ``None``."""
        return self._run(conn, params).first()  # type: ignore[no-any-return]

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or ``None``."""
        return self._run(conn, params).scalar()

    def all(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row."""
        return list(self._run(conn, params))

    def write(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run an INSERT, UPDATE or DELETE; return the number of rows it matched."""
        return int(self._run(conn, params).rowcount)

    def insert(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run a single-row INSERT; return its (first) primary key value."""
        return self._run(conn, params).inserted_primary_key[0]

    def write_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an INSERT, UPDATE or DELETE once per parameter set, in order (executemany)."""
        self._run(conn, list(rows))


def _constant(value: Any) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _params: value


def _lookup(name: str, process: _Processor | None) -> Callable[[Mapping[str, Any]], Any]:
    if process is None:
        return lambda params: params[name]
    return lambda params: process(params[name])


class DirectStatement:
    """A Core statement compiled once for pysqlite and run on the driver connection."""

    __slots__ = ("sql", "_binds", "_results", "_integrity_error", "_driver_error")

    def __init__(
        self,
        statement: ClauseElement,
        dialect: Dialect,
        *,
        column_keys: Sequence[str] | None = None,
    ) -> None:
        compiled = statement.compile(
            dialect=dialect, column_keys=list(column_keys) if column_keys else None
        )
        assert isinstance(compiled, SQLCompiler)
        if dialect.paramstyle != "qmark" or compiled.positiontup is None:
            raise ValueError("DirectStatement needs a positional (qmark) dialect")
        self.sql = compiled.string
        binds: list[tuple[str, Callable[[Mapping[str, Any]], Any]]] = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.unique:
                # An anonymous literal of the statement (the 0 of a COALESCE):
                # its value is fixed, so process it once now.
                value = bind.effective_value
                fixed = value if process is None else process(value)
                binds.append((name, _constant(fixed)))
            else:
                binds.append((name, _lookup(name, process)))
        self._binds = tuple(binds)
        results: list[tuple[int, _Processor]] = []
        if isinstance(statement, Select):
            for index, column in enumerate(statement.selected_columns):
                process = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if process is not None:
                    results.append((index, process))
        self._results = tuple(results)
        dbapi = dialect.loaded_dbapi
        self._integrity_error = dbapi.IntegrityError
        self._driver_error = dbapi.Error

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        return self._execute(conn, "execute", [argument(params) for _, argument in self._binds])

    def _execute(self, conn: Connection, method: str, args: list[Any]) -> Any:
        if not conn.in_transaction():
            # Let SQLAlchemy begin (BEGIN IMMEDIATE) so its commit and rollback apply.
            try:
                conn.begin()
            except sa_exc.SQLAlchemyError as error:
                raise storage_error(error) from error
        driver = conn.connection.driver_connection
        try:
            return getattr(driver, method)(self.sql, args)
        except self._integrity_error as error:
            raise DuplicateKey(str(error)) from error
        except self._driver_error as error:
            raise storage_error(error) from error

    def _process(self, row: Sequence[Any]) -> Sequence[Any]:
        if not self._results:
            return row
        values = list(row)
        for index, process in self._results:
            values[index] = process(values[index])
        return values

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Any] | None:
        """The first row, or ``None``."""
        row = self._run(conn, params).fetchone()
        return None if row is None else self._process(row)

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or ``None``."""
        row = self.first(conn, params)
        return None if row is None else row[0]

    def all(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row."""
        return [self._process(row) for row in self._run(conn, params or {}).fetchall()]

    def write(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run an INSERT, UPDATE or DELETE; return the number of rows it matched."""
        return int(self._run(conn, params).rowcount)

    def insert(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run a single-row INSERT; return its rowid (the new surrogate id)."""
        return self._run(conn, params).lastrowid

    def write_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an INSERT, UPDATE or DELETE once per parameter set, in order (executemany)."""
        batch = [[argument(params) for _, argument in self._binds] for params in rows]
        self._execute(conn, "executemany", batch)


Prepared = CoreStatement | DirectStatement


class StatementFactory:
    """Prepares statements for one engine: direct on pysqlite, through Core elsewhere."""

    def __init__(self, dialect: Dialect, *, direct: bool) -> None:
        self.dialect = dialect
        self.direct = direct and dialect.name == "sqlite" and dialect.driver == "pysqlite"

    def hot(self, statement: Any, *, column_keys: Sequence[str] | None = None) -> Prepared:
        """A statement on the hot path: direct where the dialect allows it.

        :param column_keys: for an INSERT, the columns every execution supplies.
        """
        if self.direct:
            return DirectStatement(statement, self.dialect, column_keys=column_keys)
        return CoreStatement(statement)

    def core(self, statement: Any) -> CoreStatement:
        """A statement always run through SQLAlchemy (expanding IN lists, rare queries)."""
        return CoreStatement(statement)


__all__ = [
    "RETRYABLE",
    "RETRYABLE_MYSQL_ERRORS",
    "RETRYABLE_SQLSTATES",
    "CoreStatement",
    "DirectStatement",
    "DuplicateKey",
    "Prepared",
    "StatementFactory",
    "is_retryable",
    "storage_error",
]

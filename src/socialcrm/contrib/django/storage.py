"""A storage whose units join Django's transaction when an ``atomic`` block is open.

socialcrm normally runs each unit of work on a connection of its own. Inside a
Django ``transaction.atomic()`` block on the same database (a ``TestCase`` test,
``ATOMIC_REQUESTS``, the host's own ``atomic``) that is wrong twice over: the two
connections lock each other (SQLite: "database table is locked"), and socialcrm's
writes commit on their own, outside the host's transaction (a ``TestCase`` would
never roll them back). :class:`AtomicJoiningStorage` runs such units on Django's
own connection instead, as a SAVEPOINT in its transaction: they commit, or roll
back, with the block. Only on SQLite (see :meth:`AtomicJoiningStorage.joins`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, SQLAlchemyUnitOfWork
from socialcrm.adapters.sqlalchemy.prepared import storage_error


def _as_sqlite_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(row: Any) -> Any:
    if row is None or not any(isinstance(value, date) for value in row):
        return row
    return tuple(_as_sqlite_text(value) for value in row)


class _TextDatesCursor:
    """A cursor of Django's SQLite connection whose rows carry dates as text again.

    Django's connection parses ``DATETIME`` and ``DATE`` columns itself (its
    ``sqlite3`` converters); SQLAlchemy's SQLite types expect the stored text.
    """

    __slots__ = ("_cursor",)

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, *args: Any) -> _TextDatesCursor:
        self._cursor.execute(*args)
        return self

    def executemany(self, *args: Any) -> _TextDatesCursor:
        self._cursor.executemany(*args)
        return self

    def fetchone(self) -> Any:
        return _row(self._cursor.fetchone())

    def fetchmany(self, *args: Any) -> list[Any]:
        return [_row(row) for row in self._cursor.fetchmany(*args)]

    def fetchall(self) -> list[Any]:
        return [_row(row) for row in self._cursor.fetchall()]

    def __iter__(self) -> Iterator[Any]:
        return (_row(row) for row in self._cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class _BorrowedConnection:
    """Django's DB-API connection, lent to SQLAlchemy: the transaction stays Django's.

    SQLAlchemy may run statements (savepoints included) but never ends Django's
    transaction nor closes its connection: ``commit``, ``rollback`` and ``close``
    do nothing. Everything else is the driver connection's (on SQLite, with
    dates read back as text, see :class:`_TextDatesCursor`).
    """

    __slots__ = ("_raw", "_sqlite")

    def __init__(self, raw: Any, *, sqlite: bool) -> None:
        self._raw = raw
        self._sqlite = sqlite

    def cursor(self, *args: Any) -> Any:
        cursor = self._raw.cursor(*args)
        return _TextDatesCursor(cursor) if self._sqlite else cursor

    def execute(self, *args: Any) -> Any:
        return self.cursor().execute(*args)

    def executemany(self, *args: Any) -> Any:
        return self.cursor().executemany(*args)

    def commit(self) -> None:
        """Nothing: Django commits its own transaction."""

    def rollback(self) -> None:
        """Nothing: units roll back to their savepoint; Django ends its transaction."""

    def close(self) -> None:
        """Nothing: the connection is Django's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class AtomicJoiningStorage:
    """:class:`socialcrm.ports.Storage` that joins Django's open ``atomic`` block.

    * when Django's connection of ``alias`` (SQLite) is inside ``transaction.atomic()``
      in the current thread, a unit of work runs on that connection, as a SAVEPOINT in its
      transaction: a rejected command undoes only its own writes, the rest commits
      (or rolls back) with the block, and signals wait for Django's commit
      (``transaction.on_commit``; they never fire in a ``TestCase``, whose
      transaction rolls back);
    * otherwise (Django's default autocommit), units run in transactions of their
      own on ``base``, which commit as each command ends.

    :param base: the storage on the alias's database (its engine, its statements).
    :param alias: the Django ``DATABASES`` alias whose transaction to join.
    """

    def __init__(self, base: SQLAlchemyStorage, alias: str) -> None:
        self.base = base
        self.alias = alias
        self._django_engine: Engine = create_engine(
            base.engine.url, creator=self._borrow, poolclass=NullPool
        )

    def _borrow(self) -> _BorrowedConnection:
        from django.db import connections

        connection = connections[self.alias]
        connection.ensure_connection()
        return _BorrowedConnection(connection.connection, sqlite=connection.vendor == "sqlite")

    def joins(self) -> bool:
        """Whether a unit opened now joins Django's transaction.

        Yes when an ``atomic`` block is open on the alias in this thread and the
        database is SQLite. PostgreSQL and MariaDB drivers do not lend their
        connections to another SQLAlchemy dialect object; there, units keep their
        own connection (which those servers never lock out).
        """
        from django.db import connections

        connection = connections[self.alias]
        return connection.vendor == "sqlite" and bool(connection.in_atomic_block)

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[SQLAlchemyUnitOfWork]:
        """A SAVEPOINT in Django's open ``atomic`` block, else a unit of its own."""
        if not self.joins():
            with self.base.unit_of_work(read_only=read_only) as own:
                yield own
            return
        from django.db import transaction

        try:
            connection = self._django_engine.connect()
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        try:
            with self.base.savepoint_unit(connection) as uow:
                yield uow
        finally:
            connection.close()
        for callback in uow.after_commit:
            transaction.on_commit(callback, using=self.alias)

    @property
    def engine(self) -> Engine:
        """socialcrm's own engine on the alias's database (migrations, units outside a block)."""
        return self.base.engine

    def close(self) -> None:
        """Close the base storage; Django's connections stay Django's."""
        self._django_engine.dispose()
        self.base.close()


__all__ = ["AtomicJoiningStorage"]

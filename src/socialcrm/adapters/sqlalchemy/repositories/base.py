"""What every SQL repository shares: the unit's connection and guarded inserts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.prepared import DuplicateKey, Prepared, storage_error
from socialcrm.errors import Conflict, StorageError

#: Dialects whose failed statement leaves the transaction usable (SQLite's
#: default ABORT conflict resolution, InnoDB's statement rollback). Others,
#: PostgreSQL first, abort the whole transaction, so there inserts that may
#: clash run inside a SAVEPOINT.
_STATEMENT_ATOMIC_DIALECTS = frozenset({"sqlite", "mysql", "mariadb"})


def needs_savepoint_for_conflicts(dialect_name: str) -> bool:
    """Whether a unique violation would poison the transaction without a SAVEPOINT."""
    return dialect_name not in _STATEMENT_ATOMIC_DIALECTS


class SQLRepository:
    """Base of the repositories: the unit's connection and how it survives duplicates."""

    __slots__ = ("_conn", "_savepoints")

    def __init__(self, connection: Connection, *, savepoints: bool) -> None:
        self._conn = connection
        self._savepoints = savepoints

    def _insert_unique(
        self,
        statement: Prepared,
        params: Mapping[str, Any],
        *,
        already_exists: Callable[[], bool],
        conflict: Callable[[], Conflict] | None,
    ) -> Any:
        """Insert one row guarded by a unique key; return its (first) primary key value.

        On a unique violation, raise ``conflict()`` (or return ``None`` when
        ``conflict`` is ``None``) and leave the unit usable. ``already_exists``
        tells a duplicate from another integrity failure (a missing parent row)
        portably, instead of parsing each driver's message.
        """
        try:
            savepoint = self._conn.begin_nested() if self._savepoints else None
        except sa_exc.SQLAlchemyError as error:
            raise storage_error(error) from error
        try:
            new_id = statement.insert(self._conn, params)
        except DuplicateKey as error:
            if savepoint is not None:
                savepoint.rollback()
            if not already_exists():
                raise StorageError(f"the database refused the row: {error}") from error
            if conflict is None:
                return None
            raise conflict() from None
        except BaseException:
            if savepoint is not None and savepoint.is_active:
                savepoint.rollback()
            raise
        if savepoint is not None:
            savepoint.commit()
        return new_id


__all__ = ["SQLRepository", "needs_savepoint_for_conflicts"]

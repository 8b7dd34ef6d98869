"""The PostgreSQL and MariaDB servers the tests run on, and clean schemas on them.

URLs come from ``SOCIALCRM_TEST_POSTGRES_URL`` and ``SOCIALCRM_TEST_MARIADB_URL``
(defaults: :data:`DEFAULT_URLS`). A server that cannot be reached makes its
tests **fail** when ``CI=true`` and **skip** elsewhere, with a one-line reason
naming the URL; never silently.

Speed: migrating costs about 0.2 s on PostgreSQL and 0.3 s on MariaDB, too
much per test. :class:`SchemaPool` migrates each schema once per session and
empties its tables with ``DELETE`` before each test hands out a storage on it.
A test that needs several storages at once (``make_community`` called twice)
gets one slot each. Ids keep counting up across tests, as they would in
production; nothing may rely on them starting at 1.

Isolation between runs: every table a test run creates starts with
:func:`run_prefix` (``sct<pid>``, then a letter), so test runs sharing a
database never touch each other's tables; nor do the pytest-xdist workers of one run
(``make test``), each a process of its own. The pool drops its tables when the
session ends; tables left by a run that was killed are dropped by the next run
on the same machine (their process id no longer exists).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, upgrade
from socialcrm.adapters.sqlalchemy.engines import create_storage_engine
from socialcrm.adapters.sqlalchemy.tables import build_tables

DATABASE_KINDS = ("postgres", "mariadb")

URL_VARIABLES = {
    "postgres": "SOCIALCRM_TEST_POSTGRES_URL",
    "mariadb": "SOCIALCRM_TEST_MARIADB_URL",
}

DEFAULT_URLS = {
    "postgres": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4",
}

#: Start of every table name the tests create on the servers, before the process id.
PREFIX_BASE = "sct"

#: A test table's name: the base, the process id of its run, then a letter.
_RUN_TABLE = re.compile(rf"^{PREFIX_BASE}(\d+)[a-z]")

#: Seconds to wait for a server before calling it unreachable.
CONNECT_TIMEOUT = 3

#: Seconds a cleanup statement waits for a row or table lock a test left behind.
CLEANUP_LOCK_TIMEOUT = 10


def database_url(kind: str) -> str:
    """The URL of the ``kind`` server (``postgres`` or ``mariadb``)."""
    return os.environ.get(URL_VARIABLES[kind]) or DEFAULT_URLS[kind]


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``), where an unreachable server is a failure."""
    return os.environ.get("CI", "").strip().lower() == "true"


def _connect_args(kind: str) -> dict[str, Any]:
    return {"connect_timeout": CONNECT_TIMEOUT}


_probed: dict[str, str | None] = {}


def _probe(kind: str) -> str | None:
    """``None`` if the server answers, else why not (one line)."""
    url = database_url(kind)
    shown = redacted(url)
    try:
        engine = create_storage_engine(url, poolclass=NullPool, connect_args=_connect_args(kind))
    except ImportError as error:
        extra = "postgres" if kind == "postgres" else "mysql"
        return f"driver missing for {shown} ({error}); pip install 'socialcrm[{extra}]'"
    except Exception as error:  # noqa: BLE001 - a malformed URL is reported the same way
        return f"bad URL {shown}: {error}"
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # noqa: BLE001 - every failure means "cannot use it"
        text = str(getattr(error, "orig", None) or error).strip().splitlines()
        return f"cannot connect to {shown}: {text[0] if text else type(error).__name__}"
    finally:
        engine.dispose()
    return None


def require_database(kind: str) -> str:
    """The ``kind`` server's URL; fail (``CI=true``) or skip the test if it is unreachable."""
    if kind not in _probed:
        _probed[kind] = _probe(kind)
    problem = _probed[kind]
    if problem is not None:
        variable = URL_VARIABLES[kind]
        if in_ci():
            pytest.fail(f"{kind} is required when CI=true: {problem} (set {variable})")
        pytest.skip(f"{kind} unavailable: {problem} (set {variable})")
    return database_url(kind)


def run_prefix(name: str) -> str:
    """A table prefix that belongs to this test run: ``sct<pid><name>_``.

    ``name`` must start with a letter (so the process id ends where it starts).
    """
    if not name[:1].isalpha() or not name[:1].islower():
        raise ValueError(f"run prefix names start with a lowercase letter, got {name!r}")
    return f"{PREFIX_BASE}{os.getpid()}{name}_"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_stale_tables(engine: Engine) -> None:
    """Drop the tables of earlier test runs on this machine whose process is gone."""
    stale = sorted(
        name
        for name in inspect(engine).get_table_names()
        if (match := _RUN_TABLE.match(name)) and not _process_exists(int(match[1]))
    )
    _drop(engine, stale)


def admin_engine(kind: str) -> Engine:
    """An engine for setting up and cleaning schemas (configured like the adapter's)."""
    return create_storage_engine(require_database(kind), connect_args=_connect_args(kind))


def prefixed_tables(engine: Engine, prefix: str) -> list[str]:
    """Every table of the database whose name starts with ``prefix``."""
    return sorted(name for name in inspect(engine).get_table_names() if name.startswith(prefix))


def drop_prefixed_tables(engine: Engine, prefix: str) -> None:
    """Drop every table whose name starts with ``prefix`` (the version table included)."""
    _drop(engine, prefixed_tables(engine, prefix))


def _drop(engine: Engine, names: list[str]) -> None:
    if not names:
        return
    preparer = engine.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in names)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        elif engine.dialect.name in ("mysql", "mariadb"):
            connection.exec_driver_sql("SET SESSION foreign_key_checks = 0")
            try:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted}")
            finally:
                connection.exec_driver_sql("SET SESSION foreign_key_checks = 1")
        else:
            # Children first: SQLite checks foreign keys while dropping.
            reflected = MetaData()
            reflected.reflect(connection, only=names)
            for table in reversed(reflected.sorted_tables):
                connection.exec_driver_sql(f"DROP TABLE {preparer.quote(table.name)}")


def _set_lock_timeout(connection: Any, dialect: str) -> None:
    if dialect == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{CLEANUP_LOCK_TIMEOUT}s'")
    else:
        connection.exec_driver_sql(f"SET SESSION innodb_lock_wait_timeout = {CLEANUP_LOCK_TIMEOUT}")


class SchemaPool:
    """Schemas migrated once per session on each server, emptied before each use."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}
        self._migrated: dict[str, set[str]] = {}
        self._slots_used: dict[str, int] = {}

    def new_test(self) -> None:
        """Start a test: its first storage per server goes to slot 0 again."""
        self._slots_used.clear()

    def engine(self, kind: str) -> Engine:
        """The pool's engine for ``kind`` (skipping or failing the test if unreachable)."""
        require_database(kind)
        if kind not in self._engines:
            engine = admin_engine(kind)
            drop_stale_tables(engine)
            self._engines[kind] = engine
        return self._engines[kind]

    def prefix(self, kind: str, slot: int) -> str:
        """The table prefix of ``slot``, migrated to head and emptied."""
        engine = self.engine(kind)
        prefix = run_prefix(f"p{slot}")
        migrated = self._migrated.setdefault(kind, set())
        if prefix not in migrated:
            drop_prefixed_tables(engine, prefix)
            upgrade(engine, prefix)
            migrated.add(prefix)
        else:
            self.clear(kind, prefix)
        return prefix

    def clear(self, kind: str, prefix: str) -> None:
        """Delete every row of the schema, children before parents."""
        engine = self.engine(kind)
        tables = build_tables(prefix).metadata.sorted_tables
        with engine.begin() as connection:
            _set_lock_timeout(connection, engine.dialect.name)
            for table in reversed(tables):
                if table.name.endswith("spaces"):
                    # Child spaces point at their parent: unhook them first.
                    connection.execute(table.update().values(parent_id=None))
                connection.execute(table.delete())

    def next_prefix(self, kind: str) -> str:
        """The prefix of the next free slot of this test, its schema empty and at head."""
        slot = self._slots_used.get(kind, 0)
        self._slots_used[kind] = slot + 1
        return self.prefix(kind, slot)

    def storage(self, kind: str, **options: Any) -> SQLAlchemyStorage:
        """A storage (made from the URL) on the next free slot of this test, empty, at head."""
        prefix = self.next_prefix(kind)
        options.setdefault("migrate", False)
        return SQLAlchemyStorage(database_url(kind), table_prefix=prefix, **options)

    def close(self) -> None:
        """Drop every schema the pool made and dispose of its engines."""
        for kind, engine in self._engines.items():
            try:
                for prefix in self._migrated.get(kind, ()):
                    drop_prefixed_tables(engine, prefix)
            finally:
                engine.dispose()
        self._engines.clear()
        self._migrated.clear()


#: The session's pool, shared by the contract suites and ``make_storage``.
POOL = SchemaPool()


def storage_factory(kind: str) -> Callable[..., SQLAlchemyStorage]:
    """``POOL.storage`` bound to ``kind``."""
    return lambda **options: POOL.storage(kind, **options)


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as given
        return url

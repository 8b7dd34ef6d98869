"""Shared fixtures: a community on every adapter, a manual clock, seeded members."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.reputation.records import NewLedgerEntry

ADAPTERS = ["memory", "sqlite", "postgres", "mariadb"]
#: The built-in plugins without the badges, for tests that count every event recorded.
WITHOUT_BADGES = ("socialcrm.rewards", "socialcrm.staff")


def make_storage(kind: str, tmp_path: Any) -> Any:
    """A fresh storage of the named kind (postgres and mariadb: see databases.py)."""
    if kind == "memory":
        return MemoryStorage()
    if kind in ("postgres", "mariadb"):
        import databases

        return databases.POOL.storage(kind)
    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

    path = Path(tmp_path) / "community.db"
    copy_migrated_sqlite(path)
    return SQLAlchemyStorage(f"sqlite:///{path}", migrate=False)


#: The SQLite file this process migrated once (``copy_migrated_sqlite``), in a folder of its own.
_SQLITE_TEMPLATE: list[Path] = []


def copy_migrated_sqlite(path: Path) -> None:
    """Make ``path`` a new SQLite file at the latest schema revision, with no rows.

    Migrating a SQLite file costs about half a second, copying one a few milliseconds.
    The first call of each test process (each xdist worker) lets ``SQLAlchemyStorage``
    migrate a template file, exactly as it migrates any new file; every call copies it.
    Open the copy with ``migrate=False`` (migrating it again would change nothing).
    """
    if not _SQLITE_TEMPLATE:
        from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

        folder = Path(tempfile.mkdtemp(prefix="socialcrm-tests-"))
        template = folder / "template.db"
        SQLAlchemyStorage(f"sqlite:///{template}").close()
        # Closing the last connection checkpoints the WAL: the file alone is the database.
        leftovers = sorted(p.name for p in folder.iterdir() if p != template)
        assert not leftovers, f"the template SQLite database left {leftovers}"
        _SQLITE_TEMPLATE.append(template)
    if path.exists():
        raise FileExistsError(path)
    shutil.copyfile(_SQLITE_TEMPLATE[0], path)


#: The in-memory SQLite database this process migrated once (``sqlite_memory_storage``).
_MEMORY_TEMPLATE: list[Any] = []


def sqlite_memory_storage() -> Any:
    """A new ``sqlite:///:memory:`` storage at the latest schema revision, with no rows.

    Like ``copy_migrated_sqlite`` for in-memory databases: the first call of each test
    process migrates a template as ``SQLAlchemyStorage("sqlite:///:memory:")`` does;
    every call copies it into a new in-memory database with SQLite's backup API, on
    an engine made by ``create_storage_engine`` exactly as for that URL (one shared
    connection, the same pragmas). Migrating costs about half a second; the copy,
    a millisecond.
    """
    import sqlite3

    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
    from socialcrm.adapters.sqlalchemy.engines import create_storage_engine

    if not _MEMORY_TEMPLATE:
        migrated = SQLAlchemyStorage("sqlite:///:memory:")
        template = sqlite3.connect(":memory:", check_same_thread=False)
        with migrated.engine.connect() as connection:
            connection.connection.driver_connection.backup(template)
        migrated.close()
        _MEMORY_TEMPLATE.append(template)

    def copy() -> sqlite3.Connection:
        database = sqlite3.connect(":memory:", check_same_thread=False)
        _MEMORY_TEMPLATE[0].backup(database)
        return database

    engine = create_storage_engine("sqlite:///:memory:", creator=copy)
    # Not disposed by ``close()`` (the storage did not make it): its one connection
    # goes with the storage, as an in-memory database does.
    return SQLAlchemyStorage(engine, migrate=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _SQLITE_TEMPLATE:
        shutil.rmtree(_SQLITE_TEMPLATE.pop().parent, ignore_errors=True)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_community(
    adapter: str, tmp_path: Any, clock: ManualClock
) -> Iterator[Callable[..., Community]]:
    made: list[Community] = []

    def factory(*, rate_limits: bool = False, **kwargs: Any) -> Community:
        # Most tests post and vote faster than a new member may: they run without the
        # rate limits unless they ask for them (``rate_limits=True``).
        kwargs["settings"] = settings_for_tests(kwargs.get("settings"), rate_limits=rate_limits)
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("entry_points", False)
        path = tmp_path / f"c{len(made)}"
        path.mkdir()
        community = Community(make_storage(adapter, path), **kwargs)
        made.append(community)
        return community

    yield factory
    for community in made:
        community.close()


@pytest.fixture
def community(make_community: Callable[..., Community]) -> Community:
    return make_community()


class World:
    """A small community: an admin, a moderator, and members with chosen reputation."""

    def __init__(self, community: Community) -> None:
        self.c = community
        self.admin = community.members.join(
            external_id="admin", display_name="Ada Admin", roles=["admin"]
        )
        self.mod = community.members.join(
            external_id="mod", display_name="Mo Moderator", roles=["moderator"]
        )
        self.space = community.spaces.create(actor=self.admin.id, slug="billing", name="Billing")

    def member(self, name: str, reputation: int = 1) -> int:
        """Join a member and lift their reputation through the ledger-free seed path."""
        member = self.c.members.join(external_id=f"ext-{name}", display_name=name.title())
        if reputation != self.c.settings.reputation_start:
            # Tests need members above privilege thresholds; the storage port is the
            # only honest way to give them that without simulating dozens of votes.
            with self.c.storage.unit_of_work() as uow:
                uow.members.add_reputation(member.id, reputation - self.c.settings.reputation_start)
                uow.ledger.append(
                    NewLedgerEntry(
                        member_id=member.id,
                        delta=reputation - self.c.settings.reputation_start,
                        requested=reputation - self.c.settings.reputation_start,
                        rule="seed",
                        event="seed",
                        cause=f"seed:{member.id}",
                        at=self.c.clock.now(),
                    )
                )
                uow.commit()
        return member.id

    def question(self, author: int, title: str = "How do I download invoices?", **kw: Any) -> Any:
        kw.setdefault("space", "billing")
        kw.setdefault("kind", "question")
        # Distinct default bodies: the duplicate-post rule refuses the same body twice.
        self._questions = getattr(self, "_questions", 0) + 1
        suffix = "" if self._questions == 1 else f" (case {self._questions})"
        kw.setdefault("body", f"I cannot find the invoices page anywhere.{suffix}")
        return self.c.threads.start(actor=author, title=title, **kw)


@pytest.fixture
def world_of() -> type[World]:
    return World


@pytest.fixture
def world(community: Community) -> World:
    return World(community)


def settings_for_tests(base: Settings | None = None, *, rate_limits: bool = False) -> Settings:
    """``base`` (default settings otherwise), without the rate limits unless asked for."""
    settings = base or Settings()
    return settings if rate_limits else settings.with_rate_limits(enabled=False)


def default_settings(**changes: Any) -> Settings:
    """Default settings with ``changes``, without the rate limits (see ``settings_for_tests``)."""
    import attrs

    return attrs.evolve(settings_for_tests(), **changes)


# --- PostgreSQL and MariaDB ----------------------------------------------------------------------
# Servers, URLs and clean schemas: see databases.py; fixtures and hooks: conftest_databases.py.

pytest_plugins = ["conftest_databases"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep ``--dist loadgroup`` grouping (``make test``) on pytest versions where xdist cannot.

    pytest-xdist groups the tests marked ``xdist_group(name)`` by renaming them
    ``<nodeid>@<name>`` on each worker, through ``item._nodeid``; from pytest 9.2 on a
    node's id lives in ``item._id`` and that rename is silently lost, so the grouped
    tests were spread over every worker. Where the rename did not take, make it here.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(item.nodeid + suffix)  # type: ignore[attr-defined]

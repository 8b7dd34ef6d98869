"""Joining the host's transaction: socialcrm's writes commit or roll back with the host's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from databases import run_prefix
from socialcrm import Community, ManualClock, PermissionDenied, signals
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, configure_sqlite_engine

host_metadata = MetaData()
#: The host's own table; named per test process so parallel workers sharing one
#: PostgreSQL or MariaDB database never create or drop each other's.
orders = Table(
    f"{run_prefix('host')}orders",
    host_metadata,
    Column("id", Integer, primary_key=True),
    Column("item", String(50)),
)


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def host(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[tuple[Engine, str]]:
    """The host's own engine (with its own table) and socialcrm's migrated table prefix."""
    kind = request.param
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'host.db'}")
        configure_sqlite_engine(engine)
        prefix = "socialcrm_"
        SQLAlchemyStorage(engine, table_prefix=prefix).close()
    else:
        from databases import POOL, database_url

        prefix = POOL.next_prefix(kind)
        engine = create_engine(database_url(kind))
    host_metadata.drop_all(engine)
    host_metadata.create_all(engine)
    try:
        yield engine, prefix
    finally:
        host_metadata.drop_all(engine)
        engine.dispose()


def _counts(engine: Engine, prefix: str) -> tuple[int, int]:
    storage = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=False)
    with engine.connect() as connection:
        host_rows = connection.execute(select(func.count()).select_from(orders)).scalar_one()
    with storage.unit_of_work(read_only=True) as uow:
        members = len(uow.members.list(limit=100))
    return host_rows, members


def _joined(target: Any, prefix: str) -> Community:
    storage = SQLAlchemyStorage(target, table_prefix=prefix, migrate=False)
    return Community(storage, clock=ManualClock(), entry_points=False)


def _with_connection(engine: Engine, prefix: str, commit: bool, work: Callable[..., None]) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(orders.insert().values(item="invoice pack"))
        community = _joined(connection, prefix)
        work(community)
        transaction.commit() if commit else transaction.rollback()
        community.close()


def _with_session(engine: Engine, prefix: str, commit: bool, work: Callable[..., None]) -> None:
    with Session(engine) as session:
        session.execute(orders.insert().values(item="invoice pack"))
        community = _joined(session, prefix)
        work(community)
        session.commit() if commit else session.rollback()
        community.close()


HOSTS = {"connection": _with_connection, "session": _with_session}


def _join_alice(community: Community) -> None:
    community.members.join(external_id="crm-42", display_name="Alice")


@pytest.mark.parametrize("style", sorted(HOSTS))
def test_host_rollback_takes_socialcrm_writes_with_it(host, style):
    engine, prefix = host
    HOSTS[style](engine, prefix, False, _join_alice)
    assert _counts(engine, prefix) == (0, 0)


@pytest.mark.parametrize("style", sorted(HOSTS))
def test_host_commit_keeps_both(host, style):
    engine, prefix = host
    HOSTS[style](engine, prefix, True, _join_alice)
    assert _counts(engine, prefix) == (1, 1)


@pytest.mark.parametrize("style", sorted(HOSTS))
def test_signals_wait_for_the_host_commit_and_vanish_on_rollback(host, style):
    engine, prefix = host
    seen: list[tuple[str, bool]] = []
    phase = {"committed": False}

    def record(sender, event):
        seen.append((event.name, phase["committed"]))

    def work(community: Community) -> None:
        _join_alice(community)
        assert seen == []  # not before the host commits
        phase["committed"] = True

    with signals.member_joined.connected_to(record):
        HOSTS[style](engine, prefix, False, work)
        assert seen == []
        HOSTS[style](engine, prefix, True, work)
    assert seen == [("member_joined", True)]


@pytest.mark.parametrize("style", sorted(HOSTS))
def test_a_rejected_command_undoes_only_its_own_writes(host, style):
    engine, prefix = host

    def work(community: Community) -> None:
        alice = community.members.join(external_id="crm-42", display_name="Alice")
        with pytest.raises(PermissionDenied):
            community.spaces.create(actor=alice.id, slug="billing", name="Billing")
        with community.unit_of_work():
            community.members.join(external_id="crm-43", display_name="Bob")

    HOSTS[style](engine, prefix, True, work)
    assert _counts(engine, prefix) == (1, 2)


def test_transient_failures_in_a_joined_transaction_are_left_to_the_host(host):
    from socialcrm import RetryableStorageError, StorageError, hookimpl
    from socialcrm.capabilities.members.events import MemberJoined

    engine, prefix = host
    attempts = []

    class Deadlock:
        @hookimpl
        def socialcrm_on_event(self, event, context):
            if isinstance(event, MemberJoined):
                attempts.append(event.external_id)
                raise RetryableStorageError("deadlock detected")

    with Session(engine) as session:
        storage = SQLAlchemyStorage(session, table_prefix=prefix, migrate=False)
        community = Community(storage, plugins=[Deadlock()], entry_points=False)
        with pytest.raises(StorageError) as info:
            _join_alice(community)
        assert info.value.code == "host_transaction_aborted"
        session.rollback()
        community.close()
    assert attempts == ["crm-42"]

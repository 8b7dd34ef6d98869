"""The shipped Alembic migrations on SQLite, PostgreSQL and MariaDB.

Upgrading an empty database gives exactly the schema of ``build_metadata(prefix)``
(an empty Alembic comparison), downgrading to base and upgrading again round
trips, and two processes migrating at once do not trip over each other. Every
test works on its own table prefix and drops its tables before and after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

import databases
from socialcrm.adapters.sqlalchemy import (
    SQLAlchemyStorage,
    build_metadata,
    current,
    downgrade,
    head,
    upgrade,
)
from socialcrm.adapters.sqlalchemy.engines import create_storage_engine
from socialcrm.adapters.sqlalchemy.migrate import include_own_tables, version_table_name
from socialcrm.capabilities.audit.records import AuditQuery, NewAuditEntry
from socialcrm.capabilities.badges.records import NewBadgeAward
from socialcrm.capabilities.members.records import NewMember, Profile
from test_sqlalchemy_adapter import T0

DIALECTS = ["sqlite", "postgres", "mariadb"]

#: Test prefixes (see ``databases.run_prefix``): a short one, and a long one like a host's.
PREFIXES = ["m", "mhost_community"]


@pytest.fixture(params=DIALECTS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = create_storage_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
    else:
        made = create_storage_engine(databases.require_database(request.param))
    yield made
    made.dispose()


@pytest.fixture(params=PREFIXES)
def prefix(request: pytest.FixtureRequest, engine: Engine) -> Iterator[str]:
    """A prefix whose tables do not exist, and are dropped again after the test."""
    chosen = databases.run_prefix(str(request.param))
    databases.drop_prefixed_tables(engine, chosen)
    yield chosen
    databases.drop_prefixed_tables(engine, chosen)


def differences(engine: Engine, prefix: str) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "version_table": version_table_name(prefix),
                "include_name": include_own_tables(prefix),
                "compare_type": True,
            },
        )
        return list(compare_metadata(context, build_metadata(prefix)))


def schema_tables(prefix: str) -> set[str]:
    return {table.name for table in build_metadata(prefix).sorted_tables}


def test_upgrading_an_empty_database_gives_the_metadata_schema(engine: Engine, prefix: str) -> None:
    assert current(engine, prefix) is None
    upgrade(engine, prefix)
    assert current(engine, prefix) == head()
    assert set(databases.prefixed_tables(engine, prefix)) == schema_tables(prefix) | {
        version_table_name(prefix)
    }
    assert differences(engine, prefix) == []


def test_downgrade_to_base_then_upgrade_round_trips(engine: Engine, prefix: str) -> None:
    upgrade(engine, prefix)
    store = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=False)
    with store.unit_of_work() as uow:
        uow.members.add(
            NewMember(
                external_id="ada",
                display_name="Ada",
                profile=Profile(),
                roles=frozenset(),
                reputation=1,
                joined_at=T0,
            )
        )
        uow.commit()
    downgrade(engine, prefix)
    assert current(engine, prefix) is None
    assert databases.prefixed_tables(engine, prefix) == [version_table_name(prefix)]
    upgrade(engine, prefix)
    assert current(engine, prefix) == head()
    assert differences(engine, prefix) == []
    with store.unit_of_work() as uow:
        assert uow.members.list(limit=10) == []
        member = uow.members.add(
            NewMember(
                external_id="ada",
                display_name="Ada",
                profile=Profile(),
                roles=frozenset(),
                reputation=1,
                joined_at=T0,
            )
        )
        uow.commit()
    assert member.id >= 1
    store.close()


def test_two_processes_migrating_at_once_both_succeed(engine: Engine, prefix: str) -> None:
    engines = [create_storage_engine(engine.url) for _ in range(2)]
    errors: list[BaseException] = []
    start = threading.Barrier(2, timeout=60)

    def migrate(own: Engine) -> None:
        try:
            start.wait()
            upgrade(own, prefix)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=migrate, args=(own,)) for own in engines]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    for own in engines:
        own.dispose()
    assert errors == []
    assert current(engine, prefix) == head()
    assert differences(engine, prefix) == []


@pytest.mark.parametrize("engine", ["mariadb"], indirect=True)
@pytest.mark.parametrize("prefix", ["m"], indirect=True)
def test_mariadb_tables_are_innodb_utf8mb4_with_binary_keys_and_long_texts(
    engine: Engine, prefix: str
) -> None:
    upgrade(engine, prefix)
    with engine.connect() as connection:
        tables = connection.execute(
            text(
                "SELECT table_name, engine, table_collation FROM information_schema.tables"
                " WHERE table_schema = DATABASE() AND table_name LIKE :pattern"
            ),
            {"pattern": prefix.replace("_", "\\_") + "%"},
        ).all()
        columns = {
            (row[0], row[1]): (row[2], row[3])
            for row in connection.execute(
                text(
                    "SELECT table_name, column_name, data_type, collation_name"
                    " FROM information_schema.columns"
                    " WHERE table_schema = DATABASE() AND table_name LIKE :pattern"
                ),
                {"pattern": prefix.replace("_", "\\_") + "%"},
            )
        }
    own = {row[0]: (row[1], row[2]) for row in tables if row[0] in schema_tables(prefix)}
    assert set(own) == schema_tables(prefix)
    assert set(own.values()) == {("InnoDB", "utf8mb4_bin")}
    for table, column in (
        ("members", "external_id"),
        ("spaces", "slug"),
        ("thread_tags", "tag"),
        ("tags", "name"),
        ("ledger", "cause"),
    ):
        assert columns[(prefix + table, column)] == ("varchar", "utf8mb4_bin")
    for table, column in (
        ("posts", "body"),
        ("revisions", "previous_body"),
        ("comments", "body"),
        ("members", "interests"),
    ):
        assert columns[(prefix + table, column)][0] == "mediumtext"
    assert columns[(prefix + "members", "joined_at")][0] == "datetime"
    with engine.connect() as connection:
        precision = connection.execute(
            text(
                "SELECT datetime_precision FROM information_schema.columns"
                " WHERE table_schema = DATABASE() AND table_name = :table"
                " AND column_name = 'joined_at'"
            ),
            {"table": prefix + "members"},
        ).scalar()
    assert precision == 6


def test_postgres_keeps_timestamps_with_time_zone(postgres_url: str) -> None:
    engine = create_storage_engine(postgres_url)
    prefix = databases.run_prefix("m")
    databases.drop_prefixed_tables(engine, prefix)
    try:
        upgrade(engine, prefix)
        columns = {c["name"]: c for c in inspect(engine).get_columns(prefix + "members")}
        assert columns["joined_at"]["type"].timezone is True
    finally:
        databases.drop_prefixed_tables(engine, prefix)
        engine.dispose()


def test_revision_0003_counts_the_existing_members_into_the_rank_index(
    engine: Engine, prefix: str
) -> None:
    upgrade(engine, prefix, revision="0002")
    members = build_metadata(prefix).tables[f"{prefix}members"]
    reputations = [1, 1, 1, 7, 64, 65, 5000, 300_000]
    with engine.begin() as connection:
        connection.execute(
            members.insert(),
            [
                {
                    "external_id": f"m{index}",
                    "display_name": f"M{index}",
                    "roles": "",
                    "reputation": reputation,
                    "joined_at": T0,
                    "bio": "",
                    "company": "",
                    "job_title": "",
                    "country": "",
                    "interests": "[]",
                }
                for index, reputation in enumerate(reputations)
            ],
        )
    upgrade(engine, prefix)
    store = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=False)
    with store.unit_of_work(read_only=True) as uow:
        for probe in (-1, 0, 1, 6, 7, 63, 64, 65, 4999, 5000, 299_999, 300_000):
            expected = sum(1 for r in reputations if r > probe)
            assert uow.members.count_above(probe) == expected, probe
    store.close()


def test_revision_0013_fills_the_space_of_existing_audit_entries_and_badge_awards(
    engine: Engine, prefix: str
) -> None:
    from socialcrm.testing.contract._support import _add_member, _add_space, _add_topic

    upgrade(engine, prefix)
    store = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=False)
    with store.unit_of_work() as uow:
        member = _add_member(uow)
        space = _add_space(uow)
        thread, post = _add_topic(uow, space.id, member.id)
        uow.audit.append(
            NewAuditEntry(at=T0, actor_id=member.id, action="thread_closed", thread_id=thread.id)
        )
        uow.audit.append(
            NewAuditEntry(at=T0, actor_id=member.id, action="post_edited", post_id=post.id)
        )
        uow.audit.append(
            NewAuditEntry(at=T0, actor_id=member.id, action="role_granted", member_id=member.id)
        )
        uow.badges.award(
            NewBadgeAward(
                badge="b", member_id=member.id, subject="", awarded_at=T0, post_id=post.id
            )
        )
        uow.commit()
    store.close()
    downgrade(engine, prefix, revision="0012")
    upgrade(engine, prefix)
    store = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=False)
    with store.unit_of_work(read_only=True) as uow:
        spaces = [e.space_id for e in uow.audit.entries(AuditQuery(), limit=10)]
        assert spaces == [None, space.id, space.id]
        assert [a.space_id for a in uow.badges.for_member(member.id)] == [space.id]
    store.close()

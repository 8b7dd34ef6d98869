"""Behaviour specific to the SQLAlchemy adapter.

The storage contract every adapter passes lives in :mod:`socialcrm.testing`.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from socialcrm.adapters.sqlalchemy import (
    SQLAlchemyStorage,
    build_metadata,
    current,
    head,
    upgrade,
)
from socialcrm.adapters.sqlalchemy.migrate import include_own_tables, version_table_name
from socialcrm.capabilities.members.records import NewMember, Profile
from socialcrm.capabilities.reputation.records import NewLedgerEntry
from socialcrm.capabilities.spaces.records import NewSpace
from socialcrm.capabilities.threads.records import NewPost, NewThread, ThreadFilter
from socialcrm.errors import Conflict, StorageError

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'community.db'}"


@pytest.fixture(params=[True, False], ids=["direct", "core"])
def storage(request: pytest.FixtureRequest, db_url: str) -> Any:
    store = SQLAlchemyStorage(db_url, direct_sqlite=request.param)
    yield store
    store.close()


def add_member(uow: Any, external_id: str, reputation: int = 1) -> Any:
    return uow.members.add(
        NewMember(
            external_id=external_id,
            display_name=external_id.title(),
            profile=Profile(bio="hi", interests=("python", "sql")),
            roles=frozenset({"member"}),
            reputation=reputation,
            joined_at=T0,
        )
    )


def seed_post(uow: Any) -> tuple[Any, Any, Any]:
    """A space, an author and a question with its opening post."""
    space = uow.spaces.add(
        NewSpace(
            slug="help",
            name="Help",
            description="",
            parent_id=None,
            visibility="public",
            posting="members",
            created_at=T0,
        )
    )
    author = add_member(uow, "author")
    thread = uow.threads.add(
        NewThread(
            space_id=space.id,
            kind="question",
            title="How do I vote?",
            tags=("votes", "help"),
            author_id=author.id,
            created_at=T0,
        )
    )
    post = uow.posts.add(
        NewPost(
            thread_id=thread.id, author_id=author.id, body="Body", is_opening=True, created_at=T0
        )
    )
    uow.threads.set_opening_post(thread.id, post.id)
    return space, author, post


def own_tables(engine: Any, prefix: str) -> set[str]:
    return {name for name in inspect(engine).get_table_names() if name.startswith(prefix)}


# --- schema and migrations ---------------------------------------------------------------------


def test_a_custom_prefix_names_every_table_and_the_version_table(db_url: str) -> None:
    store = SQLAlchemyStorage(db_url, table_prefix="crm_")
    try:
        expected = {table.name for table in build_metadata("crm_").sorted_tables}
        assert own_tables(store.engine, "crm_") == expected | {"crm_alembic_version"}
        assert own_tables(store.engine, "socialcrm_") == set()
    finally:
        store.close()


def test_the_schema_is_created_by_alembic_and_stands_at_head(db_url: str) -> None:
    store = SQLAlchemyStorage(db_url)
    try:
        assert "socialcrm_alembic_version" in inspect(store.engine).get_table_names()
        assert store.current_revision() == head()
        assert current(store.engine) == head()
    finally:
        store.close()


def test_storage_without_migrate_finds_no_schema_and_upgrade_creates_it(db_url: str) -> None:
    store = SQLAlchemyStorage(db_url, migrate=False)
    try:
        assert current(store.engine) is None
        assert own_tables(store.engine, "socialcrm_") == set()
        upgrade(store.engine)
        upgrade(store.engine)  # a second upgrade finds nothing to do
        assert current(store.engine) == head()
    finally:
        store.close()


@pytest.mark.parametrize("prefix", ["socialcrm_", "host_community_"])
def test_the_migrated_schema_matches_the_table_metadata(db_url: str, prefix: str) -> None:
    store = SQLAlchemyStorage(db_url, table_prefix=prefix)
    try:
        with store.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "version_table": version_table_name(prefix),
                    "include_name": include_own_tables(prefix),
                    "compare_type": True,
                },
            )
            assert compare_metadata(context, build_metadata(prefix)) == []
    finally:
        store.close()


def test_the_schema_shares_a_database_with_host_tables_and_another_prefix(db_url: str) -> None:
    host = create_engine(db_url)
    with host.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('host_rev')")
    first = SQLAlchemyStorage(host)
    second = SQLAlchemyStorage(host, table_prefix="other_")
    with first.unit_of_work() as uow:
        add_member(uow, "ada")
        uow.commit()
    with second.unit_of_work() as uow:
        assert uow.members.get_by_external_id("ada") is None
    with host.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "host_rev"
        )
    first.close()
    second.close()
    host.dispose()


# --- SQLite settings and transactions ---------------------------------------------------------


def test_a_file_database_runs_in_wal_mode_with_foreign_keys(storage: SQLAlchemyStorage) -> None:
    with storage.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_an_in_memory_database_is_shared_by_every_unit() -> None:
    store = SQLAlchemyStorage("sqlite:///:memory:")
    try:
        with store.unit_of_work() as uow:
            member = add_member(uow, "ada")
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.members.get(member.id) == member
    finally:
        store.close()


def test_leaving_the_block_without_commit_rolls_back(storage: SQLAlchemyStorage) -> None:
    with storage.unit_of_work() as uow:
        member = add_member(uow, "ada")
        uow.members.add_reputation(member.id, 10)
    with storage.unit_of_work() as uow:
        assert uow.members.get_by_external_id("ada") is None


def test_an_exception_in_the_block_rolls_back(storage: SQLAlchemyStorage) -> None:
    with pytest.raises(RuntimeError), storage.unit_of_work() as uow:
        add_member(uow, "ada")
        raise RuntimeError("boom")
    with storage.unit_of_work() as uow:
        assert uow.members.get_by_external_id("ada") is None


def test_writes_after_a_commit_need_their_own_commit(storage: SQLAlchemyStorage) -> None:
    with storage.unit_of_work() as uow:
        add_member(uow, "kept")
        uow.commit()
        add_member(uow, "dropped")
    with storage.unit_of_work() as uow:
        assert uow.members.get_by_external_id("kept") is not None
        assert uow.members.get_by_external_id("dropped") is None


def test_concurrent_writers_queue_instead_of_failing_busy(db_url: str) -> None:
    stores = [SQLAlchemyStorage(db_url), SQLAlchemyStorage(db_url, migrate=False)]
    with stores[0].unit_of_work() as uow:
        member_id = add_member(uow, "ada").id
        uow.commit()
    errors: list[BaseException] = []

    def read_then_write(store: SQLAlchemyStorage) -> None:
        try:
            for _ in range(20):
                with store.unit_of_work() as uow:
                    uow.members.lock(member_id)
                    time.sleep(0.001)
                    uow.members.add_reputation(member_id, 1)
                    uow.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=read_then_write, args=(store,)) for store in stores * 2]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with stores[0].unit_of_work() as uow:
        assert uow.members.lock(member_id) == 1 + 80
    for store in stores:
        store.close()


def test_a_read_only_unit_reads_while_a_writer_holds_the_lock(db_url: str) -> None:
    store = SQLAlchemyStorage(db_url)
    with store.unit_of_work() as uow:
        member_id = add_member(uow, "ada").id
        uow.commit()
    with store.unit_of_work() as writer:
        writer.members.add_reputation(member_id, 5)
        started = time.monotonic()
        with store.unit_of_work(read_only=True) as reader:
            assert reader.members.lock(member_id) == 1  # the writer has not committed
        assert time.monotonic() - started < 5
        writer.commit()
    store.close()


# --- conflicts and driver errors --------------------------------------------------------------


def test_a_duplicate_vote_is_a_conflict_and_the_unit_stays_usable(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        _, author, post = seed_post(uow)
        voter = add_member(uow, "voter")
        vote = uow.votes.add(post_id=post.id, member_id=voter.id, value=1, cast_at=T0)
        with pytest.raises(Conflict) as raised:
            uow.votes.add(post_id=post.id, member_id=voter.id, value=-1, cast_at=T0)
        assert raised.value.code == "duplicate_vote"
        uow.posts.add_score(post.id, 1)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.votes.for_post(post.id) == [vote]
        assert uow.posts.get(post.id).score == 1


def test_the_savepoint_path_for_postgresql_also_works_on_sqlite(
    storage: SQLAlchemyStorage,
) -> None:
    storage._savepoints = True  # the PostgreSQL path: duplicates roll back to a SAVEPOINT
    with storage.unit_of_work() as uow:
        _, _, post = seed_post(uow)
        voter = add_member(uow, "voter")
        uow.votes.add(post_id=post.id, member_id=voter.id, value=1, cast_at=T0)
        with pytest.raises(Conflict):
            uow.votes.add(post_id=post.id, member_id=voter.id, value=1, cast_at=T0)
        with pytest.raises(Conflict):
            add_member(uow, "voter")
        uow.commit()
    with storage.unit_of_work() as uow:
        assert len(uow.votes.for_post(post.id)) == 1
        assert uow.members.get_by_external_id("author") is not None


def test_duplicate_external_ids_and_slugs_are_conflicts_with_their_codes(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        seed_post(uow)
        with pytest.raises(Conflict) as duplicate_member:
            add_member(uow, "author")
        with pytest.raises(Conflict) as duplicate_space:
            uow.spaces.add(
                NewSpace(
                    slug="help",
                    name="Again",
                    description="",
                    parent_id=None,
                    visibility="public",
                    posting="members",
                    created_at=T0,
                )
            )
    assert duplicate_member.value.code == "duplicate_external_id"
    assert duplicate_space.value.code == "duplicate_slug"


def test_a_missing_parent_row_is_a_storage_error_not_a_conflict(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        voter = add_member(uow, "voter")
        with pytest.raises(StorageError) as raised:
            uow.votes.add(post_id=999, member_id=voter.id, value=1, cast_at=T0)
        assert not isinstance(raised.value, Conflict)
        assert uow.members.get(voter.id) == voter


# --- values ------------------------------------------------------------------------------------


def test_datetimes_come_back_timezone_aware_in_utc(storage: SQLAlchemyStorage) -> None:
    paris = timezone(timedelta(hours=1))
    joined = datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=paris)
    with storage.unit_of_work() as uow:
        member = uow.members.add(
            NewMember(
                external_id="ada",
                display_name="Ada",
                profile=Profile(),
                roles=frozenset(),
                reputation=1,
                joined_at=joined,
            )
        )
        uow.commit()
    with storage.unit_of_work() as uow:
        stored = uow.members.get(member.id)
    assert stored.joined_at == joined
    assert stored.joined_at.tzinfo is timezone.utc
    assert stored.joined_at.hour == 9 and stored.joined_at.microsecond == 123456


def test_naive_datetimes_are_refused(storage: SQLAlchemyStorage) -> None:
    # New... records refuse a naive datetime when built (ValidationError, see the
    # contract suite); the column type refuses one that reaches it by another write.
    with storage.unit_of_work() as uow, pytest.raises(ValueError, match="naive"):
        uow.threads.add_tags(["naive"], datetime(2026, 1, 1))


def test_cause_prefixes_match_percent_and_underscore_literally(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        member = add_member(uow, "ada")

        def entry(cause: str, undoes: int | None = None) -> Any:
            return uow.ledger.append(
                NewLedgerEntry(
                    member_id=member.id,
                    delta=1,
                    requested=1,
                    rule="r",
                    event="e",
                    cause=cause,
                    at=T0,
                    undoes=undoes,
                )
            )

        literal = entry("post:1_%:vote:1")
        entry("post:12:vote:2")  # would match if "_" or "%" were wildcards
        undone = entry("post:1_%:vote:3")
        entry("post:1_%:undo", undoes=undone.id)
        exact = entry("post:7:accept")
        found = uow.ledger.active_for_causes(["post:7:accept"], ["post:1_%:"])
    assert found == [literal, exact]


def test_threads_sorted_by_score_follow_their_opening_post(storage: SQLAlchemyStorage) -> None:
    with storage.unit_of_work() as uow:
        space, author, first_post = seed_post(uow)
        second = uow.threads.add(
            NewThread(
                space_id=space.id,
                kind="discussion",
                title="Second thread",
                tags=(),
                author_id=author.id,
                created_at=T0 + timedelta(minutes=1),
            )
        )
        second_post = uow.posts.add(
            NewPost(
                thread_id=second.id, author_id=author.id, body="b", is_opening=True, created_at=T0
            )
        )
        uow.threads.set_opening_post(second.id, second_post.id)
        uow.posts.add_score(second_post.id, 3)
        uow.posts.add_score(first_post.id, 1)
        by_score = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="score")
        by_newest = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="newest")
    assert [thread.id for thread in by_score] == [second.id, first_post.thread_id]
    assert [thread.id for thread in by_newest] == [second.id, first_post.thread_id]


def test_close_leaves_a_host_engine_usable(db_url: str) -> None:
    host = create_engine(db_url)
    store = SQLAlchemyStorage(host)
    store.close()
    with host.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    host.dispose()


def test_rebuild_rank_index_recounts_members_written_behind_socialcrms_back(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        ids = [add_member(uow, f"r{n}", reputation=r).id for n, r in enumerate((1, 5, 90))]
        uow.members.add(
            NewMember(  # never ranked, before or after the rebuild
                external_id="stand-in",
                display_name="Stand-in",
                profile=Profile(),
                roles=frozenset({"member", "placeholder"}),
                reputation=10_000,
                joined_at=T0,
            )
        )
        uow.commit()
    members = storage.tables.members
    with storage.engine.begin() as connection:  # a host's bulk fix, bypassing the port
        connection.execute(members.update().where(members.c.id == ids[0]).values(reputation=500))
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.members.count_above(100) == 0  # the index has not seen the change
    assert storage.rebuild_rank_index() > 0
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.members.count_above(100) == 1
        assert uow.members.count_above(4) == 3
        assert uow.members.count_above(5) == 2
    counts = storage.tables.reputation_counts
    with storage.engine.connect() as connection:
        zero_rows = connection.execute(
            select(func.count()).select_from(counts).where(counts.c.members == 0)
        ).scalar()
    assert zero_rows == 0

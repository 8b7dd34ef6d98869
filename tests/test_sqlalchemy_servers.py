"""Behaviour of the SQLAlchemy adapter that only PostgreSQL and MariaDB can show.

Isolation level and row locks, values (microseconds, emoji, long texts, binary
keys), concurrent writers, and which failures are ``retryable``. Servers and
clean schemas come from ``databases.py``; the contract suite runs on them in
``test_contract_postgres.py`` and ``test_contract_mariadb.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

import databases
from socialcrm import Community, Settings
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.adapters.sqlalchemy.prepared import is_retryable
from socialcrm.capabilities.members.records import NewMember, Profile
from socialcrm.capabilities.reputation.records import LedgerWindow, NewLedgerEntry
from socialcrm.capabilities.spaces.records import NewSpace
from socialcrm.capabilities.threads.records import NewPost, NewThread, ThreadFilter
from socialcrm.errors import Conflict, StorageError

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
DAY = date(2026, 1, 5)

#: Longest a test waits for a worker thread before calling it hung.
JOIN_TIMEOUT = 60


@pytest.fixture(params=databases.DATABASE_KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    databases.require_database(request.param)
    return str(request.param)


@pytest.fixture
def storage(kind: str) -> Iterator[SQLAlchemyStorage]:
    store = databases.POOL.storage(kind)
    yield store
    store.close()


@pytest.fixture
def host_engine(kind: str) -> Iterator[Engine]:
    """A plain ``create_engine`` engine, as a host application would make it (server defaults)."""
    engine = create_engine(databases.database_url(kind))
    yield engine
    engine.dispose()


def add_member(uow: Any, external_id: str, reputation: int = 1, **profile: Any) -> Any:
    return uow.members.add(
        NewMember(
            external_id=external_id,
            display_name=external_id.title(),
            profile=Profile(**profile),
            roles=frozenset({"member"}),
            reputation=reputation,
            joined_at=T0,
        )
    )


def add_space(uow: Any, slug: str) -> Any:
    return uow.spaces.add(
        NewSpace(
            slug=slug,
            name=slug.title(),
            description="",
            parent_id=None,
            visibility="public",
            posting="members",
            created_at=T0,
        )
    )


def seed_members(storage: SQLAlchemyStorage, *names: str) -> list[int]:
    with storage.unit_of_work() as uow:
        ids = [add_member(uow, name).id for name in names]
        uow.commit()
    return ids


def run_threads(*targets: Callable[[], None]) -> None:
    workers = [threading.Thread(target=target) for target in targets]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(JOIN_TIMEOUT)
    assert not any(worker.is_alive() for worker in workers), "a worker hung"


# --- isolation and locks ---------------------------------------------------------------------


def test_units_run_at_read_committed(storage: SQLAlchemyStorage) -> None:
    with storage.unit_of_work() as uow:
        assert uow.connection.get_isolation_level() == "READ COMMITTED"
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.connection.get_isolation_level() == "READ COMMITTED"


def test_lock_is_select_for_update(storage: SQLAlchemyStorage) -> None:
    statement = storage._statements.members.lock.statement  # type: ignore[attr-defined]
    assert "FOR UPDATE" in str(statement.compile(dialect=storage.engine.dialect))


def test_lock_waits_for_the_writer_holding_the_row_and_reads_its_commit(
    storage: SQLAlchemyStorage,
) -> None:
    (member_id,) = seed_members(storage, "ada")
    seen: list[tuple[int | None, float]] = []
    locked = threading.Event()

    def second_writer() -> None:
        locked.wait(JOIN_TIMEOUT)
        started = time.monotonic()
        with storage.unit_of_work() as uow:
            seen.append((uow.members.lock(member_id), time.monotonic() - started))
            uow.commit()

    def first_writer() -> None:
        with storage.unit_of_work() as uow:
            uow.members.lock(member_id)
            locked.set()
            time.sleep(0.3)
            uow.members.add_reputation(member_id, 5)
            uow.commit()

    run_threads(first_writer, second_writer)
    [(reputation, waited)] = seen
    assert reputation == 6
    assert waited >= 0.2


def _cap_read_after_lock_is_fresh(storage: SQLAlchemyStorage) -> None:
    (member_id,) = seed_members(storage, "ada")
    with storage.unit_of_work() as first:
        # The first plain read: under REPEATABLE READ it would fix the snapshot here.
        assert first.ledger.cap_used(member_id, DAY) == 0
        with storage.unit_of_work() as second:
            second.members.lock(member_id)
            second.ledger.append(
                NewLedgerEntry(
                    member_id=member_id,
                    delta=10,
                    requested=10,
                    rule="upvote",
                    event="vote_cast",
                    cause="post:1:vote:1",
                    at=T0,
                    cap_day=DAY,
                )
            )
            second.members.add_reputation(member_id, 10)
            second.commit()
        assert first.members.lock(member_id) == 11
        assert first.ledger.cap_used(member_id, DAY) == 10


def test_the_cap_sum_read_after_the_lock_sees_the_latest_commit(
    storage: SQLAlchemyStorage,
) -> None:
    _cap_read_after_lock_is_fresh(storage)


def test_a_host_engine_at_repeatable_read_still_runs_units_at_read_committed(
    kind: str, host_engine: Engine
) -> None:
    with host_engine.connect() as connection:
        server_default = connection.get_isolation_level()
    store = SQLAlchemyStorage(
        host_engine, table_prefix=databases.POOL.next_prefix(kind), migrate=False
    )
    try:
        with store.unit_of_work() as uow:
            level = uow.connection.get_isolation_level()
        if kind == "mariadb":
            assert server_default == "REPEATABLE READ"
            assert level == "READ COMMITTED"
        _cap_read_after_lock_is_fresh(store)
    finally:
        store.close()
    with host_engine.connect() as connection:
        # The pool hands the host its connections back as it configured them.
        assert connection.get_isolation_level() == server_default


def test_the_daily_cap_holds_under_concurrent_voters(storage: SQLAlchemyStorage) -> None:
    settings = Settings().with_privileges(vote_up=1)
    community = Community(storage, settings=settings, entry_points=False)
    author = community.members.join(external_id="author", display_name="Author")
    staff = community.members.join(external_id="staff", display_name="Staff", roles=["admin"])
    community.spaces.create(actor=staff.id, slug="help", name="Help")
    thread = community.threads.start(
        actor=author.id, space="help", kind="discussion", title="Tips and tricks", body="Share."
    )
    voters = [
        community.members.join(external_id=f"voter-{n}", display_name=f"Voter {n}").id
        for n in range(24)
    ]
    errors: list[BaseException] = []

    def vote(batch: list[int]) -> Callable[[], None]:
        def run() -> None:
            try:
                for voter in batch:
                    community.votes.cast(actor=voter, post=thread.opening_post_id, value=1)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        return run

    run_threads(*(vote(voters[n::4]) for n in range(4)))
    assert errors == []
    cap = settings.daily_reputation_cap
    assert community.reputation.of(author.id) == settings.reputation_start + cap
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.ledger.totals()[author.id] == cap


# --- values ----------------------------------------------------------------------------------


def test_datetimes_keep_microseconds_and_come_back_utc(storage: SQLAlchemyStorage) -> None:
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
        entry = uow.ledger.append(
            NewLedgerEntry(
                member_id=member.id,
                delta=3,
                requested=3,
                rule="r",
                event="e",
                cause="c",
                at=joined,
            )
        )
        uow.commit()
    with storage.unit_of_work() as uow:
        stored = uow.members.get(member.id)
        [again] = uow.ledger.history(member.id, limit=1)
        one_micro = timedelta(microseconds=1)
        assert uow.ledger.gains(
            LedgerWindow(since=joined, until=joined + one_micro, space_ids=None), limit=5
        )
        assert not uow.ledger.gains(
            LedgerWindow(since=joined + one_micro, until=None, space_ids=None), limit=5
        )
    assert stored is not None
    assert stored.joined_at == joined
    assert stored.joined_at.tzinfo is timezone.utc
    assert (stored.joined_at.hour, stored.joined_at.microsecond) == (9, 123456)
    assert again.at == entry.at and again.at.tzinfo is timezone.utc


def test_unicode_and_long_texts_round_trip(storage: SQLAlchemyStorage) -> None:
    emoji_body = "😀" * 30_000  # the default body limit, 4 bytes each in utf8mb4
    interests = tuple("🐍" * 500 for _ in range(20))  # JSON-escaped: 12 bytes each
    with storage.unit_of_work() as uow:
        member = uow.members.add(
            NewMember(
                external_id="zoë-李-😀",
                display_name="Zoë 李 😀",
                profile=Profile(bio="Ünïcödé 🎉", country="日本", interests=interests),
                roles=frozenset({"member"}),
                reputation=1,
                joined_at=T0,
            )
        )
        space = add_space(uow, "help")
        thread = uow.threads.add(
            NewThread(
                space_id=space.id,
                kind="question",
                title="Pourquoi ? 🤔 " * 30,
                tags=(),
                author_id=member.id,
                created_at=T0,
            )
        )
        post = uow.posts.add(
            NewPost(
                thread_id=thread.id,
                author_id=member.id,
                body=emoji_body,
                is_opening=True,
                created_at=T0,
            )
        )
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.members.get_by_external_id("zoë-李-😀") == member
        assert uow.threads.get(thread.id) == thread
        stored = uow.posts.get(post.id)
    assert stored is not None and stored.body == emoji_body


def test_slugs_tags_and_causes_are_case_sensitive(storage: SQLAlchemyStorage) -> None:
    with storage.unit_of_work() as uow:
        member = add_member(uow, "ada")
        # Slugs are lowercase (NewSpace refuses others): a lookup must not fold case.
        lower = add_space(uow, "help")
        uow.threads.add_tags(["sql", "SQL"], T0)
        thread = uow.threads.add(
            NewThread(
                space_id=lower.id,
                kind="question",
                title="Case",
                tags=("SQL",),
                author_id=member.id,
                created_at=T0,
            )
        )
        kept = uow.ledger.append(
            NewLedgerEntry(
                member_id=member.id,
                delta=1,
                requested=1,
                rule="r",
                event="e",
                cause="Post:1:x",
                at=T0,
            )
        )
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.spaces.get_by_slug("help") == lower
        assert uow.spaces.get_by_slug("Help") is None and uow.spaces.get_by_slug("HELP") is None
        assert uow.threads.known_tags(["sql", "SQL", "Sql"]) == frozenset({"sql", "SQL"})
        assert uow.threads.list(ThreadFilter(space_ids=[lower.id], tag="sql")) == []
        assert uow.threads.list(ThreadFilter(space_ids=[lower.id], tag="SQL")) == [thread]
        assert uow.ledger.active_for_causes(["post:1:x"], ["post:"]) == []
        assert uow.ledger.active_for_causes(["Post:1:x"]) == [kept]


# --- concurrent writers and failures -----------------------------------------------------------


def test_a_concurrent_duplicate_waits_then_is_a_conflict_and_the_unit_goes_on(
    storage: SQLAlchemyStorage,
) -> None:
    outcome: list[Any] = []
    inserted = threading.Event()

    def first() -> None:
        with storage.unit_of_work() as uow:
            add_member(uow, "ada")
            inserted.set()
            time.sleep(0.3)
            uow.commit()

    def second() -> None:
        inserted.wait(JOIN_TIMEOUT)
        with storage.unit_of_work() as uow:
            try:
                add_member(uow, "ada")
            except Conflict as error:
                outcome.append(error.code)
            add_member(uow, "bob")
            uow.commit()

    run_threads(first, second)
    assert outcome == ["duplicate_external_id"]
    with storage.unit_of_work() as uow:
        assert [m.external_id for m in uow.members.list(limit=10)] == ["ada", "bob"]


def test_a_missing_parent_row_is_a_plain_storage_error_and_the_unit_goes_on(
    storage: SQLAlchemyStorage,
) -> None:
    with storage.unit_of_work() as uow:
        voter = add_member(uow, "voter")
        with pytest.raises(StorageError) as raised:
            uow.votes.add(post_id=10**9, member_id=voter.id, value=1, cast_at=T0)
        assert not isinstance(raised.value, Conflict)
        assert raised.value.code == "storage_error"
        assert uow.members.get(voter.id) == voter
        uow.commit()


def test_a_deadlock_is_a_retryable_storage_error(storage: SQLAlchemyStorage) -> None:
    first_id, second_id = seed_members(storage, "ada", "bob")
    both_locked = threading.Barrier(2, timeout=JOIN_TIMEOUT)
    errors: list[StorageError] = []
    committed: list[int] = []

    def lock_in_order(one: int, two: int) -> Callable[[], None]:
        def run() -> None:
            try:
                with storage.unit_of_work() as uow:
                    uow.members.lock(one)
                    both_locked.wait()
                    uow.members.lock(two)
                    uow.members.add_reputation(one, 1)
                    uow.commit()
                    committed.append(one)
            except StorageError as error:
                errors.append(error)

        return run

    run_threads(lock_in_order(first_id, second_id), lock_in_order(second_id, first_id))
    assert [error.code for error in errors] == ["retryable"]
    assert len(committed) == 1


def test_a_lock_wait_timeout_is_a_retryable_storage_error(
    kind: str, storage: SQLAlchemyStorage
) -> None:
    (member_id,) = seed_members(storage, "ada")
    with storage.unit_of_work() as holder:
        holder.members.lock(member_id)
        with storage.unit_of_work() as waiter:
            if kind == "postgres":
                waiter.connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            else:
                waiter.connection.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")
            try:
                with pytest.raises(StorageError) as raised:
                    waiter.members.lock(member_id)
            finally:
                if kind == "mariadb":
                    waiter.connection.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 50")
    assert raised.value.code == "retryable", raised.value.message


def test_a_serialization_failure_is_a_retryable_storage_error(
    postgres_storages: Callable[..., SQLAlchemyStorage],
) -> None:
    # PostgreSQL only: MariaDB 10.11 raises no serialization failures at any level.
    store = postgres_storages()
    try:
        (member_id,) = seed_members(store, "ada")
        with store.unit_of_work() as stale:
            stale.connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            assert stale.members.get(member_id) is not None  # takes the snapshot
            with store.unit_of_work() as other:
                other.members.add_reputation(member_id, 1)
                other.commit()
            with pytest.raises(StorageError) as raised:
                stale.members.add_reputation(member_id, 1)
        assert raised.value.code == "retryable"
    finally:
        store.close()


def test_the_retryable_errors_are_the_documented_codes() -> None:
    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__("pg")
            self.sqlstate = sqlstate

    for sqlstate in ("40001", "40P01", "55P03"):
        assert is_retryable(PgError(sqlstate))
    for sqlstate in ("23505", "23503", "57014", "08006"):
        assert not is_retryable(PgError(sqlstate))
    assert is_retryable(Exception(1213, "Deadlock found"))
    assert is_retryable(Exception(1205, "Lock wait timeout exceeded"))
    assert not is_retryable(Exception(1062, "Duplicate entry"))
    assert not is_retryable(Exception("database is locked"))
    assert not is_retryable(Exception(True))

    class MySQLError(Exception):
        sqlstate = "HY000"  # what PyMySQL gives a lock wait timeout

    assert is_retryable(MySQLError(1205, "Lock wait timeout exceeded"))
    assert not is_retryable(MySQLError(1406, "Data too long"))


def test_read_only_units_see_committed_rows_only(storage: SQLAlchemyStorage) -> None:
    (member_id,) = seed_members(storage, "ada")
    with storage.unit_of_work() as writer:
        writer.members.add_reputation(member_id, 5)
        with storage.unit_of_work(read_only=True) as reader:
            table = storage.tables.members
            query = select(table.c.reputation).where(table.c.id == member_id)
            assert reader.connection.execute(query).scalar() == 1
        writer.commit()

"""The transactional outbox through the public API, on every adapter.

Every recorded event lands in the outbox in its command's transaction, in
recording order; a rejected command or an aborted unit of work leaves none; the
relay publishes in order, at least once, and concurrent relays share the work.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine

from conftest import WITHOUT_BADGES
from socialcrm import (
    Community,
    Conflict,
    ManualClock,
    OutboxMessage,
    PermissionDenied,
    StorageError,
    ValidationError,
    hookimpl,
    signals,
)
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, configure_sqlite_engine
from socialcrm.capabilities.threads.events import ReplyPosted


@pytest.fixture
def community(make_community: Any) -> Community:
    """Without the built-in badges: these tests count every event a command records."""
    return make_community(builtin_plugins=WITHOUT_BADGES)


def _all_pending(c: Community) -> list[OutboxMessage]:
    return c.outbox.pending(limit=10_000)


class Consumer:
    """An idempotent consumer: applies each event id once, counts every delivery."""

    def __init__(self) -> None:
        self.applied: dict[str, Any] = {}
        self.order: list[str] = []
        self.deliveries = 0

    def __call__(self, message: OutboxMessage) -> None:
        self.deliveries += 1
        if message.event_id in self.applied:
            return
        self.applied[message.event_id] = message.event()
        self.order.append(message.event_id)


def test_every_committed_event_is_in_the_outbox_in_recording_order(world):
    c = world.c
    signalled = []

    def record(sender, event):
        signalled.append(event)

    before = {m.event_id for m in _all_pending(c)}
    with signals.event_committed.connected_to(record, sender=c):
        asker = c.members.join(external_id="asker", display_name="Asker")
        q = world.question(asker.id)
        answerer = c.members.join(external_id="answerer", display_name="Answerer")
        a = c.posts.reply(actor=answerer.id, thread=q.id, body="Try the billing page.")
        c.votes.cast(actor=world.mod.id, post=a.id, value=1)
        c.threads.accept(actor=asker.id, answer=a.id)
    new = [m for m in _all_pending(c) if m.event_id not in before]
    assert [m.event() for m in new] == signalled
    assert [m.name for m in new] == [
        "member_joined",
        "thread_started",
        "member_joined",
        "reply_posted",
        "vote_cast",
        "reputation_changed",  # the answerer's upvote
        "answer_accepted",
        "reputation_changed",  # the answerer's accepted answer
        "reputation_changed",  # the asker's accepting
    ]
    assert [m.id for m in new] == sorted(m.id for m in new)
    for message in new:
        assert uuid.UUID(message.event_id).version == 7
        assert message.occurred_at == message.event().at
        assert message.delivered_at is None
    assert len({m.event_id for m in new}) == len(new)


def test_the_payload_is_json_with_name_id_and_utc_time(world):
    c = world.c
    c.members.join(external_id="zoe", display_name="Zoë", roles=["staff", "member"])
    message = _all_pending(c)[-1]
    data = json.loads(message.payload)
    assert data["name"] == message.name == "member_joined"
    assert data["id"] == message.event_id
    assert data["at"].endswith("+00:00")
    assert data["roles"] == ["member", "staff"]
    assert data["display_name"] == "Zoë"


def test_a_rejected_command_leaves_no_outbox_row(world):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker)
    count = c.outbox.pending_count()
    with pytest.raises(PermissionDenied):
        c.votes.cast(actor=asker, post=q.opening_post_id, value=1)  # own post
    with pytest.raises(PermissionDenied):
        c.spaces.create(actor=asker, slug="nope", name="Nope")
    assert c.outbox.pending_count() == count


def test_a_hook_that_vetoes_rolls_the_outbox_rows_back_too(make_community, world_of):
    class Veto:
        @hookimpl
        def socialcrm_on_event(self, event, context):
            if isinstance(event, ReplyPosted):
                raise RuntimeError("vetoed")

    c = make_community(plugins=[Veto()])
    w = world_of(c)
    q = w.question(w.member("asker"))
    author = w.member("author")
    count = c.outbox.pending_count()
    with pytest.raises(RuntimeError):
        c.posts.reply(actor=author, thread=q.id, body="No way")
    assert c.outbox.pending_count() == count
    assert "reply_posted" not in {m.name for m in _all_pending(c)}


def test_a_grouped_unit_of_work_writes_its_events_together_or_not_at_all(world):
    c = world.c
    asker = world.member("asker")
    count = c.outbox.pending_count()
    with c.unit_of_work():
        q = world.question(asker)
        c.posts.reply(actor=world.mod.id, thread=q.id, body="Here")
        # Inside the unit the writes are not committed yet, but the unit sees its own.
        assert c.outbox.pending_count() == count + 2
    assert [m.name for m in _all_pending(c)[-2:]] == ["thread_started", "reply_posted"]
    count = c.outbox.pending_count()
    with pytest.raises(Conflict):
        with c.unit_of_work():
            world.question(asker, title="Another question here")
            with pytest.raises(PermissionDenied):
                c.spaces.create(actor=asker, slug="nope", name="Nope")
    assert c.outbox.pending_count() == count


def test_relay_publishes_in_order_and_marks_delivered(world):
    c = world.c
    asker = world.member("asker")
    for n in range(3):
        world.question(asker, title=f"Question number {n}")
    pending = _all_pending(c)
    consumer = Consumer()
    assert c.outbox.relay(consumer, batch=2) == 2
    assert c.outbox.pending_count() == len(pending) - 2
    while c.outbox.relay(consumer, batch=2):
        pass
    assert consumer.order == [m.event_id for m in pending]
    assert consumer.deliveries == len(pending)
    assert c.outbox.pending_count() == 0
    assert c.outbox.relay(consumer) == 0


def test_relay_stops_at_a_failing_publish_and_delivers_the_rest_later(world):
    c = world.c
    asker = world.member("asker")
    for n in range(3):
        world.question(asker, title=f"Question number {n}")
    pending = _all_pending(c)
    seen: list[str] = []

    def flaky(message: OutboxMessage) -> None:
        if len(seen) == 2:
            seen.append("fail")
            raise ConnectionError("queue down")
        seen.append(message.event_id)

    with pytest.raises(ConnectionError):
        c.outbox.relay(flaky, batch=10)
    assert seen == [pending[0].event_id, pending[1].event_id, "fail"]
    assert [m.event_id for m in _all_pending(c)] == [m.event_id for m in pending[2:]]
    consumer = Consumer()
    while c.outbox.relay(consumer, batch=10):
        pass
    assert consumer.order == [m.event_id for m in pending[2:]]


def test_a_relay_that_dies_before_marking_publishes_again_and_dedup_applies_once(
    world, monkeypatch
):
    c = world.c
    world.question(world.member("asker"))
    pending = _all_pending(c)
    consumer = Consumer()
    with c.storage.unit_of_work() as uow:
        repository = type(uow.outbox)

    def lost_connection(self: Any, ids: Any, at: Any) -> int:
        raise StorageError("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr(repository, "mark_delivered", lost_connection)
        with pytest.raises(StorageError):
            c.outbox.relay(consumer)
    assert consumer.deliveries == len(pending)
    assert c.outbox.pending_count() == len(pending)
    assert c.outbox.relay(consumer) == len(pending)
    assert consumer.deliveries == 2 * len(pending)
    assert consumer.order == [m.event_id for m in pending]
    assert c.outbox.pending_count() == 0


def test_relay_is_refused_inside_a_unit_of_work_and_checks_its_arguments(world):
    c = world.c
    with pytest.raises(Conflict) as raised:
        with c.unit_of_work():
            c.outbox.relay(Consumer())
    assert raised.value.code == "nested_unit_of_work"
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(ValidationError):
            c.outbox.relay(Consumer(), batch=bad)
    with pytest.raises(ValidationError):
        c.outbox.relay("not callable")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        c.outbox.pending(limit=0)
    with pytest.raises(ValidationError):
        c.outbox.purge(older_than=timedelta(days=-1))
    with pytest.raises(ValidationError):
        c.outbox.purge(older_than=7)  # type: ignore[arg-type]


def test_purge_deletes_delivered_messages_older_than_the_age(world, clock):
    c = world.c
    asker = world.member("asker")
    c.outbox.relay(Consumer(), batch=10_000)
    clock.advance(days=10)
    world.question(asker)
    assert c.outbox.purge(older_than=timedelta(days=7)) > 0
    assert c.outbox.purge(older_than=timedelta(days=7)) == 0
    assert c.outbox.pending_count() == 1  # the new thread's event: pending, never purged
    c.outbox.relay(Consumer())
    assert c.outbox.purge(older_than=timedelta(days=1)) == 0
    clock.advance(days=2)
    assert c.outbox.purge(older_than=timedelta(days=1)) == 1
    assert c.outbox.pending_count() == 0


def test_concurrent_relays_on_sqlite_take_turns_and_never_double_deliver(tmp_path):
    path = tmp_path / "relay.db"
    writer = Community.from_url(f"sqlite:///{path}", clock=ManualClock(), entry_points=False)
    for n in range(60):
        writer.members.join(external_id=f"m{n}", display_name=f"M {n}")
    relays = [
        Community.from_url(f"sqlite:///{path}", clock=ManualClock(), entry_points=False)
        for _ in range(3)
    ]
    delivered: list[str] = []
    lock = threading.Lock()

    def publish(message: OutboxMessage) -> None:
        time.sleep(0.001)
        with lock:
            delivered.append(message.event_id)

    def run(community: Community) -> None:
        while community.outbox.relay(publish, batch=7):
            pass

    threads = [threading.Thread(target=run, args=(r,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(delivered) == 60 == len(set(delivered))
    assert writer.outbox.pending_count() == 0
    for community in (writer, *relays):
        community.close()


@pytest.mark.parametrize("kind", ["postgres", "mariadb"])
def test_concurrent_relays_skip_each_others_locked_messages(kind, make_storage_pair):
    first, second = make_storage_pair(kind)
    for n in range(10):
        first.members.join(external_id=f"m{n}", display_name=f"M {n}")
    order = [m.event_id for m in first.outbox.pending(limit=100)]
    outer: list[str] = []
    inner: list[str] = []

    def publish_outer(message: OutboxMessage) -> None:
        if not outer:
            # While this relay holds the first four locked, another one runs.
            assert second.outbox.relay(lambda m: inner.append(m.event_id), batch=100) == 6
        outer.append(message.event_id)

    assert first.outbox.relay(publish_outer, batch=4) == 4
    assert outer == order[:4]
    assert inner == order[4:]
    assert first.outbox.pending_count() == 0


@pytest.fixture
def make_storage_pair(clock):
    made: list[Community] = []

    def factory(kind: str) -> tuple[Community, Community]:
        import databases

        prefix = databases.POOL.next_prefix(kind)
        url = databases.database_url(kind)
        pair = tuple(
            Community(
                SQLAlchemyStorage(url, table_prefix=prefix, migrate=False),
                clock=clock,
                entry_points=False,
            )
            for _ in range(2)
        )
        made.extend(pair)
        return pair  # type: ignore[return-value]

    yield factory
    for community in made:
        community.close()


def test_outbox_rows_commit_and_roll_back_with_the_hosts_transaction(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'host.db'}")
    configure_sqlite_engine(engine)
    SQLAlchemyStorage(engine).close()
    own = Community(
        SQLAlchemyStorage(engine, migrate=False), clock=ManualClock(), entry_points=False
    )
    try:
        with engine.connect() as connection:
            with connection.begin():
                joined = Community(
                    SQLAlchemyStorage(connection, migrate=False),
                    clock=ManualClock(),
                    entry_points=False,
                )
                joined.members.join(external_id="kept", display_name="Kept")
            assert [m.name for m in own.outbox.pending()] == ["member_joined"]
            transaction = connection.begin()
            joined.members.join(external_id="dropped", display_name="Dropped")
            transaction.rollback()
            joined.close()
        assert own.outbox.pending_count() == 1
    finally:
        own.close()
        engine.dispose()

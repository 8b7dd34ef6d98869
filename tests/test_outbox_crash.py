"""Kill -9 the writer and the relays: the outbox still holds every committed event exactly once.

Each round starts one writer process (random votes, changes, retractions,
replies and rejected votes) and two relay processes publishing into an
append-only delivery log, then kills each of them with SIGKILL at a random
moment. Afterwards the test checks, against the committed state of the
database:

* every event in the outbox belongs to a committed change and every committed
  change has its event, once: replaying the outbox's vote events gives exactly
  the votes table, its ``reputation_changed`` events exactly the ledger;
* after a final relay, the log holds every outbox event and nothing else; a
  de-duplicating consumer applies each exactly once, and the duplicates (killed
  relays publish again what they had not marked) stay within one batch per kill.

Servers come from ``SOCIALCRM_TEST_POSTGRES_URL`` / ``SOCIALCRM_TEST_MARIADB_URL``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from concurrency_workers import open_community
from databases import POOL, database_url
from outbox_crash_workers import RELAY_BATCH, run_relay, run_writer
from socialcrm import OutboxMessage
from socialcrm.capabilities.threads.records import ThreadFilter
from test_concurrency import _seed

ROUNDS = 5
RELAYS = 2
#: The writer is killed after this many commands (uniformly drawn), in the middle of the next.
WRITER_COMMANDS = (60, 220)
#: Each relay is killed this many seconds (uniformly drawn) after it is ready.
RELAY_SECONDS = (0.2, 1.2)

# Multi-process tests run one after another on one xdist worker (see the Makefile's test target).
pytestmark = pytest.mark.xdist_group("processes")


@pytest.fixture(params=["postgres", "mariadb"])
def schema(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    kind = request.param
    prefix = POOL.next_prefix(kind)
    yield database_url(kind), prefix


def _round(
    context: Any, url: str, prefix: str, seed: dict[str, Any], log: Path, rng: random.Random
) -> tuple[int, int]:
    """One round: start a writer and the relays, kill each at a random moment.

    The writer dies after a random number of commands (between
    :data:`WRITER_COMMANDS`), wherever it is in the next one; each relay after
    a random time (:data:`RELAY_SECONDS`), wherever it is in its loop.
    """
    writes = context.Value("i", 0)
    published = context.Value("i", 0)
    ready = [context.Event() for _ in range(1 + RELAYS)]
    writer = context.Process(
        target=run_writer, args=(url, prefix, seed, rng.randrange(2**32), ready[0], writes)
    )
    relays = [
        context.Process(target=run_relay, args=(url, prefix, str(log), event, published))
        for event in ready[1:]
    ]
    processes = [writer, *relays]
    for process in processes:
        process.start()
    try:
        for event in ready:
            assert event.wait(60), "a crash-test process did not start"
        started = time.monotonic()
        relay_deaths = sorted((rng.uniform(*RELAY_SECONDS), relay) for relay in relays)
        writer_quota = rng.randint(*WRITER_COMMANDS)
        deadline = started + 60
        while writer.is_alive() or relay_deaths:
            now = time.monotonic()
            assert now < deadline, f"the writer ran only {writes.value} commands in 60 s"
            if writer.is_alive() and writes.value >= writer_quota:
                os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
                writer.join(30)
            while relay_deaths and now - started >= relay_deaths[0][0]:
                relay = relay_deaths.pop(0)[1]
                assert relay.is_alive(), "a relay died on its own"
                os.kill(relay.pid, signal.SIGKILL)  # type: ignore[arg-type]
            time.sleep(0.001)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join(30)
    assert [p.exitcode for p in processes] == [-signal.SIGKILL] * len(processes)
    return writes.value, published.value


def _outbox_rows(community: Any) -> list[OutboxMessage]:
    storage = community.storage
    table = storage.tables.outbox
    with storage.engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id)).all()
    return [OutboxMessage(**row._mapping) for row in rows]


def _check_outbox_against_the_database(community: Any, messages: list[OutboxMessage]) -> None:
    events = [json.loads(m.payload) for m in messages]
    assert [e["id"] for e in events] == [m.event_id for m in messages]
    assert len({m.event_id for m in messages}) == len(messages)

    # One event per change: never two casts of a vote, two events of a ledger entry...
    per_thing = Counter(
        (e["name"], e.get("vote_id") if e["name"] == "vote_cast" else e.get("entry_id"))
        for e in events
        if e["name"] in ("vote_cast", "reputation_changed")
    )
    assert max(per_thing.values(), default=1) == 1

    votes: dict[int, tuple[int, int]] = {}  # vote id -> (post, value), replayed from events
    for e in events:
        if e["name"] == "vote_cast":
            assert e["vote_id"] not in votes
            votes[e["vote_id"]] = (e["post_id"], e["value"])
        elif e["name"] == "vote_changed":
            assert votes[e["vote_id"]][1] == e["previous_value"]
            votes[e["vote_id"]] = (e["post_id"], e["value"])
        elif e["name"] == "vote_retracted":
            assert votes.pop(e["vote_id"])[1] == e["previous_value"]
    ledger_events = {e["entry_id"]: e for e in events if e["name"] == "reputation_changed"}

    with community.storage.unit_of_work(read_only=True) as uow:
        thread_ids = [
            t.id
            for t in uow.threads.list(ThreadFilter(space_ids=[s.id for s in uow.spaces.list()]))
        ]
        posts = [p for t in thread_ids for p in uow.posts.list_for_thread(t)]
        stored_votes = {v.id: (v.post_id, v.value) for p in posts for v in uow.votes.for_post(p.id)}
        members = uow.members.reputations()
        entries = [e for m in members for e in uow.ledger.history(m, limit=100_000)]
        for post in posts:
            assert post.score == sum(v for p, v in stored_votes.values() if p == post.id)
        replies = sum(1 for p in posts if not p.is_opening)
    assert votes == stored_votes
    assert set(ledger_events) == {e.id for e in entries}
    for entry in entries:
        announced = ledger_events[entry.id]
        assert (announced["member_id"], announced["delta"]) == (entry.member_id, entry.delta)
    assert sum(1 for e in events if e["name"] == "reply_posted") == replies
    assert sorted(e["member_id"] for e in events if e["name"] == "member_joined") == sorted(members)


def test_killed_writers_and_relays_lose_and_double_no_event(
    schema: tuple[str, str], tmp_path: Path
) -> None:
    url, prefix = schema
    seed = _seed(url, prefix, authors=4, voters=30)
    log = tmp_path / "deliveries.log"
    log.touch()
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    context = multiprocessing.get_context("spawn")
    commands = published = 0
    for _ in range(ROUNDS):
        wrote, sent = _round(context, url, prefix, seed, log, rng)
        commands += wrote
        published += sent
    assert commands >= WRITER_COMMANDS[0] * ROUNDS

    community = open_community(url, prefix)
    try:
        messages = _outbox_rows(community)
        _check_outbox_against_the_database(community, messages)

        def publish(message: OutboxMessage) -> None:
            with log.open("a") as out:
                out.write(f"{message.event_id}\n")

        while community.outbox.relay(publish, batch=500):
            pass
        assert community.outbox.pending_count() == 0
    finally:
        community.close()

    deliveries = log.read_text().split()
    applied: Counter[str] = Counter()
    for event_id in deliveries:  # the de-duplicating consumer
        if event_id not in applied:
            applied[event_id] += 1
    assert set(applied) == {m.event_id for m in messages}
    assert set(applied.values()) == {1}
    duplicates = len(deliveries) - len(applied)
    assert duplicates <= ROUNDS * RELAYS * RELAY_BATCH
    print(
        f"\n{ROUNDS} rounds: {commands} commands run, {len(messages)} events in the outbox, "
        f"{published} published by killed relays, {len(deliveries)} deliveries, "
        f"{duplicates} duplicates removed by the consumer"
    )

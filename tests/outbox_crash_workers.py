"""Processes the outbox crash test kills with SIGKILL (importable by ``spawn``ed children).

A writer runs random community commands until it is killed; a relay publishes
outbox messages into an append-only delivery log until it is killed. Neither
reports anything but a counter: the test judges them only by what the database
and the log hold afterwards.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from concurrency_workers import open_community
from socialcrm import OutboxMessage, SocialCRMError

#: Messages a relay takes per unit of work (and so the most one killed relay re-delivers).
RELAY_BATCH = 10


def run_writer(
    url: str, prefix: str, seed: dict[str, Any], rng_seed: int, ready: Any, done: Any
) -> None:
    """Cast, change and retract votes, post replies and try forbidden votes, forever."""
    rng = random.Random(rng_seed)
    community = open_community(url, prefix)
    voters, answers, authors = seed["voters"], seed["answers"], seed["authors"]
    ready.set()
    while True:
        roll = rng.random()
        try:
            if roll < 0.05:
                author = rng.choice(authors)
                community.posts.reply(actor=author, thread=seed["question"], body="More detail.")
            elif roll < 0.10:
                # Rejected: authors may not vote on their own answers.
                index = rng.randrange(len(authors))
                community.votes.cast(actor=authors[index], post=answers[index], value=1)
            elif roll < 0.25:
                community.votes.retract(actor=rng.choice(voters), post=rng.choice(answers))
            else:
                value = 1 if rng.random() < 0.75 else -1
                community.votes.cast(
                    actor=rng.choice(voters), post=rng.choice(answers), value=value
                )
        except SocialCRMError:
            pass  # rejected (no vote to retract, own post): nothing was written
        with done.get_lock():
            done.value += 1


def run_relay(url: str, prefix: str, log_path: str, ready: Any, done: Any) -> None:
    """Relay the outbox into the delivery log (one ``event_id`` line per delivery), forever."""
    community = open_community(url, prefix)
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def publish(message: OutboxMessage) -> None:
        # One write(2) of a short line to an O_APPEND file: whole or not at all.
        os.write(log, f"{message.event_id}\n".encode())
        with done.get_lock():
            done.value += 1
        time.sleep(0.0005)  # widen the window between publishing and marking delivered

    ready.set()
    while True:
        if community.outbox.relay(publish, batch=RELAY_BATCH) == 0:
            time.sleep(0.01)

"""Worker processes for the mixed load racing deletions (tests/test_deletion_races.py).

Every worker plays one role over a shared small set of questions, draws its
commands from its own seeded random generator, and stops by itself after
``max_commands`` commands or ``seconds`` seconds, whichever comes first:

* ``voter``: casts, changes and retracts votes on the questions and their replies;
* ``replier``: replies, offers bounties (as the asker) and awards them;
* ``deleter``: deletes replies and, late in its run, the first question's whole
  thread (its opening post). Two deleters given the same ``rng_seed`` read and
  draw in step, so they often delete the same reply (and the thread) at once.

A refusal (:class:`socialcrm.SocialCRMError` other than a storage error) is
counted by ``Type:code``; anything else, or a :class:`socialcrm.StorageError`
(transient retries exhausted), is reported in ``errors`` for the parent.
"""

from __future__ import annotations

import random
import time
import traceback
from collections import Counter
from typing import Any

from concurrency_workers import SETTINGS, _count_retries, open_community
from socialcrm import SocialCRMError, StorageError

#: Anyone may vote, offer a bounty and delete their own posts; no rate limits.
MIXED_SETTINGS = SETTINGS.with_privileges(set_bounty=0, edit=0, flag=0).with_bounties(
    require_reputation=False
)


def _posts(community: Any, threads: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    """Each thread's posts (opening first, deleted ones included) and its live replies."""
    found = {}
    with community.storage.unit_of_work(read_only=True) as uow:
        for t in threads:
            posts = uow.posts.list_for_thread(t, include_deleted=True)
            live = [p.id for p in posts if not p.is_opening and p.deleted_at is None]
            found[t] = ([p.id for p in posts], live)
    return found


def run_mixed_worker(
    url: str,
    prefix: str,
    barrier: Any,
    results: Any,
    tag: int,
    role: str,
    seed: dict[str, Any],
    rng_seed: int,
    max_commands: int,
    seconds: float,
) -> None:
    """Run ``role`` over ``seed`` (``admin``, ``threads``, ``askers``, ``members``)."""
    outcome: dict[str, Any] = {"tag": tag, "role": role, "ok": 0, "errors": [], "refused": {}}
    refused: Counter[str] = Counter()
    community = None
    rng = random.Random(rng_seed)
    threads: list[int] = seed["threads"]
    askers: dict[int, int] = {int(t): a for t, a in seed["askers"].items()}
    members: list[int] = seed["members"]
    try:
        community = open_community(url, prefix, MIXED_SETTINGS)
        _count_retries(outcome)
        barrier.wait(timeout=60)
        deadline = time.monotonic() + seconds

        def late(n: int) -> bool:
            return n >= max_commands // 2 or time.monotonic() >= deadline - seconds / 2

        posts = _posts(community, threads)
        outcome["commands"] = 0
        for n in range(max_commands):
            if time.monotonic() >= deadline:
                break
            outcome["commands"] += 1
            if n % 5 == 4:
                posts = _posts(community, threads)
            thread = rng.choice(threads)
            every, replies = posts[thread]
            try:
                if role == "voter":
                    actor = rng.choice(members)
                    # Mostly live posts (as last read), sometimes one already deleted.
                    post = rng.choice(every if rng.random() < 0.2 or not replies else replies)
                    if rng.random() < 0.25:
                        community.votes.retract(actor=actor, post=post)
                    else:
                        community.votes.cast(actor=actor, post=post, value=rng.choice((1, 1, -1)))
                elif role == "replier":
                    roll = rng.random()
                    if roll < 0.6 or not replies:
                        community.posts.reply(
                            actor=rng.choice(members), thread=thread, body=f"reply {tag}.{n}"
                        )
                    elif roll < 0.75:
                        community.bounties.offer(actor=askers[thread], thread=thread, amount=50)
                    else:
                        community.bounties.award(actor=askers[thread], answer=rng.choice(replies))
                elif role == "deleter":
                    # Late in the run both deleters delete the first question, the whole
                    # thread, at once; the other questions stay, their replies do not.
                    if thread == threads[0] and late(n) and rng.random() < 0.3:
                        community.posts.delete(actor=seed["admin"], post=every[0])
                    elif replies:
                        community.posts.delete(
                            actor=seed["admin"], post=rng.choice(replies), reason="race"
                        )
                    time.sleep(rng.uniform(0.005, 0.03))
                else:
                    raise ValueError(f"unknown role {role!r}")
                outcome["ok"] += 1
            except StorageError as error:
                outcome["errors"].append(f"{type(error).__name__}:{error.code}:{error}")
            except SocialCRMError as error:
                refused[f"{type(error).__name__}:{error.code}"] += 1
    except Exception:  # noqa: BLE001 - the parent asserts on this text
        outcome["errors"].append("crash:" + traceback.format_exc())
    finally:
        outcome["refused"] = dict(refused)
        if community is not None:
            community.close()
        results.put(outcome)

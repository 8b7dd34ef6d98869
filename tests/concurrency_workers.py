"""Worker processes for the concurrency tests (importable by ``spawn``ed children).

Every worker builds its own engine and community from the URL and the table prefix,
waits at the barrier so all workers fire together, runs its commands and reports
what happened through a queue: never an exception object, only plain data.
"""

from __future__ import annotations

import traceback
import types
from datetime import datetime, timezone
from typing import Any

from socialcrm import Community, ManualClock, Settings, SocialCRMError
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.services import runtime as runtime_module

#: Every worker runs at this instant, so all reputation falls on one UTC day.
FIXED_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

#: Settings shared by the parent and the workers: anyone may vote either way.
SETTINGS = Settings().with_privileges(vote_up=0, vote_down=0)


def open_community(url: str, prefix: str) -> Community:
    """A community on an already migrated schema."""
    storage = SQLAlchemyStorage(url, table_prefix=prefix, migrate=False)
    return Community(storage, settings=SETTINGS, clock=ManualClock(FIXED_NOW), entry_points=False)


def _count_retries(outcome: dict[str, Any]) -> None:
    """Count the transient retries (each sleeps once before the next attempt)."""
    outcome["retries"] = 0
    sleep = runtime_module.time.sleep

    def counting_sleep(seconds: float) -> None:
        outcome["retries"] += 1
        sleep(seconds)

    runtime_module.time = types.SimpleNamespace(sleep=counting_sleep)  # type: ignore[assignment]


def run_worker(
    url: str, prefix: str, barrier: Any, results: Any, tag: int, commands: list[tuple[Any, ...]]
) -> None:
    """Run ``commands``: ``("vote", actor, post, value)``, ``("reply", actor, thread, body)``,
    ``("accept", actor, answer)``, ``("convert", referred)`` or
    ``("flag", actor, post, reason)``."""
    outcome: dict[str, Any] = {"tag": tag, "ok": 0, "errors": [], "votes": [], "rewards": []}
    community = None
    try:
        community = open_community(url, prefix)
        _count_retries(outcome)
        barrier.wait(timeout=60)
        for command in commands:
            try:
                if command[0] == "vote":
                    _, actor, post, value = command
                    vote = community.votes.cast(actor=actor, post=post, value=value)
                    outcome["votes"].append(vote.id)
                elif command[0] == "reply":
                    _, actor, thread, body = command
                    community.posts.reply(actor=actor, thread=thread, body=body)
                elif command[0] == "accept":
                    _, actor, answer = command
                    community.threads.accept(actor=actor, answer=answer)
                elif command[0] == "convert":
                    conversion = community.referrals.converted(referred=command[1])
                    if conversion is not None:
                        outcome["rewards"].extend(r.key for r in conversion.rewards)
                elif command[0] == "flag":
                    _, actor, post, reason = command
                    community.flags.flag_post(actor=actor, post=post, reason=reason)
                outcome["ok"] += 1
            except SocialCRMError as error:
                outcome["errors"].append(f"{type(error).__name__}:{error.code}:{error}")
    except Exception:  # noqa: BLE001 - the parent asserts on this text
        outcome["errors"].append("crash:" + traceback.format_exc())
    finally:
        if community is not None:
            community.close()
        results.put(outcome)

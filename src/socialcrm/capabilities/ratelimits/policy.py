"""Rate-limit policy shared by the enforcement (the service) and the built-in limit rules:
which actions publish a post, the UTC day daily limits count in, and seconds to wait."""

from __future__ import annotations

from datetime import datetime, time, timedelta

#: Actions that publish a post: the actor's member row is locked before their limits
#: are counted, so two workers posting for one member see each other's post.
POSTING_ACTIONS = frozenset({"start_thread", "reply"})


def day_start(now: datetime) -> datetime:
    """The start (00:00 UTC) of the UTC day holding ``now``: daily limits count from it."""
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def seconds_until(moment: datetime, now: datetime) -> float:
    """Seconds from ``now`` to ``moment`` (exact to the microsecond)."""
    return (moment - now) / timedelta(seconds=1)


def until_next_day(now: datetime) -> float:
    """Seconds from ``now`` to the next 00:00 UTC, when daily limits start again."""
    return seconds_until(day_start(now) + timedelta(days=1), now)


__all__ = ["POSTING_ACTIONS", "day_start", "seconds_until", "until_next_day"]

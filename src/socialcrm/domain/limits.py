"""Rate limits as values: what a limit rule reports, and the UTC day they count in."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import attrs


@attrs.frozen
class LimitBreach:
    """A limit the command would exceed, as a ``socialcrm_rate_limits`` rule reports it.

    :param limit: the limit's name, e.g. ``"seconds_between_posts"`` (machine-readable).
    :param message: a sentence for the member.
    :param retry_after: seconds until the limit no longer refuses this command, or
        ``None`` when waiting alone does not lift it (e.g. replies per topic, lifted
        by someone else's post); the command then raises ``PermissionDenied``.
    """

    limit: str
    message: str
    retry_after: float | None = None


def day_start(now: datetime) -> datetime:
    """The start (00:00 UTC) of the UTC day holding ``now``: daily limits count from it."""
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def seconds_until(moment: datetime, now: datetime) -> float:
    """Seconds from ``now`` to ``moment`` (exact to the microsecond)."""
    return (moment - now) / timedelta(seconds=1)


def until_next_day(now: datetime) -> float:
    """Seconds from ``now`` to the next 00:00 UTC, when daily limits start again."""
    return seconds_until(day_start(now) + timedelta(days=1), now)


__all__ = ["LimitBreach", "day_start", "seconds_until", "until_next_day"]

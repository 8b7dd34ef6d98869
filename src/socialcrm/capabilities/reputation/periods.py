"""The leaderboards' UTC calendar periods: where a ``day``, ``week``, ``month``, ``year`` starts.

One definition for the reputation service (which ledger entries a period board sums)
and the leaderboard backends (which Redis set a change lands in), so both always agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: The calendar periods, shortest first (``all`` is not one: it has no start).
CALENDAR_PERIODS = ("day", "week", "month", "year")


def period_start(period: str, moment: datetime) -> datetime:
    """The start of the UTC calendar ``period`` containing ``moment``.

    ``day``, ``week`` (from Monday), ``month`` or ``year``; ``ValueError`` for anything else.
    """
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return midnight
    if period == "week":
        return midnight - timedelta(days=midnight.weekday())
    if period == "month":
        return midnight.replace(day=1)
    if period == "year":
        return midnight.replace(month=1, day=1)
    raise ValueError(f"unknown period {period!r}")


def period_end(period: str, start: datetime) -> datetime:
    """The start of the period after the one starting at ``start``."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start + timedelta(days=32)).replace(day=1)
    if period == "year":
        return start.replace(year=start.year + 1)
    raise ValueError(f"unknown period {period!r}")


def board_since(period: str, now: datetime) -> datetime | None:
    """Where a board of ``period`` starts counting at ``now``: ``None`` for ``all``."""
    return None if period == "all" else period_start(period, now)


__all__ = ["CALENDAR_PERIODS", "board_since", "period_end", "period_start"]

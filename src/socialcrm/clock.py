"""Injected clocks. Every timestamp socialcrm writes is timezone-aware UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol

from socialcrm.errors import ValidationError


class Clock(Protocol):
    """Anything with a ``now()`` returning an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        """Return ``datetime.now(timezone.utc)``."""
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to: for tests, demos and history replays."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (
            ensure_utc(start)
            if start is not None
            else datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
        )

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (must be timezone-aware)."""
        self._now = ensure_utc(moment)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**kwargs)``; return the new time."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValidationError("a ManualClock never moves backwards", field="delta")
        self._now = self._now + step
        return self._now


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` converted to UTC; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError("datetimes must be timezone-aware", field="datetime")
    return moment.astimezone(timezone.utc)


__all__ = ["Clock", "SystemClock", "ManualClock", "ensure_utc"]

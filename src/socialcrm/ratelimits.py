"""Rate limiters: "at most ``limit`` hits per ``window`` for this key", in process or in Redis.

These are for a host's own limits (log-ins, searches, API calls). socialcrm's posting
and voting limits (:mod:`socialcrm.plugins.ratelimits`) do not use them: they count
from storage inside the command's transaction, so that a rolled-back command uses up
nothing (docs/moderation.md, "Rate limits").

Semantics (both implementations, exactly the same arithmetic):

* **Sliding log window.** ``hit(key, limit=n, window=w, now=t)`` is allowed when fewer
  than ``n`` *allowed* hits of ``key`` have times strictly after ``t - w``; it is then
  recorded at ``t`` and ``None`` is returned. So any ``w``-long stretch of time holds at
  most ``n`` allowed hits, with no double burst at window edges as fixed windows allow.
* **Refused hits are not recorded**: hammering a limit does not push the retry time back.
  ``hit`` then returns ``retry_after``, the seconds until the oldest counted hit leaves the
  window, i.e. until the next hit at ``now + retry_after`` is allowed (if nothing else
  hits the key in between).
* **Time is the caller's.** ``now`` (timezone-aware) comes from the caller, e.g. the
  community's clock, so a ``ManualClock`` drives limits in tests. Times are kept in whole
  microseconds. A ``now`` earlier than recorded hits (clocks of different workers) still
  counts those hits.
* ``reset(key)`` forgets every hit of the key.
* ``limit`` and ``window`` are per call, so one key should always be used with the same
  pair; ``limit`` must be at least 1 and ``window`` positive.
"""

from __future__ import annotations

import bisect
import math
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

from socialcrm import _redis
from socialcrm.errors import ValidationError


class RateLimiter(Protocol):
    """What a rate-limit backend offers."""

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> float | None:
        """Record a hit if allowed and return ``None``; else return ``retry_after`` seconds."""
        ...

    def reset(self, key: str) -> None:
        """Forget every hit of ``key``."""
        ...


def _check(key: str, limit: int, window: timedelta, now: datetime) -> tuple[int, int]:
    """``(now, window)`` in microseconds, after validating every argument."""
    if not isinstance(key, str) or not key:
        raise ValidationError("a rate-limit key is a non-empty string", field="key")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("limit must be an integer of at least 1", field="limit")
    if not isinstance(window, timedelta) or window <= timedelta(0):
        raise ValidationError("window must be a positive timedelta", field="window")
    if not isinstance(now, datetime):
        raise ValidationError("now must be a timezone-aware datetime", field="now")
    return _redis.micros(now), window // timedelta(microseconds=1)


class MemoryRateLimiter:
    """In-process sliding-window limiter; thread-safe (one lock), not shared across processes.

    Memory: one sorted list of hit times per key with hits in its window. Keys nobody hits
    any more are swept every ``sweep_every`` hits.
    """

    def __init__(self, *, sweep_every: int = 1024) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, tuple[int, list[int]]] = {}
        self._sweep_every = sweep_every
        self._since_sweep = 0

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> float | None:
        """See :class:`RateLimiter`."""
        at, span = _check(key, limit, window, now)
        with self._lock:
            self._maybe_sweep(at)
            _, times = self._hits.get(key, (span, []))
            del times[: bisect.bisect_right(times, at - span)]
            if len(times) < limit:
                bisect.insort(times, at)
                self._hits[key] = (span, times)
                return None
            self._hits[key] = (span, times)
            return (times[0] + span - at) / 1_000_000

    def reset(self, key: str) -> None:
        """See :class:`RateLimiter`."""
        with self._lock:
            self._hits.pop(key, None)

    def _maybe_sweep(self, at: int) -> None:
        self._since_sweep += 1
        if self._since_sweep < self._sweep_every:
            return
        self._since_sweep = 0
        for key, (span, times) in list(self._hits.items()):
            if not times or times[-1] <= at - span:
                del self._hits[key]


# KEYS: the key. ARGV: now (us), window (us), limit, unique member, expiry (ms).
# Returns -1 when allowed, else microseconds until the next allowed hit.
_HIT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now
"""


class RedisRateLimiter:
    """Sliding-window limiter on a Redis sorted set per key, atomic across workers.

    Each key is a sorted set ``<key_prefix>rl:<key>`` of the allowed hits (score: the hit's
    time in microseconds); one Lua script drops hits that left the window, counts and
    records, so concurrent workers never exceed the limit. The key expires
    ``window + expiry_margin`` of Redis's own time after its last allowed hit (the margin
    keeps a ``ManualClock`` that runs slower than real time from losing hits).

    :param client_or_url: a ``redis.Redis`` client or a URL (see ``RedisLeaderboard``).
    """

    def __init__(
        self,
        client_or_url: Any,
        *,
        key_prefix: str = "socialcrm:",
        expiry_margin: timedelta = timedelta(minutes=1),
    ) -> None:
        self.client, self._owns_client = _redis.make_client(client_or_url)
        self.key_prefix = key_prefix
        self.expiry_margin = expiry_margin
        self._hit = self.client.register_script(_HIT)

    def redis_key(self, key: str) -> str:
        """The Redis key holding ``key``'s hits."""
        return f"{self.key_prefix}rl:{key}"

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> float | None:
        """See :class:`RateLimiter`. Redis errors propagate (a limiter must not fail open
        silently; catch them if your host prefers to allow)."""
        at, span = _check(key, limit, window, now)
        expiry_ms = math.ceil((window + self.expiry_margin) / timedelta(milliseconds=1))
        reply = self._hit(
            keys=[self.redis_key(key)],
            args=[at, span, limit, uuid.uuid4().hex, expiry_ms],
        )
        wait = int(reply)
        return None if wait < 0 else wait / 1_000_000

    def reset(self, key: str) -> None:
        """See :class:`RateLimiter`."""
        self.client.delete(self.redis_key(key))

    def close(self) -> None:
        """Close the client if this limiter made it from a URL."""
        if self._owns_client:
            self.client.close()


__all__ = ["MemoryRateLimiter", "RateLimiter", "RedisRateLimiter"]

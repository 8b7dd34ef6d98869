"""Worker processes for test_ratelimits.py (spawned, so they import only this module)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from socialcrm.ratelimits import RedisRateLimiter


def hammer(url: str, prefix: str, key: str, limit: int, hits: int, barrier: Any, out: Any) -> None:
    """Wait for the others, then hit ``key`` ``hits`` times; report how many were allowed."""
    limiter = RedisRateLimiter(url, key_prefix=prefix)
    try:
        barrier.wait(timeout=60)
        allowed = 0
        for _ in range(hits):
            now = datetime.now(timezone.utc)
            if limiter.hit(key, limit=limit, window=timedelta(hours=1), now=now) is None:
                allowed += 1
        out.put(allowed)
    finally:
        limiter.close()

"""Leaderboard backends for ``Community(..., leaderboard=...)``.

* :class:`StorageLeaderboard` answers from the community's storage; it is what
  socialcrm uses when no backend is configured, and the fallback for every query
  another backend does not support.
* :class:`RedisLeaderboard` keeps Redis sorted sets in step with committed reputation
  changes. It needs ``pip install 'socialcrm[redis]'`` only when one is created:
  importing this package never imports :mod:`redis`.

A backend gets a :class:`LeaderboardSource` (what it may read of its community) in
``attach``, never the ``Community`` itself.
"""

from __future__ import annotations

from socialcrm.leaderboards.base import LeaderboardBackend, LeaderboardSource, Scored
from socialcrm.leaderboards.redis import RedisLeaderboard
from socialcrm.leaderboards.storage import StorageLeaderboard

__all__ = [
    "LeaderboardBackend",
    "LeaderboardSource",
    "RedisLeaderboard",
    "Scored",
    "StorageLeaderboard",
]

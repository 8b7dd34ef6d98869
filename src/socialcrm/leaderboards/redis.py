"""Leaderboards kept in Redis sorted sets: top-N and rank in O(log n), from any worker.

Install with ``pip install 'socialcrm[redis]'``; see ``docs/redis.md`` for the setup, the
consistency model and what is supported. Summary:

* **What is kept.** One sorted set of every ranked member's total reputation (the all-time
  board and ranks) and one per UTC calendar ``day``, ``week`` (from Monday), ``month``
  and ``year`` holding what each member gained in it (expiring once the period is over,
  plus ``period_grace``). Per-space boards are **not** kept: ``ReputationChanged`` does
  not carry the entry's space, so those queries are answered by the storage.
* **How it stays in step.** Blinker receivers subscribed through the community's
  :class:`~socialcrm.leaderboards.base.LeaderboardSource` (its own signals only), so
  only committed changes reach Redis: ``member_joined`` adds the member at
  ``Settings.reputation_start``, ``reputation_changed`` adds the applied ``delta`` to
  the total and to the four period sets of the event's time, ``reputation_recomputed``
  sets the corrected total. :meth:`RedisLeaderboard.rebuild` recomputes everything from
  storage.
* **When Redis answers.** Only after a ``rebuild`` (a marker key says so). A period board
  is answered only if the period started after the last rebuild (or the ledger was
  empty then), because the storage port cannot list a period's exact sums including
  members at 0 or below. Anything else, and any Redis failure, falls back to storage.
* **Known gap.** Signals are sent after commit, in the committing process. If that
  process dies between its commit and its signals, or Redis fails while a receiver
  runs, Redis misses the change. A failing receiver deletes the marker (best effort) so
  queries fall back to storage until the next ``rebuild``; a crash cannot, and leaves
  Redis behind until the next ``rebuild``. The transactional outbox relay will close
  this gap later.

Scores are stored negated and members as zero-padded ids, so Redis's own order
(score ascending, then member bytes ascending) is the board's order (reputation
descending, then id ascending) and ties rank exactly as the storage ranks them.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from socialcrm import _redis
from socialcrm.capabilities.members.events import MemberJoined
from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE
from socialcrm.capabilities.reputation.events import ReputationChanged, ReputationRecomputed
from socialcrm.capabilities.reputation.periods import CALENDAR_PERIODS, period_end, period_start
from socialcrm.core.events import Event
from socialcrm.leaderboards.base import LeaderboardSource, Scored
from socialcrm.ports import UnitOfWork

_log = logging.getLogger("socialcrm.leaderboards")

#: The calendar periods kept in Redis (every period of ``community.reputation.leaderboard``).
PERIODS = CALENDAR_PERIODS

#: Width of the zero-padded member ids stored as sorted-set members.
MEMBER_ID_WIDTH = 20

#: ``complete_from`` when the ledger was empty at rebuild: every period is complete.
_FROM_THE_BEGINNING = -(10**18)

#: Seconds a rebuild's temporary key lives if the rebuild dies before renaming it.
_REBUILD_KEY_TTL = 3600

# Add an applied delta to the total and to the four period sets (negated scores),
# only for members the all-time set holds: placeholders are never in it (nor in any
# period set), and a member Redis missed waits for the next rebuild.
# KEYS: all, day, week, month, year. ARGV: member, delta, 4 TTLs.
_APPLY = """
local member = ARGV[1]
if not redis.call('ZSCORE', KEYS[1], member) then return 0 end
local negated = -tonumber(ARGV[2])
redis.call('ZINCRBY', KEYS[1], negated, member)
for i = 2, 5 do
  redis.call('ZINCRBY', KEYS[i], negated, member)
  redis.call('EXPIRE', KEYS[i], ARGV[i + 1])
end
return 1
"""

# The first ARGV[2] members of a board, or nil if Redis may not answer.
# KEYS: meta, board. ARGV: "all" or "period", limit, period start (microseconds).
_TOP = """
local from = redis.call('HGET', KEYS[1], 'complete_from')
if not from then return false end
local limit = tonumber(ARGV[2])
if ARGV[1] == 'all' then
  return redis.call('ZRANGE', KEYS[2], 0, limit - 1, 'WITHSCORES')
end
if tonumber(from) > tonumber(ARGV[3]) then return false end
return redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(0', 'WITHSCORES', 'LIMIT', 0, limit)
"""

# 1 + members with a strictly higher total, or nil. KEYS: meta, all. ARGV: member.
_RANK = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score then return false end
return redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. score) + 1
"""


class RedisLeaderboard:
    """A :class:`~socialcrm.leaderboards.base.LeaderboardBackend` on Redis sorted sets.

    :param client_or_url: a ``redis.Redis`` client (used as configured, never closed by
        :meth:`close`) or a URL such as ``redis://localhost:6379/0`` (a client with
        2-second connect and reply timeouts, closed by :meth:`close`).
    :param key_prefix: start of every key; give each community its own. For Redis
        Cluster, use a hash tag (``"{socialcrm}:"``) so every key lands in one slot.
    :param chunk_size: members written per ``ZADD`` during :meth:`rebuild`.
    :param period_grace: how long a period's set outlives the period.

    Keys: ``<prefix>lb:all``, ``<prefix>lb:<period>:<start date>``, ``<prefix>lb:meta``.
    """

    def __init__(
        self,
        client_or_url: Any,
        *,
        key_prefix: str = "socialcrm:",
        chunk_size: int = 10_000,
        period_grace: timedelta = timedelta(days=1),
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if period_grace < timedelta(0):
            raise ValueError("period_grace cannot be negative")
        self.client, self._owns_client = _redis.make_client(client_or_url)
        self._errors = _redis.redis_errors()
        self.key_prefix = key_prefix
        self.chunk_size = chunk_size
        self.period_grace = period_grace
        self.all_key = f"{key_prefix}lb:all"
        self.meta_key = f"{key_prefix}lb:meta"
        self._apply = self.client.register_script(_APPLY)
        self._top = self.client.register_script(_TOP)
        self._rank = self.client.register_script(_RANK)
        self._source: LeaderboardSource | None = None
        self._disconnects: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ wiring

    def attach(self, source: LeaderboardSource) -> None:
        """Follow the committed reputation changes of ``source``'s community.

        ``Community(..., leaderboard=...)`` calls this once; a backend serves one community.
        """
        from socialcrm import signals

        if self._source is not None:
            raise RuntimeError("a RedisLeaderboard serves one community; make one per community")
        self._source = source
        self._disconnects = [
            source.subscribe(signals.member_joined, self._on_member_joined),
            source.subscribe(signals.reputation_changed, self._on_reputation_changed),
            source.subscribe(signals.reputation_recomputed, self._on_reputation_recomputed),
        ]

    def detach(self) -> None:
        """Stop following the community (Redis is left as it is)."""
        for disconnect in self._disconnects:
            disconnect()
        self._disconnects = []
        self._source = None

    def close(self) -> None:
        """Detach, and close the client if this backend made it from a URL."""
        self.detach()
        if self._owns_client:
            self.client.close()

    # ------------------------------------------------------------------ keys

    def member_key(self, member_id: int) -> str:
        """The sorted-set member for ``member_id`` (zero-padded, so bytes order = id order)."""
        if not 0 < member_id < 10**MEMBER_ID_WIDTH:
            raise ValueError(f"member id out of range: {member_id}")
        return f"{member_id:0{MEMBER_ID_WIDTH}d}"

    def period_key(self, period: str, start: datetime) -> str:
        """The key of the period that starts at ``start``."""
        return f"{self.key_prefix}lb:{period}:{start.date().isoformat()}"

    def is_ready(self) -> bool:
        """Whether a rebuild completed and no failure has marked Redis stale since."""
        return bool(self.client.exists(self.meta_key))

    # ------------------------------------------------------------------ receivers

    def _guard(self, event: Event, write: Callable[[], object]) -> None:
        try:
            write()
        except Exception:
            # Redis may now be behind: make queries use storage until the next rebuild.
            _log.exception(
                "leaderboard update failed for %s; falling back to storage until rebuild()",
                event.name,
            )
            try:
                self.client.delete(self.meta_key)
            except Exception:  # noqa: BLE001 - Redis is down: nothing more to do
                _log.error("could not mark the Redis leaderboards stale either")

    def _on_member_joined(self, sender: object, *, event: MemberJoined) -> None:
        source = self._source
        if source is None:  # pragma: no cover - detached while a signal was in flight
            return
        if PLACEHOLDER_ROLE in event.roles:
            return  # placeholders are never ranked
        start = source.settings.reputation_start
        member = self.member_key(event.member_id)
        self._guard(event, lambda: self.client.zadd(self.all_key, {member: -start}, nx=True))

    def _on_reputation_changed(self, sender: object, *, event: ReputationChanged) -> None:
        if event.delta == 0:
            return
        keys = [self.all_key]
        ttls = []
        for period in PERIODS:
            start = period_start(period, event.at)
            keys.append(self.period_key(period, start))
            remaining = (period_end(period, start) - event.at) + self.period_grace
            ttls.append(max(1, math.ceil(remaining.total_seconds())))
        args = [self.member_key(event.member_id), event.delta, *ttls]
        self._guard(event, lambda: self._apply(keys=keys, args=args))

    def _on_reputation_recomputed(self, sender: object, *, event: ReputationRecomputed) -> None:
        member = self.member_key(event.member_id)
        # xx: only members already ranked (never a placeholder).
        self._guard(
            event, lambda: self.client.zadd(self.all_key, {member: -event.reputation}, xx=True)
        )

    # ------------------------------------------------------------------ queries

    def top(
        self,
        uow: UnitOfWork,
        *,
        period: str,
        since: datetime | None,
        space_ids: Collection[int] | None,
        limit: int,
    ) -> Scored | None:
        """See :meth:`LeaderboardBackend.top`. ``None`` for space boards, before a rebuild,
        for a period that began before the last rebuild, and when Redis fails."""
        if space_ids is not None or limit < 1:
            return None
        if period == "all":
            keys, args = [self.meta_key, self.all_key], ["all", limit, 0]
        elif period in PERIODS and since is not None:
            keys = [self.meta_key, self.period_key(period, since)]
            args = ["period", limit, _redis.micros(since)]
        else:
            return None
        try:
            reply = self._top(keys=keys, args=args)
        except self._errors as error:
            _log.warning("Redis leaderboard unavailable, using storage: %s", error)
            return None
        if reply is None:
            return None
        return [(int(reply[i]), -int(float(reply[i + 1])) or 0) for i in range(0, len(reply), 2)]

    def rank(self, member_id: int) -> int | None:
        """See :meth:`LeaderboardBackend.rank`. ``None`` before a rebuild, for a member Redis
        does not know, and when Redis fails."""
        try:
            keys = [self.meta_key, self.all_key]
            reply = self._rank(keys=keys, args=[self.member_key(member_id)])
        except self._errors as error:
            _log.warning("Redis leaderboard unavailable, using storage: %s", error)
            return None
        return None if reply is None else int(reply)

    # ------------------------------------------------------------------ rebuild

    def rebuild(self) -> int:
        """Recompute every set from storage; return how many members the all-time set holds.

        Reads every ranked member's cached total in one read-only unit of work, writes them to a
        temporary key in pipelined ``ZADD`` chunks of ``chunk_size``, then in one
        ``MULTI``: renames it over the all-time set, deletes every period set and marks
        Redis ready. Queries use storage while it runs. Period boards become answerable
        from the next period on (from now on if the ledger was empty).

        Run it when attaching Redis, after Redis lost data, or after a failure marked it
        stale, preferably while the community is quiet: a change committed while the
        rebuild reads storage may be counted twice or missed (run it again). Run it
        outside ``community.unit_of_work()`` (inside, it would read the block's
        uncommitted writes). The backend must be attached: pass it as
        ``Community(..., leaderboard=board)`` first (``RuntimeError`` otherwise).
        """
        source = self._source
        if source is None:
            raise RuntimeError("rebuild needs an attached backend: Community(..., leaderboard=)")
        now = source.now()
        self.client.delete(self.meta_key)
        with source.query() as uow:
            totals = uow.members.ranked_reputations()
            ledger_empty = not uow.ledger.totals()
        complete_from = _FROM_THE_BEGINNING if ledger_empty else _redis.micros(now)

        temporary = f"{self.all_key}:rebuild:{uuid.uuid4().hex}"
        items = sorted(totals.items())
        pipe = self.client.pipeline(transaction=False)
        for offset in range(0, len(items), self.chunk_size):
            chunk = items[offset : offset + self.chunk_size]
            pipe.zadd(temporary, {self.member_key(mid): -total for mid, total in chunk})
            pipe.expire(temporary, _REBUILD_KEY_TTL)
            if len(pipe) >= 20:
                pipe.execute()
        pipe.execute()

        periods = tuple(f"{self.key_prefix}lb:{period}:" for period in PERIODS)
        pattern = _redis.glob_escape(self.key_prefix) + "lb:*"
        found = map(_redis.text, self.client.scan_iter(match=pattern, count=1000))
        old = [key for key in found if key.startswith(periods)]
        with self.client.pipeline(transaction=True) as tx:
            if old:
                tx.delete(*old)
            if items:
                tx.rename(temporary, self.all_key)
                tx.persist(self.all_key)
            else:
                tx.delete(self.all_key)
            tx.hset(
                self.meta_key,
                mapping={"complete_from": complete_from, "built_at": now.isoformat()},
            )
            tx.execute()
        return len(items)

    def clear(self) -> None:
        """Delete every leaderboard key of this prefix (Redis answers nothing until a rebuild)."""
        pattern = _redis.glob_escape(self.key_prefix) + "lb:*"
        keys = list(self.client.scan_iter(match=pattern, count=1000))
        for offset in range(0, len(keys), 1000):
            self.client.delete(*keys[offset : offset + 1000])

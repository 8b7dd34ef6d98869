"""Leaderboard top-50 and rank-of-member: storage (SQLite, PostgreSQL) against Redis.

Run ``.venv/bin/python benchmarks/bench_leaderboards.py`` (``--help`` for options).
For each backend and size (10,000 and 1,000,000 members by default) it seeds the
members, then times ``community.reputation.leaderboard(limit=50)`` and
``community.reputation.rank(member)`` through the public API and prints the median of
many calls (``--calls``, 400, taken in rounds of 20 that interleave every setup, so a
busy moment of the machine slows them all alike), then the ratio rank@largest /
rank@smallest per backend (target: at most 3x for PostgreSQL and Redis). The script
always exits 0: it is a report, not a gate.

Backends:

* ``sqlite``: ``SQLAlchemyStorage`` on a SQLite file, no leaderboard backend
  (``members.top`` on the ``(reputation, id)`` index, ``members.count_above`` from the
  rank index, ``<prefix>reputation_counts``).
* ``postgres``: the same on the tests' PostgreSQL (``SOCIALCRM_TEST_POSTGRES_URL``,
  default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), in tables prefixed
  ``bench<pid>n<members>_`` that are dropped afterwards. Skipped with a message if unreachable.
* ``redis``: the SQLite community with a ``RedisLeaderboard`` attached
  (``SOCIALCRM_BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/15``, keys prefixed
  ``socialcrm-bench-<pid>-<members>:`` and deleted afterwards). Its top-50 still reads the 50
  display names from SQLite; its rank is one Lua script (``ZSCORE`` + ``ZCOUNT``).

Seeding: members go straight into the adapter's tables with SQLAlchemy Core
``executemany`` (not through the API), with a skewed reputation distribution (most
members at 1, a long tail up to about 100,000), then the rank index is rebuilt from them
(``SQLAlchemyStorage.rebuild_rank_index``, as any bulk load must) and both tables are
``ANALYZE``d (``VACUUM ANALYZE`` on PostgreSQL). Redis is seeded by
``RedisLeaderboard.rebuild()``: one read of every total, pipelined ``ZADD`` chunks of
10,000; its time is reported as the Redis seed time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import text

from socialcrm import Community, ManualClock
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

TARGET_RATIO = 3.0
TOP_LIMIT = 50
#: Calls per setup per interleaved round.
ROUND = 20
INSERT_CHUNK = 20_000
JOINED = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
POSTGRES_URL = os.environ.get(
    "SOCIALCRM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SOCIALCRM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def reputations(count: int, seed: int = 7) -> list[int]:
    """A skewed distribution: ~60% at 1, a Pareto tail, many ties."""
    rng = random.Random(seed)
    values = []
    for _ in range(count):
        if rng.random() < 0.6:
            values.append(1)
        else:
            values.append(min(100_000, int(rng.paretovariate(0.8) * 10)))
    return values


def seed_members(storage: SQLAlchemyStorage, count: int) -> float:
    """Bulk-insert ``count`` members into the storage's tables; return seconds taken."""
    members = storage.tables.members
    started = time.perf_counter()
    values = reputations(count)
    with storage.engine.begin() as connection:
        for offset in range(0, count, INSERT_CHUNK):
            rows = [
                {
                    "id": i + 1,
                    "external_id": f"user-{i + 1}",
                    "display_name": f"Member {i + 1}",
                    "roles": "member",
                    "reputation": values[i],
                    "joined_at": JOINED,
                    "bio": "",
                    "company": "",
                    "job_title": "",
                    "country": "",
                    "interests": "[]",
                }
                for i in range(offset, min(count, offset + INSERT_CHUNK))
            ]
            connection.execute(members.insert(), rows)
    # The rows bypassed socialcrm, so count them into the rank index as a bulk load must.
    storage.rebuild_rank_index()
    # VACUUM sets PostgreSQL's visibility map, so counting can use an index-only scan.
    command = "VACUUM ANALYZE" if storage.engine.dialect.name == "postgresql" else "ANALYZE"
    autocommit = storage.engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        for table in (members, storage.tables.reputation_counts):
            connection.execute(text(f"{command} {table.name}"))
    return time.perf_counter() - started


class Setup:
    """One backend at one size, seeded, with its timings so far."""

    def __init__(self, backend: str, count: int, community: Community, seeded: float) -> None:
        self.backend, self.count, self.community, self.seeded = backend, count, community, seeded
        self.top: list[float] = []
        self.rank: list[float] = []
        self._rng = random.Random(count)
        self.cleanup: list[Callable[[], Any]] = [community.close]

    def warm_up(self) -> None:
        for _ in range(5):
            self.community.reputation.leaderboard(limit=TOP_LIMIT)
            self.community.reputation.rank(self._rng.randint(1, self.count))

    def measure(self, calls: int) -> None:
        """Time ``calls`` top-50 and ``calls`` ranks of uniformly random members."""
        reputation = self.community.reputation
        for _ in range(calls):
            started = time.perf_counter()
            reputation.leaderboard(limit=TOP_LIMIT)
            self.top.append(time.perf_counter() - started)
        for _ in range(calls):
            member = self._rng.randint(1, self.count)
            started = time.perf_counter()
            reputation.rank(member)
            self.rank.append(time.perf_counter() - started)

    def close(self) -> None:
        for step in reversed(self.cleanup):
            step()


def check_same(community: Community, count: int) -> None:
    """The Redis-backed answers equal the storage's (a sanity check, not timed)."""
    saved = community.leaderboard
    rng = random.Random(1)
    sample = [rng.randint(1, count) for _ in range(20)]
    with_backend = (
        community.reputation.leaderboard(limit=TOP_LIMIT),
        [community.reputation.rank(m) for m in sample],
    )
    community.leaderboard = None
    try:
        plain = (
            community.reputation.leaderboard(limit=TOP_LIMIT),
            [community.reputation.rank(m) for m in sample],
        )
    finally:
        community.leaderboard = saved
    assert with_backend == plain, "Redis and storage disagree"


def setup_sqlite(count: int, workdir: Path) -> Setup:
    storage = SQLAlchemyStorage(f"sqlite:///{workdir / f'lb{count}.db'}")
    seeded = seed_members(storage, count)
    return Setup(
        "sqlite", count, Community(storage, clock=ManualClock(), entry_points=False), seeded
    )


def setup_redis(count: int, workdir: Path) -> Setup | None:
    """A Redis-backed community over the SQLite file of ``setup_sqlite(count)``."""
    try:
        import redis as redis_package

        from socialcrm.leaderboards import RedisLeaderboard

        client = redis_package.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "skip Redis"
        print(f"redis skipped: cannot use {REDIS_URL}: {error}")
        return None
    board = RedisLeaderboard(client, key_prefix=f"socialcrm-bench-{os.getpid()}-{count}:")
    community = Community(
        SQLAlchemyStorage(f"sqlite:///{workdir / f'lb{count}.db'}"),
        clock=ManualClock(),
        entry_points=False,
        leaderboard=board,
    )
    started = time.perf_counter()
    board.rebuild()
    setup = Setup("redis", count, community, time.perf_counter() - started)
    setup.cleanup += [client.close, board.clear]  # run in reverse: clear, then close
    check_same(community, count)
    return setup


def postgres_engine() -> Any:
    from sqlalchemy import create_engine

    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"postgres skipped: cannot use {POSTGRES_URL}: {error}")
        return None
    return engine


def setup_postgres(count: int, engine: Any) -> Setup:
    prefix = f"bench{os.getpid()}n{count}_"
    drop_tables(engine, prefix)
    storage = SQLAlchemyStorage(POSTGRES_URL, table_prefix=prefix)
    seeded = seed_members(storage, count)
    setup = Setup(
        "postgres", count, Community(storage, clock=ManualClock(), entry_points=False), seeded
    )
    setup.cleanup.append(lambda: drop_tables(engine, prefix))
    return setup


def drop_tables(engine: Any, prefix: str) -> None:
    from sqlalchemy import inspect

    names = [n for n in inspect(engine).get_table_names() if n.startswith(prefix)]
    if names:
        with engine.begin() as connection:
            quoted = ", ".join(f'"{n}"' for n in names)
            connection.execute(text(f"DROP TABLE IF EXISTS {quoted} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000", help="member counts, comma-separated")
    parser.add_argument("--calls", type=int, default=400, help="timed calls per measurement")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-redis", action="store_true", help="skip Redis")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    started = time.perf_counter()
    setups: list[Setup] = []
    engine = None if args.no_postgres else postgres_engine()
    with tempfile.TemporaryDirectory(prefix="socialcrm-bench-") as workdir:
        try:
            for count in sizes:
                setups.append(setup_sqlite(count, Path(workdir)))
                if not args.no_redis and (redis_setup := setup_redis(count, Path(workdir))):
                    setups.append(redis_setup)
                if engine is not None:
                    setups.append(setup_postgres(count, engine))
            # Rounds interleave every setup, so a busy moment of the machine hits them all.
            for setup in setups:
                setup.warm_up()
            rounds = max(1, args.calls // ROUND)
            for _ in range(rounds):
                for setup in setups:
                    setup.measure(ROUND)
        finally:
            for setup in setups:
                setup.close()
            if engine is not None:
                engine.dispose()

    print()
    print(f"{'backend':<10}{'members':>10}{'seed s':>10}{'top-50 ms':>12}{'rank ms':>10}")
    for setup in sorted(setups, key=lambda s: (s.backend, s.count)):
        top, rank = (statistics.median(t) * 1000 for t in (setup.top, setup.rank))
        line = f"{setup.backend:<10}{setup.count:>10,}{setup.seeded:>10.2f}{top:>12.3f}"
        print(f"{line}{rank:>10.3f}")
    print()
    print(
        f"median of {rounds * ROUND} calls each, in {rounds} interleaved rounds; "
        "rank of uniformly random members"
    )
    for backend in sorted({s.backend for s in setups}):
        mine = {s.count: s for s in setups if s.backend == backend}
        if len(mine) < 2:
            continue
        small, large = mine[min(mine)], mine[max(mine)]
        ratio = statistics.median(large.rank) / statistics.median(small.rank)
        target = backend in ("postgres", "redis")
        verdict = ("PASS" if ratio <= TARGET_RATIO else "FAIL") if target else "(no target)"
        print(
            f"rank@{large.count:,} / rank@{small.count:,} {backend:<9} {ratio:6.2f}x  "
            f"{verdict}{f' (target <= {TARGET_RATIO:g}x)' if target else ''}"
        )
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

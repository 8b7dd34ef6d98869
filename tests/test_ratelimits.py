"""Rate limiters: limits hold exactly, retry_after is right, the window slides, and
workers sharing Redis never exceed the limit.

The Redis cases run on ``SOCIALCRM_TEST_REDIS_URL`` (see redis_server.py): unreachable
fails under ``CI=true`` and skips elsewhere; each test uses its own key prefix and
deletes its keys afterwards.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import redis_server
from ratelimit_workers import hammer
from socialcrm import ManualClock, ValidationError
from socialcrm.ratelimits import MemoryRateLimiter, RateLimiter, RedisRateLimiter

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
WINDOW = timedelta(seconds=10)


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    url = redis_server.require_redis()
    prefix = redis_server.new_prefix()
    yield url, prefix
    client = redis_server.client()
    try:
        redis_server.drop_prefix(client, prefix)
    finally:
        client.close()


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> Iterator[Callable[[], RateLimiter]]:
    made: list[Any] = []

    def factory() -> RateLimiter:
        if request.param == "memory":
            return MemoryRateLimiter()
        url, prefix = request.getfixturevalue("redis_prefix")
        limiter = RedisRateLimiter(url, key_prefix=prefix)
        made.append(limiter)
        return limiter

    yield factory
    for limiter in made:
        limiter.close()


@pytest.fixture
def limiter(make_limiter: Callable[[], RateLimiter]) -> RateLimiter:
    return make_limiter()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_limit_holds_exactly_and_retry_after_is_right(limiter):
    assert [limiter.hit("k", limit=3, window=WINDOW, now=at(s)) for s in (0, 1, 2)] == [None] * 3
    assert limiter.hit("k", limit=3, window=WINDOW, now=at(3)) == 7.0
    assert limiter.hit("k", limit=3, window=WINDOW, now=at(9.999999)) == pytest.approx(1e-6)
    # At exactly 10 s the first hit has left the window.
    assert limiter.hit("k", limit=3, window=WINDOW, now=at(10)) is None
    assert limiter.hit("k", limit=3, window=WINDOW, now=at(10)) == 1.0


def test_the_window_slides(limiter):
    clock = ManualClock(T0)
    allowed = []
    for _ in range(100):  # one hit a second, 3 per 10 s
        if limiter.hit("k", limit=3, window=WINDOW, now=clock.now()) is None:
            allowed.append((clock.now() - T0).total_seconds())
        clock.advance(seconds=1)
    assert allowed == [s for s in range(100) if s % 10 < 3]


def test_refused_hits_are_not_recorded(limiter):
    assert limiter.hit("k", limit=1, window=WINDOW, now=at(0)) is None
    for s in range(1, 10):
        assert limiter.hit("k", limit=1, window=WINDOW, now=at(s)) == 10 - s
    assert limiter.hit("k", limit=1, window=WINDOW, now=at(10)) is None


def test_hits_at_the_same_instant_are_all_counted(limiter):
    results = [limiter.hit("k", limit=5, window=WINDOW, now=T0) for _ in range(8)]
    assert results == [None] * 5 + [10.0] * 3


def test_keys_are_independent_and_reset_forgets(limiter):
    assert limiter.hit("a", limit=1, window=WINDOW, now=T0) is None
    assert limiter.hit("b", limit=1, window=WINDOW, now=T0) is None
    assert limiter.hit("a", limit=1, window=WINDOW, now=T0) == 10.0
    limiter.reset("a")
    assert limiter.hit("a", limit=1, window=WINDOW, now=T0) is None
    assert limiter.hit("b", limit=1, window=WINDOW, now=T0) == 10.0
    limiter.reset("never-hit")


@pytest.mark.parametrize(
    ("key", "limit", "window", "now"),
    [
        ("", 1, WINDOW, T0),
        ("k", 0, WINDOW, T0),
        ("k", True, WINDOW, T0),
        ("k", 1.5, WINDOW, T0),
        ("k", 1, timedelta(0), T0),
        ("k", 1, 10, T0),
        ("k", 1, WINDOW, datetime(2026, 1, 5, 9, 0)),
        ("k", 1, WINDOW, "now"),
    ],
)
def test_bad_arguments_are_refused(limiter, key, limit, window, now):
    with pytest.raises(ValidationError):
        limiter.hit(key, limit=limit, window=window, now=now)


def test_threads_never_exceed_the_limit(limiter):
    allowed = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        mine = sum(
            limiter.hit("shared", limit=100, window=WINDOW, now=T0) is None for _ in range(40)
        )
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 100


def test_memory_sweeps_idle_keys():
    limiter = MemoryRateLimiter(sweep_every=5)
    for i in range(8):
        limiter.hit(f"k{i}", limit=1, window=WINDOW, now=T0)
    assert len(limiter._hits) == 8  # a sweep ran at the 5th hit; nothing was idle
    limiter.hit("late", limit=1, window=WINDOW, now=at(60))
    limiter.hit("late", limit=1, window=WINDOW, now=at(61))  # the 10th hit sweeps
    assert set(limiter._hits) == {"late"}


def test_redis_keys_expire_after_the_window(redis_prefix):
    url, prefix = redis_prefix
    limiter = RedisRateLimiter(url, key_prefix=prefix, expiry_margin=timedelta(seconds=30))
    try:
        limiter.hit("k", limit=2, window=timedelta(minutes=2), now=T0)
        assert 149_000 <= limiter.client.pttl(limiter.redis_key("k")) <= 150_000
    finally:
        limiter.close()


@pytest.mark.xdist_group("processes")  # one multi-process test at a time (Makefile)
def test_processes_sharing_redis_never_exceed_the_limit(redis_prefix):
    url, prefix = redis_prefix
    context = multiprocessing.get_context("spawn")
    workers, limit, hits = 4, 50, 60
    barrier = context.Barrier(workers)
    out = context.Queue()
    processes = [
        context.Process(target=hammer, args=(url, prefix, "post:7", limit, hits, barrier, out))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    allowed = [out.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sum(allowed) == limit
    assert len(allowed) == workers


_steps = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.integers(min_value=0, max_value=4_000_000),  # microseconds to advance first
    ),
    min_size=1,
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_steps, limit=st.integers(1, 4), window_us=st.integers(1, 10_000_000))
def test_memory_and_redis_agree_with_a_reference_model(redis_prefix, steps, limit, window_us):
    url, prefix = redis_prefix
    window = timedelta(microseconds=window_us)
    memory = MemoryRateLimiter()
    shared = RedisRateLimiter(url, key_prefix=prefix)
    example = redis_server.new_prefix()
    shared.key_prefix = example  # a fresh namespace for every example
    allowed: dict[str, list[int]] = {"a": [], "b": []}
    now = 0
    try:
        for key, advance in steps:
            now += advance
            moment = T0 + timedelta(microseconds=now)
            in_window = [t for t in allowed[key] if t > now - window_us]
            expected = (
                None if len(in_window) < limit else (in_window[0] + window_us - now) / 1_000_000
            )
            if expected is None:
                allowed[key].append(now)
            assert memory.hit(key, limit=limit, window=window, now=moment) == expected
            assert shared.hit(key, limit=limit, window=window, now=moment) == expected
    finally:
        redis_server.drop_prefix(shared.client, example)
        shared.close()

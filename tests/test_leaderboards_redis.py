"""Redis leaderboards answer exactly as the storage does, and only after commit.

Runs on the Redis server of ``SOCIALCRM_TEST_REDIS_URL`` (see redis_server.py): an
unreachable server fails the test under ``CI=true`` and skips it elsewhere. Each test
(and each hypothesis example) uses its own key prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import redis_server
from socialcrm import Community, LeaderboardRow, ManualClock, SocialCRMError, hookimpl
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.reputation import service as reputation_service
from socialcrm.capabilities.reputation.records import NewLedgerEntry
from socialcrm.leaderboards import RedisLeaderboard, StorageLeaderboard
from socialcrm.leaderboards.redis import PERIODS, period_end, period_start

ALL_PERIODS = ("all", *PERIODS)
LIMITS = (1, 3, 50)


@pytest.fixture
def redis_url() -> str:
    return redis_server.require_redis()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Any]:
    client = redis_server.client()
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: Any) -> Iterator[str]:
    name = redis_server.new_prefix()
    yield name
    redis_server.drop_prefix(redis_client, name)


def make(redis_client: Any, prefix: str, clock: ManualClock, **kwargs: Any) -> Community:
    kwargs.setdefault("settings", None)
    board = RedisLeaderboard(redis_client, key_prefix=prefix)
    return Community(MemoryStorage(), clock=clock, entry_points=False, leaderboard=board, **kwargs)


def backend(community: Community) -> RedisLeaderboard:
    board = community.leaderboard
    assert isinstance(board, RedisLeaderboard)
    return board


def storage_top(community: Community, period: str, limit: int) -> list[tuple[int, int]]:
    since = reputation_service.period_start(period, community.clock.now())
    with community.storage.unit_of_work(read_only=True) as uow:
        return StorageLeaderboard().top(
            uow, period=period, since=since, space_ids=None, limit=limit
        )


def redis_top(community: Community, period: str, limit: int) -> list[tuple[int, int]] | None:
    since = reputation_service.period_start(period, community.clock.now())
    with community.storage.unit_of_work(read_only=True) as uow:
        return backend(community).top(uow, period=period, since=since, space_ids=None, limit=limit)


def storage_rows(community: Community, **query: Any) -> list[LeaderboardRow]:
    """The public API's answer with the backend switched off."""
    saved, community.leaderboard = community.leaderboard, None
    try:
        return community.reputation.leaderboard(**query)
    finally:
        community.leaderboard = saved


def storage_rank(community: Community, member: int) -> int:
    saved, community.leaderboard = community.leaderboard, None
    try:
        return community.reputation.rank(member)
    finally:
        community.leaderboard = saved


def member_ids(community: Community) -> list[int]:
    with community.storage.unit_of_work(read_only=True) as uow:
        return sorted(uow.members.reputations())


def assert_same_as_storage(community: Community, *, periods: tuple[str, ...] = ALL_PERIODS) -> None:
    """Redis answers every supported query, and exactly as storage does."""
    for period in periods:
        for limit in LIMITS:
            answered = redis_top(community, period, limit)
            assert answered is not None, f"Redis did not answer {period}"
            assert answered == storage_top(community, period, limit), (period, limit)
            rows = community.reputation.leaderboard(period=period, limit=limit)
            assert rows == storage_rows(community, period=period, limit=limit)
    for mid in member_ids(community):
        assert backend(community).rank(mid) == storage_rank(community, mid), mid
        assert community.reputation.rank(mid) == storage_rank(community, mid)


def redis_dump(client: Any, prefix: str) -> dict[str, Any]:
    """Every leaderboard key of the prefix and its contents."""
    dump: dict[str, Any] = {}
    for key in sorted(client.scan_iter(match=prefix + "lb:*")):
        if client.type(key) == b"zset":
            dump[key] = client.zrange(key, 0, -1, withscores=True)
        else:
            dump[key] = client.hgetall(key)
    return dump


class Forum:
    """A forum driven only through the public API."""

    def __init__(self, community: Community) -> None:
        c = self.c = community
        self.admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
        c.spaces.create(actor=self.admin.id, slug="help", name="Help")
        c.spaces.create(actor=self.admin.id, slug="ideas", name="Ideas")
        self.members = [self.admin.id]
        self.threads: list[int] = []
        self.posts: list[int] = []
        for i in range(5):
            self.join(moderator=i < 2)

    def seed_threads(self) -> None:
        """Two questions with answers, so random votes have posts to land on."""
        for op in [
            ("ask", 3, 1),
            ("ask", 4, 0),
            ("answer", 4, 0),
            ("answer", 5, 0),
            ("answer", 3, 1),
            ("answer", 1, 1),
        ]:
            self.run(op)

    def join(self, moderator: bool) -> None:
        n = len(self.members)
        roles = ["moderator"] if moderator else ["member"]
        member = self.c.members.join(external_id=f"m{n}", display_name=f"Member {n}", roles=roles)
        self.members.append(member.id)

    def pick(self, items: list[int], index: int) -> int | None:
        return items[index % len(items)] if items else None

    def run(self, op: tuple[Any, ...]) -> None:
        c, kind = self.c, op[0]
        who = self.members[op[1] % len(self.members)] if len(op) > 1 else self.admin.id
        try:
            if kind == "join":
                self.join(moderator=bool(op[1] % 2))
            elif kind == "ask":
                space = "help" if op[2] % 2 else "ideas"
                thread = c.threads.start(
                    actor=who,
                    space=space,
                    kind="question",
                    title=f"Question number {len(self.threads)}?",
                    body="Please help.",
                )
                self.threads.append(thread.id)
                self.posts.append(thread.opening_post_id)
            elif kind == "answer" and (thread := self.pick(self.threads, op[2])):
                self.posts.append(c.posts.reply(actor=who, thread=thread, body="Try this.").id)
            elif kind == "vote" and (post := self.pick(self.posts, op[2])):
                c.votes.cast(actor=who, post=post, value=1 if op[3] else -1)
            elif kind == "retract" and (post := self.pick(self.posts, op[2])):
                c.votes.retract(actor=who, post=post)
            elif kind == "accept" and (post := self.pick(self.posts, op[2])):
                c.threads.accept(actor=who, answer=post)
            elif kind == "unaccept" and (thread := self.pick(self.threads, op[2])):
                c.threads.unaccept(actor=who, thread=thread)
            elif kind == "delete" and (post := self.pick(self.posts, op[2])):
                c.posts.delete(actor=who, post=post)
            elif kind == "advance":
                assert isinstance(c.clock, ManualClock)
                c.clock.advance(hours=op[2])
        except SocialCRMError:
            pass  # rejected commands leave storage (and so Redis) unchanged


_index = st.integers(min_value=0, max_value=50)
OPS = st.one_of(
    st.tuples(st.just("join"), _index),
    st.tuples(st.just("ask"), _index, _index),
    st.tuples(st.just("answer"), _index, _index),
    st.tuples(st.just("answer"), _index, _index),
    st.tuples(st.just("vote"), _index, _index, st.booleans()),
    st.tuples(st.just("vote"), _index, _index, st.booleans()),
    st.tuples(st.just("vote"), _index, _index, st.just(True)),
    st.tuples(st.just("vote"), st.sampled_from([0, 1, 2]), _index, st.just(True)),
    st.tuples(st.just("vote"), st.sampled_from([0, 1, 2]), _index, st.booleans()),
    st.tuples(st.just("retract"), _index, _index),
    st.tuples(st.just("accept"), _index, _index),
    st.tuples(st.just("unaccept"), _index, _index),
    st.tuples(st.just("delete"), _index, _index),
    st.tuples(st.just("advance"), st.just(0), st.sampled_from([1, 5, 20, 24 * 3, 24 * 30])),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=5, max_size=60), start_hour=st.integers(0, 23 * 365))
def test_redis_answers_exactly_like_storage(redis_client: Any, ops: list[Any], start_hour: int):
    """Random votes, accepts, retractions and deletions: every top-N and rank agrees."""
    prefix = redis_server.new_prefix()
    start = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(hours=start_hour)
    clock = ManualClock(start)
    small_cap = reputation_service_settings(daily_reputation_cap=30)
    community = make(redis_client, prefix, clock, settings=small_cap)
    try:
        backend(community).rebuild()  # empty ledger: every period is answered from now on
        forum = Forum(community)
        forum.seed_threads()
        for step, op in enumerate(ops, start=1):
            forum.run(op)
            if step % 15 == 0:
                assert_same_as_storage(community)
        gainers = storage_top(community, "year", 50)
        event(f"members gaining this year: {min(len(gainers), 3)}+")
        event(f"tied totals: {len({s for _, s in storage_top(community, 'all', 50)}) < 6}")
        assert_same_as_storage(community)
    finally:
        community.close()
        redis_server.drop_prefix(redis_client, prefix)


def reputation_service_settings(**changes: Any) -> Any:
    from conftest import default_settings

    return default_settings(**changes)


def seed(community: Community, reputations: dict[str, int], *, at: datetime) -> dict[str, int]:
    """Members with the given totals, written through the storage port (no events)."""
    ids = {}
    for name, total in reputations.items():
        member = community.members.join(external_id=name, display_name=name.title())
        ids[name] = member.id
        with community.storage.unit_of_work() as uow:
            uow.members.add_reputation(member.id, total - 1)
            uow.ledger.append(
                NewLedgerEntry(
                    member_id=member.id,
                    delta=total - 1,
                    requested=total - 1,
                    rule="seed",
                    event="seed",
                    cause=f"seed:{member.id}",
                    at=at,
                )
            )
            uow.commit()
    return ids


def test_rebuild_recomputes_everything_from_storage(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    board = backend(community)
    ids = seed(community, {"ann": 50, "bob": 50, "cy": 7, "dee": 1, "eve": 120}, at=clock.now())
    assert redis_top(community, "all", 10) is None  # never built: storage answers
    assert board.rank(ids["ann"]) is None
    assert community.reputation.rank(ids["ann"]) == 2

    assert board.rebuild() == 5
    assert_same_as_storage(community, periods=("all",))
    assert [board.rank(ids[n]) for n in ("eve", "ann", "bob", "cy", "dee")] == [1, 2, 2, 4, 5]
    # The periods began before the rebuild: the ledger's sums come from storage.
    for period in PERIODS:
        assert redis_top(community, period, 10) is None
        rows = community.reputation.leaderboard(period=period)
        assert rows == storage_rows(community, period=period)
        assert [r.score for r in rows] == [119, 49, 49, 6]

    # From the next day on, the day's board is Redis's; the week began before the rebuild.
    clock.set(period_end("day", period_start("day", clock.now())))
    asker = community.members.join(external_id="asker", display_name="Asker")
    thread = community.threads.start(
        actor=asker.id,
        space=_space(community),
        kind="question",
        title="A question for the day",
        body="?",
    )
    answer = community.posts.reply(actor=ids["cy"], thread=thread.id, body="An answer")
    community.votes.cast(actor=ids["eve"], post=answer.id, value=1)
    assert redis_top(community, "day", 10) == [(ids["cy"], 10)]
    assert redis_top(community, "week", 10) is None
    assert_same_as_storage(community, periods=("all", "day"))


def _space(community: Community) -> str:
    admin = community.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    community.spaces.create(actor=admin.id, slug="help", name="Help")
    return "help"


def test_rebuild_replaces_stale_sets_and_handles_chunks(redis_client, prefix, clock):
    community = Community(
        MemoryStorage(),
        clock=clock,
        entry_points=False,
        leaderboard=RedisLeaderboard(redis_client, key_prefix=prefix, chunk_size=3),
    )
    board = backend(community)
    ids = seed(community, {f"m{i}": 1 + (i * 7) % 11 for i in range(10)}, at=clock.now())
    redis_client.zadd(board.all_key, {board.member_key(999): -5000, board.member_key(ids["m1"]): 0})
    redis_client.zadd(board.period_key("day", period_start("day", clock.now())), {"x": -1})
    assert board.rebuild() == 10
    assert redis_client.zcard(board.all_key) == 10
    assert not redis_client.exists(board.period_key("day", period_start("day", clock.now())))
    assert redis_client.ttl(board.all_key) == -1  # the rebuild's temporary expiry is gone
    assert_same_as_storage(community, periods=("all",))


def test_rebuild_of_an_empty_community_clears_the_all_time_set(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    board = backend(community)
    redis_client.zadd(board.all_key, {board.member_key(5): -3})
    assert board.rebuild() == 0
    assert not redis_client.exists(board.all_key)
    assert redis_top(community, "all", 10) == []
    assert redis_top(community, "day", 10) == []


def test_rolled_back_commands_never_reach_redis(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    backend(community).rebuild()
    forum = Forum(community)
    forum.run(("ask", 3, 0))
    forum.run(("answer", 4, 0))
    before = redis_dump(redis_client, prefix)
    with pytest.raises(RuntimeError), community.unit_of_work():
        community.votes.cast(actor=forum.members[1], post=forum.posts[1], value=1)
        raise RuntimeError("the host's own write failed")
    assert redis_dump(redis_client, prefix) == before
    assert_same_as_storage(community)


class _FailingRule:
    @hookimpl
    def socialcrm_on_event(self, event: Any, context: Any) -> None:
        if event.name == "reputation_changed":
            raise RuntimeError("a plugin refused")


def test_a_plugin_failure_rolls_back_and_redis_is_untouched(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    backend(community).rebuild()
    forum = Forum(community)
    forum.run(("ask", 3, 0))
    forum.run(("answer", 4, 0))
    before = redis_dump(redis_client, prefix)
    community.plugins.register(_FailingRule())
    with pytest.raises(RuntimeError):
        community.votes.cast(actor=forum.members[1], post=forum.posts[1], value=1)
    assert redis_dump(redis_client, prefix) == before


def test_queries_inside_a_unit_of_work_see_its_own_writes(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    backend(community).rebuild()
    forum = Forum(community)
    forum.run(("ask", 3, 0))
    forum.run(("answer", 4, 0))
    answerer = forum.members[4]
    with community.unit_of_work():
        community.votes.cast(actor=forum.members[1], post=forum.posts[1], value=1)
        assert community.reputation.leaderboard(limit=1)[0].member_id == answerer
        assert community.reputation.rank(answerer) == 1
        assert redis_top(community, "all", 1) != [(answerer, 11)]  # not committed yet
    assert redis_top(community, "all", 1) == [(answerer, 11)]
    assert_same_as_storage(community)


def test_space_boards_are_answered_by_storage(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    backend(community).rebuild()
    forum = Forum(community)
    for op in [("ask", 3, 0), ("answer", 4, 0), ("vote", 1, 1, True), ("ask", 4, 1)]:
        forum.run(op)
    with community.storage.unit_of_work(read_only=True) as uow:
        assert backend(community).top(uow, period="all", since=None, space_ids=[1], limit=5) is None
    for period in ALL_PERIODS:
        for space in ("help", "ideas"):
            rows = community.reputation.leaderboard(period=period, space=space)
            assert rows == storage_rows(community, period=period, space=space)
    assert community.reputation.leaderboard(space="ideas")[0].score == 10


def test_recompute_sets_the_exact_total(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    backend(community).rebuild()
    forum = Forum(community)
    for op in [("ask", 3, 0), ("answer", 4, 0), ("vote", 1, 1, True)]:
        forum.run(op)
    with community.storage.unit_of_work() as uow:  # a drifted cached total
        uow.members.set_reputation(forum.members[4], 500)
        uow.commit()
    assert community.reputation.rank(forum.members[4]) == 1
    fixed = community.reputation.recompute()
    assert fixed == {forum.members[4]: (500, 11)}
    assert_same_as_storage(community)


def test_a_failing_update_marks_redis_stale_until_rebuild(redis_client, prefix, clock, caplog):
    import redis

    community = make(redis_client, prefix, clock)
    board = backend(community)
    board.rebuild()
    forum = Forum(community)
    forum.run(("ask", 3, 0))
    forum.run(("answer", 4, 0))

    def broken(**_: Any) -> None:
        raise redis.ConnectionError("Redis went away")

    working, board._apply = board._apply, broken  # type: ignore[method-assign]
    forum.run(("vote", 1, 1, True))  # committed; the receiver fails and is logged
    assert community.reputation.of(forum.members[4]) == 11
    assert "leaderboard update failed" in caplog.text
    assert not board.is_ready()
    assert redis_top(community, "all", 3) is None
    assert board.rank(forum.members[4]) is None
    assert community.reputation.leaderboard(limit=1)[0].member_id == forum.members[4]
    assert community.reputation.rank(forum.members[4]) == 1

    board._apply = working  # type: ignore[method-assign]
    board.rebuild()
    assert_same_as_storage(community, periods=("all",))


def test_unreachable_redis_falls_back_to_storage(clock, caplog):
    """Needs no Redis server: nothing in socialcrm requires Redis to be up."""
    pytest.importorskip("redis")
    board = RedisLeaderboard("redis://127.0.0.1:9/0")  # the discard port: nothing listens
    community = Community(MemoryStorage(), clock=clock, entry_points=False, leaderboard=board)
    try:
        forum = Forum(community)
        for op in [("ask", 3, 0), ("answer", 4, 0), ("vote", 1, 1, True)]:
            forum.run(op)
        assert community.reputation.of(forum.members[4]) == 11
        assert community.reputation.leaderboard(limit=1)[0].member_id == forum.members[4]
        assert community.reputation.rank(forum.members[4]) == 1
        assert "Redis leaderboard unavailable" in caplog.text
    finally:
        board.close()
        community.close()


def test_period_sets_expire_after_their_period(redis_client, prefix):
    clock = ManualClock(datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc))  # a Tuesday
    community = make(redis_client, prefix, clock)
    board = backend(community)
    board.rebuild()
    forum = Forum(community)
    for op in [("ask", 3, 0), ("answer", 4, 0), ("vote", 1, 1, True)]:
        forum.run(op)
    grace = 86_400
    expected = {
        "day": 3_600 + grace,
        "week": 5 * 86_400 + 3_600 + grace,
        "month": 3_600 + grace,
        "year": 275 * 86_400 + 3_600 + grace,
    }
    for period, ttl in expected.items():
        key = board.period_key(period, period_start(period, clock.now()))
        assert ttl - 5 <= redis_client.ttl(key) <= ttl, period
    assert redis_client.ttl(board.all_key) == -1


def test_service_and_backend_agree_on_period_starts():
    moment = datetime(2024, 2, 29, 13, 45, 1, 7, tzinfo=timezone.utc)
    for period in PERIODS:
        assert period_start(period, moment) == reputation_service.period_start(period, moment)
    assert period_end("month", datetime(2024, 12, 1, tzinfo=timezone.utc)).year == 2025
    assert period_end("year", datetime(2024, 1, 1, tzinfo=timezone.utc)).year == 2025


def test_one_backend_serves_one_community(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock)
    with pytest.raises(RuntimeError, match="one community"):
        Community(MemoryStorage(), entry_points=False, leaderboard=community.leaderboard)


def test_member_ids_keep_their_order_as_bytes(redis_client, prefix):
    board = RedisLeaderboard(redis_client, key_prefix=prefix)
    keys = [board.member_key(i) for i in (1, 9, 10, 99, 100, 10**19)]
    assert keys == sorted(keys)
    with pytest.raises(ValueError):
        board.member_key(0)


def test_socialcrm_never_imports_redis_unless_a_backend_is_made():
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "import socialcrm, socialcrm.leaderboards, socialcrm.ratelimits\n"
        "from socialcrm import Community\n"
        "from socialcrm.adapters.memory import MemoryStorage\n"
        "c = Community(MemoryStorage(), entry_points=False)\n"
        "assert c.reputation.leaderboard() == []\n"
        "socialcrm.ratelimits.MemoryRateLimiter()\n"
        "try:\n"
        "    socialcrm.leaderboards.RedisLeaderboard('redis://localhost')\n"
        "except ImportError as e:\n"
        "    assert 'socialcrm[redis]' in str(e), e\n"
        "else:\n"
        "    raise SystemExit('expected ImportError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_placeholder_members_never_reach_redis(redis_client, prefix, clock):
    community = make(redis_client, prefix, clock, settings=reputation_service_settings())
    board = backend(community)
    ids = seed(community, {"ann": 40, "bob": 16}, at=clock.now())
    ghost = community.members.join(
        external_id="se:ghost:1", display_name="Ghost", roles=["placeholder"]
    )
    asker = community.members.join(external_id="asker", display_name="Asker")
    thread = community.threads.start(
        actor=asker.id, space=_space(community), kind="question", title="Who knows?", body="?"
    )
    answer = community.posts.reply(actor=ghost.id, thread=thread.id, body="A ghost's answer")
    community.votes.cast(actor=ids["ann"], post=answer.id, value=1)  # before the rebuild
    with community.storage.unit_of_work(read_only=True) as uow:
        everyone = uow.members.reputations()
    assert board.rebuild() == len(everyone) - 1  # everyone but the ghost
    later = community.posts.reply(actor=ghost.id, thread=thread.id, body="Another answer")
    community.votes.cast(actor=ids["bob"], post=later.id, value=1)  # after it
    assert community.reputation.of(ghost.id) == 21  # it earned, but is never ranked
    member = board.member_key(ghost.id)
    sets = [k for k in redis_client.keys(f"{prefix}lb:*") if redis_client.type(k) == b"zset"]
    assert all(redis_client.zscore(key, member) is None for key in sets)
    for name in ("ann", "bob"):
        assert board.rank(ids[name]) == storage_rank(community, ids[name])
    assert redis_top(community, "all", 10) == storage_top(community, "all", 10)

"""Leaderboard backends get a LeaderboardSource, never the Community, and still serve it."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timezone
from typing import Any

import pytest

from conftest import World, default_settings
from socialcrm import Community, ManualClock, signals
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.members.events import MemberJoined
from socialcrm.capabilities.reputation import periods
from socialcrm.capabilities.reputation import service as reputation_service
from socialcrm.leaderboards import LeaderboardSource, StorageLeaderboard
from socialcrm.leaderboards import redis as redis_board
from socialcrm.leaderboards.base import Scored
from socialcrm.ports import UnitOfWork


class RecordingBackend:
    """A backend that answers the all-time board with fixed rows and logs joins."""

    def __init__(self, rows: Scored) -> None:
        self.rows = rows
        self.source: LeaderboardSource | None = None
        self.joined: list[int] = []
        self.disconnect: Callable[[], None] | None = None

    def attach(self, source: LeaderboardSource) -> None:
        self.source = source
        self.disconnect = source.subscribe(signals.member_joined, self.on_joined)

    def on_joined(self, sender: object, *, event: MemberJoined) -> None:
        self.joined.append(event.member_id)

    def top(
        self,
        uow: UnitOfWork,
        *,
        period: str,
        since: datetime | None,
        space_ids: Collection[int] | None,
        limit: int,
    ) -> Scored | None:
        return self.rows[:limit] if period == "all" and space_ids is None else None

    def rank(self, member_id: int) -> int | None:
        return 42


def _community(**kwargs: Any) -> Community:
    return Community(
        MemoryStorage(),
        clock=kwargs.pop("clock", ManualClock()),
        settings=default_settings(),
        entry_points=False,
        **kwargs,
    )


def test_a_backend_gets_a_source_not_the_community():
    clock = ManualClock()
    backend = RecordingBackend([])
    community = _community(clock=clock, leaderboard=backend)
    source = backend.source
    assert source is not None and not isinstance(source, Community)
    assert not any(isinstance(value, Community) for value in vars(backend).values())
    assert source.settings is community.settings
    assert source.now() == clock.now()
    ann = community.members.join(external_id="ann", display_name="Ann")
    with source.query() as uow:
        assert uow.members.get(ann.id) == ann
    assert backend.joined == [ann.id]


def test_subscribe_hears_only_its_community_and_disconnects():
    backend = RecordingBackend([])
    community = _community(leaderboard=backend)
    other = _community()
    other.members.join(external_id="bob", display_name="Bob")
    assert backend.joined == []
    assert backend.disconnect is not None
    backend.disconnect()
    community.members.join(external_id="cy", display_name="Cy")
    assert backend.joined == []


def test_reputation_asks_the_backend_in_use_on_each_query():
    backend = RecordingBackend([])
    community = _community(leaderboard=backend)
    world = World(community)
    ann = world.member("ann", reputation=30)
    backend.rows = [(ann, 999)]
    assert [(r.member_id, r.score) for r in community.reputation.leaderboard()] == [(ann, 999)]
    assert community.reputation.rank(ann) == 42
    community.leaderboard = None  # a host may switch the backend off: storage answers
    top = community.reputation.leaderboard(limit=1)
    assert [(r.member_id, r.score) for r in top] == [(ann, 30)]
    assert community.reputation.rank(ann) == 1


def test_storage_leaderboard_ranks_through_a_source():
    community = _community()
    world = World(community)
    ann, bob = world.member("ann", reputation=50), world.member("bob", reputation=20)
    board = StorageLeaderboard()
    with pytest.raises(RuntimeError, match="attach"):
        board.rank(ann)
    board.attach(community.leaderboard_source())
    assert (board.rank(ann), board.rank(bob)) == (1, 2)
    assert board.rank(10**6) is None


def test_one_definition_of_the_calendar_periods():
    assert redis_board.period_start is periods.period_start
    assert redis_board.period_end is periods.period_end
    assert redis_board.PERIODS == periods.CALENDAR_PERIODS
    assert reputation_service.period_start is periods.board_since
    moment = datetime(2024, 2, 29, 13, 45, tzinfo=timezone.utc)
    assert periods.board_since("all", moment) is None
    assert periods.board_since("week", moment) == datetime(2024, 2, 26, tzinfo=moment.tzinfo)
    with pytest.raises(ValueError, match="unknown period"):
        periods.period_start("all", moment)

"""Contract tests for the trust-level storage: member activity and the level itself."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcrm.capabilities.trust.records import ActivityTotals, DayCounts, MemberActivity
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _at,
    _property_settings,
)

DAY0 = T0.date()


def _day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)


class ActivityContract(ContractBase):
    """Trust levels and activity: part of :class:`~socialcrm.testing.StorageContract`."""

    # ------------------------------------------------------------ the level on members

    def test_new_members_start_at_trust_level_zero_unlocked(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
        assert (member.trust_level, member.trust_level_locked) == (0, False)
        assert member.trust_level_changed_at is None
        with storage.unit_of_work() as uow:
            assert uow.members.get(member.id) == member

    def test_compare_and_set_trust_level_changes_only_the_expected_state(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=7)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=0,
                expected_locked=False,
                level=3,
                locked=True,
                changed_at=_at(5),
            )
            assert not uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=0,
                expected_locked=False,
                level=1,
                locked=False,
                changed_at=_at(6),
            )
            assert not uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=3,
                expected_locked=False,
                level=1,
                locked=False,
                changed_at=_at(6),
            )
            assert not uow.members.compare_and_set_trust_level(
                987654,
                expected_level=0,
                expected_locked=False,
                level=1,
                locked=False,
                changed_at=_at(6),
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded == attrs.evolve(
            member, trust_level=3, trust_level_locked=True, trust_level_changed_at=_at(5)
        )

    def test_trust_level_changed_at_may_be_cleared(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=0,
                expected_locked=False,
                level=2,
                locked=False,
                changed_at=_at(1),
            )
            uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=2,
                expected_locked=False,
                level=2,
                locked=True,
                changed_at=None,
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded is not None
        assert (loaded.trust_level, loaded.trust_level_locked) == (2, True)
        assert loaded.trust_level_changed_at is None

    def test_trust_review_batch_pages_unlocked_members_below_tl4_by_id(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            members = [_add_member(uow) for _ in range(6)]
            for member, (level, locked) in zip(
                members[1:4], [(4, False), (2, True), (3, False)], strict=True
            ):
                uow.members.compare_and_set_trust_level(
                    member.id,
                    expected_level=0,
                    expected_locked=False,
                    level=level,
                    locked=locked,
                    changed_at=_at(1),
                )
            uow.commit()
        wanted = [members[0].id, members[3].id, members[4].id, members[5].id]
        with storage.unit_of_work() as uow:
            first = uow.members.trust_review_batch(after_id=members[0].id - 1, limit=2)
            rest = uow.members.trust_review_batch(after_id=first[-1].id, limit=10)
            ours = {m.id for m in members}
            seen = [m.id for m in first + rest if m.id in ours]
            assert uow.members.trust_review_batch(after_id=members[5].id, limit=10) == []
            assert first[1] == uow.members.get(members[3].id)
        assert seen == wanted

    # ------------------------------------------------------------ days

    def test_a_day_is_marked_visited_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            assert uow.activity.mark_visited(member.id, _day(0)) is True
            assert uow.activity.mark_visited(member.id, _day(0)) is False
            assert uow.activity.mark_visited(member.id, _day(1)) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.activity.mark_visited(member.id, _day(1)) is False
            found = uow.activity.activity(member.id, since=_day(1))
        assert found.all_time.days_visited == 2 and found.recent.days_visited == 1

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("visited", {"visited": 1}),
            ("posts_read", {"posts_read": "3"}),
            ("reading_seconds", {"reading_seconds": 1.5}),
            ("likes_given", {"likes_given": True}),
            ("likes_received", {"likes_received": 2**31}),
        ],
    )
    def test_bad_day_counts_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, object]
    ) -> None:
        # DayCounts checks itself: no adapter can be handed a bad increment.
        with pytest.raises(ValidationError) as raised:
            DayCounts(**changes)  # type: ignore[arg-type]
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.activity.add_day(member.id, _day(0), DayCounts(likes_given=-(2**31 - 1)))
            found = uow.activity.activity(member.id, since=_day(0))
        assert found.recent.likes_given == -(2**31 - 1)

    def test_add_day_adds_every_count_and_may_mark_the_day_visited(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.activity.add_day(member.id, _day(0), DayCounts(likes_given=2, likes_received=1))
            uow.activity.add_day(member.id, _day(0), DayCounts(posts_read=7, reading_seconds=90))
            uow.activity.add_day(member.id, _day(0), DayCounts(likes_given=-1))
            assert uow.activity.mark_visited(member.id, _day(0)) is True
            uow.activity.add_day(member.id, _day(2), DayCounts(visited=True, posts_read=3))
            assert uow.activity.mark_visited(member.id, _day(2)) is False
            uow.activity.add_day(member.id, _day(2), DayCounts(visited=True))
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.activity.activity(member.id, since=_day(1))
        assert found == MemberActivity(
            member_id=member.id,
            all_time=ActivityTotals(
                days_visited=2,
                posts_read=10,
                reading_seconds=90,
                likes_given=1,
                likes_received=1,
            ),
            recent=ActivityTotals(days_visited=1, posts_read=3),
        )

    @given(
        likes=st.lists(
            st.tuples(
                st.integers(0, 2), st.integers(0, 2), st.integers(0, 1), st.sampled_from([1, -1])
            ),
            max_size=12,
        )
    )
    @_property_settings
    def test_add_like_counts_as_add_day_for_giver_and_receiver(
        self, storage: Storage, likes: list[tuple[int, int, int, int]]
    ) -> None:
        # Rows that exist or not yet, on either side, a member liking their own
        # post, retractions: the totals are those of the two add_day calls.
        with storage.unit_of_work() as uow:
            members = [_add_member(uow).id for _ in range(3)]
            expected = {m: [0, 0] for m in members}
            for giver, receiver, offset, delta in likes:
                uow.activity.add_like(members[giver], members[receiver], _day(offset), delta)
                expected[members[giver]][0] += delta
                expected[members[receiver]][1] += delta
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.activity.activities(members, since=_day(0))
        for member_id, (given_, received) in expected.items():
            totals = found[member_id].all_time
            assert (totals.likes_given, totals.likes_received) == (given_, received)
            assert found[member_id].recent == totals

    def test_days_before_since_count_only_all_time(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            for offset in range(5):
                uow.activity.add_day(
                    member.id, _day(offset), DayCounts(visited=True, posts_read=offset)
                )
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.activity.activity(member.id, since=_day(3))
            later = uow.activity.activity(member.id, since=_day(10))
        assert found.all_time == ActivityTotals(days_visited=5, posts_read=10)
        assert found.recent == ActivityTotals(days_visited=2, posts_read=7)
        assert later.recent == ActivityTotals()

    def test_unknown_members_have_no_activity(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.activity.activity(987654, since=DAY0) == MemberActivity(
                member_id=987654, all_time=ActivityTotals(), recent=ActivityTotals()
            )
            assert uow.activity.activities([], since=DAY0) == {}

    # ------------------------------------------------------------ topics

    def test_entering_a_topic_keeps_the_earliest_day(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, author = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            first, _ = _add_topic(uow, space.id, author.id)
            second, _ = _add_topic(uow, space.id, author.id)
            assert uow.activity.enter_topic(member.id, first.id, _day(5)) is True
            assert uow.activity.enter_topic(member.id, first.id, _day(5)) is False
            assert uow.activity.enter_topic(member.id, first.id, _day(9)) is False
            assert uow.activity.enter_topic(member.id, second.id, _day(9)) is True
            assert uow.activity.enter_topic(member.id, second.id, _day(2)) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.activity.activity(member.id, since=_day(3))
            assert uow.activity.enter_topic(member.id, first.id, _day(1)) is True
            moved = uow.activity.activity(member.id, since=_day(3))
        assert found.all_time.topics_entered == 2 and found.recent.topics_entered == 1
        assert moved.recent.topics_entered == 0

    def test_replying_in_a_topic_keeps_the_latest_day(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, author = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            first, _ = _add_topic(uow, space.id, author.id)
            second, _ = _add_topic(uow, space.id, author.id)
            assert uow.activity.record_topic_reply(member.id, first.id, _day(1)) is True
            assert uow.activity.record_topic_reply(member.id, first.id, _day(1)) is False
            assert uow.activity.record_topic_reply(member.id, first.id, _day(0)) is False
            assert uow.activity.enter_topic(member.id, second.id, _day(0)) is True
            assert uow.activity.record_topic_reply(member.id, second.id, _day(2)) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.activity.activity(member.id, since=_day(2))
            assert uow.activity.record_topic_reply(member.id, first.id, _day(8)) is True
            later = uow.activity.activity(member.id, since=_day(2))
        assert found.all_time.topics_replied_to == 2 and found.recent.topics_replied_to == 1
        assert found.all_time.topics_entered == 1
        assert later.recent.topics_replied_to == 2

    def test_activities_answers_for_every_member_given(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            busy, idle, author = _add_member(uow), _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            thread, _ = _add_topic(uow, space.id, author.id)
            uow.activity.add_day(busy.id, _day(0), DayCounts(visited=True, likes_received=4))
            uow.activity.add_day(busy.id, _day(6), DayCounts(posts_read=2))
            uow.activity.enter_topic(busy.id, thread.id, _day(6))
            uow.activity.record_topic_reply(author.id, thread.id, _day(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            many = uow.activity.activities([busy.id, idle.id, author.id, busy.id], since=_day(5))
            each = {
                m: uow.activity.activity(m, since=_day(5)) for m in (busy.id, idle.id, author.id)
            }
        assert many == each
        assert many[busy.id].all_time == ActivityTotals(
            days_visited=1, likes_received=4, posts_read=2, topics_entered=1
        )
        assert many[idle.id].all_time == ActivityTotals()

    @_property_settings
    @given(
        changes=st.lists(
            st.tuples(
                st.integers(0, 6),
                st.booleans(),
                st.integers(0, 50),
                st.integers(0, 600),
                st.integers(-2, 3),
                st.integers(-2, 3),
            ),
            max_size=25,
        ),
        since=st.integers(0, 7),
    )
    def test_day_totals_are_the_sums_of_what_was_added(
        self,
        storage: Storage,
        changes: list[tuple[int, bool, int, int, int, int]],
        since: int,
    ) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            for offset, visited, posts, seconds, given_, received in changes:
                uow.activity.add_day(
                    member.id,
                    _day(offset),
                    DayCounts(
                        visited=visited,
                        posts_read=posts,
                        reading_seconds=seconds,
                        likes_given=given_,
                        likes_received=received,
                    ),
                )
            uow.commit()

        def expected(start: int) -> ActivityTotals:
            kept = [c for c in changes if c[0] >= start]
            return ActivityTotals(
                days_visited=len({c[0] for c in kept if c[1]}),
                posts_read=sum(c[2] for c in kept),
                reading_seconds=sum(c[3] for c in kept),
                likes_given=sum(c[4] for c in kept),
                likes_received=sum(c[5] for c in kept),
            )

        with storage.unit_of_work() as uow:
            found = uow.activity.activity(member.id, since=_day(since))
        assert found.all_time == expected(0)
        assert found.recent == expected(since)

    # ------------------------------------------------------------ counts of content

    def test_created_since_counts_live_threads_and_posts_in_the_spaces(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            author = _add_member(uow)
            space, other = _add_space(uow), _add_space(uow)
            _add_topic(uow, space.id, author.id, created_at=_at(0))  # before `since`
            kept, _ = _add_topic(uow, space.id, author.id, created_at=_at(10))
            _add_post(uow, kept.id, author.id, created_at=_at(11))
            gone = _add_post(uow, kept.id, author.id, created_at=_at(12))
            uow.posts.mark_deleted(gone.id, by=author.id, at=_at(13))
            deleted, _ = _add_topic(uow, space.id, author.id, created_at=_at(10))
            _add_post(uow, deleted.id, author.id, created_at=_at(11))
            uow.threads.mark_deleted(deleted.id, _at(14))
            _add_topic(uow, other.id, author.id, created_at=_at(10))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.activity.created_since(_at(10), [space.id]) == (1, 2)
            assert uow.activity.created_since(_at(10), [space.id, other.id]) == (2, 3)
            assert uow.activity.created_since(_at(0), [space.id]) == (2, 3)
            assert uow.activity.created_since(_at(10), []) == (0, 0)

    def test_count_thread_posts_counts_live_posts_of_that_thread(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author = _add_member(uow)
            space = _add_space(uow)
            thread, opening = _add_topic(uow, space.id, author.id)
            reply = _add_post(uow, thread.id, author.id)
            gone = _add_post(uow, thread.id, author.id)
            uow.posts.mark_deleted(gone.id, by=author.id, at=_at(1))
            elsewhere, foreign = _add_topic(uow, space.id, author.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            ids = [opening.id, reply.id, reply.id, gone.id, foreign.id, 987654]
            assert uow.activity.count_thread_posts(thread.id, ids) == 2
            assert uow.activity.count_thread_posts(elsewhere.id, ids) == 1
            assert uow.activity.count_thread_posts(thread.id, []) == 0

    # ------------------------------------------------------------ units

    def test_activity_writes_left_uncommitted_are_rolled_back(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, author = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            thread, _ = _add_topic(uow, space.id, author.id)
            uow.activity.add_day(member.id, _day(0), DayCounts(visited=True, posts_read=1))
            uow.commit()
        with storage.unit_of_work() as uow:
            before = uow.activity.activity(member.id, since=DAY0)
        with storage.unit_of_work() as uow:
            uow.activity.mark_visited(member.id, _day(1))
            uow.activity.add_day(member.id, _day(0), DayCounts(posts_read=5, likes_given=1))
            uow.activity.enter_topic(member.id, thread.id, _day(0))
            uow.activity.record_topic_reply(member.id, thread.id, _day(0))
            uow.members.compare_and_set_trust_level(
                member.id,
                expected_level=0,
                expected_locked=False,
                level=1,
                locked=False,
                changed_at=_at(1),
            )
        with storage.unit_of_work() as uow:
            assert uow.activity.activity(member.id, since=DAY0) == before
            loaded = uow.members.get(member.id)
        assert loaded == member

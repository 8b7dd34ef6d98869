"""Contract tests for the reads the rate limits make: a member's recent posts and votes."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
    _property_settings,
)


class RateLimitCountContract(ContractBase):
    """``posts.count_authored_since``, ``last_authored_at``, ``trailing_replies`` and
    ``votes.count_cast_since``: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_count_authored_since_splits_openings_and_replies_and_counts_deleted_posts(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            author, other, space = _add_member(uow), _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, author.id, created_at=_at(0))
            _add_topic(uow, space.id, author.id, created_at=_at(10))
            _add_topic(uow, space.id, other.id, created_at=_at(10))
            _add_post(uow, thread.id, author.id, created_at=_at(5))
            deleted = _add_post(uow, thread.id, author.id, created_at=_at(20))
            uow.posts.mark_deleted(deleted.id, by=author.id, at=_at(21))
            _add_post(uow, thread.id, other.id, created_at=_at(20))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.posts.count_authored_since(author.id, _at(0)) == (2, 2)
            assert uow.posts.count_authored_since(author.id, _at(5)) == (1, 2)  # inclusive
            assert uow.posts.count_authored_since(author.id, _at(6)) == (1, 1)
            assert uow.posts.count_authored_since(author.id, _at(21)) == (0, 0)
            assert uow.posts.count_authored_since(author.id + 10_000, _at(0)) == (0, 0)

    def test_last_authored_at_is_the_latest_post_deleted_ones_included(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            author, space = _add_member(uow), _add_space(uow)
            assert uow.posts.last_authored_at(author.id) is None
            thread, _ = _add_topic(uow, space.id, author.id, created_at=_at(3))
            latest = _add_post(uow, thread.id, author.id, created_at=_at(9))
            _add_post(uow, thread.id, author.id, created_at=_at(7))
            uow.posts.mark_deleted(latest.id, by=author.id, at=_at(10))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            found = uow.posts.last_authored_at(author.id)
            _assert_utc(found)
            assert found == _at(9)
            assert uow.posts.last_authored_at(author.id + 10_000) is None

    def test_trailing_replies_count_the_authors_replies_after_anyone_elses_post(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            asker, newcomer, space = _add_member(uow), _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, asker.id)
            own, _ = _add_topic(uow, space.id, newcomer.id)
            assert uow.posts.trailing_replies(thread.id, newcomer.id) == 0
            _add_post(uow, thread.id, newcomer.id)
            _add_post(uow, thread.id, newcomer.id)
            assert uow.posts.trailing_replies(thread.id, newcomer.id) == 2
            assert uow.posts.trailing_replies(thread.id, asker.id) == 0
            _add_post(uow, thread.id, asker.id)
            assert uow.posts.trailing_replies(thread.id, newcomer.id) == 0
            deleted = _add_post(uow, thread.id, newcomer.id)
            uow.posts.mark_deleted(deleted.id, by=newcomer.id, at=_at(1))
            assert uow.posts.trailing_replies(thread.id, newcomer.id) == 1
            # In one's own thread the opening post is not a reply.
            _add_post(uow, own.id, newcomer.id)
            assert uow.posts.trailing_replies(own.id, newcomer.id) == 1
            uow.commit()

    def test_count_cast_since_counts_standing_votes_by_their_cast_time(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            voter, author, space = _add_member(uow), _add_member(uow), _add_space(uow)
            thread, opening = _add_topic(uow, space.id, author.id)
            posts = [opening] + [_add_post(uow, thread.id, author.id) for _ in range(3)]
            uow.votes.add(post_id=posts[0].id, member_id=voter.id, value=1, cast_at=_at(0))
            uow.votes.add(post_id=posts[1].id, member_id=voter.id, value=1, cast_at=_at(10))
            down = uow.votes.add(post_id=posts[2].id, member_id=voter.id, value=-1, cast_at=_at(10))
            gone = uow.votes.add(post_id=posts[3].id, member_id=voter.id, value=1, cast_at=_at(11))
            uow.votes.add(post_id=posts[3].id, member_id=author.id, value=1, cast_at=_at(11))
            assert uow.votes.remove(gone.id, value=gone.value)
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.votes.count_cast_since(voter.id, _at(0)) == (3, 2)
            assert uow.votes.count_cast_since(voter.id, _at(10)) == (2, 1)  # inclusive
            assert uow.votes.count_cast_since(voter.id, _at(11)) == (0, 0)
            assert uow.votes.count_cast_since(voter.id + 10_000, _at(0)) == (0, 0)
        with storage.unit_of_work() as uow:
            assert uow.votes.change(down.id, value=1, cast_at=_at(30))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.votes.count_cast_since(voter.id, _at(11)) == (1, 1)

    @_property_settings
    @given(
        posts=st.lists(
            st.tuples(st.integers(0, 2), st.booleans(), st.integers(0, 600), st.booleans()),
            max_size=12,
        ),
        since=st.integers(0, 600),
    )
    def test_post_counts_match_the_posts_written(
        self, storage: Storage, posts: list[tuple[int, bool, int, bool]], since: int
    ) -> None:
        """Property: every count equals what a plain list of the written posts gives."""
        with storage.unit_of_work() as uow:
            members = [_add_member(uow) for _ in range(3)]
            space = _add_space(uow)
            thread, _ = _add_topic(uow, space.id, members[0].id, created_at=T0)
            written = [(members[0].id, True, 0)]
            for who, opening, seconds, deleted in posts:
                at = T0 + timedelta(seconds=seconds)
                if opening:
                    _, post = _add_topic(uow, space.id, members[who].id, created_at=at)
                else:
                    post = _add_post(uow, thread.id, members[who].id, created_at=at)
                if deleted:
                    uow.posts.mark_deleted(post.id, by=members[who].id, at=at)
                written.append((members[who].id, opening, seconds))
            uow.commit()
        replies_in_thread = [m for m, opening, _ in written[1:] if not opening]
        with storage.unit_of_work(read_only=True) as uow:
            for member in members:
                mine = [(o, s) for m, o, s in written if m == member.id]
                recent = [o for o, s in mine if s >= since]
                expected = (sum(recent), len(recent) - sum(recent))
                boundary = T0 + timedelta(seconds=since)
                assert uow.posts.count_authored_since(member.id, boundary) == expected
                latest = max((s for _, s in mine), default=None)
                expected_last = None if latest is None else T0 + timedelta(seconds=latest)
                assert uow.posts.last_authored_at(member.id) == expected_last
                trailing = 0
                for author_id in reversed(replies_in_thread):
                    if author_id != member.id:
                        break
                    trailing += 1
                assert uow.posts.trailing_replies(thread.id, member.id) == trailing


__all__ = ["RateLimitCountContract"]

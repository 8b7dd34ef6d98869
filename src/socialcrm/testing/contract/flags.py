"""Contract tests for flags, and for hiding posts and threads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcrm.capabilities.flags.records import Flag, FlagAccuracy, NewFlag
from socialcrm.capabilities.threads.records import ThreadFilter
from socialcrm.errors import Conflict, ValidationError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
    _property_settings,
)


def _new_flag(flagger: int, member: int, post: Any = None, **kw: Any) -> NewFlag:
    fields: dict[str, Any] = {
        "reason": "spam",
        "text": "",
        "weight": 2,
        "created_at": _at(1),
        "post_id": None if post is None else post.id,
        "thread_id": None if post is None else post.thread_id,
        "space_id": None,
    }
    fields.update(kw)
    return NewFlag(flagger_id=flagger, member_id=member, **fields)


def _flag(uow: UnitOfWork, flagger: int, member: int, post: Any = None, **kw: Any) -> Flag:
    return uow.flags.add(_new_flag(flagger, member, post, **kw))


class FlagContract(ContractBase):
    """Flags and hidden posts: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_a_flag_round_trips_and_one_flag_per_flagger_and_subject_is_enforced(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            flagger, author = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            thread, post = _add_topic(uow, space.id, author.id)
            on_post = _flag(
                uow,
                flagger.id,
                author.id,
                post,
                space_id=space.id,
                reason="other",
                text=_UNICODE_BODY,
                weight=7,
            )
            on_member = _flag(uow, flagger.id, author.id, reason="inappropriate")
            with pytest.raises(Conflict) as twice:
                _flag(uow, flagger.id, author.id, post)
            assert twice.value.code == "duplicate_flag"
            with pytest.raises(Conflict):
                _flag(uow, flagger.id, author.id)
            # The unit stays usable after a refused duplicate.
            other = _add_member(uow)
            by_other = _flag(uow, other.id, author.id, post)
            uow.commit()
        assert type(on_post) is Flag and on_post.id >= 1
        with storage.unit_of_work() as uow:
            stored = uow.flags.get(on_post.id)
            assert uow.flags.get(987654) is None
            assert uow.flags.for_post(post.id) == [on_post, by_other]
            assert uow.flags.member_flags(author.id) == [on_member]
            assert uow.flags.about_member(author.id) == [on_post, on_member, by_other]
            assert uow.flags.about_member(flagger.id) == []
        assert stored == on_post
        assert (stored.text, stored.weight, stored.reason) == (_UNICODE_BODY, 7, "other")
        assert (stored.thread_id, stored.space_id, stored.status) == (thread.id, space.id, "open")
        _assert_utc(stored.created_at)

    def test_decide_closes_only_open_flags_and_feeds_accuracy(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            flagger, author, mod = _add_member(uow), _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            _, post = _add_topic(uow, space.id, author.id)
            reply = _add_post(uow, post.thread_id, author.id)
            third = _add_post(uow, post.thread_id, author.id)
            first = _flag(uow, flagger.id, author.id, post)
            second = _flag(uow, flagger.id, author.id, reply)
            deferred = _flag(uow, flagger.id, author.id, third)
            assert uow.flags.decide([first.id], status="agreed", by=mod.id, at=_at(5)) == 1
            assert (
                uow.flags.decide([first.id, second.id], status="disagreed", by=mod.id, at=_at(6))
                == 1
            )
            assert uow.flags.decide([deferred.id], status="deferred", by=mod.id, at=_at(7)) == 1
            assert uow.flags.decide([], status="agreed", by=mod.id, at=_at(7)) == 0
            uow.commit()
        with storage.unit_of_work() as uow:
            decided = uow.flags.get(first.id)
            assert uow.flags.accuracy(flagger.id) == FlagAccuracy(agreed=1, disagreed=1)
            assert uow.flags.accuracy(author.id) == FlagAccuracy()
            assert uow.flags.get(second.id).status == "disagreed"  # type: ignore[union-attr]
            window = uow.flags.decided(since=_at(5), until=_at(7))
            assert [f.id for f in window] == [first.id, second.id]
            assert uow.flags.agreed_posts(author.id, since=_at(0)) == 1
            assert uow.flags.agreed_posts(author.id, since=_at(2)) == 0
        assert decided is not None
        assert (decided.status, decided.decided_by, decided.decided_at) == (
            "agreed",
            mod.id,
            _at(5),
        )
        _assert_utc(decided.decided_at)

    def test_open_flags_are_oldest_first_and_counted(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author, mod = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            _, post = _add_topic(uow, space.id, author.id)
            flaggers = [_add_member(uow) for _ in range(3)]
            late = _flag(uow, flaggers[0].id, author.id, post, created_at=_at(30))
            early = _flag(uow, flaggers[1].id, author.id, post, created_at=_at(10))
            closed = _flag(uow, flaggers[2].id, author.id, post, created_at=_at(5))
            uow.flags.decide([closed.id], status="agreed", by=mod.id, at=_at(40))
            uow.commit()
        with storage.unit_of_work() as uow:
            mine = {late.id, early.id, closed.id}
            listed = [f.id for f in uow.flags.open_flags(limit=1000) if f.id in mine]
            assert listed == [early.id, late.id]
            assert len(uow.flags.open_flags(limit=1)) == 1
            assert uow.flags.count_open() >= 2

    def test_raised_since_counts_a_flaggers_flags_after_a_moment(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            flagger, author = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            _, post = _add_topic(uow, space.id, author.id)
            reply = _add_post(uow, post.thread_id, author.id)
            _flag(uow, flagger.id, author.id, post, created_at=_at(10))
            _flag(uow, flagger.id, author.id, reply, created_at=_at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.flags.raised_since(flagger.id, _at(0)) == (2, _at(10))
            assert uow.flags.raised_since(flagger.id, _at(10)) == (1, _at(20))
            assert uow.flags.raised_since(flagger.id, _at(20)) == (0, None)
            _assert_utc(uow.flags.raised_since(flagger.id, _at(0))[1])

    def test_hiding_posts_and_threads_is_a_compare_and_set(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author = _add_member(uow)
            space = _add_space(uow)
            thread, post = _add_topic(uow, space.id, author.id)
            assert uow.posts.set_hidden(post.id, _at(3))
            assert not uow.posts.set_hidden(post.id, _at(4))
            assert uow.threads.set_hidden(thread.id, _at(3))
            assert not uow.threads.set_hidden(thread.id, _at(4))
            assert not uow.posts.set_hidden(987654, _at(3))
            assert not uow.threads.set_hidden(987654, _at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            hidden_post, hidden_thread = uow.posts.get(post.id), uow.threads.get(thread.id)
            located = uow.posts.locate(post.id)
            assert uow.posts.set_hidden(post.id, None)
            assert not uow.posts.set_hidden(post.id, None)
            assert uow.threads.set_hidden(thread.id, None)
            assert not uow.threads.set_hidden(thread.id, None)
            uow.commit()
        assert hidden_post is not None and hidden_post.hidden_at == _at(3)
        assert hidden_thread is not None and hidden_thread.hidden_at == _at(3)
        assert located is not None and located[0].hidden_at == located[1].hidden_at == _at(3)
        _assert_utc(hidden_post.hidden_at)
        with storage.unit_of_work() as uow:
            assert uow.posts.get(post.id).hidden_at is None  # type: ignore[union-attr]
            assert uow.threads.get(thread.id).hidden_at is None  # type: ignore[union-attr]

    def test_thread_lists_leave_out_hidden_threads_but_for_their_author(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            author, other = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            shown, _ = _add_topic(uow, space.id, other.id, created_at=_at(1))
            hidden, _ = _add_topic(uow, space.id, author.id, created_at=_at(2))
            uow.threads.set_hidden(hidden.id, _at(3))
            uow.commit()
        with storage.unit_of_work() as uow:

            def ids(sort: str, **f: Any) -> list[int]:
                selected = ThreadFilter(space_ids=[space.id], **f)
                return [t.id for t in uow.threads.list(selected, sort=sort)]

            for sort in ("active", "newest", "score", "unanswered"):
                assert ids(sort) == [shown.id]
                assert ids(sort, hidden_visible_to=other.id) == [shown.id]
                assert ids(sort, hidden_visible_to=author.id) == [hidden.id, shown.id]
                assert ids(sort, include_hidden=True) == [hidden.id, shown.id]
            plain = ThreadFilter(space_ids=[space.id])
            assert uow.threads.count(plain) == 1
            assert uow.threads.count_by_space(plain) == {space.id: 1}
            for seeing in (
                ThreadFilter(space_ids=[space.id], hidden_visible_to=author.id),
                ThreadFilter(space_ids=[space.id], include_hidden=True),
            ):
                assert uow.threads.count(seeing) == 2
                assert uow.threads.count_by_space(seeing) == {space.id: 2}

    def test_by_author_lists_live_posts_by_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author, other = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            _, opening = _add_topic(uow, space.id, author.id)
            gone = _add_post(uow, opening.thread_id, author.id)
            reply = _add_post(uow, opening.thread_id, author.id)
            _add_post(uow, opening.thread_id, other.id)
            uow.posts.mark_deleted(gone.id, by=author.id, at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [p.id for p in uow.posts.by_author(author.id)] == [opening.id, reply.id]
            assert uow.posts.by_author(987654) == []

    def test_a_rolled_back_flag_leaves_nothing(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            flagger, author = _add_member(uow), _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            flag = _flag(uow, flagger.id, author.id)
        with storage.unit_of_work() as uow:
            assert uow.flags.get(flag.id) is None
            again = _flag(uow, flagger.id, author.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.flags.member_flags(author.id) == [again]

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("reason", {"reason": "rude"}),
            ("reason", {"reason": None}),
            ("created_at", {"created_at": datetime(2026, 1, 5, 9, 0)}),
            ("created_at", {"created_at": "2026-01-05"}),
        ],
    )
    def test_bad_flags_are_refused_when_made_so_nothing_is_written(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        with storage.unit_of_work() as uow:
            flagger, author = _add_member(uow), _add_member(uow)
            uow.commit()
        with pytest.raises(ValidationError) as raised:
            _new_flag(flagger.id, author.id, **changes)
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            assert uow.flags.about_member(author.id) == []

    @_property_settings
    @given(
        weights=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=6),
        decided=st.sets(st.integers(min_value=0, max_value=5)),
    )
    def test_open_weights_and_accuracy_agree_with_the_flags_stored(
        self, storage: Storage, weights: list[int], decided: set[int]
    ) -> None:
        with storage.unit_of_work() as uow:
            author, mod = _add_member(uow), _add_member(uow)
            space = _add_space(uow)
            _, post = _add_topic(uow, space.id, author.id)
            flags = [_flag(uow, _add_member(uow).id, author.id, post, weight=w) for w in weights]
            closing = [f.id for i, f in enumerate(flags) if i in decided]
            uow.flags.decide(closing, status="agreed", by=mod.id, at=_at(9))
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.flags.for_post(post.id)
        assert sum(f.weight for f in stored if f.is_open) == sum(
            w for i, w in enumerate(weights) if i not in decided
        )
        assert sum(1 for f in stored if f.status == "agreed") == len(closing)


__all__ = ["FlagContract"]

"""Contract tests for the threads repository: listing, sorting, filtering, tags and counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from socialcrm.capabilities.threads.records import NewThread, Thread, ThreadFilter
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_thread,
    _add_topic,
    _at,
)

#: Values ``NewThread`` refuses when it is built, by field.
_BAD_NEW_THREAD: list[tuple[str, Any]] = [
    ("space_id", 0),
    ("space_id", True),
    ("space_id", "1"),
    ("kind", "essay"),
    ("title", None),
    ("tags", "python"),
    ("tags", ("python", 3)),
    ("tags", None),
    ("author_id", -1),
    ("author_id", None),
    ("created_at", datetime(2026, 1, 5, 9, 0)),
    ("created_at", None),
]

#: Values ``ThreadFilter`` refuses when it is built, by field.
_BAD_THREAD_FILTER: list[tuple[str, Any]] = [
    ("space_ids", None),
    ("space_ids", 1),
    ("space_ids", "12"),
    ("space_ids", [1, 0]),
    ("space_ids", [True]),
    ("tag", 3),
    ("kind", "essay"),
    ("status", "archived"),
    ("include_hidden", 1),
    ("include_hidden", None),
    ("hidden_visible_to", 0),
    ("hidden_visible_to", "7"),
]


def _new_thread(**changes: Any) -> NewThread:
    fields: dict[str, Any] = {
        "space_id": 1,
        "kind": "question",
        "title": "A title",
        "tags": (),
        "author_id": 1,
        "created_at": T0,
    }
    return NewThread(**{**fields, **changes})


class ThreadContract(ContractBase):
    """Threads: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize(("field", "value"), _BAD_NEW_THREAD)
    def test_new_thread_refuses_bad_values_when_built(self, field: str, value: Any) -> None:
        # An adapter is never handed a NewThread that did not pass these checks.
        with pytest.raises(ValidationError) as raised:
            _new_thread(**{field: value})
        assert raised.value.field == field

    @pytest.mark.parametrize(("field", "value"), _BAD_THREAD_FILTER)
    def test_thread_filter_refuses_bad_values_when_built(self, field: str, value: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            ThreadFilter(**{"space_ids": [1], field: value})
        assert raised.value.field == field

    def test_thread_filter_keeps_space_ids_as_a_frozenset(self) -> None:
        assert ThreadFilter(space_ids=[2, 1, 2]).space_ids == frozenset({1, 2})
        assert ThreadFilter(space_ids=()) == ThreadFilter(space_ids=set())

    def test_new_thread_tags_are_a_tuple_without_repeats(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            uow.threads.add_tags(["b", "a"], T0)
            new = _new_thread(space_id=space.id, author_id=member.id, tags=["b", "a", "b"])
            assert new.tags == ("b", "a")
            thread = uow.threads.add(new)
            uow.commit()
        assert thread.tags == ("b", "a")
        with storage.unit_of_work() as uow:
            assert uow.threads.get(thread.id) == thread

    def test_new_thread_is_open_without_opening_post_or_replies(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            uow.threads.add_tags(["python", "flask"], T0)
            thread = uow.threads.add(
                NewThread(
                    space_id=space.id,
                    kind="discussion",
                    title="Hello",
                    tags=("python", "flask"),
                    author_id=member.id,
                    created_at=_at(3),
                )
            )
            uow.commit()
        assert thread == Thread(
            id=thread.id,
            space_id=space.id,
            kind="discussion",
            title="Hello",
            tags=("python", "flask"),
            status="open",
            author_id=member.id,
            opening_post_id=None,
            accepted_answer_id=None,
            reply_count=0,
            created_at=_at(3),
            last_activity_at=_at(3),
        )
        with storage.unit_of_work() as uow:
            assert uow.threads.get(thread.id) == thread

    def test_set_opening_post_and_status(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, opening = _add_topic(uow, space.id, member.id)
            uow.threads.set_status(thread.id, "closed")
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded == attrs.evolve(thread, opening_post_id=opening.id, status="closed")
            uow.threads.set_status(thread.id, "open")
            uow.commit()
        with storage.unit_of_work() as uow:
            reopened = uow.threads.get(thread.id)
        assert reopened is not None and reopened.status == "open"

    def test_thread_tags_round_trip_in_order_and_are_replaced(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id, tags=("zeta", "alpha", "mu"))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded is not None and loaded.tags == ("zeta", "alpha", "mu")
            uow.threads.add_tags(["new"], T0)
            uow.threads.set_title_and_tags(thread.id, title="Better", tags=("new", "zeta"))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded == attrs.evolve(thread, title="Better", tags=("new", "zeta"))

    def test_mark_deleted_is_a_compare_and_set(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            assert uow.threads.mark_deleted(thread.id, _at(5)) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.mark_deleted(thread.id, _at(6)) is False
            assert uow.threads.mark_deleted(987654321, _at(6)) is False
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded is not None and loaded.deleted_at == _at(5)

    def test_lock_returns_the_thread_as_committed_shared_or_not(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            uow.threads.mark_deleted(thread.id, _at(5))
            uow.commit()
        with storage.unit_of_work() as uow:
            expected = uow.threads.get(thread.id)
            assert expected is not None and expected.deleted_at == _at(5)
            assert uow.threads.lock(thread.id, shared=True) == expected
            assert uow.threads.lock(thread.id) == expected
            assert uow.threads.lock(987654321) is None
            assert uow.threads.lock(987654321, shared=True) is None

    def test_compare_and_set_accepted_sets_only_from_the_expected_value(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            first = _add_post(uow, thread.id, member.id)
            second = _add_post(uow, thread.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.compare_and_set_accepted(thread.id, expected=None, new=first.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded is not None and loaded.accepted_answer_id == first.id
            assert uow.threads.compare_and_set_accepted(thread.id, expected=first.id, new=second.id)
            assert uow.threads.compare_and_set_accepted(thread.id, expected=second.id, new=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded is not None and loaded.accepted_answer_id is None

    def test_compare_and_set_accepted_with_a_stale_expectation_changes_nothing(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            first = _add_post(uow, thread.id, member.id)
            second = _add_post(uow, thread.id, member.id)
            assert uow.threads.compare_and_set_accepted(thread.id, expected=None, new=first.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            before = uow.threads.get(thread.id)
            assert not uow.threads.compare_and_set_accepted(thread.id, expected=None, new=second.id)
            assert not uow.threads.compare_and_set_accepted(thread.id, expected=second.id, new=None)
            assert uow.threads.get(thread.id) == before
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.get(thread.id) == before

    def test_record_reply_counts_and_moves_activity_only_when_given(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.record_reply(thread.id, delta=1, at=_at(10))
            uow.threads.record_reply(thread.id, delta=1, at=_at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.record_reply(thread.id, delta=-1, at=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded == attrs.evolve(thread, reply_count=1, last_activity_at=_at(20))

    def test_deleted_thread_is_hidden_from_list_and_counts_but_not_from_get(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            kept = _add_thread(uow, space.id, member.id)
            gone = _add_thread(uow, space.id, member.id)
            uow.threads.mark_deleted(gone.id, _at(9))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.get(gone.id) == attrs.evolve(gone, deleted_at=_at(9))
            for sort in ("active", "newest", "score", "unanswered"):
                assert uow.threads.list(ThreadFilter(space_ids=[space.id]), sort=sort) == [kept]
            assert uow.threads.count(ThreadFilter(space_ids=[space.id])) == 1
            assert uow.threads.count_by_space(ThreadFilter(space_ids=[space.id])) == {space.id: 1}

    def test_list_keeps_to_the_given_spaces(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            one, two, three = _add_space(uow), _add_space(uow), _add_space(uow)
            in_one = _add_thread(uow, one.id, member.id, created_at=_at(1))
            _add_thread(uow, two.id, member.id, created_at=_at(2))
            in_three = _add_thread(uow, three.id, member.id, created_at=_at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.list(ThreadFilter(space_ids=[one.id, three.id])) == [
                in_three,
                in_one,
            ]
            assert uow.threads.count(ThreadFilter(space_ids=[one.id, three.id])) == 2
            assert uow.threads.list(ThreadFilter(space_ids=[])) == []
            assert uow.threads.count(ThreadFilter(space_ids=[])) == 0

    def test_list_sorted_by_newest_breaks_ties_by_id_descending(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            t1, t2, t3, t4 = (
                _add_thread(uow, space.id, member.id, created_at=_at(m)) for m in (1, 3, 2, 3)
            )
            uow.threads.record_reply(t1.id, delta=1, at=_at(50))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="newest")
        assert [t.id for t in listed] == [t4.id, t2.id, t3.id, t1.id]

    def test_list_sorted_by_activity_breaks_ties_by_id_descending(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            t1, t2, t3, t4 = (
                _add_thread(uow, space.id, member.id, created_at=_at(m)) for m in (1, 2, 3, 4)
            )
            uow.threads.record_reply(t1.id, delta=1, at=_at(10))
            uow.threads.record_reply(t2.id, delta=1, at=_at(10))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="active")
            assert uow.threads.list(ThreadFilter(space_ids=[space.id])) == listed
        assert [t.id for t in listed] == [t2.id, t1.id, t4.id, t3.id]

    def test_list_sorted_by_score_uses_the_opening_post(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            topics = [_add_topic(uow, space.id, member.id, created_at=_at(m)) for m in (1, 2, 3, 4)]
            for (_, opening), score in zip(topics, (5, -1, 5, 0), strict=True):
                uow.posts.add_score(opening.id, score)
            # A well-voted reply must not lift its thread: only the opening post counts.
            reply = _add_post(uow, topics[1][0].id, member.id)
            uow.posts.add_score(reply.id, 100)
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="score")
        t1, t2, t3, t4 = (thread.id for thread, _ in topics)
        assert [t.id for t in listed] == [t3, t1, t4, t2]

    def test_list_unanswered_shows_questions_without_replies_newest_first(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            lonely = _add_thread(uow, space.id, member.id, created_at=_at(1))
            answered = _add_thread(uow, space.id, member.id, created_at=_at(2))
            uow.threads.record_reply(answered.id, delta=1, at=_at(5))
            _add_thread(uow, space.id, member.id, kind="discussion", created_at=_at(3))
            later = _add_thread(uow, space.id, member.id, created_at=_at(4))
            tied = _add_thread(uow, space.id, member.id, created_at=_at(4))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="unanswered")
        assert [t.id for t in listed] == [tied.id, later.id, lonely.id]

    def test_list_filters_by_tag_kind_and_status(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            both = _add_thread(
                uow, space.id, member.id, tags=("python", "flask"), created_at=_at(1)
            )
            python = _add_thread(
                uow, space.id, member.id, kind="idea", tags=("python",), created_at=_at(2)
            )
            django = _add_thread(uow, space.id, member.id, tags=("django",), created_at=_at(3))
            uow.threads.set_status(django.id, "closed")
            uow.commit()
        with storage.unit_of_work() as uow:
            ids = lambda **f: [  # noqa: E731
                t.id for t in uow.threads.list(ThreadFilter(space_ids=[space.id], **f))
            ]
            assert ids(tag="python") == [python.id, both.id]
            assert ids(tag="flask") == [both.id]
            assert ids(tag="rust") == []
            assert ids(kind="idea") == [python.id]
            assert ids(status="closed") == [django.id]
            assert ids(status="open", kind="question") == [both.id]
            assert ids(tag="python", kind="question") == [both.id]

    def test_tag_filter_follows_replaced_tags(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id, tags=("old",))
            uow.threads.add_tags(["new"], T0)
            uow.threads.set_title_and_tags(thread.id, title="Renamed", tags=("new",))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.list(ThreadFilter(space_ids=[space.id], tag="old")) == []
            assert [
                t.id for t in uow.threads.list(ThreadFilter(space_ids=[space.id], tag="new"))
            ] == [thread.id]
            assert uow.threads.count(ThreadFilter(space_ids=[space.id], tag="old")) == 0

    def test_list_pages_with_limit_and_offset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            threads = [_add_thread(uow, space.id, member.id, created_at=_at(m)) for m in range(25)]
            uow.commit()
        newest_first = [t.id for t in reversed(threads)]
        with storage.unit_of_work() as uow:
            page = lambda **p: [  # noqa: E731
                t.id
                for t in uow.threads.list(ThreadFilter(space_ids=[space.id]), sort="newest", **p)
            ]
            assert page() == newest_first[:20]
            assert page(limit=10, offset=20) == newest_first[20:]
            assert page(limit=3, offset=5) == newest_first[5:8]

    def test_count_matches_list_without_limit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            for minute in range(6):
                thread = _add_thread(
                    uow,
                    space.id,
                    member.id,
                    kind=("question", "idea")[minute % 2],
                    tags=(("a",), ("a", "b"), ("b",))[minute % 3],
                    created_at=_at(minute),
                )
                if minute % 4 == 0:
                    uow.threads.set_status(thread.id, "closed")
            uow.commit()
        filters: list[dict[str, Any]] = [
            {},
            {"tag": "a"},
            {"tag": "b", "kind": "idea"},
            {"status": "closed"},
            {"status": "open", "tag": "a", "kind": "question"},
        ]
        with storage.unit_of_work() as uow:
            for f in filters:
                selected = ThreadFilter(space_ids=[space.id], **f)
                listed = uow.threads.list(selected, limit=100)
                assert uow.threads.count(selected) == len(listed), f

    def test_count_by_space_counts_live_threads_of_the_given_spaces(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            busy, quiet, empty, other = (_add_space(uow) for _ in range(4))
            _add_thread(uow, busy.id, member.id)
            _add_thread(uow, busy.id, member.id)
            _add_thread(uow, quiet.id, member.id)
            gone = _add_thread(uow, quiet.id, member.id)
            uow.threads.mark_deleted(gone.id, _at(1))
            _add_thread(uow, other.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            counts = uow.threads.count_by_space(
                ThreadFilter(space_ids=[busy.id, quiet.id, empty.id])
            )
            assert uow.threads.count_by_space(ThreadFilter(space_ids=[])) == {}
        assert set(counts) <= {busy.id, quiet.id, empty.id}
        assert (counts[busy.id], counts[quiet.id], counts.get(empty.id, 0)) == (2, 1, 0)

    def test_count_by_space_applies_the_whole_filter(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, one, two = _add_member(uow), _add_space(uow), _add_space(uow)
            _add_thread(uow, one.id, member.id, tags=("a",))
            _add_thread(uow, one.id, member.id, kind="idea", tags=("a",))
            closed = _add_thread(uow, two.id, member.id, tags=("b",))
            uow.threads.set_status(closed.id, "closed")
            uow.commit()
        both = [one.id, two.id]
        with storage.unit_of_work() as uow:
            by_space = uow.threads.count_by_space
            assert by_space(ThreadFilter(space_ids=both, tag="a")) == {one.id: 2}
            assert by_space(ThreadFilter(space_ids=both, kind="question")) == {one.id: 1, two.id: 1}
            assert by_space(ThreadFilter(space_ids=both, status="closed")) == {two.id: 1}

    def test_add_tags_creates_missing_names_and_is_idempotent(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.threads.known_tags(["a", "b"]) == frozenset()
            uow.threads.add_tags(["a", "b"], T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.add_tags(["b", "c"], _at(1))
            uow.threads.add_tags([], _at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            known = uow.threads.known_tags(["a", "c", "zz"])
            assert uow.threads.known_tags([]) == frozenset()
        assert isinstance(known, frozenset) and known == frozenset({"a", "c"})

    def test_add_tags_tolerates_a_name_repeated_in_one_call(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.threads.add_tags(iter(["x", "y", "x"]), T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.known_tags(["x", "y"]) == frozenset({"x", "y"})

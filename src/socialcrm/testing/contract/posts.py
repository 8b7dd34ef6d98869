"""Contract tests for the posts repository: posts, revisions and comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from socialcrm.capabilities.threads.records import Comment, NewPost, Post, Revision
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_thread,
    _add_topic,
    _at,
)

#: Values ``NewPost`` refuses when it is built, by field.
_BAD_NEW_POST: list[tuple[str, Any]] = [
    ("thread_id", 0),
    ("thread_id", "7"),
    ("author_id", None),
    ("author_id", 2**63),
    ("body", None),
    ("body", b"bytes"),
    ("is_opening", 1),
    ("is_opening", None),
    ("community_wiki", "yes"),
    ("created_at", datetime(2026, 1, 5, 9, 0)),
    ("created_at", 0),
]


class PostContract(ContractBase):
    """Posts, revisions, comments: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize(("field", "value"), _BAD_NEW_POST)
    def test_new_post_refuses_bad_values_when_built(self, field: str, value: Any) -> None:
        # An adapter is never handed a NewPost that did not pass these checks.
        fields: dict[str, Any] = {
            "thread_id": 1,
            "author_id": 1,
            "body": "A body",
            "is_opening": False,
            "created_at": _at(0),
        }
        with pytest.raises(ValidationError) as raised:
            NewPost(**{**fields, field: value})
        assert raised.value.field == field

    def test_new_post_has_score_zero_and_round_trips(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            post = uow.posts.add(
                NewPost(
                    thread_id=thread.id,
                    author_id=member.id,
                    body=_UNICODE_BODY,
                    is_opening=True,
                    created_at=_at(2),
                )
            )
            uow.commit()
        assert post == Post(
            id=post.id,
            thread_id=thread.id,
            author_id=member.id,
            body=_UNICODE_BODY,
            score=0,
            is_opening=True,
            created_at=_at(2),
        )
        with storage.unit_of_work() as uow:
            assert uow.posts.get(post.id) == post

    def test_locate_returns_the_post_its_thread_and_its_space(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            post = uow.posts.add(
                NewPost(
                    thread_id=thread.id,
                    author_id=member.id,
                    body="located",
                    is_opening=True,
                    created_at=_at(2),
                )
            )
            uow.threads.set_opening_post(thread.id, post.id)
            uow.posts.add_score(post.id, 3)
            uow.posts.mark_deleted(post.id, by=member.id, at=_at(3))
            uow.threads.mark_deleted(thread.id, _at(3))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            expected = (
                uow.posts.get(post.id),
                uow.threads.get(thread.id),
                uow.spaces.get(space.id),
            )
            assert uow.posts.locate(post.id) == expected
            located = uow.posts.locate(post.id)
            assert located is not None and located[0].score == 3 and located[1].is_deleted
            assert uow.posts.locate(post.id + 10_000) is None

    def test_list_for_thread_puts_the_opening_post_first_then_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            early_reply = _add_post(uow, thread.id, member.id)
            opening = _add_post(uow, thread.id, member.id, is_opening=True)
            uow.threads.set_opening_post(thread.id, opening.id)
            reply = _add_post(uow, thread.id, member.id)
            elsewhere = _add_thread(uow, space.id, member.id)
            _add_post(uow, elsewhere.id, member.id, is_opening=True)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.posts.list_for_thread(thread.id) == [opening, early_reply, reply]

    def test_deleted_posts_are_listed_only_on_request_and_still_found_by_get(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, opening = _add_topic(uow, space.id, member.id)
            gone = _add_post(uow, thread.id, member.id)
            kept = _add_post(uow, thread.id, member.id)
            uow.posts.mark_deleted(gone.id, by=member.id, at=_at(5))
            uow.commit()
        deleted = attrs.evolve(gone, deleted_at=_at(5), deleted_by=member.id)
        with storage.unit_of_work() as uow:
            assert uow.posts.get(gone.id) == deleted
            assert uow.posts.list_for_thread(thread.id) == [opening, kept]
            assert uow.posts.list_for_thread(thread.id, include_deleted=True) == [
                opening,
                deleted,
                kept,
            ]

    def test_update_body_sets_body_and_edited_at(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.update_body(graph.reply.id, body="Better answer", edited_at=_at(8))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
        assert loaded == attrs.evolve(graph.reply, body="Better answer", edited_at=_at(8))

    def test_add_score_adds_positive_and_negative_deltas(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert uow.posts.add_score(graph.reply.id, 3) == 3
            assert uow.posts.add_score(graph.reply.id, -5) == -2
            assert uow.posts.add_score(987654321, 1) is None
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
            # The returned score counts what other units committed before.
            assert uow.posts.add_score(graph.reply.id, 10) == 8
        assert loaded is not None and loaded.score == -2

    def test_mark_deleted_is_a_compare_and_set(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert uow.posts.mark_deleted(graph.reply.id, by=graph.voter.id, at=_at(8)) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            # A second deletion (the loser of a race) changes nothing: not the time, not
            # who deleted it.
            assert uow.posts.mark_deleted(graph.reply.id, by=graph.author.id, at=_at(9)) is False
            assert uow.posts.mark_deleted(987654321, by=graph.author.id, at=_at(9)) is False
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
        assert loaded == attrs.evolve(graph.reply, deleted_at=_at(8), deleted_by=graph.voter.id)

    def test_add_score_leaves_a_deleted_post_alone(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert uow.posts.add_score(graph.reply.id, 2) == 2
            uow.posts.mark_deleted(graph.reply.id, by=graph.voter.id, at=_at(8))
            assert uow.posts.add_score(graph.reply.id, 10) is None
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
        assert loaded is not None and loaded.score == 2

    def test_lock_returns_the_post_as_committed(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.mark_deleted(graph.reply.id, by=graph.voter.id, at=_at(8))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.posts.lock(graph.reply.id) == attrs.evolve(
                graph.reply, deleted_at=_at(8), deleted_by=graph.voter.id
            )
            assert uow.posts.lock(graph.opening.id) == uow.posts.get(graph.opening.id)
            assert uow.posts.lock(987654321) is None

    def test_revisions_come_oldest_first_and_round_trip(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            second = uow.posts.add_revision(
                post_id=graph.opening.id,
                editor_id=graph.voter.id,
                edited_at=_at(10),
                previous_body="second draft",
                previous_title=None,
            )
            on_reply = uow.posts.add_revision(
                post_id=graph.reply.id,
                editor_id=graph.voter.id,
                edited_at=_at(11),
                previous_body="reply draft",
                previous_title=None,
            )
            uow.commit()
        assert second == Revision(
            id=second.id,
            post_id=graph.opening.id,
            editor_id=graph.voter.id,
            edited_at=_at(10),
            previous_body="second draft",
            previous_title=None,
        )
        with storage.unit_of_work() as uow:
            first, latest = uow.posts.revisions(graph.opening.id)
            assert uow.posts.revisions(graph.reply.id) == [on_reply]
            assert uow.posts.revisions(987654) == []
        assert (first.previous_body, first.previous_title) == ("first draft", "First title")
        assert latest == second

    def test_comments_come_oldest_first_and_round_trip(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            later = uow.posts.add_comment(
                post_id=graph.opening.id,
                author_id=graph.author.id,
                body="Thanks!",
                created_at=_at(12),
            )
            uow.commit()
        assert later == Comment(
            id=later.id,
            post_id=graph.opening.id,
            author_id=graph.author.id,
            body="Thanks!",
            created_at=_at(12),
        )
        with storage.unit_of_work() as uow:
            first, second = uow.posts.comments(graph.opening.id)
            assert uow.posts.comments(graph.reply.id) == []
        assert (first.body, first.created_at) == ("Nice", _at(4))
        assert second == later

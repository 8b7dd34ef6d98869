"""Contract tests for the review queue and the author's recent posts (duplicate detection)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from socialcrm.capabilities.review.records import NewReviewItem, ReviewDecision, ReviewItem
from socialcrm.errors import NotFound, ValidationError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    T0,
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_thread,
    _assert_utc,
    _at,
)


def _new_item(author_id: int, space_id: int, **changes: Any) -> NewReviewItem:
    values: dict[str, Any] = {
        "kind": "held",
        "reason": "watched_words",
        "reasons": ["body contains the watched word 'refund'"],
        "rules": ["watched_words"],
        "author_id": author_id,
        "space_id": space_id,
        "thread_id": None,
        "post_id": None,
        "thread_kind": "question",
        "title": "A held question",
        "body": _UNICODE_BODY,
        "tags": ["billing", "refunds"],
        "community_wiki": False,
        "created_at": T0,
    }
    values.update(changes)
    return NewReviewItem(**values)


def _add_item(uow: UnitOfWork, author_id: int, space_id: int, **changes: Any) -> ReviewItem:
    return uow.review.add(_new_item(author_id, space_id, **changes))


class ReviewContract(ContractBase):
    """The review queue: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_review_item_round_trips(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            added = _add_item(uow, member.id, space.id, created_at=_at(3), community_wiki=True)
            uow.commit()
        assert type(added) is ReviewItem and added.id >= 1 and added.status == "pending"
        with storage.unit_of_work() as uow:
            stored = uow.review.get(added.id)
            assert uow.review.get(987654) is None
        assert stored == added
        assert stored.tags == ("billing", "refunds") and stored.body == _UNICODE_BODY
        assert stored.reasons == ("body contains the watched word 'refund'",)
        assert stored.community_wiki is True and stored.decided_at is None
        _assert_utc(stored.created_at)
        assert stored.created_at == _at(3)

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("kind", {"kind": "nonsense"}),
            ("reason", {"reason": ""}),
            ("reason", {"reason": "x" * 65}),
            ("reason", {"reason": None}),
            ("created_at", {"created_at": T0.replace(tzinfo=None)}),
            ("reasons", {"reasons": "one string, not a list"}),
            ("rules", {"rules": None}),
            ("tags", {"tags": ["billing", 7]}),
        ],
    )
    def test_bad_review_items_are_refused_when_made_so_nothing_is_written(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            uow.commit()
        with pytest.raises(ValidationError) as raised:
            _new_item(member.id, space.id, **changes)
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            assert uow.review.count_pending(space_ids=[space.id]) == 0

    def test_a_new_review_item_keeps_its_lists_as_tuples(self, storage: Storage) -> None:
        made = _new_item(1, 2, reasons=iter(["a", "b"]), rules=[], tags={"x": 1}, community_wiki=1)
        assert (made.reasons, made.rules, made.tags, made.community_wiki) == (
            ("a", "b"),
            (),
            ("x",),
            True,
        )
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            added = uow.review.add(attrs.evolve(made, author_id=member.id, space_id=space.id))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.review.get(added.id) == added
        assert (added.reasons, added.rules, added.tags, added.community_wiki) == (
            ("a", "b"),
            (),
            ("x",),
            True,
        )

    def test_pending_lists_oldest_first_filtered_by_space_reason_and_kind(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, a, b = _add_member(uow), _add_space(uow), _add_space(uow)
            late = _add_item(uow, member.id, a.id, created_at=_at(5))
            early = _add_item(uow, member.id, a.id, created_at=_at(1))
            tie = _add_item(uow, member.id, a.id, created_at=_at(1), reason="premoderation")
            flag = _add_item(uow, member.id, a.id, created_at=_at(2), kind="flag", post_id=7)
            other = _add_item(uow, member.id, b.id, created_at=_at(0))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.review.pending(space_ids=[a.id], limit=10)
            assert [i.id for i in listed] == [early.id, tie.id, flag.id, late.id]
            assert [i.id for i in uow.review.pending(space_ids=[a.id], limit=2, offset=1)] == [
                tie.id,
                flag.id,
            ]
            assert [
                i.id for i in uow.review.pending(space_ids=[a.id], reason="premoderation", limit=9)
            ] == [tie.id]
            assert [i.id for i in uow.review.pending(space_ids=[a.id], kind="flag", limit=9)] == [
                flag.id
            ]
            both = uow.review.pending(space_ids=[a.id, b.id], limit=9)
            assert [i.id for i in both][0] == other.id
            assert uow.review.pending(space_ids=[], limit=9) == []
            assert uow.review.count_pending(space_ids=[a.id]) == 4
            assert uow.review.count_pending(space_ids=[a.id], kind="held") == 3
            assert uow.review.count_pending(space_ids=[]) == 0

    def test_decide_is_a_compare_and_set_and_leaves_the_queue(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator, space = _add_member(uow), _add_member(uow), _add_space(uow)
            item = _add_item(uow, member.id, space.id)
            kept = _add_item(uow, member.id, space.id, created_at=_at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            approval = ReviewDecision(
                status="approved",
                at=_at(10),
                by=moderator.id,
                note="fine",
                post_id=42,
                body="edited body",
                title="Edited title",
            )
            assert uow.review.decide(item.id, approval)
            rejection = ReviewDecision(status="rejected", at=_at(11), by=moderator.id)
            assert not uow.review.decide(item.id, rejection)
            with pytest.raises(NotFound):
                uow.review.decide(987654, rejection)
            uow.commit()
        with storage.unit_of_work() as uow:
            decided = uow.review.get(item.id)
            assert decided is not None
            assert (decided.status, decided.decided_by, decided.note) == (
                "approved",
                moderator.id,
                "fine",
            )
            assert (decided.post_id, decided.body, decided.title) == (
                42,
                "edited body",
                "Edited title",
            )
            assert decided.decided_at == _at(10)
            _assert_utc(decided.decided_at)
            assert [i.id for i in uow.review.pending(space_ids=[space.id], limit=9)] == [kept.id]
            assert uow.review.count_by_author(member.id, kind="held", status="approved") == 1
            assert uow.review.count_by_author(member.id, kind="held", status="pending") == 1
            assert [i.id for i in uow.review.by_author(member.id, limit=9)] == [item.id, kept.id]
            assert [i.id for i in uow.review.by_author(member.id, status="pending", limit=9)] == [
                kept.id
            ]

    def test_a_rolled_back_item_is_gone(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            _add_item(uow, member.id, space.id)
        with storage.unit_of_work() as uow:
            assert uow.review.count_pending(space_ids=[space.id]) == 0

    def test_recent_by_author_is_newest_first_and_leaves_out_deleted_posts(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            author, other, space = _add_member(uow), _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, author.id)
            gone_thread = _add_thread(uow, space.id, author.id)
            old = _add_post(uow, thread.id, author.id, created_at=_at(1))
            new = _add_post(uow, thread.id, author.id, created_at=_at(5))
            same_time = _add_post(uow, thread.id, author.id, created_at=_at(5))
            deleted = _add_post(uow, thread.id, author.id, created_at=_at(6))
            in_gone = _add_post(uow, gone_thread.id, author.id, created_at=_at(6))
            _add_post(uow, thread.id, other.id, created_at=_at(6))
            uow.posts.mark_deleted(deleted.id, by=author.id, at=_at(7))
            uow.threads.mark_deleted(gone_thread.id, _at(7))
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.posts.recent_by_author(author.id, since=_at(1), limit=10)
            assert [p.id for p in found] == [same_time.id, new.id, old.id]
            assert in_gone.id not in {p.id for p in found}
            assert [p.id for p in uow.posts.recent_by_author(author.id, since=_at(2), limit=1)] == [
                same_time.id
            ]
            assert uow.posts.recent_by_author(author.id, since=_at(8), limit=10) == []

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("status", {"status": "pending"}),
            ("status", {"status": "maybe"}),
            ("at", {"at": datetime(2026, 1, 5, 9, 0)}),
            ("at", {"at": None}),
            ("by", {"by": 0}),
            ("by", {"by": None}),
            ("post_id", {"post_id": "42"}),
            ("note", {"note": None}),
            ("body", {"body": 3}),
            ("title", {"title": b"title"}),
        ],
    )
    def test_bad_review_decisions_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # ReviewDecision checks itself: no adapter can be handed a bad decision.
        good: dict[str, Any] = {"status": "rejected", "at": _at(10), "by": 1}
        with pytest.raises(ValidationError) as raised:
            ReviewDecision(**{**good, **changes})
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            item = _add_item(uow, member.id, space.id)
            assert uow.review.decide(item.id, ReviewDecision(**{**good, "by": member.id}))

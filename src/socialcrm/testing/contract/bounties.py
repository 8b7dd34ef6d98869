"""Contract tests for bounties: one open per thread, closing by compare-and-set, the due list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from socialcrm.capabilities.bounties.records import Bounty, BountyClosing
from socialcrm.errors import Conflict, NotFound, ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
)


class BountyContract(ContractBase):
    """Bounties: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_one_open_bounty_per_thread_and_the_unit_stays_usable(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            space = _add_space(uow).id
            thread, _ = _add_topic(uow, space, member.id)
            other, _ = _add_topic(uow, space, member.id)
            first = uow.bounties.open(
                thread_id=thread.id, offered_by=member.id, amount=50, started_at=_at(0),
                ends_at=_at(60),
            )  # fmt: skip
            with pytest.raises(Conflict) as raised:
                uow.bounties.open(
                    thread_id=thread.id, offered_by=member.id, amount=100, started_at=_at(1),
                    ends_at=_at(61),
                )  # fmt: skip
            assert raised.value.code == "bounty_already_open"
            elsewhere = uow.bounties.open(
                thread_id=other.id, offered_by=member.id, amount=75, started_at=_at(2),
                ends_at=_at(30),
            )  # fmt: skip
            uow.commit()
        assert first == Bounty(
            id=first.id, thread_id=thread.id, offered_by=member.id, amount=50,
            started_at=_at(0), ends_at=_at(60),
        )  # fmt: skip
        with storage.unit_of_work() as uow:
            assert uow.bounties.get(first.id) == first
            assert uow.bounties.get(10**9) is None
            assert uow.bounties.open_for_thread(thread.id) == first
            assert uow.bounties.for_thread(thread.id) == [first]
            assert uow.bounties.for_thread(other.id) == [elsewhere]
            _assert_utc(uow.bounties.get(first.id).ends_at)  # type: ignore[union-attr]

    def test_closing_is_a_compare_and_set_that_frees_the_thread(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            asker, answerer = _add_member(uow), _add_member(uow)
            thread, _ = _add_topic(uow, _add_space(uow).id, asker.id)
            answer = _add_post(uow, thread.id, answerer.id)
            bounty = uow.bounties.open(
                thread_id=thread.id, offered_by=asker.id, amount=100, started_at=_at(0),
                ends_at=_at(60),
            )  # fmt: skip
            award = BountyClosing(
                status="awarded", closed_at=_at(10), closed_by=asker.id, answer_id=answer.id,
                awarded_to=answerer.id, awarded_amount=100,
            )  # fmt: skip
            assert uow.bounties.close(bounty.id, award)
            lost = BountyClosing(status="lost", closed_at=_at(11), closed_by=None)
            assert not uow.bounties.close(bounty.id, lost)
            with pytest.raises(NotFound) as raised:
                uow.bounties.close(10**9, lost)
            assert raised.value.code == "bounty_not_found"
            again = uow.bounties.open(
                thread_id=thread.id, offered_by=asker.id, amount=50, started_at=_at(12),
                ends_at=_at(70),
            )  # fmt: skip
            uow.commit()
        with storage.unit_of_work() as uow:
            closed = uow.bounties.get(bounty.id)
            assert closed is not None
            assert (closed.status, closed.answer_id, closed.awarded_to, closed.awarded_amount) == (
                "awarded", answer.id, answerer.id, 100,
            )  # fmt: skip
            assert (closed.closed_at, closed.closed_by) == (_at(10), asker.id)
            assert uow.bounties.open_for_thread(thread.id) == again
            assert [b.id for b in uow.bounties.for_thread(thread.id)] == [bounty.id, again.id]

    def test_due_lists_open_bounties_ended_by_then_earliest_first(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            space = _add_space(uow).id
            made = []
            for ends in (50, 20, 20, 90):
                thread, _ = _add_topic(uow, space, member.id)
                made.append(
                    uow.bounties.open(
                        thread_id=thread.id,
                        offered_by=member.id,
                        amount=50,
                        started_at=_at(0),
                        ends_at=_at(ends),
                    )  # fmt: skip
                )
            uow.bounties.close(
                made[2].id, BountyClosing(status="lost", closed_at=_at(21), closed_by=None)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [b.id for b in uow.bounties.due(_at(50), limit=10)] == [made[1].id, made[0].id]
            assert [b.id for b in uow.bounties.due(_at(50), limit=1)] == [made[1].id]
            assert uow.bounties.due(_at(19), limit=10) == []

    def test_bounties_roll_back_with_their_unit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            thread, _ = _add_topic(uow, _add_space(uow).id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.bounties.open(
                thread_id=thread.id, offered_by=member.id, amount=50, started_at=_at(0),
                ends_at=_at(60),
            )  # fmt: skip
        with storage.unit_of_work() as uow:
            assert uow.bounties.open_for_thread(thread.id) is None
            assert uow.bounties.for_thread(thread.id) == []

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("status", {"status": "open"}),
            ("status", {"status": None}),
            ("closed_at", {"closed_at": datetime(2026, 1, 5, 9, 0)}),
            ("closed_at", {"closed_at": "2026-01-05"}),
            ("closed_by", {"closed_by": 0}),
            ("answer_id", {"answer_id": "7"}),
            ("awarded_to", {"awarded_to": True}),
            ("awarded_amount", {"awarded_amount": -1}),
            ("awarded_amount", {"awarded_amount": 1.5}),
        ],
    )
    def test_bad_bounty_closings_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # BountyClosing checks itself: no adapter can be handed a bad closing.
        good: dict[str, Any] = {"status": "lost", "closed_at": _at(11), "closed_by": None}
        with pytest.raises(ValidationError) as raised:
            BountyClosing(**{**good, **changes})
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            thread, _ = _add_topic(uow, _add_space(uow).id, member.id)
            bounty = uow.bounties.open(
                thread_id=thread.id, offered_by=member.id, amount=50, started_at=_at(0),
                ends_at=_at(10),
            )  # fmt: skip
            assert uow.bounties.close(bounty.id, BountyClosing(**good))
            assert uow.bounties.get(bounty.id).status == "lost"  # type: ignore[union-attr]

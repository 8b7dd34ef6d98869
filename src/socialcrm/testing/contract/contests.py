"""Contract tests for contest storage: one contest per thread, deciding it once, due ones."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from socialcrm.capabilities.contests.records import Contest, ContestWinner, NewContest
from socialcrm.errors import Conflict, ValidationError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
)


def _new_contest(thread_id: int, created_by: int, *, voting_ends: int = 40) -> NewContest:
    """Submissions from minute 0 to 10, votes from 10 to ``voting_ends``, two winners."""
    return NewContest(
        thread_id=thread_id,
        submission_starts_at=_at(0),
        submission_ends_at=_at(10),
        voting_starts_at=_at(10),
        voting_ends_at=_at(voting_ends),
        winners=2,
        created_by=created_by,
        created_at=_at(0),
    )


#: Changes that make a :class:`NewContest` invalid, and the field each is refused for.
BAD_NEW_CONTESTS: list[tuple[dict[str, Any], str]] = [
    ({"thread_id": 0}, "thread_id"),
    ({"thread_id": "7"}, "thread_id"),
    ({"created_by": True}, "created_by"),
    ({"winners": 0}, "winners"),
    ({"winners": 2.0}, "winners"),
    ({"created_at": _at(0).replace(tzinfo=None)}, "created_at"),
    ({"voting_ends_at": None}, "voting_ends_at"),
    ({"submission_starts_at": _at(-1)}, "submission_starts_at"),
    ({"submission_ends_at": _at(0)}, "voting_ends_at"),
    ({"voting_starts_at": _at(9)}, "voting_ends_at"),
    ({"voting_ends_at": _at(10)}, "voting_ends_at"),
]


class ContestContract(ContractBase):
    """Contests: part of :class:`~socialcrm.testing.StorageContract`."""

    def _contest(self, uow: UnitOfWork, *, voting_ends: int = 40) -> tuple[int, Contest]:
        author = _add_member(uow)
        thread, _ = _add_topic(uow, _add_space(uow).id, author.id, kind="discussion")
        contest = uow.contests.add(_new_contest(thread.id, author.id, voting_ends=voting_ends))
        return author.id, contest

    @pytest.mark.parametrize(("change", "field"), BAD_NEW_CONTESTS)
    def test_a_bad_new_contest_is_refused_when_built(
        self, change: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(_new_contest(1, 1), **change)
        assert raised.value.field == field

    def test_contest_round_trips_and_is_one_per_thread(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            _, contest = self._contest(uow)
            with pytest.raises(Conflict) as raised:
                uow.contests.add(
                    _new_contest(contest.thread_id, contest.created_by, voting_ends=20)
                )
            assert raised.value.code == "duplicate_contest"
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.get(contest.id) == contest
            assert uow.contests.for_thread(contest.thread_id) == contest
            assert uow.contests.get(987654) is None and uow.contests.for_thread(987654) is None
        _assert_utc(contest.voting_ends_at)
        assert contest.voting_open(_at(10)) and not contest.voting_open(_at(40))
        assert contest.accepts_entry_at(_at(0)) and not contest.accepts_entry_at(_at(10))

    def test_deciding_is_once_and_winners_are_kept_in_place_order(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, contest = self._contest(uow)
            first = _add_post(uow, contest.thread_id, author_id, created_at=_at(1))
            second = _add_post(uow, contest.thread_id, author_id, created_at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.mark_decided(contest.id, at=_at(41))
            assert not uow.contests.mark_decided(contest.id, at=_at(42))
            assert not uow.contests.mark_decided(987654, at=_at(42))
            winners = [
                ContestWinner(
                    contest_id=contest.id,
                    position=2,
                    post_id=second.id,
                    member_id=author_id,
                    score=1,
                ),
                ContestWinner(
                    contest_id=contest.id,
                    position=1,
                    post_id=first.id,
                    member_id=author_id,
                    score=3,
                ),
            ]
            uow.contests.add_winners(contest.id, winners)
            with pytest.raises(Conflict) as raised:
                uow.contests.add_winners(contest.id, winners[:1])
            assert raised.value.code == "duplicate_winner"
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.winners(contest.id) == [winners[1], winners[0]]
            decided = uow.contests.get(contest.id)
        assert decided is not None and decided.decided_at == _at(41)

    def test_due_lists_undecided_contests_whose_voting_ended(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            _, late = self._contest(uow, voting_ends=50)
            _, early = self._contest(uow, voting_ends=30)
            _, decided = self._contest(uow, voting_ends=20)
            _, running = self._contest(uow, voting_ends=90)
            uow.contests.mark_decided(decided.id, at=_at(25))
            uow.commit()
        with storage.unit_of_work() as uow:
            due = [c.id for c in uow.contests.due(_at(60), limit=100)]
            assert early.id in due and late.id in due
            assert due.index(early.id) < due.index(late.id)
            assert decided.id not in due and running.id not in due
            assert [c.id for c in uow.contests.due(_at(30), limit=100)].count(late.id) == 0

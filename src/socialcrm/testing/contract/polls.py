"""Contract tests for poll storage: polls, their options, ballots and tallies."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcrm.capabilities.polls.records import NewPoll, Poll
from socialcrm.errors import Conflict, ValidationError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
    _property_settings,
)


def _new_poll(thread_id: int, created_by: int, *, multiple: bool) -> NewPoll:
    """A poll with options ``a``, ``b`` and ``c``, open until closed by hand."""
    return NewPoll(
        thread_id=thread_id,
        question="Q?",
        options=("a", "b", "c"),
        multiple=multiple,
        hide_results=False,
        closes_at=None,
        created_by=created_by,
        created_at=_at(1),
    )


#: Changes that make a :class:`NewPoll` invalid, and the field each is refused for.
BAD_NEW_POLLS: list[tuple[dict[str, Any], str]] = [
    ({"thread_id": -3}, "thread_id"),
    ({"created_by": None}, "created_by"),
    ({"question": ""}, "question"),
    ({"question": " \u200b"}, "question"),
    ({"question": 42}, "question"),
    ({"options": "ab"}, "options"),
    ({"options": 3}, "options"),
    ({"options": ("only",)}, "options"),
    ({"options": ("a", "a")}, "options"),
    ({"options": ("a", "")}, "options"),
    ({"options": ("a", 2)}, "options"),
    ({"multiple": 1}, "multiple"),
    ({"hide_results": "no"}, "hide_results"),
    ({"created_at": _at(1).replace(tzinfo=None)}, "created_at"),
    ({"closes_at": _at(1)}, "closes_at"),
    ({"closes_at": "tomorrow"}, "closes_at"),
]


class PollContract(ContractBase):
    """Polls: part of :class:`~socialcrm.testing.StorageContract`."""

    def _poll_thread(self, uow: UnitOfWork) -> tuple[int, int]:
        author = _add_member(uow)
        thread, _ = _add_topic(uow, _add_space(uow).id, author.id, kind="discussion")
        return author.id, thread.id

    def _three_option_poll(self, uow: UnitOfWork) -> Poll:
        """A multiple-choice poll with options ``a``, ``b`` and ``c`` on a new thread."""
        author_id, thread_id = self._poll_thread(uow)
        return uow.polls.add(_new_poll(thread_id, author_id, multiple=True))

    @pytest.mark.parametrize(("change", "field"), BAD_NEW_POLLS)
    def test_a_bad_new_poll_is_refused_when_built(self, change: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(_new_poll(1, 1, multiple=False), **change)
        assert raised.value.field == field

    def test_new_poll_options_become_a_tuple(self) -> None:
        assert _new_poll(1, 1, multiple=False).options == ("a", "b", "c")
        assert attrs.evolve(_new_poll(1, 1, multiple=False), options=iter("xy")).options == (
            "x",
            "y",
        )

    def test_poll_round_trips_with_ordered_options(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            poll = uow.polls.add(
                NewPoll(
                    thread_id=thread_id,
                    question="Which release?",
                    options=["Spring", "Summer", "Autumn"],
                    multiple=True,
                    hide_results=True,
                    closes_at=_at(60),
                    created_by=author_id,
                    created_at=_at(1),
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.get(poll.id) == poll
            assert uow.polls.for_thread(thread_id) == poll
            assert uow.polls.get(987654) is None
            assert uow.polls.for_thread(987654) is None
        assert [o.label for o in poll.options] == ["Spring", "Summer", "Autumn"]
        assert [o.position for o in poll.options] == [0, 1, 2]
        assert len({o.id for o in poll.options}) == 3
        assert poll.multiple is True and poll.hide_results is True and poll.closed_at is None
        _assert_utc(poll.closes_at)

    def test_a_thread_carries_one_poll(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            new = _new_poll(thread_id, author_id, multiple=False)
            first = uow.polls.add(new)
            with pytest.raises(Conflict) as raised:
                uow.polls.add(new)
            assert raised.value.code == "duplicate_poll"
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.for_thread(thread_id) == first
            assert uow.polls.close(first.id, at=_at(5))
            assert not uow.polls.close(first.id, at=_at(6))
            assert not uow.polls.close(987654, at=_at(6))
            uow.commit()
        with storage.unit_of_work() as uow:
            closed = uow.polls.get(first.id)
        assert closed is not None and closed.closed_at == _at(5)

    def test_set_ballot_replaces_the_members_choice(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            poll = self._three_option_poll(uow)
            voter, other = _add_member(uow), _add_member(uow)
            a, b, c = (o.id for o in poll.options)
            uow.polls.set_ballot(poll.id, voter.id, [b, a], cast_at=_at(2))
            uow.polls.set_ballot(poll.id, other.id, [a], cast_at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.ballot(poll.id, voter.id) == tuple(sorted((a, b)))
            assert uow.polls.tallies(poll.id) == {a: 2, b: 1, c: 0}
            assert uow.polls.voters(poll.id) == 2
            uow.polls.set_ballot(poll.id, voter.id, [c], cast_at=_at(3))
            uow.polls.set_ballot(poll.id, other.id, [], cast_at=_at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.ballot(poll.id, voter.id) == (c,)
            assert uow.polls.ballot(poll.id, other.id) == ()
            assert uow.polls.tallies(poll.id) == {a: 0, b: 0, c: 1}
            assert uow.polls.voters(poll.id) == 1

    @_property_settings
    @given(
        ballots=st.lists(
            st.tuples(st.integers(0, 3), st.sets(st.integers(0, 2), max_size=3)), max_size=12
        )
    )
    def test_property_tallies_equal_the_last_ballots(
        self, storage: Storage, ballots: list[tuple[int, set[int]]]
    ) -> None:
        with storage.unit_of_work() as uow:
            poll = self._three_option_poll(uow)
            voters = [_add_member(uow).id for _ in range(4)]
            uow.commit()
        option_ids = [o.id for o in poll.options]
        last: dict[int, set[int]] = {}
        for voter_index, choice in ballots:
            chosen = {option_ids[i] for i in choice}
            with storage.unit_of_work() as uow:
                uow.polls.set_ballot(poll.id, voters[voter_index], chosen, cast_at=_at(2))
                uow.commit()
            last[voters[voter_index]] = chosen
        expected = {oid: sum(1 for c in last.values() if oid in c) for oid in option_ids}
        with storage.unit_of_work() as uow:
            assert uow.polls.tallies(poll.id) == expected
            assert uow.polls.voters(poll.id) == sum(1 for c in last.values() if c)
            for member_id, chosen in last.items():
                assert uow.polls.ballot(poll.id, member_id) == tuple(sorted(chosen))

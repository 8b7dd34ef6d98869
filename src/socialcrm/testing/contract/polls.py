"""Contract tests for poll storage: polls, their options, ballots and tallies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcrm.capabilities.polls.records import Poll
from socialcrm.errors import Conflict
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


class PollContract(ContractBase):
    """Polls: part of :class:`~socialcrm.testing.StorageContract`."""

    def _poll_thread(self, uow: UnitOfWork) -> tuple[int, int]:
        author = _add_member(uow)
        thread, _ = _add_topic(uow, _add_space(uow).id, author.id, kind="discussion")
        return author.id, thread.id

    def _three_option_poll(self, uow: UnitOfWork) -> Poll:
        """A multiple-choice poll with options ``a``, ``b`` and ``c`` on a new thread."""
        author_id, thread_id = self._poll_thread(uow)
        return uow.polls.add(
            thread_id=thread_id,
            question="Q?",
            options=("a", "b", "c"),
            multiple=True,
            hide_results=False,
            closes_at=None,
            created_by=author_id,
            created_at=_at(1),
        )

    def test_poll_round_trips_with_ordered_options(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            poll = uow.polls.add(
                thread_id=thread_id,
                question="Which release?",
                options=("Spring", "Summer", "Autumn"),
                multiple=True,
                hide_results=True,
                closes_at=_at(60),
                created_by=author_id,
                created_at=_at(1),
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
            kwargs = dict(
                thread_id=thread_id,
                question="Q?",
                options=("a", "b"),
                multiple=False,
                hide_results=False,
                closes_at=None,
                created_by=author_id,
                created_at=_at(1),
            )
            first = uow.polls.add(**kwargs)  # type: ignore[arg-type]
            with pytest.raises(Conflict) as raised:
                uow.polls.add(**kwargs)  # type: ignore[arg-type]
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

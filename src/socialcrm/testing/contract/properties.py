"""Contract tests for hypothesis property tests of the storage invariants."""

from __future__ import annotations

from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE, Member
from socialcrm.capabilities.outbox.records import OutboxMessage
from socialcrm.capabilities.reputation.records import LedgerWindow
from socialcrm.errors import Conflict
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_message,
    _add_space,
    _append,
    _at,
    _property_settings,
    _seed_graph,
)

#: Reputations and deltas: small ones, the rank index's bucket edges, and large ones.
_REPUTATIONS = st.one_of(
    st.integers(-70, 70),
    st.sampled_from([63, 64, 65, 4095, 4096, 4097, 262143, 262144, 262145, -64, -65, -4097]),
    st.integers(-(2**27), 2**27),
)


class PropertyContract(ContractBase):
    """Properties: part of :class:`~socialcrm.testing.StorageContract`."""

    @_property_settings
    @given(deltas=st.lists(st.integers(-20, 20), max_size=8))
    def test_score_is_the_sum_of_its_add_score_deltas(
        self, storage: Storage, deltas: list[int]
    ) -> None:
        graph = self._seed(storage)
        for delta in deltas:
            with storage.unit_of_work() as uow:
                uow.posts.add_score(graph.reply.id, delta)
                uow.commit()
        with storage.unit_of_work() as uow:
            reply = uow.posts.get(graph.reply.id)
        assert reply is not None and reply.score == sum(deltas)

    @_property_settings
    @given(
        start=st.integers(-100, 100),
        committed=st.lists(st.integers(-50, 50), max_size=6),
        abandoned=st.lists(st.integers(-50, 50), min_size=1, max_size=6),
    )
    def test_rolled_back_increments_leave_the_committed_counters(
        self, storage: Storage, start: int, committed: list[int], abandoned: list[int]
    ) -> None:
        with storage.unit_of_work() as uow:
            graph = _seed_graph(uow)
            uow.members.set_reputation(graph.author.id, start)
            uow.commit()
        for deltas, keep in ((committed, True), (abandoned, False)):
            with storage.unit_of_work() as uow:
                for delta in deltas:
                    uow.members.add_reputation(graph.author.id, delta)
                    uow.posts.add_score(graph.reply.id, delta)
                    uow.threads.record_reply(graph.thread.id, delta=delta, at=None)
                if keep:
                    uow.commit()
        with storage.unit_of_work() as uow:
            member = uow.members.get(graph.author.id)
            reply = uow.posts.get(graph.reply.id)
            thread = uow.threads.get(graph.thread.id)
        assert member is not None and reply is not None and thread is not None
        assert member.reputation == start + sum(committed)
        assert reply.score == sum(committed)
        assert thread.reply_count == graph.thread.reply_count + sum(committed)

    @_property_settings
    @given(attempts=st.lists(st.tuples(st.integers(0, 3), st.sampled_from([1, -1])), max_size=10))
    def test_one_vote_per_member_per_post(
        self, storage: Storage, attempts: list[tuple[int, int]]
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            voters = [_add_member(uow) for _ in range(4)]
            uow.commit()
        first_value: dict[int, int] = {}
        for index, value in attempts:
            with storage.unit_of_work() as uow:
                if index in first_value:
                    with pytest.raises(Conflict):
                        uow.votes.add(
                            post_id=graph.reply.id,
                            member_id=voters[index].id,
                            value=value,
                            cast_at=T0,
                        )
                else:
                    uow.votes.add(
                        post_id=graph.reply.id, member_id=voters[index].id, value=value, cast_at=T0
                    )
                    first_value[index] = value
                uow.commit()
        with storage.unit_of_work() as uow:
            votes = uow.votes.for_post(graph.reply.id)
        expected = sorted((voters[i].id, v) for i, v in first_value.items())
        assert sorted((v.member_id, v.value) for v in votes) == expected
        assert [v.id for v in votes] == sorted(v.id for v in votes)

    @_property_settings
    @given(reputations=st.lists(st.integers(-5, 5), min_size=1, max_size=6))
    def test_top_agrees_with_reputations_sorted_by_reputation_then_id(
        self, storage: Storage, reputations: list[int]
    ) -> None:
        with storage.unit_of_work() as uow:
            for reputation in reputations:
                _add_member(uow, reputation=reputation)
            uow.commit()
        with storage.unit_of_work() as uow:
            everyone = uow.members.reputations()
            # cast: in ports.py the method ``MemberRepository.list`` shadows the builtin
            # in ``top``'s annotation, which mypy then refuses to iterate.
            top = cast("list[Member]", uow.members.top(limit=len(everyone)))
            above = uow.members.count_above(reputations[0])
        expected = sorted(everyone.items(), key=lambda item: (-item[1], item[0]))
        assert [(m.id, m.reputation) for m in top] == expected
        assert above == sum(1 for r in everyone.values() if r > reputations[0])

    @_property_settings
    @given(
        units=st.lists(
            st.tuples(
                st.lists(
                    st.tuples(
                        st.sampled_from(
                            ["join", "join_placeholder", "add", "set", "lock", "roles"]
                        ),
                        st.integers(0, 3),  # which member (of those joined so far)
                        _REPUTATIONS,  # the new member's or the set total, or the delta
                    ),
                    min_size=1,
                    max_size=5,
                ),
                st.booleans(),  # commit, or leave the unit uncommitted
                st.booleans(),  # ask count_above inside the unit, before it ends
            ),
            max_size=5,
        ),
        probes=st.lists(_REPUTATIONS, min_size=1, max_size=4),
    )
    def test_count_above_agrees_with_the_totals_after_any_changes(
        self,
        storage: Storage,
        units: list[tuple[list[tuple[str, int, int]], bool, bool]],
        probes: list[int],
    ) -> None:
        joined: list[int] = []

        def ranked(uow: UnitOfWork) -> list[int]:
            """Every total but placeholders' (which are never ranked), from the records."""
            everyone = uow.members.get_many(list(uow.members.reputations()))
            return [m.reputation for m in everyone.values() if not m.is_placeholder]

        for operations, keep, ask_inside in units:
            with storage.unit_of_work() as uow:
                added: list[int] = []
                for operation, which, value in operations:
                    members = joined + added
                    if operation.startswith("join") or not members:
                        roles = {"member"}
                        if operation == "join_placeholder":
                            roles.add(PLACEHOLDER_ROLE)
                        added.append(_add_member(uow, reputation=value, roles=frozenset(roles)).id)
                        continue
                    member_id = members[which % len(members)]
                    if operation == "add":
                        uow.members.add_reputation(member_id, value // 4)
                    elif operation == "set":
                        uow.members.set_reputation(member_id, value)
                    elif operation == "roles":  # the port may take or give the role
                        member = uow.members.get(member_id)
                        assert member is not None
                        uow.members.set_roles(member_id, member.roles ^ {PLACEHOLDER_ROLE})
                    else:
                        uow.members.lock(member_id)
                if ask_inside:
                    everyone = ranked(uow)
                    for probe in probes:
                        expected = sum(1 for r in everyone if r > probe)
                        assert uow.members.count_above(probe) == expected
                if keep:
                    uow.commit()
                    joined += added
        with storage.unit_of_work(read_only=True) as uow:
            everyone = ranked(uow)
            for probe in [*probes, *everyone]:
                expected = sum(1 for r in everyone if r > probe)
                assert uow.members.count_above(probe) == expected

    @_property_settings
    @given(
        rows=st.lists(
            st.tuples(
                st.integers(0, 2),  # member
                st.integers(-5, 10),  # delta
                st.integers(0, 9),  # minute
                st.integers(0, 2),  # space: first, second, none
            ),
            max_size=12,
        ),
        since=st.none() | st.integers(0, 9),
        until=st.none() | st.integers(0, 10),
        in_spaces=st.sampled_from([(0,), (1,), (0, 1)]),
    )
    def test_gains_agree_with_a_plain_sum(
        self,
        storage: Storage,
        rows: list[tuple[int, int, int, int]],
        since: int | None,
        until: int | None,
        in_spaces: tuple[int, ...],
    ) -> None:
        # Filtering by this example's own spaces keeps other examples' rows out.
        with storage.unit_of_work() as uow:
            members = [_add_member(uow).id for _ in range(3)]
            chosen = [_add_space(uow).id, _add_space(uow).id]
            spaces: list[int | None] = [*chosen, None]
            for member, delta, minute, space in rows:
                _append(uow, members[member], delta, at=_at(minute), space_id=spaces[space])
            uow.commit()
        sums: dict[int, int] = {}
        for member, delta, minute, space in rows:
            if space in in_spaces and (since is None or since <= minute):
                if until is None or minute < until:
                    sums[members[member]] = sums.get(members[member], 0) + delta
        expected = sorted(
            ((m, total) for m, total in sums.items() if total > 0),
            key=lambda item: (-item[1], item[0]),
        )
        with storage.unit_of_work() as uow:
            gains = uow.ledger.gains(
                LedgerWindow(
                    since=None if since is None else _at(since),
                    until=None if until is None else _at(until),
                    space_ids=[chosen[i] for i in in_spaces],
                ),
                limit=10,
            )
        assert gains == expected

    @_property_settings
    @given(units=st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=8))
    def test_outbox_pending_is_every_committed_message_in_order(
        self, storage: Storage, units: list[tuple[int, bool]]
    ) -> None:
        # Deliver what earlier examples left, so only this example's messages are pending.
        with storage.unit_of_work() as uow:
            while leftovers := uow.outbox.pending(limit=100):
                uow.outbox.mark_delivered([m.id for m in leftovers], T0)
            uow.commit()
        committed: list[OutboxMessage] = []
        for count, keep in units:
            with storage.unit_of_work() as uow:
                added = [_add_message(uow) for _ in range(count)]
                if keep:
                    uow.commit()
                    committed.extend(added)
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=100) == committed
            assert uow.outbox.count_pending() == len(committed)

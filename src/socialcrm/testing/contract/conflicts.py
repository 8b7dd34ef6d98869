"""Contract tests for uniqueness conflicts and how a unit of work survives them."""

from __future__ import annotations

import pytest

from socialcrm.capabilities.members.records import NewMember, Profile
from socialcrm.errors import Conflict
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_space,
    _at,
    _new_space,
)


class ConflictContract(ContractBase):
    """Conflicts: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_duplicate_external_id_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            first = _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.members.add(
                    NewMember(
                        external_id=first.external_id,
                        display_name="Impostor",
                        profile=Profile(),
                        roles=frozenset(),
                        reputation=0,
                        joined_at=T0,
                    )
                )
            assert raised.value.code == "duplicate_external_id"
            other = _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_by_external_id(first.external_id) == first
            assert uow.members.get(other.id) == other

    def test_duplicate_slug_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            first = _add_space(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.spaces.add(_new_space(first.slug))
            assert raised.value.code == "duplicate_slug"
            other = _add_space(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.list() == [first, other]

    def test_duplicate_vote_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.votes.add(
                    post_id=graph.opening.id, member_id=graph.voter.id, value=-1, cast_at=_at(9)
                )
            assert raised.value.code == "duplicate_vote"
            other = uow.votes.add(
                post_id=graph.reply.id, member_id=graph.author.id, value=1, cast_at=_at(9)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.opening.id, graph.voter.id) == graph.vote
            assert uow.votes.for_post(graph.reply.id) == [other]

    def test_conflict_keeps_the_earlier_writes_of_the_unit(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            newcomer = _add_member(uow)
            uow.members.add_reputation(graph.author.id, 5)
            with pytest.raises(Conflict):
                uow.votes.add(
                    post_id=graph.opening.id, member_id=graph.voter.id, value=1, cast_at=_at(50)
                )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get(newcomer.id) == newcomer
            assert uow.members.reputations()[graph.author.id] == 15

    def test_duplicate_inside_one_uncommitted_unit_raises_at_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = _add_member(uow)
            with pytest.raises(Conflict) as raised:
                uow.members.add(
                    NewMember(
                        external_id=first.external_id,
                        display_name="Twin",
                        profile=Profile(),
                        roles=frozenset(),
                        reputation=0,
                        joined_at=T0,
                    )
                )
            assert raised.value.code == "duplicate_external_id"
            assert uow.members.get(first.id) == first

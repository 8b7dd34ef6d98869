"""Contract tests for units of work: commit, rollback, on-commit callbacks and read-only units."""

from __future__ import annotations

import attrs
import pytest

from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _WRITES,
    ContractBase,
    _add_member,
    _append,
    _Boom,
)


class UnitOfWorkContract(ContractBase):
    """Units of work: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_committed_write_is_visible_in_a_new_unit(self, storage: Storage, write: str) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            _WRITES[write](uow, graph)
            uow.commit()
        assert self._snapshot(storage, graph) != before

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_write_left_uncommitted_is_rolled_back(self, storage: Storage, write: str) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            _WRITES[write](uow, graph)
        assert self._snapshot(storage, graph) == before

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_exception_inside_the_block_rolls_back_the_write(
        self, storage: Storage, write: str
    ) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with pytest.raises(_Boom):
            with storage.unit_of_work() as uow:
                _WRITES[write](uow, graph)
                raise _Boom
        assert self._snapshot(storage, graph) == before

    def test_explicit_rollback_discards_every_write_of_the_unit(self, storage: Storage) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            for write in _WRITES.values():
                write(uow, graph)
            uow.rollback()
        assert self._snapshot(storage, graph) == before

    def test_a_unit_reads_its_own_uncommitted_writes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=3)
            uow.members.add_reputation(member.id, 4)
            entry = _append(uow, member.id, 4, cause="post:1:vote:1")
            assert uow.members.get(member.id) == attrs.evolve(member, reputation=7)
            assert uow.ledger.active_for_causes(causes=["post:1:vote:1"]) == [entry]

    def test_many_writes_commit_together(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.members.add_reputation(graph.author.id, 5)
            uow.posts.add_score(graph.opening.id, 2)
            entry = _append(uow, graph.author.id, 5)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations()[graph.author.id] == 15
            opening = uow.posts.get(graph.opening.id)
            assert opening is not None and opening.score == 3
            assert uow.ledger.history(graph.author.id, limit=1) == [entry]

    def test_on_commit_callbacks_run_once_after_the_unit_ends(self, storage: Storage) -> None:
        calls: list[str] = []
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
            uow.on_commit(lambda: calls.append("after"))
            assert calls == []
        assert calls == ["after"]
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.members.get(member.id) == member

    def test_read_only_units_read_committed_data(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.members.get(member.id) == member

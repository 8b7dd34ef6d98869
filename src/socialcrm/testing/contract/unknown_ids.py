"""Contract tests for lookups of ids that do not exist, and the records returned."""

from __future__ import annotations

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.reputation.records import LedgerEntry
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import Comment, Post, Revision, Thread
from socialcrm.capabilities.votes.records import Vote
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
)


class UnknownIdContract(ContractBase):
    """Unknown ids: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_get_methods_return_none_for_unknown_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.members.get(987654) is None
            assert uow.members.get_by_external_id("nobody") is None
            assert uow.members.lock(987654) is None
            assert uow.spaces.get(987654) is None
            assert uow.spaces.get_by_slug("nowhere") is None
            assert uow.threads.get(987654) is None
            assert uow.posts.get(987654) is None
            assert uow.votes.get(987654, 987654) is None

    def test_get_many_returns_only_members_that_exist(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            one, two = _add_member(uow), _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_many([one.id, two.id, 987654]) == {one.id: one, two.id: two}
            assert uow.members.get_many([]) == {}

    def test_records_are_the_frozen_domain_records(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert type(uow.members.get(graph.author.id)) is Member
            assert type(uow.spaces.get(graph.space.id)) is Space
            assert type(uow.threads.get(graph.thread.id)) is Thread
            assert type(uow.posts.get(graph.opening.id)) is Post
            assert type(uow.votes.get(graph.opening.id, graph.voter.id)) is Vote
            assert type(uow.posts.revisions(graph.opening.id)[0]) is Revision
            assert type(uow.posts.comments(graph.opening.id)[0]) is Comment
            assert type(uow.ledger.history(graph.author.id, limit=1)[0]) is LedgerEntry

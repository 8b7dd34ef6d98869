"""Contract tests for the timezone and precision of every stored datetime."""

from __future__ import annotations

from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _assert_utc,
    _at,
)


class DatetimeContract(ContractBase):
    """Datetimes: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_datetimes_come_back_utc_aware_and_equal_to_what_was_stored(
        self, storage: Storage
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.update_body(graph.reply.id, body="Edited", edited_at=_at(40))
            uow.posts.mark_deleted(graph.reply.id, by=graph.author.id, at=_at(41))
            uow.threads.mark_deleted(graph.thread.id, _at(42))
            uow.commit()
        with storage.unit_of_work() as uow:
            member = uow.members.get(graph.author.id)
            space = uow.spaces.get(graph.space.id)
            thread = uow.threads.get(graph.thread.id)
            reply = uow.posts.get(graph.reply.id)
            vote = uow.votes.get(graph.opening.id, graph.voter.id)
            (revision,) = uow.posts.revisions(graph.opening.id)
            (comment,) = uow.posts.comments(graph.opening.id)
            (entry,) = uow.ledger.history(graph.author.id, limit=10)
        assert member is not None and space is not None and thread is not None
        assert reply is not None and vote is not None
        stored_and_expected = [
            (member.joined_at, T0),
            (space.created_at, T0),
            (thread.created_at, T0),
            (thread.last_activity_at, _at(1)),
            (thread.deleted_at, _at(42)),
            (reply.created_at, _at(1)),
            (reply.edited_at, _at(40)),
            (reply.deleted_at, _at(41)),
            (vote.cast_at, _at(2)),
            (revision.edited_at, _at(3)),
            (comment.created_at, _at(4)),
            (entry.at, _at(2)),
        ]
        for stored, expected in stored_and_expected:
            _assert_utc(stored)
            assert stored == expected

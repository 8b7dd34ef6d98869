"""Contract tests for the votes repository."""

from __future__ import annotations

import attrs

from socialcrm.capabilities.votes.records import Vote
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _at,
)


class VoteContract(ContractBase):
    """Votes: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_vote_round_trips_and_is_found_by_post_and_member(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            vote = uow.votes.add(
                post_id=graph.reply.id, member_id=graph.author.id, value=-1, cast_at=_at(6)
            )
            uow.commit()
        assert vote == Vote(
            id=vote.id, post_id=graph.reply.id, member_id=graph.author.id, value=-1, cast_at=_at(6)
        )
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.reply.id, graph.author.id) == vote
            assert uow.votes.get(graph.reply.id, graph.voter.id) is None

    def test_change_updates_value_and_cast_at(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.votes.change(graph.vote.id, value=-1, cast_at=_at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.votes.get(graph.opening.id, graph.voter.id)
        assert loaded == attrs.evolve(graph.vote, value=-1, cast_at=_at(20))

    def test_removed_vote_is_gone_and_the_member_may_vote_again(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.votes.remove(graph.vote.id, value=graph.vote.value)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.opening.id, graph.voter.id) is None
            assert uow.votes.for_post(graph.opening.id) == []
            again = uow.votes.add(
                post_id=graph.opening.id, member_id=graph.voter.id, value=-1, cast_at=_at(30)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.for_post(graph.opening.id) == [again]

    def test_for_post_lists_the_post_votes_by_id(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            others = [_add_member(uow) for _ in range(3)]
            votes = [
                uow.votes.add(post_id=graph.reply.id, member_id=m.id, value=v, cast_at=_at(9 - i))
                for i, (m, v) in enumerate(zip(others, (1, -1, 1), strict=True))
            ]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.for_post(graph.reply.id) == votes
            assert uow.votes.for_post(graph.opening.id) == [graph.vote]

    def test_remove_says_whether_it_removed_the_vote(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            value = graph.vote.value
            assert uow.votes.remove(graph.vote.id, value=-value) is False  # changed meanwhile
            assert uow.votes.get(graph.opening.id, graph.voter.id) == graph.vote
            assert uow.votes.remove(graph.vote.id, value=value) is True
            assert uow.votes.remove(graph.vote.id, value=value) is False
            assert uow.votes.remove(987654, value=1) is False
            uow.commit()

    def test_repeated_pairs_finds_voters_with_enough_votes_for_one_author(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            space = _add_space(uow)
            authors = [_add_member(uow) for _ in range(2)]
            fan, other = _add_member(uow), _add_member(uow)
            posts = {}
            for author in authors:
                thread, _opening = _add_topic(uow, space.id, author.id)
                posts[author.id] = [_add_post(uow, thread.id, author.id).id for _ in range(4)]
            first, second = authors
            fan_votes = [
                uow.votes.add(post_id=p, member_id=fan.id, value=1, cast_at=_at(10 + n))
                for n, p in enumerate(reversed(posts[first.id][:3]))
            ]
            late = uow.votes.add(
                post_id=posts[first.id][3], member_id=fan.id, value=-1, cast_at=_at(90)
            )
            uow.votes.add(post_id=posts[second.id][0], member_id=fan.id, value=1, cast_at=_at(11))
            other_votes = [
                uow.votes.add(post_id=p, member_id=other.id, value=1, cast_at=_at(12 + n))
                for n, p in enumerate(posts[first.id][:2])
            ]
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            found = uow.votes.repeated_pairs(since=_at(10), until=_at(90), min_votes=3)
            assert found == [(first.id, vote) for vote in fan_votes]
            wider = uow.votes.repeated_pairs(since=_at(0), until=_at(91), min_votes=2)
            # By voter, then author, then time: the fan's second-author vote is alone.
            expected = (
                [*fan_votes, late, *other_votes]
                if fan.id < other.id
                else [*other_votes, *fan_votes, late]
            )
            assert wider == [(first.id, vote) for vote in expected]
            assert uow.votes.repeated_pairs(since=_at(10), until=_at(90), min_votes=4) == []

    def test_change_is_a_compare_and_set_on_the_value(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert uow.votes.change(graph.vote.id, value=-1, cast_at=_at(20)) is True
            assert uow.votes.change(graph.vote.id, value=-1, cast_at=_at(21)) is False
            assert uow.votes.change(987654, value=1, cast_at=_at(22)) is False
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.votes.get(graph.opening.id, graph.voter.id)
        assert loaded == attrs.evolve(graph.vote, value=-1, cast_at=_at(20))

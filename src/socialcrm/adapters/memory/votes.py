"""Votes in memory: one per member and post."""

from __future__ import annotations

from datetime import datetime

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, lookup
from socialcrm.capabilities.votes.records import Vote
from socialcrm.errors import Conflict


class MemoryVotes(MemoryRepository):
    """:class:`socialcrm.ports.VoteRepository` in memory."""

    def get(self, post_id: int, member_id: int) -> Vote | None:
        """The member's vote on the post, or ``None``."""
        return lookup(self._t.votes, self._t.vote_by_key, (post_id, member_id))

    def add(self, *, post_id: int, member_id: int, value: int, cast_at: datetime) -> Vote:
        """Insert a vote; ``Conflict`` (``duplicate_vote``) if the member voted on the post."""
        key = (post_id, member_id)
        if key in self._t.vote_by_key:
            raise Conflict("this member already voted on this post", code="duplicate_vote")
        vote = Vote(
            id=self._j.next_id("votes"),
            post_id=post_id,
            member_id=member_id,
            value=value,
            cast_at=cast_at,
        )
        return self._j.insert(self._t.votes, vote, index=self._t.vote_by_key, key=key)

    def change(self, vote_id: int, *, value: int, cast_at: datetime) -> bool:
        """Change the vote's value; ``False`` if unknown or unchanged."""
        return self._j.evolve_if(
            self._t.votes, vote_id, lambda v: v.value != value, value=value, cast_at=cast_at
        )

    def remove(self, vote_id: int, *, value: int) -> bool:
        """Delete the vote if it holds ``value``; ``False`` if unknown or changed."""
        vote = self._t.votes.get(vote_id)
        if vote is None or vote.value != value:
            return False
        self._j.delete(self._t.votes, vote_id)
        self._j.delete(self._t.vote_by_key, (vote.post_id, vote.member_id))
        return True

    def for_post(self, post_id: int) -> list[Vote]:
        """The post's votes by id."""
        return by_id(v for v in self._t.votes.values() if v.post_id == post_id)

    def count_cast_since(self, member_id: int, since: datetime) -> tuple[int, int]:
        """How many votes, and how many upvotes, the member cast since ``since``."""
        mine = [
            v for v in self._t.votes.values() if v.member_id == member_id and v.cast_at >= since
        ]
        return len(mine), sum(1 for v in mine if v.value > 0)

    def repeated_pairs(
        self, *, since: datetime, until: datetime, min_votes: int
    ) -> list[tuple[int, Vote]]:
        """(author id, vote) for every voter-author pair with ``min_votes`` votes in the window."""
        pairs: dict[tuple[int, int], list[Vote]] = {}
        for vote in self._t.votes.values():
            post = self._t.posts.get(vote.post_id)
            if post is not None and since <= vote.cast_at < until:
                pairs.setdefault((vote.member_id, post.author_id), []).append(vote)
        found = [
            (author_id, vote)
            for (_voter, author_id), votes in pairs.items()
            if len(votes) >= min_votes
            for vote in votes
        ]
        found.sort(key=lambda pair: (pair[1].member_id, pair[0], pair[1].cast_at, pair[1].id))
        return found


__all__ = ["MemoryVotes"]

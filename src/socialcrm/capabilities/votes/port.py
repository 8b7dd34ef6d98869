"""The votes capability's storage port: one vote per member and post.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.votes.records import Vote


class VoteRepository(Protocol):
    """Votes, one per member and post (enforced by storage)."""

    def get(self, post_id: int, member_id: int) -> Vote | None:
        """The member's vote on the post, or ``None``."""
        ...

    def add(self, *, post_id: int, member_id: int, value: int, cast_at: datetime) -> Vote:
        """Insert a vote; ``Conflict`` (code ``duplicate_vote``) if the member already voted."""
        ...

    def change(self, vote_id: int, *, value: int, cast_at: datetime) -> bool:
        """Change a vote's value and ``cast_at``, only if its value is not ``value`` already.

        A compare-and-set: ``False`` (nothing changed) when the vote is gone or already
        holds ``value`` (a concurrent writer changed it first); callers adjust the
        post's score only when this returns ``True``.
        """
        ...

    def remove(self, vote_id: int, *, value: int) -> bool:
        """Delete the vote if it still holds ``value``; whether it did.

        A compare-and-set, like :meth:`change`: ``False`` (nothing removed) when
        the vote is gone or a concurrent writer changed its value since the caller
        read it. Callers read the vote without a lock, then take ``-value`` off the
        post's score: only when this returns ``True``, so the score always equals
        the sum of the votes.
        """
        ...

    def for_post(self, post_id: int) -> builtins.list[Vote]:
        """Every vote on the post, by id ascending."""
        ...

    def count_cast_since(self, member_id: int, since: datetime) -> tuple[int, int]:
        """``(votes, upvotes)`` the member holds with ``cast_at`` at or after ``since``.

        A changed vote counts from the time it was changed (``change`` sets
        ``cast_at``); a retracted vote is gone and no longer counts. SQL adapters
        answer it from an index on ``(member_id, cast_at)``.
        """
        ...

    def repeated_pairs(
        self, *, since: datetime, until: datetime, min_votes: int
    ) -> builtins.list[tuple[int, Vote]]:
        """Votes cast in ``since <= cast_at < until`` by a voter who cast at least
        ``min_votes`` of them on posts of the same author, as ``(post author id, vote)``.

        Ordered by voter, author, ``cast_at``, then vote id. The serial-voting job
        reads this; SQL adapters answer it from an index on ``cast_at``.
        """
        ...


__all__ = ["VoteRepository"]

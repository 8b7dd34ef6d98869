"""Events of the votes capability: votes cast, changed, retracted and reversed."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event, vote_cause


@attrs.frozen(kw_only=True)
class _VoteEvent(Event):
    """The fields every vote event has, and the ledger cause of the vote."""

    vote_id: int
    post_id: int
    thread_id: int
    space_id: int
    post_author_id: int
    post_kind: str  # "question", "answer", "opening" or "reply"
    value: int  # the vote's value now; 0 once retracted
    post_wiki: bool = False  # a community-wiki post: it earns its author nothing
    post_score: int | None = None  # the post's score after this vote, where the command knew it

    @property
    def vote_cause(self) -> str:
        """The ledger cause of this vote."""
        return vote_cause(self.thread_id, self.post_id, self.vote_id)


@attrs.frozen(kw_only=True)
class VoteCast(_VoteEvent):
    """A member voted on a post (``value`` is +1 or -1)."""

    name: ClassVar[str] = "vote_cast"

    @property
    def cause(self) -> str | None:
        return self.vote_cause


@attrs.frozen(kw_only=True)
class VoteChanged(_VoteEvent):
    """A member turned an upvote into a downvote or back; ``previous_value`` was replaced."""

    name: ClassVar[str] = "vote_changed"
    previous_value: int

    @property
    def cause(self) -> str | None:
        return self.vote_cause

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


@attrs.frozen(kw_only=True)
class VoteRetracted(_VoteEvent):
    """A member took back a vote (``previous_value``); ``value`` is 0."""

    name: ClassVar[str] = "vote_retracted"
    previous_value: int

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


@attrs.frozen(kw_only=True)
class VoteReversed(_VoteEvent):
    """The serial-voting job removed a vote of ``voter_id`` (``previous_value``).

    ``actor_id`` is ``None``: a job did it. ``value`` is 0. What the vote earned or
    cost is taken back by compensating ledger entries, as for a retraction.
    """

    name: ClassVar[str] = "vote_reversed"
    voter_id: int
    previous_value: int

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


__all__ = ["VoteCast", "VoteChanged", "VoteRetracted", "VoteReversed"]

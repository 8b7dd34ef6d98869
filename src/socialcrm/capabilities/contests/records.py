"""Records of the contests capability: contests and their decided places."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class Contest:
    """A thread run as a contest: its replies written in the submission window are the
    entries, votes on them count only in the voting window, ``winners`` places are decided
    once the voting window has ended."""

    id: int
    thread_id: int
    submission_starts_at: datetime
    submission_ends_at: datetime
    voting_starts_at: datetime
    voting_ends_at: datetime
    winners: int
    created_by: int
    created_at: datetime
    decided_at: datetime | None = None

    def accepts_entry_at(self, at: datetime) -> bool:
        """Whether a reply written at ``at`` is an entry."""
        return self.submission_starts_at <= at < self.submission_ends_at

    def voting_open(self, at: datetime) -> bool:
        """Whether votes on entries are accepted at ``at``."""
        return self.voting_starts_at <= at < self.voting_ends_at


@attrs.frozen
class ContestWinner:
    """A decided place: ``position`` 1 is first."""

    contest_id: int
    position: int
    post_id: int
    member_id: int
    score: int


__all__ = ["Contest", "ContestWinner"]

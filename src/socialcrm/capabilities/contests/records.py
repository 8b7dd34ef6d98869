"""Records of the contests capability: contests and their decided places."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core.validation import MAX_COUNT, aware, identifier, integer
from socialcrm.errors import ValidationError


@attrs.frozen
class NewContest:
    """A contest to store (:meth:`socialcrm.ports.ContestRepository.add`).

    The fields of :class:`Contest` the caller gives; the storage hands out the
    ``id`` and leaves ``decided_at`` unset. Built only valid, so no adapter checks
    it again: the ids are positive integers, the datetimes timezone-aware, the
    windows ordered ``created_at <= submission_starts_at < submission_ends_at <=
    voting_starts_at < voting_ends_at`` (no entry can carry votes older than the
    contest), and ``winners`` is at least 1. Anything else raises
    ``ValidationError`` naming the field.
    """

    thread_id: int
    submission_starts_at: datetime
    submission_ends_at: datetime
    voting_starts_at: datetime
    voting_ends_at: datetime
    winners: int
    created_by: int
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        identifier(self.thread_id, "thread_id")
        identifier(self.created_by, "created_by")
        integer(self.winners, "winners", minimum=1, maximum=MAX_COUNT)
        created = aware(self.created_at, "created_at")
        sub_start = aware(self.submission_starts_at, "submission_starts_at")
        sub_end = aware(self.submission_ends_at, "submission_ends_at")
        vote_start = aware(self.voting_starts_at, "voting_starts_at")
        vote_end = aware(self.voting_ends_at, "voting_ends_at")
        if sub_start < created:
            raise ValidationError(
                "the submission window cannot start before the contest is created",
                field="submission_starts_at",
            )
        if not sub_start < sub_end <= vote_start < vote_end:
            raise ValidationError(
                "windows must be ordered: submission start < submission end <= "
                "voting start < voting end",
                field="voting_ends_at",
            )


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


__all__ = ["Contest", "ContestWinner", "NewContest"]

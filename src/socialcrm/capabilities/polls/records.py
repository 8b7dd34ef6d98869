"""Records of the polls capability: polls, their options and results as a member sees them."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class PollOption:
    """One answer a poll offers; ``position`` orders them from 0."""

    id: int
    poll_id: int
    position: int
    label: str


@attrs.frozen
class Poll:
    """A poll carried by a thread: open until ``closes_at`` (or until closed by hand)."""

    id: int
    thread_id: int
    question: str
    multiple: bool
    hide_results: bool
    closes_at: datetime | None
    created_by: int
    created_at: datetime
    options: tuple[PollOption, ...]
    closed_at: datetime | None = None

    def is_open(self, at: datetime) -> bool:
        """Whether ballots are accepted at ``at``."""
        return self.closed_at is None and (self.closes_at is None or at < self.closes_at)


@attrs.frozen
class PollResults:
    """A poll as one member sees it.

    ``tallies`` (ballots per option id) and ``voters`` are ``None`` while the
    poll hides its results and is still open. ``ballot`` is the viewer's own
    choice (option ids, empty when they did not vote or are anonymous).
    """

    poll: Poll
    open: bool
    tallies: dict[int, int] | None
    voters: int | None
    ballot: tuple[int, ...] = ()


__all__ = ["Poll", "PollOption", "PollResults"]

"""Records of the polls capability: polls, their options and results as a member sees them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from socialcrm.core.validation import aware, identifier, nonblank
from socialcrm.errors import ValidationError

#: The fewest options a poll may have.
POLL_MIN_OPTIONS = 2


def _labels(value: object) -> tuple[str, ...]:
    """``NewPoll.options`` as a tuple; a string or a non-iterable is refused."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("options must be a sequence of labels", field="options")
    return tuple(value)


@attrs.frozen
class NewPoll:
    """A poll to store (:meth:`socialcrm.ports.PollRepository.add`).

    The fields of :class:`Poll` the caller gives, with ``options`` as the labels
    in the order shown (any iterable becomes a tuple); the storage hands out the
    poll's and options' ids and leaves ``closed_at`` unset. Built only valid, so
    no adapter checks it again: positive ids, a non-empty ``question``, at least
    :data:`POLL_MIN_OPTIONS` distinct non-empty labels, booleans for ``multiple``
    and ``hide_results``, aware datetimes and a ``closes_at`` (if any) after
    ``created_at``. Anything else raises ``ValidationError`` naming the field.
    """

    thread_id: int
    question: str
    options: tuple[str, ...] = attrs.field(converter=_labels)
    multiple: bool
    hide_results: bool
    closes_at: datetime | None
    created_by: int
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        identifier(self.thread_id, "thread_id")
        identifier(self.created_by, "created_by")
        nonblank(self.question, "question")
        for label in self.options:
            nonblank(label, "options")
        if len(self.options) < POLL_MIN_OPTIONS:
            raise ValidationError(
                f"a poll has at least {POLL_MIN_OPTIONS} options", field="options"
            )
        if len(set(self.options)) != len(self.options):
            raise ValidationError("poll options must differ", field="options")
        for flag in ("multiple", "hide_results"):
            if not isinstance(getattr(self, flag), bool):
                raise ValidationError(f"{flag} must be a boolean", field=flag)
        created = aware(self.created_at, "created_at")
        if self.closes_at is not None and aware(self.closes_at, "closes_at") <= created:
            raise ValidationError("a poll must close after it is created", field="closes_at")


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


__all__ = ["POLL_MIN_OPTIONS", "NewPoll", "Poll", "PollOption", "PollResults"]

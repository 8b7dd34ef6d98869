"""Polls: a thread carries at most one, with 2 or more options, single or multiple choice.

A poll is open until its ``closes_at`` (exclusive) or until its author or a
moderator closes it, and while its thread is open. Each member holds one ballot,
which they may change or withdraw while the poll is open; a member's ballot
changes are serialized on their member row, so a single-choice ballot never ends
up with two options. A poll that hides its results shows no tallies to anyone
until the poll itself is closed (its ``closes_at`` passed, or ``close``): closing
the thread pauses voting but reveals nothing, or its author could read the
tallies by closing and reopening it. Who may see a poll (and vote on it) follows its thread's space.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.polls.events import PollClosed, PollCreated, PollVoted
from socialcrm.capabilities.polls.records import POLL_MIN_OPTIONS, NewPoll, Poll, PollResults
from socialcrm.capabilities.spaces.access import (
    optional_viewer,
    require_actor,
    visible_on_thread,
    visible_thread,
)
from socialcrm.capabilities.threads.locking import lock_live_thread
from socialcrm.capabilities.threads.records import Thread
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient


def _visible_poll(uow: UnitOfWork, member: Member | None, poll: object) -> tuple[Poll, Thread]:
    """The poll and its thread, if the member may see the thread; ``NotFound`` otherwise."""
    poll_id = validation.identifier(poll, "poll")
    return visible_on_thread(
        uow,
        member,
        uow.polls.get(poll_id),
        lambda found: found.thread_id,
        NotFound(f"no poll {poll_id}", code="poll_not_found"),
    )


def _is_open(poll: Poll, thread: Thread, at: datetime) -> bool:
    return poll.is_open(at) and thread.status == "open"


class Polls(PublicAPI):
    """``community.polls``: create, vote, close and read the results of polls on threads."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _options(self, options: object) -> tuple[str, ...]:
        settings = self._rt.settings
        if isinstance(options, (str, bytes)) or not isinstance(options, (list, tuple)):
            raise ValidationError("options must be a list of labels", field="options")
        labels = tuple(
            validation.text(o, "options", min_length=1, max_length=settings.poll_option_max_length)
            for o in options
        )
        if not POLL_MIN_OPTIONS <= len(labels) <= settings.poll_max_options:
            raise ValidationError(
                f"a poll has {POLL_MIN_OPTIONS} to {settings.poll_max_options} options",
                field="options",
            )
        if len(set(labels)) != len(labels):
            raise ValidationError("poll options must differ", field="options")
        return labels

    def _closes_at(self, closes_at: object, now: datetime) -> datetime | None:
        if closes_at is None:
            return None
        if (
            not isinstance(closes_at, datetime)
            or closes_at.tzinfo is None
            or closes_at.utcoffset() is None
        ):
            raise ValidationError("closes_at must be a timezone-aware datetime", field="closes_at")
        if closes_at <= now:
            raise ValidationError("closes_at must be in the future", field="closes_at")
        if closes_at > now + timedelta(days=self._rt.settings.poll_max_days):
            raise ValidationError(
                f"a poll stays open at most {self._rt.settings.poll_max_days} days",
                field="closes_at",
            )
        return closes_at

    @retry_transient
    def create(
        self,
        *,
        actor: int,
        thread: int,
        question: str,
        options: list[str] | tuple[str, ...],
        multiple: bool = False,
        closes_at: datetime | None = None,
        hide_results: bool = False,
    ) -> Poll:
        """Put a poll on an open thread; its author or a moderator only.

        ``options``: 2 to ``Settings.poll_max_options`` distinct labels, in the
        order shown. ``multiple``: a ballot may choose several options.
        ``closes_at`` (aware, in the future, at most ``Settings.poll_max_days``
        away; ``None``: open until closed by hand). ``hide_results``: no tallies
        until the poll is closed. A thread carries one poll (``Conflict``
        ``duplicate_poll``).
        """
        settings = self._rt.settings
        text = validation.text(
            question, "question", min_length=1, max_length=settings.poll_question_max_length
        )
        labels = self._options(options)
        if not isinstance(multiple, bool) or not isinstance(hide_results, bool):
            raise ValidationError("multiple and hide_results must be booleans", field="multiple")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            topic, space = visible_thread(tx.uow, acting, thread)
            topic = lock_live_thread(tx, topic.id, shared=True)
            if topic.author_id != acting.id and not acting.is_moderator:
                raise PermissionDenied(
                    "only the thread's author or a moderator may add a poll",
                    code="not_thread_author",
                )
            if topic.status != "open":
                raise Conflict("the thread is closed", code="thread_closed")
            ends = self._closes_at(closes_at, tx.now)
            poll = tx.uow.polls.add(
                NewPoll(
                    thread_id=topic.id,
                    question=text,
                    options=labels,
                    multiple=multiple,
                    hide_results=hide_results,
                    closes_at=ends,
                    created_by=acting.id,
                    created_at=tx.now,
                )
            )
            tx.record(
                PollCreated(
                    at=tx.now,
                    actor_id=acting.id,
                    poll_id=poll.id,
                    thread_id=topic.id,
                    space_id=space.id,
                    closes_at=ends,
                )
            )
            return poll

    @retry_transient
    def vote(self, *, actor: int, poll: int, options: Collection[int]) -> tuple[int, ...]:
        """Cast, change or (with no options) withdraw the actor's ballot; returns the choice.

        Single-choice polls take one option id, multiple-choice ones one or more.
        A closed poll (its ``closes_at`` passed, closed by hand, or its thread
        closed) refuses with ``Conflict`` ``poll_closed``.
        """
        if isinstance(options, (str, bytes)) or not isinstance(options, Collection):
            raise ValidationError("options must be a list of option ids", field="options")
        chosen = tuple(sorted({validation.identifier(o, "options") for o in options}))
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, topic = _visible_poll(tx.uow, acting, poll)
            # "Still open" is re-checked under the thread's lock (shared: ballots run
            # side by side; closing the poll or the thread takes it exclusively).
            topic = lock_live_thread(tx, topic.id, shared=True)
            found = tx.uow.polls.get(found.id) or found
            if not _is_open(found, topic, tx.now):
                raise Conflict("the poll is closed", code="poll_closed")
            known = {o.id for o in found.options}
            if not set(chosen) <= known:
                raise ValidationError("an option is not one of this poll's", field="options")
            if not found.multiple and len(chosen) > 1:
                raise ValidationError("this poll takes one option", field="options")
            # One ballot per member: their changes take turns on their member row.
            tx.uow.members.lock(acting.id)
            previous = tx.uow.polls.ballot(found.id, acting.id)
            if previous == chosen:
                return chosen
            tx.uow.polls.set_ballot(found.id, acting.id, chosen, cast_at=tx.now)
            tx.record(
                PollVoted(
                    at=tx.now,
                    actor_id=acting.id,
                    poll_id=found.id,
                    thread_id=topic.id,
                    space_id=topic.space_id,
                    member_id=acting.id,
                    option_ids=chosen,
                    changed=bool(previous),
                )
            )
            return chosen

    @retry_transient
    def close(self, *, actor: int, poll: int) -> bool:
        """Close the poll now; its creator or a moderator. ``False`` if it was already closed."""
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, topic = _visible_poll(tx.uow, acting, poll)
            if found.created_by != acting.id and not acting.is_moderator:
                raise PermissionDenied(
                    "only the poll's creator or a moderator may close it", code="not_poll_creator"
                )
            lock_live_thread(tx, topic.id)  # waits for the ballots being cast
            if not found.is_open(tx.now) or not tx.uow.polls.close(found.id, at=tx.now):
                return False
            tx.record(
                PollClosed(
                    at=tx.now,
                    actor_id=acting.id,
                    poll_id=found.id,
                    thread_id=topic.id,
                    space_id=topic.space_id,
                )
            )
            return True

    def for_thread(self, *, actor: int | None, thread: int) -> Poll | None:
        """The thread's poll (``None``: it has none), if ``actor`` may see the thread."""
        with self._rt.query() as uow:
            topic, _ = visible_thread(uow, optional_viewer(uow, actor), thread)
            return uow.polls.for_thread(topic.id)

    def results(self, *, actor: int | None, poll: int) -> PollResults:
        """The poll as ``actor`` sees it: open or not, tallies (unless hidden), their ballot.

        Hidden results stay hidden while the poll itself is open, even while its
        thread is closed.
        """
        with self._rt.query() as uow:
            viewer = optional_viewer(uow, actor)
            found, topic = _visible_poll(uow, viewer, poll)
            now = self._rt.clock.now()
            is_open = _is_open(found, topic, now)
            hidden = found.hide_results and found.is_open(now)
            ballot = uow.polls.ballot(found.id, viewer.id) if viewer is not None else ()
            return PollResults(
                poll=found,
                open=is_open,
                tallies=None if hidden else uow.polls.tallies(found.id),
                voters=None if hidden else uow.polls.voters(found.id),
                ballot=ballot,
            )


__all__ = ["POLL_MIN_OPTIONS", "Polls"]

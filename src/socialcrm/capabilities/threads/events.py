"""Events of the threads capability: threads, posts, comments, accepted answers and views."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event, accept_cause, post_cause


@attrs.frozen(kw_only=True)
class _ThreadEvent(Event):
    """The fields every thread-level event starts with."""

    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class _PostEvent(Event):
    """The fields every post-level event starts with."""

    post_id: int
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class ThreadStarted(_ThreadEvent):
    """A thread and its opening post were created."""

    name: ClassVar[str] = "thread_started"
    kind: str
    author_id: int
    opening_post_id: int
    tags: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ThreadClosed(_ThreadEvent):
    """A thread was closed: no new replies, and only moderators may accept answers.

    Votes and comments stay possible on closed threads, as on Stack Exchange.
    """

    name: ClassVar[str] = "thread_closed"


@attrs.frozen(kw_only=True)
class ThreadReopened(_ThreadEvent):
    """A closed thread was opened again."""

    name: ClassVar[str] = "thread_reopened"


@attrs.frozen(kw_only=True)
class ReplyPosted(_PostEvent):
    """A reply (an answer, for questions) was posted in a thread."""

    name: ClassVar[str] = "reply_posted"
    author_id: int
    thread_kind: str


@attrs.frozen(kw_only=True)
class PostEdited(_PostEvent):
    """A post's body (and for opening posts, maybe its thread's title or tags) changed."""

    name: ClassVar[str] = "post_edited"
    revision_id: int


@attrs.frozen(kw_only=True)
class PostDeleted(_PostEvent):
    """A post was soft-deleted; deleting an opening post deletes its thread.

    Everything the post earned (or, for an opening post, the whole thread earned)
    is taken back by compensating ledger entries.
    """

    name: ClassVar[str] = "post_deleted"
    author_id: int
    was_opening: bool

    @property
    def reversed_cause_prefixes(self) -> tuple[str, ...]:
        if self.was_opening:
            return (f"thread:{self.thread_id}:",)
        return (post_cause(self.thread_id, self.post_id),)


@attrs.frozen(kw_only=True)
class CommentAdded(Event):
    """A comment was added under a post."""

    name: ClassVar[str] = "comment_added"
    comment_id: int
    post_id: int
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class _AnswerEvent(_ThreadEvent):
    """The fields of a change of acceptance: the answer, its author and the asker."""

    answer_id: int
    answer_author_id: int
    asker_id: int


@attrs.frozen(kw_only=True)
class AnswerAccepted(_AnswerEvent):
    """An answer was accepted; ``previous_answer_id`` lost its acceptance, if any."""

    name: ClassVar[str] = "answer_accepted"
    previous_answer_id: int | None = None
    answer_wiki: bool = False  # a community-wiki answer: its author earns nothing

    @property
    def cause(self) -> str | None:
        return accept_cause(self.thread_id, self.answer_id)

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        if self.previous_answer_id is None:
            return ()
        return (accept_cause(self.thread_id, self.previous_answer_id),)


@attrs.frozen(kw_only=True)
class AnswerUnaccepted(_AnswerEvent):
    """An answer's acceptance was withdrawn."""

    name: ClassVar[str] = "answer_unaccepted"

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (accept_cause(self.thread_id, self.answer_id),)


@attrs.frozen(kw_only=True)
class ThreadViewed(_ThreadEvent):
    """The host recorded ``count`` views of a thread; ``views`` is its total now."""

    name: ClassVar[str] = "thread_viewed"
    thread_kind: str
    author_id: int
    count: int
    views: int


__all__ = [
    "AnswerAccepted",
    "AnswerUnaccepted",
    "CommentAdded",
    "PostDeleted",
    "PostEdited",
    "ReplyPosted",
    "ThreadClosed",
    "ThreadReopened",
    "ThreadStarted",
    "ThreadViewed",
]

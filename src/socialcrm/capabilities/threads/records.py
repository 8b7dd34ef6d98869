"""Records of the threads capability: threads, posts, their revisions and comments."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core import validation
from socialcrm.errors import ValidationError

THREAD_KINDS = ("question", "discussion", "idea", "announcement")
THREAD_STATUSES = ("open", "closed")


def _check_string(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)


def _tag_tuple(value: object) -> tuple[str, ...]:
    """The tags as a tuple without repeats, in first-seen order (what storage keeps)."""
    if isinstance(value, str) or not isinstance(value, (tuple, list, set, frozenset)):
        raise ValidationError(f"tags must be a tuple of tag names, got {value!r}", field="tags")
    for tag in value:
        _check_string(tag, "tags")
    return tuple(dict.fromkeys(value))


def _check_flag(value: object, field: str) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be True or False, got {value!r}", field=field)


def _id_set(value: object) -> frozenset[int]:
    """The space ids as a frozenset of positive integers (what the adapters filter on)."""
    if isinstance(value, (str, bytes)) or not isinstance(
        value, (tuple, list, set, frozenset, range)
    ):
        raise ValidationError(
            f"space_ids must be a collection of space ids, got {value!r}", field="space_ids"
        )
    return frozenset(validation.identifier(item, "space_ids") for item in value)


@attrs.frozen
class NewThread:
    """A thread to insert (:meth:`socialcrm.ports.ThreadRepository.add`).

    The fields of :class:`Thread` that the writer gives; the storage hands out the
    ``id`` and stores the thread open, with no opening post, no accepted answer, no
    replies and ``last_activity_at`` equal to ``created_at``. Built once, checked
    once: the constructor refuses (``ValidationError``) ids that are not positive
    integers, a ``kind`` outside :data:`THREAD_KINDS`, a ``title`` or a tag that is
    not a string, ``tags`` not given as a tuple, list or set (they are kept as a
    tuple without repeats, in first-seen order) and a naive ``created_at``. Lengths
    and text rules that depend on the settings stay the services' job.
    """

    space_id: int
    kind: str
    title: str
    tags: tuple[str, ...] = attrs.field(converter=_tag_tuple)
    author_id: int
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        validation.identifier(self.space_id, "space_id")
        validation.choice(self.kind, "kind", THREAD_KINDS)
        _check_string(self.title, "title")
        validation.identifier(self.author_id, "author_id")
        validation.aware(self.created_at, "created_at")


@attrs.frozen
class NewPost:
    """A post to insert (:meth:`socialcrm.ports.PostRepository.add`).

    The fields of :class:`Post` that the writer gives; the storage hands out the
    ``id`` and stores the post with score 0, not edited, deleted nor hidden. Built
    once, checked once: the constructor refuses (``ValidationError``) ids that are
    not positive integers, a ``body`` that is not a string, ``is_opening`` or
    ``community_wiki`` that are not booleans and a naive ``created_at``. Lengths and
    text rules that depend on the settings stay the services' job.
    """

    thread_id: int
    author_id: int
    body: str
    is_opening: bool
    created_at: datetime
    community_wiki: bool = False

    def __attrs_post_init__(self) -> None:
        validation.identifier(self.thread_id, "thread_id")
        validation.identifier(self.author_id, "author_id")
        _check_string(self.body, "body")
        _check_flag(self.is_opening, "is_opening")
        _check_flag(self.community_wiki, "community_wiki")
        validation.aware(self.created_at, "created_at")


@attrs.frozen(kw_only=True)
class ThreadFilter:
    """Which live threads a thread read selects.

    Taken, positionally, by :meth:`socialcrm.ports.ThreadRepository.list`,
    :meth:`~socialcrm.ports.ThreadRepository.count` and
    :meth:`~socialcrm.ports.ThreadRepository.count_by_space`: threads not deleted in
    ``space_ids`` (none when it is empty), with the tag ``tag``, of the kind ``kind``
    and in the status ``status`` (``None``: any). A hidden thread is selected only
    with ``include_hidden`` or when its author is ``hidden_visible_to``. Built once,
    checked once: the constructor refuses (``ValidationError``) ``space_ids`` that
    is not a collection of positive integer ids (it is kept as a ``frozenset``), a
    ``tag`` that is not a string, a ``kind`` outside :data:`THREAD_KINDS`, a
    ``status`` outside :data:`THREAD_STATUSES`, an ``include_hidden`` that is not a
    boolean and a ``hidden_visible_to`` that is not a positive integer id. Tags are
    compared as stored; normalising what a member typed is the services' job.
    """

    space_ids: frozenset[int] = attrs.field(converter=_id_set)
    tag: str | None = None
    kind: str | None = None
    status: str | None = None
    include_hidden: bool = False
    hidden_visible_to: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.tag is not None:
            _check_string(self.tag, "tag")
        if self.kind is not None:
            validation.choice(self.kind, "kind", THREAD_KINDS)
        if self.status is not None:
            validation.choice(self.status, "status", THREAD_STATUSES)
        _check_flag(self.include_hidden, "include_hidden")
        if self.hidden_visible_to is not None:
            validation.identifier(self.hidden_visible_to, "hidden_visible_to")


@attrs.frozen
class Thread:
    """A question, discussion, idea or announcement and its counters."""

    id: int
    space_id: int
    kind: str
    title: str
    tags: tuple[str, ...]
    status: str
    author_id: int
    opening_post_id: int | None
    accepted_answer_id: int | None
    reply_count: int
    created_at: datetime
    last_activity_at: datetime
    deleted_at: datetime | None = None
    #: When flags hid the thread's opening post (``None``: not hidden); a hidden
    #: thread is seen only by its author and moderators (``docs/moderation.md``).
    hidden_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        """True once the thread was soft-deleted."""
        return self.deleted_at is not None

    @property
    def held(self) -> bool:
        """Always ``False``: a published record (see ``HeldSubmission.held``)."""
        return False

    @property
    def is_hidden(self) -> bool:
        """True while flags keep the thread's opening post hidden."""
        return self.hidden_at is not None


@attrs.frozen
class Post:
    """The opening post of a thread or a reply to it.

    ``community_wiki`` posts belong to the community: votes on them and their
    acceptance earn their author no reputation (the built-in reward rules).
    """

    id: int
    thread_id: int
    author_id: int
    body: str
    score: int
    is_opening: bool
    created_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: int | None = None
    community_wiki: bool = False
    #: When flags hid the post (``None``: not hidden); a hidden post is seen only
    #: by its author and moderators (``docs/moderation.md``, "Flags").
    hidden_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        """True once the post was soft-deleted."""
        return self.deleted_at is not None

    @property
    def held(self) -> bool:
        """Always ``False``: a published record (see ``HeldSubmission.held``)."""
        return False

    @property
    def is_hidden(self) -> bool:
        """True while flags keep the post hidden from other members."""
        return self.hidden_at is not None


@attrs.frozen
class Revision:
    """One edit of a post: who changed it, when, and what it said before."""

    id: int
    post_id: int
    editor_id: int
    edited_at: datetime
    previous_body: str
    previous_title: str | None


@attrs.frozen
class Comment:
    """A short remark under a post."""

    id: int
    post_id: int
    author_id: int
    body: str
    created_at: datetime


__all__ = [
    "THREAD_KINDS",
    "THREAD_STATUSES",
    "Comment",
    "NewPost",
    "NewThread",
    "Post",
    "Revision",
    "Thread",
    "ThreadFilter",
]

"""Records of the threads capability: threads, posts, their revisions and comments."""

from __future__ import annotations

from datetime import datetime

import attrs

THREAD_KINDS = ("question", "discussion", "idea", "announcement")
THREAD_STATUSES = ("open", "closed")


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


__all__ = ["THREAD_KINDS", "THREAD_STATUSES", "Comment", "Post", "Revision", "Thread"]

"""Events of the review capability: held submissions, rule flags, decisions and alerts."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class SubmissionHeld(Event):
    """A new thread or reply was held for review instead of being published.

    ``thread_id`` is the thread replied to (``None`` for a new thread). Nothing is
    published: other members cannot see it until ``submission_approved``.
    """

    name: ClassVar[str] = "submission_held"
    item_id: int
    author_id: int
    space_id: int
    thread_id: int | None
    reason: str
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class _PublishedItemEvent(Event):
    """The fields of a review item about a published post: the item and the post."""

    item_id: int
    post_id: int
    thread_id: int
    space_id: int
    author_id: int


@attrs.frozen(kw_only=True)
class ContentFlagged(_PublishedItemEvent):
    """A content rule flagged a post it let through; a review item was queued."""

    name: ClassVar[str] = "content_flagged"
    reason: str
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SubmissionApproved(_PublishedItemEvent):
    """A moderator approved a held submission; it was published as ``post_id``.

    ``edited`` is ``True`` when the moderator changed it before approving. The
    ``thread_started`` or ``reply_posted`` event of the publication comes with it.
    """

    name: ClassVar[str] = "submission_approved"
    edited: bool = False


@attrs.frozen(kw_only=True)
class SubmissionRejected(Event):
    """A moderator rejected a held submission (kept for the record, never published)
    or a flagged post (which was deleted: ``post_deleted`` comes with it)."""

    name: ClassVar[str] = "submission_rejected"
    item_id: int
    author_id: int
    space_id: int
    post_id: int | None = None
    reason: str = ""


@attrs.frozen(kw_only=True)
class ReviewItemDismissed(Event):
    """A moderator dismissed a flag item: the post stays as it is."""

    name: ClassVar[str] = "review_item_dismissed"
    item_id: int
    post_id: int
    space_id: int
    author_id: int


@attrs.frozen(kw_only=True)
class ModerationAlert(Event):
    """A content rule asked to alert the community managers (e.g. terms of service).

    ``item_id`` names the review item queued with it, ``post_id`` the published
    post, if any.
    """

    name: ClassVar[str] = "moderation_alert"
    author_id: int
    space_id: int | None
    messages: tuple[str, ...]
    item_id: int | None = None
    post_id: int | None = None


__all__ = [
    "ContentFlagged",
    "ModerationAlert",
    "ReviewItemDismissed",
    "SubmissionApproved",
    "SubmissionHeld",
    "SubmissionRejected",
]

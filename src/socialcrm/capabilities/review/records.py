"""Records of the review capability: items of the review queue."""

from __future__ import annotations

from datetime import datetime

import attrs

#: Kinds of review-queue items: ``held`` (a submission waiting for approval, not
#: published) and ``flag`` (a published post a content rule flagged). Member flags
#: are meant to become a third kind.
REVIEW_KINDS = ("held", "flag")

#: Review item statuses; ``pending`` items are in the queue, the others are decided.
REVIEW_STATUSES = ("pending", "approved", "rejected", "dismissed")


@attrs.frozen(kw_only=True)
class ReviewItem:
    """An item of the review queue.

    A ``held`` item is a submission that is not a post yet: a new thread
    (``thread_id`` ``None``; ``title``, ``thread_kind`` and ``tags`` given) or a
    reply to ``thread_id``. It becomes a post when a moderator approves it
    (``post_id`` then names the post). A ``flag`` item names the published
    ``post_id`` a rule flagged. ``reason`` is the name of the rule that asked for
    the review (``watched_words``, ``premoderation``...); ``reasons`` are the rules'
    messages and ``rules`` every rule that asked.
    """

    id: int
    kind: str
    status: str
    reason: str
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    author_id: int
    space_id: int
    thread_id: int | None
    post_id: int | None
    thread_kind: str | None
    title: str | None
    body: str
    tags: tuple[str, ...]
    community_wiki: bool
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = None
    note: str = ""

    @property
    def is_pending(self) -> bool:
        """Whether the item still waits for a decision."""
        return self.status == "pending"


__all__ = ["REVIEW_KINDS", "REVIEW_STATUSES", "ReviewItem"]

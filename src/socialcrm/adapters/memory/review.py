"""The review queue in memory: submissions held for a moderator, then approved or rejected."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import require
from socialcrm.capabilities.review.records import NewReviewItem, ReviewDecision, ReviewItem


def _queue_order(item: ReviewItem) -> tuple[datetime, int]:
    return item.created_at, item.id


class MemoryReview(MemoryRepository):
    """:class:`socialcrm.ports.ReviewRepository` in memory."""

    def add(self, new: NewReviewItem) -> ReviewItem:
        """Queue a pending item."""
        item = ReviewItem(
            id=self._j.next_id("review"), status="pending", **attrs.asdict(new, recurse=False)
        )
        return self._j.insert(self._t.review, item)

    def get(self, item_id: int) -> ReviewItem | None:
        """The item with this id, or ``None``."""
        return self._t.review.get(item_id)

    def _pending(
        self, space_ids: Collection[int], reason: str | None, kind: str | None
    ) -> list[ReviewItem]:
        spaces = set(space_ids)
        found = (
            i
            for i in self._t.review.values()
            if i.status == "pending"
            and i.space_id in spaces
            and (reason is None or i.reason == reason)
            and (kind is None or i.kind == kind)
        )
        return sorted(found, key=_queue_order)

    def pending(
        self,
        *,
        space_ids: Collection[int],
        reason: str | None = None,
        kind: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> list[ReviewItem]:
        """One page of the pending items of these spaces, oldest first."""
        return self._pending(space_ids, reason, kind)[offset : offset + limit]

    def count_pending(
        self, *, space_ids: Collection[int], reason: str | None = None, kind: str | None = None
    ) -> int:
        """How many items :meth:`pending` would find without paging."""
        return len(self._pending(space_ids, reason, kind))

    def by_author(
        self, author_id: int, *, status: str | None = None, limit: int
    ) -> list[ReviewItem]:
        """The author's items (of ``status`` if given), oldest first."""
        found = (
            i
            for i in self._t.review.values()
            if i.author_id == author_id and (status is None or i.status == status)
        )
        return sorted(found, key=_queue_order)[:limit]

    def count_by_author(self, author_id: int, *, kind: str, status: str) -> int:
        """How many of the author's items have this kind and status."""
        return sum(
            1
            for i in self._t.review.values()
            if i.author_id == author_id and i.kind == kind and i.status == status
        )

    def decide(self, item_id: int, decision: ReviewDecision) -> bool:
        """Decide a pending item once; ``False`` if decided already, ``NotFound`` if unknown."""
        require(self._t.review, item_id, "review item", "review_item_not_found")
        return self._j.evolve_if(
            self._t.review, item_id, lambda i: i.status == "pending", **decision.changes()
        )


__all__ = ["MemoryReview"]

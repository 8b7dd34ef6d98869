"""The review queue in memory: submissions held for a moderator, then approved or rejected."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import require
from socialcrm.capabilities.review.policy import check_decision
from socialcrm.capabilities.review.records import NewReviewItem, ReviewItem


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

    def decide(
        self,
        item_id: int,
        *,
        status: str,
        at: datetime,
        by: int,
        note: str = "",
        post_id: int | None = None,
        body: str | None = None,
        title: str | None = None,
    ) -> bool:
        """Decide a pending item once; ``False`` if decided already, ``NotFound`` if unknown."""
        check_decision(status=status, at=at)
        require(self._t.review, item_id, "review item", "review_item_not_found")
        changes: dict[str, Any] = {
            "status": status,
            "decided_at": at,
            "decided_by": by,
            "note": note,
        }
        given = {"post_id": post_id, "body": body, "title": title}
        changes.update((name, value) for name, value in given.items() if value is not None)
        return self._j.evolve_if(
            self._t.review, item_id, lambda i: i.status == "pending", **changes
        )


__all__ = ["MemoryReview"]

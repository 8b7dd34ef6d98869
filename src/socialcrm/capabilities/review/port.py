"""The review capability's storage port: the review queue.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.review.records import NewReviewItem, ReviewDecision, ReviewItem


class ReviewRepository(Protocol):
    """The review queue: held submissions and flagged posts, and the decisions on them.

    ``reasons``, ``rules`` and ``tags`` are stored as JSON text by SQL adapters and
    come back as tuples equal to what was given.
    """

    def add(self, new: NewReviewItem) -> ReviewItem:
        """Store ``new`` as a ``pending`` item and return it with its id.

        ``new`` was checked when it was made (:class:`NewReviewItem` refuses a bad
        kind, reason or time); the queue has no unique key, so the storage adds
        no refusal of its own.
        """
        ...

    def get(self, item_id: int) -> ReviewItem | None:
        """The item with this id, decided or not, or ``None``."""
        ...

    def pending(
        self,
        *,
        space_ids: Collection[int],
        reason: str | None = None,
        kind: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> builtins.list[ReviewItem]:
        """Pending items in ``space_ids``, oldest first (``created_at``, then id).

        ``reason`` and ``kind`` (``None``: any) must match when given.
        """
        ...

    def count_pending(
        self, *, space_ids: Collection[int], reason: str | None = None, kind: str | None = None
    ) -> int:
        """How many items :meth:`pending` would list without a limit."""
        ...

    def by_author(
        self, author_id: int, *, status: str | None = None, limit: int
    ) -> builtins.list[ReviewItem]:
        """The author's items (``status`` ``None``: any), oldest first, at most ``limit``."""
        ...

    def count_by_author(self, author_id: int, *, kind: str, status: str) -> int:
        """How many of the author's items have this kind and status."""
        ...

    def decide(self, item_id: int, decision: ReviewDecision) -> bool:
        """Move a pending item to ``decision.status``; a compare-and-set on ``pending``.

        Sets ``decided_at``, ``decided_by`` and ``note`` from the decision (checked
        when built), and its ``post_id``, ``body`` and ``title`` when given.
        Returns ``False`` and changes nothing if the item was decided already;
        ``NotFound`` (code ``review_item_not_found``) for an unknown id.
        """
        ...


__all__ = ["ReviewRepository"]

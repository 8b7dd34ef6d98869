"""The trust capability's storage port: the activity that trust levels are computed from.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.trust.records import DayCounts, MemberActivity


class ActivityRepository(Protocol):
    """What members do that trust levels count: visits, reads, likes, replies.

    Two kinds of rows: one per member and UTC day (visited, posts read, reading
    seconds, likes given and received, all changed by atomic increments) and one
    per member and thread (the day the member first entered it, the day of their
    last reply in it). Every write is an insert-or-update that concurrent units
    may run for the same key without losing an increment or raising ``Conflict``.
    """

    def mark_visited(self, member_id: int, day: date) -> bool:
        """Mark the member's day as visited; ``True`` if it was not marked yet."""
        ...

    def add_day(self, member_id: int, day: date, counts: DayCounts) -> None:
        """Add ``counts`` (which may be negative) to the member's day; mark it visited if asked."""
        ...

    def add_like(self, giver_id: int, receiver_id: int, day: date, delta: int) -> None:
        """Add ``delta`` (which may be negative) to the giver's likes given and the
        receiver's likes received on ``day``; the same as two :meth:`add_day` calls."""
        ...

    def enter_topic(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record that the member entered the thread on ``day``.

        The row keeps the earliest day given. Returns ``True`` if that changed
        something (first entry, or an earlier day).
        """
        ...

    def record_topic_reply(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record a reply by the member in the thread on ``day``; the row keeps the latest day.

        Returns ``True`` if that changed something (first reply, or a later day).
        """
        ...

    def activity(self, member_id: int, *, since: date) -> MemberActivity:
        """The member's totals since joining and since ``since`` (that day included).

        ``topics_entered`` counts threads first entered in the span,
        ``topics_replied_to`` threads last replied to in it, ``days_visited`` days
        marked visited; ``flagged_posts`` is 0. An unknown member gets zeros.
        """
        ...

    def activities(self, member_ids: Collection[int], *, since: date) -> dict[int, MemberActivity]:
        """:meth:`activity` for many members at once, keyed by id (every id given)."""
        ...

    def created_since(self, since: datetime, space_ids: Collection[int]) -> tuple[int, int]:
        """``(threads, posts)`` created at or after ``since`` in those spaces.

        Deleted threads and posts, and posts of deleted threads, are not counted;
        opening posts are.
        """
        ...

    def count_thread_posts(self, thread_id: int, post_ids: Collection[int]) -> int:
        """How many of ``post_ids`` are posts of the thread that are not deleted."""
        ...


__all__ = ["ActivityRepository"]

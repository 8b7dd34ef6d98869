"""Records of the trust capability: the activity trust levels look at, and a review's outcome."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from socialcrm.capabilities.trust.events import TrustLevelChanged
from socialcrm.core import validation
from socialcrm.errors import ValidationError

#: The counters of a member's day, in the order :class:`DayCounts` holds them.
DAY_COUNTERS = ("posts_read", "reading_seconds", "likes_given", "likes_received")


@attrs.frozen(kw_only=True)
class DayCounts:
    """What to add to one member's UTC day (:meth:`socialcrm.ports.ActivityRepository.add_day`).

    The counters may be negative (a retracted like); ``visited`` marks the day
    visited (``False`` leaves the mark as it is). Built once, checked once: the
    constructor refuses (``ValidationError``) a ``visited`` that is not a boolean
    and counters that are not integers within the stored range
    (``-MAX_COUNT`` to ``MAX_COUNT``).
    """

    visited: bool = False
    posts_read: int = 0
    reading_seconds: int = 0
    likes_given: int = 0
    likes_received: int = 0

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.visited, bool):
            raise ValidationError(
                f"visited must be True or False, got {self.visited!r}", field="visited"
            )
        limit = validation.MAX_COUNT
        for name in DAY_COUNTERS:
            validation.integer(getattr(self, name), name, minimum=-limit, maximum=limit)

    def counters(self) -> dict[str, int]:
        """The counters by name (:data:`DAY_COUNTERS`), without ``visited``."""
        return {name: getattr(self, name) for name in DAY_COUNTERS}


@attrs.frozen
class ActivityTotals:
    """What a member did over a span of UTC days: the inputs of the trust levels.

    ``days_visited`` counts UTC days with a visit or a read; ``topics_entered``
    distinct threads read (first entered in the span); ``topics_replied_to``
    distinct threads the member replied to (last reply in the span); likes are
    upvotes given and received, net of retractions. ``flagged_posts`` counts the
    member's posts that a moderator agreed a flag on (flag raised in the span).
    """

    days_visited: int = 0
    topics_entered: int = 0
    posts_read: int = 0
    reading_seconds: int = 0
    likes_given: int = 0
    likes_received: int = 0
    topics_replied_to: int = 0
    flagged_posts: int = 0


@attrs.frozen
class MemberActivity:
    """A member's activity since joining (``all_time``) and since a given day (``recent``)."""

    member_id: int
    all_time: ActivityTotals
    recent: ActivityTotals


@attrs.frozen
class TrustActivity:
    """Everything the trust policy looks at for one member.

    ``window`` covers the UTC days from ``window_start`` to today.
    ``topics_created_in_window`` and ``posts_created_in_window`` count the threads
    and posts (not deleted, in spaces every member can see) created in the window:
    TL3 asks for a percentage of them. They are ``None`` when not computed (the
    checks after each command only promote up to TL2; the review computes them).
    """

    member_id: int
    all_time: ActivityTotals
    window: ActivityTotals
    window_start: date
    topics_created_in_window: int | None = None
    posts_created_in_window: int | None = None


@attrs.frozen
class TrustReview:
    """What one ``community.trust.review()`` did: members looked at and the changes made."""

    at: datetime
    checked: int
    changes: tuple[TrustLevelChanged, ...] = ()

    @property
    def promoted(self) -> tuple[int, ...]:
        """Ids of the members promoted."""
        return tuple(c.member_id for c in self.changes if c.reason == "promoted")

    @property
    def demoted(self) -> tuple[int, ...]:
        """Ids of the members demoted."""
        return tuple(c.member_id for c in self.changes if c.reason == "demoted")


__all__ = [
    "DAY_COUNTERS",
    "ActivityTotals",
    "DayCounts",
    "MemberActivity",
    "TrustActivity",
    "TrustReview",
]

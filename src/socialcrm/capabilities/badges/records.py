"""Records of the badges capability: awards held by members, and posts as badge backfills see them.

What storage keeps (:class:`BadgeAward`); definitions are in
:mod:`socialcrm.capabilities.badges.definitions`.
"""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class BadgeAward:
    """A badge held by a member (``subject`` ``""`` for once-only badges).

    A revoked award keeps its row (``revoked_at``, ``revoked_by``), so the badge is
    not awarded again automatically for the same subject.
    """

    id: int
    badge: str
    member_id: int
    subject: str
    awarded_at: datetime
    post_id: int | None = None
    revoked_at: datetime | None = None
    revoked_by: int | None = None
    #: The space the award was earned in (its post's or thread's); ``None``: none.
    space_id: int | None = None

    @property
    def is_revoked(self) -> bool:
        """True once staff revoked it."""
        return self.revoked_at is not None


@attrs.frozen
class AuthoredPost:
    """A live post a member wrote, with what badge backfills need about it."""

    post_id: int
    thread_id: int
    thread_kind: str
    is_opening: bool
    score: int
    views: int

    @property
    def kind(self) -> str:
        """``question``/``answer`` in question threads, ``opening``/``reply`` elsewhere."""
        if self.thread_kind == "question":
            return "question" if self.is_opening else "answer"
        return "opening" if self.is_opening else "reply"


__all__ = ["AuthoredPost", "BadgeAward"]

"""Records of the badges capability: awards held by members, and posts as badge backfills see them.

What storage keeps (:class:`BadgeAward`, written as a :class:`NewBadgeAward`); definitions are in
:mod:`socialcrm.capabilities.badges.definitions`.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.capabilities.badges.keys import badge_slug, badge_subject
from socialcrm.core.validation import aware


def check_badge_award(*, badge: object, subject: object, awarded_at: object) -> None:
    """Refuse an award storage must not keep (``ValidationError``).

    A ``badge`` that is not a slug (:func:`~socialcrm.capabilities.badges.keys.badge_slug`),
    a ``subject`` that is not ``""`` nor a subject key
    (:func:`~socialcrm.capabilities.badges.keys.badge_subject`), or a naive
    ``awarded_at``; :class:`NewBadgeAward` calls it.
    """
    badge_slug(badge)
    badge_subject(subject, repeatable=subject != "")
    aware(awarded_at, "awarded_at")


@attrs.frozen(kw_only=True)
class NewBadgeAward:
    """A badge award to write (:meth:`socialcrm.ports.BadgeRepository.award`).

    The fields of :class:`BadgeAward` that the awarding code gives (``subject``
    ``""`` for once-only badges); the storage hands out the id, and the award
    starts unrevoked. Construction refuses, with ``ValidationError``, what
    :func:`check_badge_award` refuses: a badge that is not a slug, a subject that
    is not a subject key, a naive ``awarded_at``.
    """

    badge: str
    member_id: int
    subject: str
    awarded_at: datetime
    post_id: int | None = None
    space_id: int | None = None

    def __attrs_post_init__(self) -> None:
        check_badge_award(badge=self.badge, subject=self.subject, awarded_at=self.awarded_at)


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


__all__ = ["AuthoredPost", "BadgeAward", "NewBadgeAward", "check_badge_award"]

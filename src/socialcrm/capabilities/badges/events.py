"""Events of the badges capability: badges awarded and revoked."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class BadgeAwarded(Event):
    """A member earned a badge (``subject`` ``""`` for once-only badges).

    ``actor_id`` is the member whose command triggered the check, the staff member
    who awarded it by hand, or ``None`` for a job (backfill).
    """

    name: ClassVar[str] = "badge_awarded"
    award_id: int
    badge: str
    tier: str
    member_id: int
    subject: str
    post_id: int | None = None


@attrs.frozen(kw_only=True)
class BadgeRevoked(Event):
    """Staff revoked a badge award (``actor_id``); it is not awarded again automatically."""

    name: ClassVar[str] = "badge_revoked"
    award_id: int
    badge: str
    member_id: int
    subject: str
    reason: str = ""


__all__ = ["BadgeAwarded", "BadgeRevoked"]

"""Badge definitions: what plugins define (:class:`BadgeDefinition`) and what checks return.

A definition names the event types that trigger its check; the check looks at
one event and says which members earn the badge (:class:`BadgeGrant`). The
badge engine (:mod:`socialcrm.capabilities.badges.service`) stores each award once: a
once-only badge once per member, a repeatable one once per member and *subject*
(``"post:12"``: "nice answer" once per answer). Storage enforces that with a
unique key, so two workers racing each other cannot award it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from socialcrm.capabilities.badges.keys import (
    BADGE_SLUG_MAX_LENGTH,
    BADGE_SUBJECT_MAX_LENGTH,
    badge_slug,
    badge_subject,
)
from socialcrm.errors import ValidationError

if TYPE_CHECKING:
    from socialcrm.capabilities.members.records import Member
    from socialcrm.core.context import HookContext
    from socialcrm.core.events import Event

#: Badge tiers, least prestigious first.
BADGE_TIERS = ("bronze", "silver", "gold")


def post_subject(post_id: int) -> str:
    """The subject key of a badge earned by a post."""
    return f"post:{post_id}"


@attrs.frozen
class BadgeGrant:
    """What a badge check returns: ``member_id`` earns the badge (for ``subject``)."""

    member_id: int
    subject: str = ""
    post_id: int | None = None


#: A badge check: the event that triggered it and the hook context, to the grants.
BadgeCheck = Callable[["Event", "HookContext"], "Iterable[BadgeGrant] | None"]
#: A backfill: one existing member and the hook context, to the grants they have earned.
BadgeBackfill = Callable[["Member", "HookContext"], "Iterable[BadgeGrant] | None"]


def _tier(value: str) -> str:
    if value not in BADGE_TIERS:
        raise ValidationError(f"tier must be one of {BADGE_TIERS}, got {value!r}", field="tier")
    return value


def _triggers(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise ValidationError("triggers must be a collection of event names", field="triggers")
    return frozenset(value)


@attrs.frozen
class BadgeDefinition:
    """A badge a plugin offers through ``socialcrm_badges``.

    :param slug: the badge's stable id (stored with every award).
    :param name: its display name.
    :param description: what earns it, for members.
    :param tier: ``bronze``, ``silver`` or ``gold``.
    :param triggers: names of the events (``"vote_cast"``...) after which
        ``check`` runs; the check never runs for other events.
    :param check: ``check(event, context)`` returns the grants the event earns,
        inside the command's transaction (keep it cheap: it runs on every
        triggering event). Read storage through ``context.uow``.
    :param repeatable: awarded once per member and subject instead of once per member.
    :param backfill: ``backfill(member, context)`` returns the grants an existing
        member has earned already, for ``community.badges.backfill()``; ``None``
        when the badge cannot be backfilled.
    """

    slug: str = attrs.field(converter=badge_slug)
    name: str
    description: str
    tier: str = attrs.field(converter=_tier)
    triggers: frozenset[str] = attrs.field(converter=_triggers)
    check: BadgeCheck = attrs.field(eq=False)
    repeatable: bool = False
    backfill: BadgeBackfill | None = attrs.field(default=None, eq=False)


__all__ = [
    "BADGE_SLUG_MAX_LENGTH",
    "BADGE_SUBJECT_MAX_LENGTH",
    "BADGE_TIERS",
    "BadgeBackfill",
    "BadgeCheck",
    "BadgeDefinition",
    "BadgeGrant",
    "badge_slug",
    "badge_subject",
    "post_subject",
]

"""Badge definitions: what plugins define (:class:`BadgeDefinition`) and what checks return.

A definition names the event types that trigger its check; the check looks at
one event and says which members earn the badge (:class:`BadgeGrant`). The
badge engine (:mod:`socialcrm.capabilities.badges.service`) stores each award once: a
once-only badge once per member, a repeatable one once per member and *subject*
(``"post:12"``: "nice answer" once per answer). Storage enforces that with a
unique key, so two workers racing each other cannot award it twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from socialcrm.errors import ValidationError

if TYPE_CHECKING:
    from socialcrm.capabilities.members.records import Member
    from socialcrm.core.context import HookContext
    from socialcrm.core.events import Event

#: Badge tiers, least prestigious first.
BADGE_TIERS = ("bronze", "silver", "gold")
#: Longest badge slug and subject key (they are part of the storage's unique key).
BADGE_SLUG_MAX_LENGTH = 64
BADGE_SUBJECT_MAX_LENGTH = 64

_BADGE_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")


def badge_slug(value: object, field: str = "badge") -> str:
    """A badge slug: lower-case letters, digits, ``-`` and ``_``, at most 64 characters."""
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    if len(value) > BADGE_SLUG_MAX_LENGTH or not _BADGE_SLUG.match(value):
        raise ValidationError(
            f"{field} must be at most {BADGE_SLUG_MAX_LENGTH} lower-case letters, digits, "
            f"'-' or '_', got {value!r}",
            field=field,
        )
    return value


def badge_subject(value: object, *, repeatable: bool) -> str:
    """The subject key of an award: ``""`` for once-only badges, non-empty for repeatable ones."""
    if not isinstance(value, str):
        raise ValidationError(f"subject must be a string, got {value!r}", field="subject")
    if not repeatable:
        return ""
    if not value or len(value) > BADGE_SUBJECT_MAX_LENGTH or value != value.strip():
        raise ValidationError(
            "a repeatable badge needs a subject of 1 to "
            f"{BADGE_SUBJECT_MAX_LENGTH} characters (e.g. 'post:12'), got {value!r}",
            field="subject",
        )
    return value


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

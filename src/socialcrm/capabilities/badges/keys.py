"""The key of a badge award: the badge's slug and the award's subject.

Storage keeps an award once per ``(badge, member_id, subject)``, so both parts are
checked here, where badge definitions
(:mod:`socialcrm.capabilities.badges.definitions`) and the awards to write
(:class:`socialcrm.capabilities.badges.records.NewBadgeAward`) both find them.
"""

from __future__ import annotations

import re

from socialcrm.errors import ValidationError

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


__all__ = ["BADGE_SLUG_MAX_LENGTH", "BADGE_SUBJECT_MAX_LENGTH", "badge_slug", "badge_subject"]

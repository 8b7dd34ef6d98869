"""Badges: moved to :mod:`socialcrm.capabilities.badges.definitions` and
:mod:`socialcrm.capabilities.badges.records`.

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.badges.definitions import (
    BADGE_SLUG_MAX_LENGTH,
    BADGE_SUBJECT_MAX_LENGTH,
    BADGE_TIERS,
    BadgeBackfill,
    BadgeCheck,
    BadgeDefinition,
    BadgeGrant,
    badge_slug,
    badge_subject,
    post_subject,
)
from socialcrm.capabilities.badges.records import AuthoredPost, BadgeAward

__all__ = [
    "BADGE_TIERS",
    "BADGE_SLUG_MAX_LENGTH",
    "BADGE_SUBJECT_MAX_LENGTH",
    "AuthoredPost",
    "BadgeAward",
    "BadgeBackfill",
    "BadgeCheck",
    "BadgeDefinition",
    "BadgeGrant",
    "badge_slug",
    "badge_subject",
    "post_subject",
]

_warnings.warn(
    "socialcrm.domain.badges is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

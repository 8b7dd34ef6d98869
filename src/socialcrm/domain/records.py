"""Frozen records returned by every socialcrm query and command: moved to each
capability's ``records`` module (:mod:`socialcrm.capabilities.members.records`...).

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.audit.records import AuditEntry
from socialcrm.capabilities.flags.records import FLAG_REASONS, FLAG_STATUSES, Flag, FlagAccuracy
from socialcrm.capabilities.members.records import (
    CHAMPION_ROLE,
    MODERATING_ROLES,
    PLACEHOLDER_ROLE,
    ROLES,
    Member,
    Profile,
)
from socialcrm.capabilities.moderation.records import SANCTION_KINDS, Sanction
from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage
from socialcrm.capabilities.reputation.records import LeaderboardRow, LedgerEntry, ReputationChange
from socialcrm.capabilities.review.records import REVIEW_KINDS, REVIEW_STATUSES, ReviewItem
from socialcrm.capabilities.spaces.records import POSTING_POLICIES, VISIBILITIES, Space
from socialcrm.capabilities.threads.records import (
    THREAD_KINDS,
    THREAD_STATUSES,
    Comment,
    Post,
    Revision,
    Thread,
)
from socialcrm.capabilities.trust.records import ActivityTotals, MemberActivity
from socialcrm.capabilities.votes.records import Vote

__all__ = [
    "ROLES",
    "PLACEHOLDER_ROLE",
    "CHAMPION_ROLE",
    "MODERATING_ROLES",
    "VISIBILITIES",
    "POSTING_POLICIES",
    "THREAD_KINDS",
    "THREAD_STATUSES",
    "SANCTION_KINDS",
    "REVIEW_KINDS",
    "REVIEW_STATUSES",
    "ReviewItem",
    "FLAG_REASONS",
    "FLAG_STATUSES",
    "Profile",
    "Member",
    "Space",
    "Thread",
    "Post",
    "Revision",
    "Comment",
    "Vote",
    "LedgerEntry",
    "NewOutboxMessage",
    "OutboxMessage",
    "ActivityTotals",
    "MemberActivity",
    "Sanction",
    "Flag",
    "FlagAccuracy",
    "AuditEntry",
    "LeaderboardRow",
    "ReputationChange",
]

_warnings.warn(
    "socialcrm.domain.records is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

"""Frozen records of engagement: moved to :mod:`socialcrm.capabilities.invitations.records`,
``polls.records``, ``contests.records`` and ``members.records`` (champions).

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.contests.records import Contest, ContestWinner
from socialcrm.capabilities.invitations.records import (
    REFERRAL_REWARD_KINDS,
    Invitation,
    IssuedInvitation,
    Referral,
    ReferralConversion,
    ReferralReward,
    hash_invite_code,
)
from socialcrm.capabilities.members.records import AuthorStats, Champion
from socialcrm.capabilities.polls.records import Poll, PollOption, PollResults
from socialcrm.capabilities.reputation.records import ACTIVITY_BOARDS

__all__ = [
    "ACTIVITY_BOARDS",
    "REFERRAL_REWARD_KINDS",
    "AuthorStats",
    "Champion",
    "Contest",
    "ContestWinner",
    "Invitation",
    "IssuedInvitation",
    "Poll",
    "PollOption",
    "PollResults",
    "Referral",
    "ReferralConversion",
    "ReferralReward",
    "hash_invite_code",
]

_warnings.warn(
    "socialcrm.domain.engagement is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

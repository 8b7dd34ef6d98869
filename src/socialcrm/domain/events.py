"""Domain events: moved to :mod:`socialcrm.core.events` (the base class and the registry)
and to each capability's ``events`` module (:mod:`socialcrm.capabilities.votes.events`...).

This module re-exports the names it used to define; importing it imports every
capability's events (:mod:`socialcrm.capabilities.events`), so the registry is complete.
"""

import warnings as _warnings

from socialcrm.capabilities.badges.events import BadgeAwarded, BadgeRevoked
from socialcrm.capabilities.bounties.events import (
    BountyAwarded,
    BountyExpired,
    BountyOffered,
    BountyRefunded,
)
from socialcrm.capabilities.contests.events import ContestCreated, ContestDecided
from socialcrm.capabilities.events import EVENT_TYPES
from socialcrm.capabilities.flags.events import FlagDecided, FlagRaised, PostHidden, PostUnhidden
from socialcrm.capabilities.invitations.events import (
    InvitationCreated,
    InvitationRedeemed,
    InvitationRevoked,
    ReferralConverted,
    ReferralRewardEarned,
)
from socialcrm.capabilities.members.events import (
    MemberJoined,
    MemberVisited,
    ProfileUpdated,
    RoleGranted,
    RoleRevoked,
)
from socialcrm.capabilities.moderation.events import (
    ModerationBudgetExceeded,
    SanctionImposed,
    SanctionLifted,
)
from socialcrm.capabilities.polls.events import PollClosed, PollCreated, PollVoted
from socialcrm.capabilities.reputation.events import ReputationChanged, ReputationRecomputed
from socialcrm.capabilities.review.events import (
    ContentFlagged,
    ModerationAlert,
    ReviewItemDismissed,
    SubmissionApproved,
    SubmissionHeld,
    SubmissionRejected,
)
from socialcrm.capabilities.spaces.events import SpaceCreated, SpaceMemberAdded, SpaceMemberRemoved
from socialcrm.capabilities.threads.events import (
    AnswerAccepted,
    AnswerUnaccepted,
    CommentAdded,
    PostDeleted,
    PostEdited,
    ReplyPosted,
    ThreadClosed,
    ThreadReopened,
    ThreadStarted,
    ThreadViewed,
)
from socialcrm.capabilities.trust.events import TRUST_REASONS, TrustLevelChanged
from socialcrm.capabilities.votes.events import (
    VoteCast,
    VoteChanged,
    VoteRetracted,
    VoteReversed,
)
from socialcrm.core.events import Event, accept_cause, post_cause, vote_cause

__all__ = [
    "EVENT_TYPES",
    "TRUST_REASONS",
    "AnswerAccepted",
    "AnswerUnaccepted",
    "BadgeAwarded",
    "BadgeRevoked",
    "BountyAwarded",
    "BountyExpired",
    "BountyOffered",
    "BountyRefunded",
    "CommentAdded",
    "ContentFlagged",
    "ContestCreated",
    "ContestDecided",
    "Event",
    "FlagDecided",
    "FlagRaised",
    "InvitationCreated",
    "InvitationRedeemed",
    "InvitationRevoked",
    "MemberJoined",
    "MemberVisited",
    "ModerationAlert",
    "ModerationBudgetExceeded",
    "PollClosed",
    "PollCreated",
    "PollVoted",
    "PostDeleted",
    "PostEdited",
    "PostHidden",
    "PostUnhidden",
    "ProfileUpdated",
    "ReferralConverted",
    "ReferralRewardEarned",
    "ReplyPosted",
    "ReputationChanged",
    "ReputationRecomputed",
    "ReviewItemDismissed",
    "RoleGranted",
    "RoleRevoked",
    "SanctionImposed",
    "SanctionLifted",
    "SpaceCreated",
    "SpaceMemberAdded",
    "SpaceMemberRemoved",
    "SubmissionApproved",
    "SubmissionHeld",
    "SubmissionRejected",
    "ThreadClosed",
    "ThreadReopened",
    "ThreadStarted",
    "ThreadViewed",
    "TrustLevelChanged",
    "VoteCast",
    "VoteChanged",
    "VoteRetracted",
    "VoteReversed",
    "accept_cause",
    "post_cause",
    "vote_cause",
]

_warnings.warn(
    "socialcrm.domain.events is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

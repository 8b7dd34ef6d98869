"""socialcrm: a customer community inside your Flask or Django site.

The public surface::

    from socialcrm import Community, hookimpl, Settings
    from socialcrm.adapters.memory import MemoryStorage

    community = Community(MemoryStorage())
"""

from socialcrm import _moved
from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry
from socialcrm.capabilities.badges.definitions import BadgeDefinition, BadgeGrant
from socialcrm.capabilities.badges.records import BadgeAward, NewBadgeAward
from socialcrm.capabilities.bounties.records import Bounty, BountyClosing
from socialcrm.capabilities.flags.records import Flag, FlagAccuracy, NewFlag
from socialcrm.capabilities.members.records import Member, NewMember, Profile
from socialcrm.capabilities.moderation.held import HeldSubmission
from socialcrm.capabilities.moderation.records import NewSanction, Sanction
from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage
from socialcrm.capabilities.reputation.records import (
    LeaderboardRow,
    LedgerEntry,
    LedgerWindow,
    NewLedgerEntry,
    ReputationChange,
)
from socialcrm.capabilities.review.policy import Verdict
from socialcrm.capabilities.review.records import NewReviewItem, ReviewDecision, ReviewItem
from socialcrm.capabilities.spaces.records import NewSpace, Space
from socialcrm.capabilities.threads.records import (
    Comment,
    NewPost,
    NewThread,
    Post,
    Revision,
    Thread,
    ThreadFilter,
)
from socialcrm.capabilities.trust.records import (
    ActivityTotals,
    DayCounts,
    MemberActivity,
    TrustActivity,
)
from socialcrm.capabilities.trust.service import TrustReview
from socialcrm.capabilities.votes.records import Vote
from socialcrm.clock import Clock, ManualClock, SystemClock
from socialcrm.community import Community
from socialcrm.core.context import HookContext
from socialcrm.errors import (
    Conflict,
    ContentRejected,
    DumpError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RetryableStorageError,
    Sanctioned,
    SocialCRMError,
    StorageError,
    ValidationError,
)
from socialcrm.plugins.hookspecs import hookimpl
from socialcrm.settings import (
    BadgeSettings,
    BountySettings,
    ChampionSettings,
    ContentSettings,
    FlagSettings,
    RateLimitSettings,
    ReferralSettings,
    RewardSettings,
    Settings,
    TrustSettings,
    WatchedWord,
    WorkloadSettings,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "ActivityTotals",
    "AuditEntry",
    "AuditQuery",
    "BadgeAward",
    "BadgeDefinition",
    "BadgeGrant",
    "BadgeSettings",
    "Bounty",
    "BountyClosing",
    "BountySettings",
    "ChampionSettings",
    "Clock",
    "Comment",
    "Community",
    "Conflict",
    "ContentRejected",
    "DayCounts",
    "DumpError",
    "HookContext",
    "LeaderboardRow",
    "LedgerEntry",
    "LedgerWindow",
    "ManualClock",
    "Member",
    "MemberActivity",
    "NotFound",
    "NewAuditEntry",
    "NewLedgerEntry",
    "NewOutboxMessage",
    "NewSpace",
    "NewBadgeAward",
    "NewFlag",
    "NewReviewItem",
    "NewSanction",
    "NewMember",
    "NewPost",
    "NewThread",
    "OutboxMessage",
    "PermissionDenied",
    "Post",
    "Profile",
    "RateLimitSettings",
    "RateLimited",
    "ReferralSettings",
    "RetryableStorageError",
    "ReputationChange",
    "RewardSettings",
    "Revision",
    "Sanction",
    "Sanctioned",
    "Settings",
    "SocialCRMError",
    "Space",
    "StorageError",
    "SystemClock",
    "Thread",
    "ThreadFilter",
    "TrustActivity",
    "TrustReview",
    "TrustSettings",
    "FlagSettings",
    "WorkloadSettings",
    "Flag",
    "FlagAccuracy",
    "ValidationError",
    "Vote",
    "ReviewDecision",
    "ReviewItem",
    "Verdict",
    "HeldSubmission",
    "ContentSettings",
    "WatchedWord",
    "hookimpl",
]

_moved.install()

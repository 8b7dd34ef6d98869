"""socialcrm: a customer community inside your Flask or Django site.

The public surface::

    from socialcrm import Community, hookimpl, Settings
    from socialcrm.adapters.memory import MemoryStorage

    community = Community(MemoryStorage())
"""

from socialcrm.clock import Clock, ManualClock, SystemClock
from socialcrm.community import Community
from socialcrm.core.context import HookContext
from socialcrm.domain.badges import BadgeAward, BadgeDefinition, BadgeGrant
from socialcrm.domain.bounties import Bounty
from socialcrm.domain.moderation import Verdict
from socialcrm.domain.records import (
    ActivityTotals,
    AuditEntry,
    Comment,
    Flag,
    FlagAccuracy,
    LeaderboardRow,
    LedgerEntry,
    Member,
    MemberActivity,
    NewOutboxMessage,
    OutboxMessage,
    Post,
    Profile,
    ReputationChange,
    ReviewItem,
    Revision,
    Sanction,
    Space,
    Thread,
    Vote,
)
from socialcrm.domain.trust import TrustActivity
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
from socialcrm.services.held import HeldSubmission
from socialcrm.services.trust import TrustReview
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
    "BadgeAward",
    "BadgeDefinition",
    "BadgeGrant",
    "BadgeSettings",
    "Bounty",
    "BountySettings",
    "ChampionSettings",
    "Clock",
    "Comment",
    "Community",
    "Conflict",
    "ContentRejected",
    "DumpError",
    "HookContext",
    "LeaderboardRow",
    "LedgerEntry",
    "ManualClock",
    "Member",
    "MemberActivity",
    "NotFound",
    "NewOutboxMessage",
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
    "TrustActivity",
    "TrustReview",
    "TrustSettings",
    "FlagSettings",
    "WorkloadSettings",
    "Flag",
    "FlagAccuracy",
    "ValidationError",
    "Vote",
    "ReviewItem",
    "Verdict",
    "HeldSubmission",
    "ContentSettings",
    "WatchedWord",
    "hookimpl",
]

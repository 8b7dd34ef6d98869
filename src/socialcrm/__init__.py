"""socialcrm: a customer community inside your Flask or Django site.

The public surface::

    from socialcrm import Community, hookimpl, Settings
    from socialcrm.adapters.memory import MemoryStorage

    community = Community(MemoryStorage())
"""

from socialcrm.clock import Clock, ManualClock, SystemClock
from socialcrm.community import Community
from socialcrm.domain.records import (
    AuditEntry,
    Comment,
    LeaderboardRow,
    LedgerEntry,
    Member,
    OutboxMessage,
    Post,
    Profile,
    ReputationChange,
    Revision,
    Sanction,
    Space,
    Thread,
    Vote,
)
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
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl
from socialcrm.settings import RewardSettings, Settings

__version__ = "0.1.0.dev0"

__all__ = [
    "AuditEntry",
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
    "NotFound",
    "OutboxMessage",
    "PermissionDenied",
    "Post",
    "Profile",
    "RateLimited",
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
    "ValidationError",
    "Vote",
    "hookimpl",
]

"""Deprecated: the in-memory invitations, referrals, polls and contests moved.

Import them from :mod:`socialcrm.adapters.memory` (or its modules ``invitations``,
``polls``, ``contests`` and ``tables``); this module goes away in the next release.
"""

import warnings

from socialcrm.adapters.memory.contests import MemoryContests
from socialcrm.adapters.memory.invitations import MemoryInvitations, MemoryReferrals
from socialcrm.adapters.memory.polls import MemoryPolls
from socialcrm.adapters.memory.tables import EngagementTables

warnings.warn(
    "socialcrm.adapters.memory_engagement is deprecated and will be removed in the next "
    "release: import from socialcrm.adapters.memory instead",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = [
    "EngagementTables",
    "MemoryContests",
    "MemoryInvitations",
    "MemoryPolls",
    "MemoryReferrals",
]

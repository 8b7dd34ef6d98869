"""Deprecated: the in-memory badge and bounty repositories moved.

Import them from :mod:`socialcrm.adapters.memory` (or its modules ``badges`` and
``bounties``); this module goes away in the next release.
"""

import warnings

from socialcrm.adapters.memory.badges import MemoryBadges
from socialcrm.adapters.memory.bounties import MemoryBounties

warnings.warn(
    "socialcrm.adapters.memory_rewards is deprecated and will be removed in the next "
    "release: import from socialcrm.adapters.memory instead",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["MemoryBadges", "MemoryBounties"]

"""In-memory storage: the same behaviour as the SQL adapters, for tests and prototypes.

:class:`MemoryStorage` keeps frozen records in Python dicts. A unit of work holds the
store's lock from start to end and writes through an undo :mod:`journal
<socialcrm.adapters.memory.journal>`, so rollback leaves the data exactly as it was.
One module per capability holds that capability's repository; :mod:`.storage` composes
them into the unit of work.
"""

from socialcrm.adapters.memory.badges import MemoryBadges
from socialcrm.adapters.memory.bounties import MemoryBounties
from socialcrm.adapters.memory.contests import MemoryContests
from socialcrm.adapters.memory.invitations import MemoryInvitations, MemoryReferrals
from socialcrm.adapters.memory.polls import MemoryPolls
from socialcrm.adapters.memory.storage import MemoryStorage, MemoryUnitOfWork
from socialcrm.adapters.memory.tables import EngagementTables

__all__ = [
    "EngagementTables",
    "MemoryBadges",
    "MemoryBounties",
    "MemoryContests",
    "MemoryInvitations",
    "MemoryPolls",
    "MemoryReferrals",
    "MemoryStorage",
    "MemoryUnitOfWork",
]

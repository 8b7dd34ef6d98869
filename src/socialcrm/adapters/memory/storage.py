"""The memory storage and its unit of work, which composes one repository per capability."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from socialcrm.adapters.memory.activity import MemoryActivity
from socialcrm.adapters.memory.audit import MemoryAudit
from socialcrm.adapters.memory.badges import MemoryBadges
from socialcrm.adapters.memory.bounties import MemoryBounties
from socialcrm.adapters.memory.contests import MemoryContests
from socialcrm.adapters.memory.flags import MemoryFlags
from socialcrm.adapters.memory.imports import MemoryImports
from socialcrm.adapters.memory.invitations import MemoryInvitations, MemoryReferrals
from socialcrm.adapters.memory.journal import Journal
from socialcrm.adapters.memory.ledger import MemoryLedger
from socialcrm.adapters.memory.members import MemoryMembers
from socialcrm.adapters.memory.moderation import MemorySanctions
from socialcrm.adapters.memory.outbox import MemoryOutbox
from socialcrm.adapters.memory.polls import MemoryPolls
from socialcrm.adapters.memory.posts import MemoryPosts
from socialcrm.adapters.memory.review import MemoryReview
from socialcrm.adapters.memory.spaces import MemorySpaces
from socialcrm.adapters.memory.tables import Tables
from socialcrm.adapters.memory.threads import MemoryThreads
from socialcrm.adapters.memory.votes import MemoryVotes

if TYPE_CHECKING:
    from socialcrm.ports import Storage


class MemoryUnitOfWork:
    """A unit of work over the in-memory tables; see :class:`socialcrm.ports.UnitOfWork`."""

    def __init__(self, tables: Tables) -> None:
        journal = self._journal = Journal(tables)
        self.after_commit: list[Callable[[], None]] = []
        self.members = MemoryMembers(journal)
        self.spaces = MemorySpaces(journal)
        self.threads = MemoryThreads(journal)
        self.posts = MemoryPosts(journal)
        self.votes = MemoryVotes(journal)
        self.ledger = MemoryLedger(journal)
        self.outbox = MemoryOutbox(journal)
        self.activity = MemoryActivity(journal)
        self.sanctions = MemorySanctions(journal)
        self.audit = MemoryAudit(journal)
        self.flags = MemoryFlags(journal)
        self.imports = MemoryImports(journal)
        self.invitations = MemoryInvitations(journal)
        self.referrals = MemoryReferrals(journal)
        self.polls = MemoryPolls(journal)
        self.contests = MemoryContests(journal)
        self.review = MemoryReview(journal)
        self.badges = MemoryBadges(journal)
        self.bounties = MemoryBounties(journal)

    def commit(self) -> None:
        """Keep every write made so far."""
        self._journal.commit()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the unit ends, after the store's lock is released."""
        self.after_commit.append(callback)

    def rollback(self) -> None:
        """Undo every write made since the last commit."""
        self._journal.rollback()


class MemoryStorage:
    """Storage in Python dicts: fast, isolated per instance, gone when the process ends."""

    def __init__(self) -> None:
        self._tables = Tables()
        self._lock = threading.RLock()

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[MemoryUnitOfWork]:
        """Open a unit; writes not committed when the block ends are undone.

        ``read_only`` is accepted for the port; memory units always take the lock.
        """
        with self._lock:
            uow = MemoryUnitOfWork(self._tables)
            try:
                yield uow
            finally:
                uow.rollback()
        for callback in uow.after_commit:
            callback()

    def close(self) -> None:
        """Nothing to release; present for the port."""


if TYPE_CHECKING:

    def _implements_the_port(storage: MemoryStorage) -> Storage:
        """Never called: makes mypy check every repository against its port."""
        return storage


__all__ = ["MemoryStorage", "MemoryUnitOfWork"]

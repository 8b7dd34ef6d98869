"""The storage port: what socialcrm needs from a storage adapter.

A :class:`Storage` opens units of work. A :class:`UnitOfWork` is one transaction
and exposes repositories whose methods are *atomic, intention-revealing
operations*: counters change by increments (``add_score``, ``add_reputation``),
uniqueness is enforced by storage (one vote per member and post, one external id
per member, one slug per space), and "one accepted answer per question" is a
compare-and-set. Nothing here loads an aggregate to save it back.

Each repository protocol lives with its capability, in
``socialcrm/capabilities/<capability>/port.py``; this module composes them into
:class:`UnitOfWork` and :class:`Storage` and re-exports every one of them, so
``from socialcrm.ports import VoteRepository`` keeps working.

Rules every adapter follows (the contract suite in :mod:`socialcrm.testing`
checks them):

* Leaving the ``with`` block without :meth:`UnitOfWork.commit` rolls back every
  write of the unit; an exception inside the block also rolls back.
* Duplicate keys raise :class:`socialcrm.errors.Conflict`, never a driver error,
  and leave the unit usable.
* ``get`` methods return ``None`` for unknown ids; they never raise.
* Records returned are the frozen records of each capability's ``records`` module
  (``socialcrm.capabilities.<capability>.records``).
* Lists are returned in the documented order with ties broken by id.
* All datetimes given and returned are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from socialcrm.capabilities.audit.port import AuditRepository
from socialcrm.capabilities.badges.port import BadgeRepository
from socialcrm.capabilities.bounties.port import BountyRepository
from socialcrm.capabilities.contests.port import ContestRepository
from socialcrm.capabilities.flags.port import FlagRepository
from socialcrm.capabilities.imports.port import ImportRepository
from socialcrm.capabilities.invitations.port import InvitationRepository, ReferralRepository
from socialcrm.capabilities.members.port import MemberRepository
from socialcrm.capabilities.moderation.port import SanctionRepository
from socialcrm.capabilities.outbox.port import OutboxRepository
from socialcrm.capabilities.polls.port import PollRepository
from socialcrm.capabilities.reputation.port import LedgerRepository
from socialcrm.capabilities.review.port import ReviewRepository
from socialcrm.capabilities.spaces.port import SpaceRepository
from socialcrm.capabilities.threads.port import PostRepository, ThreadRepository
from socialcrm.capabilities.trust.port import ActivityRepository
from socialcrm.capabilities.votes.port import VoteRepository


class UnitOfWork(Protocol):
    """One transaction over every repository."""

    @property
    def members(self) -> MemberRepository:
        """The unit's members repository."""
        ...

    @property
    def spaces(self) -> SpaceRepository:
        """The unit's spaces repository."""
        ...

    @property
    def threads(self) -> ThreadRepository:
        """The unit's threads repository."""
        ...

    @property
    def posts(self) -> PostRepository:
        """The unit's posts repository."""
        ...

    @property
    def votes(self) -> VoteRepository:
        """The unit's votes repository."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """The unit's ledger repository."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """The unit's outbox repository."""
        ...

    @property
    def activity(self) -> ActivityRepository:
        """The unit's activity repository (trust-level inputs)."""
        ...

    @property
    def sanctions(self) -> SanctionRepository:
        """The unit's sanctions repository."""
        ...

    @property
    def audit(self) -> AuditRepository:
        """The unit's audit log repository."""
        ...

    @property
    def flags(self) -> FlagRepository:
        """The unit's flags repository."""
        ...

    @property
    def imports(self) -> ImportRepository:
        """The unit's import-state repository."""
        ...

    @property
    def invitations(self) -> InvitationRepository:
        """The unit's invitations repository."""
        ...

    @property
    def referrals(self) -> ReferralRepository:
        """The unit's referrals repository."""
        ...

    @property
    def polls(self) -> PollRepository:
        """The unit's polls repository."""
        ...

    @property
    def contests(self) -> ContestRepository:
        """The unit's contests repository."""
        ...

    @property
    def review(self) -> ReviewRepository:
        """The unit's review-queue repository."""
        ...

    @property
    def badges(self) -> BadgeRepository:
        """The unit's badge repository."""
        ...

    @property
    def bounties(self) -> BountyRepository:
        """The unit's bounty repository."""
        ...

    def commit(self) -> None:
        """Make every write of this unit durable."""
        ...

    def rollback(self) -> None:
        """Undo every write of this unit (also done on leaving the block uncommitted)."""
        ...

    def on_commit(self, callback: Callable[[], None]) -> None:
        """After ``commit()``: run ``callback`` once what the unit committed is durable.

        A unit that owns its transaction runs it when the ``with`` block ends, after
        the transaction and any lock are released. A unit that joined a transaction
        the host application holds runs it when the host commits, and never if the
        host rolls back. socialcrm sends its signals this way.
        """
        ...


class Storage(Protocol):
    """A storage adapter: a factory of units of work."""

    def unit_of_work(
        self, *, read_only: bool = False
    ) -> AbstractContextManager[UnitOfWork, bool | None]:
        """Open a transaction; leaving the block without ``commit()`` rolls it back.

        ``read_only=True`` promises that the unit will not write (queries use it);
        an adapter may use it to avoid taking write locks.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


__all__ = [
    "Storage",
    "UnitOfWork",
    "MemberRepository",
    "SpaceRepository",
    "ThreadRepository",
    "PostRepository",
    "VoteRepository",
    "LedgerRepository",
    "OutboxRepository",
    "ActivityRepository",
    "SanctionRepository",
    "AuditRepository",
    "FlagRepository",
    "ImportRepository",
    "InvitationRepository",
    "ReferralRepository",
    "PollRepository",
    "ContestRepository",
    "ReviewRepository",
    "BadgeRepository",
    "BountyRepository",
]

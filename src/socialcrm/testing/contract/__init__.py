"""The storage contract suite: one set of tests every storage adapter must pass.

:class:`StorageContract` checks the behaviour that :mod:`socialcrm.ports`
documents: transactions, uniqueness, orderings and tie-breaks, counters,
soft deletes, the ledger queries, the outbox, sanctions, the audit log, the
review queue, the trust-level activity, invitations, referrals, polls and contests, and the
timezone of every datetime. socialcrm runs it
soft deletes, the ledger queries, the outbox, sanctions, the audit log, badges,
bounties, the trust-level activity and the timezone of every datetime. socialcrm runs it
against its in-memory and SQLAlchemy adapters; host applications run it against
the adapters they write themselves.

Subclass it once per adapter and provide a ``storage`` fixture that yields a
fresh, empty storage and closes it afterwards::

    import pytest

    from socialcrm.testing import StorageContract
    from myapp.community_storage import DjangoStorage


    class TestDjangoStorage(StorageContract):
        @pytest.fixture
        def storage(self):
            storage = DjangoStorage()
            yield storage
            storage.close()

Notes for adapter authors:

* The class name has no ``Test`` prefix so pytest only collects your subclass.
* The fixture must be function-scoped and start empty: several tests count
  every row they can see (``members.list``, ``ledger.gains`` without a space
  filter).
* The few hypothesis property tests reuse that one storage across their
  examples; each example creates its own rows, so it never relies on the
  storage being empty.
* Datetimes are whole seconds in UTC, so databases that drop microseconds (or
  store naive UTC) still compare equal.
* To document a known gap, override the test in your subclass and mark it
  ``pytest.mark.xfail(reason=...)`` calling ``super()``, rather than skipping it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from socialcrm.ports import Storage
from socialcrm.testing.contract.activity import ActivityContract
from socialcrm.testing.contract.audit import AuditContract
from socialcrm.testing.contract.badges import BadgeContract
from socialcrm.testing.contract.bounties import BountyContract
from socialcrm.testing.contract.conflicts import ConflictContract
from socialcrm.testing.contract.contests import ContestContract
from socialcrm.testing.contract.datetimes import DatetimeContract
from socialcrm.testing.contract.engagement import EngagementContract
from socialcrm.testing.contract.flags import FlagContract
from socialcrm.testing.contract.imports import ImportContract
from socialcrm.testing.contract.invitations import InvitationContract
from socialcrm.testing.contract.ledger import LedgerContract
from socialcrm.testing.contract.members import MemberContract
from socialcrm.testing.contract.outbox import OutboxContract
from socialcrm.testing.contract.polls import PollContract
from socialcrm.testing.contract.posts import PostContract
from socialcrm.testing.contract.properties import PropertyContract
from socialcrm.testing.contract.ratelimits import RateLimitCountContract
from socialcrm.testing.contract.review import ReviewContract
from socialcrm.testing.contract.sanctions import SanctionContract
from socialcrm.testing.contract.spaces import SpaceContract
from socialcrm.testing.contract.threads import ThreadContract
from socialcrm.testing.contract.units import UnitOfWorkContract
from socialcrm.testing.contract.unknown_ids import UnknownIdContract
from socialcrm.testing.contract.visibility import VisibilityContract
from socialcrm.testing.contract.votes import VoteContract

__all__ = ["StorageContract"]


class StorageContract(
    UnitOfWorkContract,
    ConflictContract,
    UnknownIdContract,
    DatetimeContract,
    MemberContract,
    SpaceContract,
    ThreadContract,
    PostContract,
    VoteContract,
    LedgerContract,
    OutboxContract,
    ActivityContract,
    SanctionContract,
    AuditContract,
    ReviewContract,
    FlagContract,
    ImportContract,
    InvitationContract,
    PollContract,
    EngagementContract,
    ContestContract,
    RateLimitCountContract,
    BadgeContract,
    BountyContract,
    VisibilityContract,
    PropertyContract,
):
    """Abstract test case for a :class:`socialcrm.ports.Storage` adapter.

    Subclass it with a ``Test`` name and a function-scoped ``storage`` fixture
    that yields a fresh, empty storage (see the module docstring). Every
    ``test_*`` method then runs against that adapter.
    """

    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        """Override in the subclass: yield a fresh, empty storage and close it after."""
        raise NotImplementedError(
            f"{type(self).__name__} must define a `storage` fixture yielding a fresh Storage"
        )

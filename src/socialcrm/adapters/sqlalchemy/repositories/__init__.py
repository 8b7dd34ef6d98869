"""SQL repositories: one module per port repository, each with its prebuilt statements."""

from socialcrm.adapters.sqlalchemy.repositories.activity import (
    ActivityStatements,
    SQLActivityRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.audit import AuditStatements, SQLAuditRepository
from socialcrm.adapters.sqlalchemy.repositories.badges import BadgeStatements, SQLBadgeRepository
from socialcrm.adapters.sqlalchemy.repositories.bounties import (
    BountyStatements,
    SQLBountyRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.contests import (
    ContestStatements,
    SQLContestRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.flags import FlagStatements, SQLFlagRepository
from socialcrm.adapters.sqlalchemy.repositories.imports import (
    ImportStatements,
    SQLImportRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.invitations import (
    InvitationStatements,
    SQLInvitationRepository,
    SQLReferralRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.ledger import LedgerStatements, SQLLedgerRepository
from socialcrm.adapters.sqlalchemy.repositories.members import MemberStatements, SQLMemberRepository
from socialcrm.adapters.sqlalchemy.repositories.outbox import OutboxStatements, SQLOutboxRepository
from socialcrm.adapters.sqlalchemy.repositories.polls import PollStatements, SQLPollRepository
from socialcrm.adapters.sqlalchemy.repositories.posts import PostStatements, SQLPostRepository
from socialcrm.adapters.sqlalchemy.repositories.review import (
    ReviewStatements,
    SQLReviewRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.sanctions import (
    SanctionStatements,
    SQLSanctionRepository,
)
from socialcrm.adapters.sqlalchemy.repositories.spaces import SpaceStatements, SQLSpaceRepository
from socialcrm.adapters.sqlalchemy.repositories.threads import SQLThreadRepository, ThreadStatements
from socialcrm.adapters.sqlalchemy.repositories.votes import SQLVoteRepository, VoteStatements

__all__ = [
    "ContestStatements",
    "SQLContestRepository",
    "InvitationStatements",
    "PollStatements",
    "SQLInvitationRepository",
    "SQLPollRepository",
    "SQLReferralRepository",
    "ActivityStatements",
    "SQLActivityRepository",
    "AuditStatements",
    "ReviewStatements",
    "SQLReviewRepository",
    "BadgeStatements",
    "SQLBadgeRepository",
    "BountyStatements",
    "SQLBountyRepository",
    "SanctionStatements",
    "SQLAuditRepository",
    "SQLSanctionRepository",
    "FlagStatements",
    "SQLFlagRepository",
    "ImportStatements",
    "SQLImportRepository",
    "LedgerStatements",
    "MemberStatements",
    "OutboxStatements",
    "PostStatements",
    "SpaceStatements",
    "ThreadStatements",
    "VoteStatements",
    "SQLLedgerRepository",
    "SQLMemberRepository",
    "SQLOutboxRepository",
    "SQLPostRepository",
    "SQLSpaceRepository",
    "SQLThreadRepository",
    "SQLVoteRepository",
]

"""Invitations and referrals: invite codes by hash, who referred whom, exactly-once rewards."""

from __future__ import annotations

from datetime import datetime

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string
from socialcrm.adapters.sqlalchemy.conventions import (
    CODE_HASH_LENGTH,
    CODE_LENGTH,
    REWARD_KEY_LENGTH,
    RULE_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.invitations.records import (
    Invitation,
    NewInvitation,
    Referral,
    ReferralReward,
)
from socialcrm.errors import Conflict

#: The records' row mappers; a query selects their ``columns``, in order.
INVITATION_ROW = RowMapper(Invitation)
INVITATION_FIELDS = INVITATION_ROW.columns
REFERRAL_ROW = RowMapper(Referral)
REFERRAL_FIELDS = REFERRAL_ROW.columns
REWARD_ROW = RowMapper(ReferralReward, {"key": "reward_key"})
REWARD_FIELDS = REWARD_ROW.columns


def add_invitation_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """``invitations``, ``referrals`` and ``referral_rewards``.

    ``invitations`` holds invite codes by the SHA-256 hex digest of the code
    (unique; the code itself is never stored). ``referrals`` has one row per
    referred member (unique ``referred_id``); ``referral_rewards`` one row per
    granted reward, unique by ``reward_key``: that constraint is what makes a
    reward exactly-once under concurrent conversions.
    """
    kit = TableKit(metadata, prefix)
    invitations = kit.entity(
        "invitations",
        column("code_hash", case_sensitive_string(CODE_HASH_LENGTH)),
        kit.reference("inviter_id", "members"),
        kit.reference("space_id", "spaces", nullable=True),
        column("max_uses", Integer, nullable=True),
        column("uses", Integer),
        timestamp("expires_at", nullable=True),
        timestamp("created_at"),
        timestamp("revoked_at", nullable=True),
        UniqueConstraint("code_hash"),
        Index(None, "inviter_id", "id"),
        Index(None, "space_id"),
    )
    referrals = kit.entity(
        "referrals",
        kit.reference("referrer_id", "members"),
        kit.reference("referred_id", "members"),
        kit.reference("invitation_id", "invitations", nullable=True),
        timestamp("joined_at"),
        timestamp("converted_at", nullable=True),
        UniqueConstraint("referred_id"),
        Index(None, "referrer_id", "id"),
        Index(None, "invitation_id"),
    )
    referral_rewards = kit.entity(
        "referral_rewards",
        column("reward_key", case_sensitive_string(REWARD_KEY_LENGTH)),
        kit.reference("referral_id", "referrals"),
        kit.reference("member_id", "members"),
        column("kind", String(CODE_LENGTH)),
        column("rule", String(RULE_LENGTH)),
        column("amount", Integer),
        column("badge", String(RULE_LENGTH), nullable=True),
        timestamp("granted_at"),
        UniqueConstraint("reward_key"),
        Index(None, "referral_id"),
        Index(None, "member_id", "id"),
    )
    return {
        "invitations": invitations,
        "referrals": referrals,
        "referral_rewards": referral_rewards,
    }


class InvitationStatements:
    """The invitation and referral statements, built once per storage."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        i, r, w = tables.invitations, tables.referrals, tables.referral_rewards
        inv_columns = [i.c[name] for name in INVITATION_FIELDS]
        ref_columns = [r.c[name] for name in REFERRAL_FIELDS]
        self.insert_invitation = prepare.core(insert(i))
        self.get_invitation = prepare.core(select(*inv_columns).where(i.c.id == bindparam("iid")))
        self.by_hash = prepare.core(
            select(*inv_columns).where(i.c.code_hash == bindparam("code_hash"))
        )
        self.use = prepare.core(
            update(i)
            .where(
                i.c.id == bindparam("iid"),
                i.c.revoked_at.is_(None),
                or_(i.c.expires_at.is_(None), i.c.expires_at > bindparam("at")),
                or_(i.c.max_uses.is_(None), i.c.uses < i.c.max_uses),
            )
            .values(uses=i.c.uses + 1)
        )
        self.revoke = prepare.core(
            update(i)
            .where(i.c.id == bindparam("iid"), i.c.revoked_at.is_(None))
            .values(revoked_at=bindparam("at"))
        )
        self.by_inviter = prepare.core(
            select(*inv_columns)
            .where(i.c.inviter_id == bindparam("inviter_id"))
            .order_by(i.c.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        self.insert_referral = prepare.core(insert(r))
        self.get_referral = prepare.core(select(*ref_columns).where(r.c.id == bindparam("rid")))
        self.for_referred = prepare.core(
            select(*ref_columns).where(r.c.referred_id == bindparam("referred_id"))
        )
        self.mark_converted = prepare.core(
            update(r)
            .where(r.c.id == bindparam("rid"), r.c.converted_at.is_(None))
            .values(converted_at=bindparam("at"))
        )
        self.count_converted = prepare.core(
            select(func.count(r.c.id)).where(
                r.c.referrer_id == bindparam("referrer_id"), r.c.converted_at.is_not(None)
            )
        )
        self.by_referrer = prepare.core(
            select(*ref_columns)
            .where(r.c.referrer_id == bindparam("referrer_id"))
            .order_by(r.c.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        self.insert_reward = prepare.core(insert(w))
        self.reward_exists = prepare.core(
            select(w.c.id).where(w.c.reward_key == bindparam("reward_key"))
        )
        self.rewards_for = prepare.core(
            select(*[w.c[name] for name in REWARD_FIELDS])
            .where(w.c.member_id == bindparam("member_id"))
            .order_by(w.c.id)
        )


class SQLInvitationRepository(SQLRepository):
    """:class:`socialcrm.ports.InvitationRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: InvitationStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(self, new: NewInvitation) -> Invitation:
        """Insert an invitation; ``Conflict`` (``duplicate_invite_code``) if the hash is taken."""
        fields = attrs.asdict(new, recurse=False)
        new_id = self._insert_unique(
            self._q.insert_invitation,
            {**fields, "uses": 0, "revoked_at": None},
            already_exists=lambda: self.get_by_code_hash(new.code_hash) is not None,
            conflict=lambda: Conflict(
                "that invite code exists already", code="duplicate_invite_code"
            ),
        )
        return Invitation(id=new_id, uses=0, **fields)

    def get(self, invitation_id: int) -> Invitation | None:
        """The invitation with this id, or ``None``."""
        row = self._q.get_invitation.first(self._conn, {"iid": invitation_id})
        return None if row is None else INVITATION_ROW.from_row(row)

    def get_by_code_hash(self, code_hash: str) -> Invitation | None:
        """The invitation stored under this hash, or ``None``."""
        row = self._q.by_hash.first(self._conn, {"code_hash": code_hash})
        return None if row is None else INVITATION_ROW.from_row(row)

    def use(self, invitation_id: int, *, at: datetime) -> bool:
        """Count a use in one conditional UPDATE; ``False`` if the code is not usable."""
        return self._q.use.write(self._conn, {"iid": invitation_id, "at": at}) == 1

    def revoke(self, invitation_id: int, *, at: datetime) -> bool:
        """Revoke once; ``False`` if already revoked or unknown."""
        return self._q.revoke.write(self._conn, {"iid": invitation_id, "at": at}) == 1

    def by_inviter(self, inviter_id: int, *, limit: int, offset: int = 0) -> list[Invitation]:
        """The member's invitations, newest first."""
        params = {"inviter_id": inviter_id, "limit": limit, "offset": offset}
        return [INVITATION_ROW.from_row(row) for row in self._q.by_inviter.all(self._conn, params)]


class SQLReferralRepository(SQLRepository):
    """:class:`socialcrm.ports.ReferralRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: InvitationStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def add(
        self, *, referrer_id: int, referred_id: int, invitation_id: int | None, joined_at: datetime
    ) -> Referral:
        """Record a referral; ``Conflict`` (``duplicate_referral``) if the member has one."""
        params = {
            "referrer_id": referrer_id,
            "referred_id": referred_id,
            "invitation_id": invitation_id,
            "joined_at": joined_at,
            "converted_at": None,
        }
        new_id = self._insert_unique(
            self._q.insert_referral,
            params,
            already_exists=lambda: self.for_referred(referred_id) is not None,
            conflict=lambda: Conflict(
                f"member {referred_id} was referred already", code="duplicate_referral"
            ),
        )
        return Referral(
            id=new_id,
            referrer_id=referrer_id,
            referred_id=referred_id,
            invitation_id=invitation_id,
            joined_at=joined_at,
        )

    def get(self, referral_id: int) -> Referral | None:
        """The referral with this id, or ``None``."""
        row = self._q.get_referral.first(self._conn, {"rid": referral_id})
        return None if row is None else REFERRAL_ROW.from_row(row)

    def for_referred(self, referred_id: int) -> Referral | None:
        """The referral that brought the member in, or ``None``."""
        row = self._q.for_referred.first(self._conn, {"referred_id": referred_id})
        return None if row is None else REFERRAL_ROW.from_row(row)

    def mark_converted(self, referral_id: int, *, at: datetime) -> bool:
        """Set ``converted_at`` once, in one conditional UPDATE."""
        return self._q.mark_converted.write(self._conn, {"rid": referral_id, "at": at}) == 1

    def count_converted(self, referrer_id: int) -> int:
        """How many of the referrer's referrals converted."""
        return int(self._q.count_converted.scalar(self._conn, {"referrer_id": referrer_id}) or 0)

    def by_referrer(self, referrer_id: int, *, limit: int, offset: int = 0) -> list[Referral]:
        """The referrer's referrals, newest first."""
        params = {"referrer_id": referrer_id, "limit": limit, "offset": offset}
        return [REFERRAL_ROW.from_row(row) for row in self._q.by_referrer.all(self._conn, params)]

    def add_reward(self, *, referral_id: int, reward: ReferralReward, at: datetime) -> bool:
        """Insert the reward under its unique key; ``False`` if the key is taken."""
        params = {
            "reward_key": reward.key,
            "referral_id": referral_id,
            "member_id": reward.member_id,
            "kind": reward.kind,
            "rule": reward.rule,
            "amount": reward.amount,
            "badge": reward.badge,
            "granted_at": at,
        }
        new_id = self._insert_unique(
            self._q.insert_reward,
            params,
            already_exists=lambda: (
                self._q.reward_exists.first(self._conn, {"reward_key": reward.key}) is not None
            ),
            conflict=None,
        )
        return new_id is not None

    def rewards_for(self, member_id: int) -> list[ReferralReward]:
        """The member's rewards, oldest first."""
        rows = self._q.rewards_for.all(self._conn, {"member_id": member_id})
        return [REWARD_ROW.from_row(row) for row in rows]


__all__ = ["InvitationStatements", "SQLInvitationRepository", "SQLReferralRepository"]

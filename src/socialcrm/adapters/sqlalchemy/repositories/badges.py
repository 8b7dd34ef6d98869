"""Badge awards (unique per badge, member and subject) and the reads badge checks make."""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string
from socialcrm.adapters.sqlalchemy.conventions import BADGE_KEY_LENGTH, TableKit, column, timestamp
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.badges.records import AuthoredPost, BadgeAward, NewBadgeAward
from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE
from socialcrm.errors import NotFound

#: The records' row mappers; a query selects their ``columns``, in order.
AWARD_ROW = RowMapper(BadgeAward)
AWARD_FIELDS = AWARD_ROW.columns


def add_badge_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``badge_awards`` table: every badge award, revoked ones too.

    The unique key ``(badge, member_id, subject)`` is what keeps a badge from
    being awarded twice (``subject`` is ``''`` for once-only badges, e.g.
    ``post:12`` for repeatable ones). Only ``member_id`` is a foreign key;
    ``post_id`` names the post a badge was earned by.
    """
    kit = TableKit(metadata, prefix)
    badge_awards = kit.entity(
        "badge_awards",
        column("badge", case_sensitive_string(BADGE_KEY_LENGTH)),
        kit.reference("member_id", "members"),
        column("subject", case_sensitive_string(BADGE_KEY_LENGTH)),
        timestamp("awarded_at"),
        column("post_id", Integer, nullable=True),
        timestamp("revoked_at", nullable=True),
        column("revoked_by", Integer, nullable=True),
        column("space_id", Integer, nullable=True),
        # The storage-level guarantee: a badge once per member and subject.
        UniqueConstraint("badge", "member_id", "subject"),
        Index(None, "member_id", "id"),
    )
    return {"badge_awards": badge_awards}


class BadgeStatements:
    """The badge statements, built once per storage so the compiled cache is hit.

    ``held`` runs on every triggering event whose badge is not known to be held,
    so it is a hot statement (direct on pysqlite).
    """

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        a, m = tables.badge_awards, tables.members
        t, p, v = tables.threads, tables.posts, tables.votes
        columns = [a.c[name] for name in AWARD_FIELDS]
        self.table, self.columns = a, columns
        not_revoked = a.c.revoked_at.is_(None)
        # Votes award badges (supporter, nice answer...): both on the hot path.
        self.insert = prepare.hot(
            insert(a),
            column_keys=("badge", "member_id", "subject", "awarded_at", "post_id", "space_id"),
        )
        self.member_exists = prepare.hot(select(m.c.id).where(m.c.id == bindparam("member_id")))
        self.held = prepare.hot(
            select(a.c.id).where(
                a.c.badge == bindparam("badge"),
                a.c.member_id == bindparam("member_id"),
                a.c.subject == bindparam("subject"),
            )
        )
        self.get = prepare.core(select(*columns).where(a.c.id == bindparam("award_id")))
        self.for_member = prepare.core(
            select(*columns)
            .where(a.c.member_id == bindparam("member_id"), not_revoked)
            .order_by(a.c.id)
        )
        listed = and_(
            a.c.badge == bindparam("badge"),
            not_revoked,
            not_(m.c.roles.contains(PLACEHOLDER_ROLE)),
        )
        joined = a.join(m, m.c.id == a.c.member_id)
        self.joined = joined
        self.listed = and_(not_revoked, not_(m.c.roles.contains(PLACEHOLDER_ROLE)))
        self.holders = prepare.core(
            select(*columns)
            .select_from(joined)
            .where(listed)
            .order_by(a.c.id)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        self.count_holders = prepare.core(select(func.count()).select_from(joined).where(listed))
        self.revoke = prepare.core(
            update(a)
            .where(a.c.id == bindparam("award_id"), not_revoked)
            .values(revoked_at=bindparam("at"), revoked_by=bindparam("by"))
        )
        self.accepted_answers = prepare.core(
            select(func.count())
            .select_from(t.join(p, p.c.id == t.c.accepted_answer_id))
            .where(
                p.c.author_id == bindparam("member_id"),
                t.c.author_id != bindparam("member_id"),
                t.c.deleted_at.is_(None),
                p.c.deleted_at.is_(None),
            )
        )
        self.authored_posts = prepare.core(
            select(p.c.id, t.c.id, t.c.kind, p.c.is_opening, p.c.score, t.c.view_count)
            .select_from(p.join(t, t.c.id == p.c.thread_id))
            .where(
                p.c.author_id == bindparam("member_id"),
                p.c.deleted_at.is_(None),
                t.c.deleted_at.is_(None),
            )
            .order_by(p.c.id)
        )
        self.votes_given = prepare.core(
            select(
                func.coalesce(func.sum(case((v.c.value > 0, 1), else_=0)), 0),
                func.coalesce(func.sum(case((v.c.value < 0, 1), else_=0)), 0),
            ).where(v.c.member_id == bindparam("member_id"))
        )


class SQLBadgeRepository(SQLRepository):
    """:class:`socialcrm.ports.BadgeRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: BadgeStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def award(self, new: NewBadgeAward) -> BadgeAward | None:
        """Insert the award; ``None`` when the key exists (the unique key decides races)."""
        if self._q.member_exists.first(self._conn, {"member_id": new.member_id}) is None:
            raise NotFound(f"no member {new.member_id}", code="member_not_found")
        fields = attrs.asdict(new, recurse=False)
        award_id = self._insert_unique(
            self._q.insert,
            fields,
            already_exists=lambda: self.held(new.badge, new.member_id, new.subject),
            conflict=None,
        )
        if award_id is None:
            return None
        return BadgeAward(id=award_id, **fields)

    def held(self, badge: str, member_id: int, subject: str) -> bool:
        """Whether an award with the key exists, revoked or not."""
        params = {"badge": badge, "member_id": member_id, "subject": subject}
        return self._q.held.first(self._conn, params) is not None

    def get(self, award_id: int) -> BadgeAward | None:
        """The award, or ``None``."""
        row = self._q.get.first(self._conn, {"award_id": award_id})
        return None if row is None else AWARD_ROW.from_row(row)

    def _outside(self, exclude_space_ids: Collection[int]) -> Any:
        a = self._q.table
        return or_(a.c.space_id.is_(None), a.c.space_id.not_in(sorted(set(exclude_space_ids))))

    def for_member(
        self, member_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[BadgeAward]:
        """The member's awards not revoked, by id, outside ``exclude_space_ids``."""
        if exclude_space_ids:
            a = self._q.table
            query = (
                select(*self._q.columns)
                .where(
                    a.c.member_id == member_id,
                    a.c.revoked_at.is_(None),
                    self._outside(exclude_space_ids),
                )
                .order_by(a.c.id)
            )
            return [AWARD_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]
        rows = self._q.for_member.all(self._conn, {"member_id": member_id})
        return [AWARD_ROW.from_row(row) for row in rows]

    def holders(
        self,
        badge: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[BadgeAward]:
        """The badge's awards not revoked, placeholders left out, by id."""
        if exclude_space_ids:
            a = self._q.table
            query = (
                select(*self._q.columns)
                .select_from(self._q.joined)
                .where(a.c.badge == badge, self._q.listed, self._outside(exclude_space_ids))
                .order_by(a.c.id)
                .limit(limit)
                .offset(offset)
            )
            return [AWARD_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]
        params = {"badge": badge, "limit": limit, "offset": offset}
        return [AWARD_ROW.from_row(row) for row in self._q.holders.all(self._conn, params)]

    def count_holders(self, badge: str, *, exclude_space_ids: Collection[int] = ()) -> int:
        """How many awards :meth:`holders` lists."""
        if exclude_space_ids:
            a = self._q.table
            query = (
                select(func.count())
                .select_from(self._q.joined)
                .where(a.c.badge == badge, self._q.listed, self._outside(exclude_space_ids))
            )
            return int(CoreStatement(query).scalar(self._conn, {}))
        return int(self._q.count_holders.scalar(self._conn, {"badge": badge}))

    def revoke(self, award_id: int, *, at: datetime, by: int | None) -> bool:
        """Compare-and-set the revocation; ``NotFound`` for an unknown id."""
        if self._q.revoke.write(self._conn, {"award_id": award_id, "at": at, "by": by}):
            return True
        if self.get(award_id) is None:
            raise NotFound(f"no badge award {award_id}", code="badge_award_not_found")
        return False

    def accepted_answers(self, member_id: int) -> int:
        """Accepted answers by the member in live threads others asked."""
        return int(self._q.accepted_answers.scalar(self._conn, {"member_id": member_id}))

    def authored_posts(self, member_id: int) -> builtins.list[AuthoredPost]:
        """The member's live posts in live threads, by id."""
        rows = self._q.authored_posts.all(self._conn, {"member_id": member_id})
        return [
            AuthoredPost(
                post_id=post_id,
                thread_id=thread_id,
                thread_kind=kind,
                is_opening=bool(is_opening),
                score=int(score),
                views=int(views),
            )
            for post_id, thread_id, kind, is_opening, score, views in rows
        ]

    def votes_given(self, member_id: int) -> tuple[int, int]:
        """``(upvotes, downvotes)`` the member holds."""
        row = self._q.votes_given.first(self._conn, {"member_id": member_id})
        if row is None:
            return 0, 0
        return int(row[0]), int(row[1])


__all__ = ["BadgeStatements", "SQLBadgeRepository"]

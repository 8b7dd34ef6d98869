"""Members: profile columns, roles as sorted text, the cached reputation total.

Every change of a cached total is also recorded in the rank index
(:mod:`.reputation_counts`), which answers :meth:`SQLMemberRepository.count_above`.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    false,
    insert,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, case_sensitive_string, long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    EXTERNAL_ID_LENGTH,
    NAME_LENGTH,
    PROFILE_FIELD_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.repositories.reputation_counts import ReputationCounts
from socialcrm.adapters.sqlalchemy.rows import RowMapper, from_columns
from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE, Member, NewMember, Profile
from socialcrm.errors import Conflict


def _roles_to_text(roles: Collection[str]) -> str:
    return ",".join(sorted(roles))


def listed_members(members: Table) -> ColumnElement[bool]:
    """The condition of members that lists and leaderboards show: not placeholders.

    Roles are sorted comma-separated names and no other role contains the word, so a
    ``LIKE`` on it is exact.
    """
    return not_(members.c.roles.contains(PLACEHOLDER_ROLE))


def _roles_from_text(text: str) -> frozenset[str]:
    return frozenset(text.split(",")) if text else frozenset()


def _profile_from_columns(
    bio: str, company: str, job_title: str, country: str, interests: str
) -> Profile:
    return Profile(
        bio=bio,
        company=company,
        job_title=job_title,
        country=country,
        interests=tuple(json.loads(interests)),
    )


#: The records' row mappers; a query selects their ``columns``, in order.
MEMBER_ROW = RowMapper(
    Member,
    {
        "roles": _roles_from_text,
        "profile": from_columns(
            "bio", "company", "job_title", "country", "interests", convert=_profile_from_columns
        ),
        "trust_level_locked": bool,
    },
)
MEMBER_FIELDS = MEMBER_ROW.columns
#: Where the reputation total stands in a member row (``get`` of a locked member
#: answers with the total this unit keeps current).
_REPUTATION = MEMBER_FIELDS.index("reputation")


#: The columns ``add`` writes; the trust columns start at their server defaults.
_INSERT_FIELDS = MEMBER_FIELDS[1:11]


def _profile_values(display_name: str, profile: Profile) -> dict[str, Any]:
    return {
        "display_name": display_name,
        "bio": profile.bio,
        "company": profile.company,
        "job_title": profile.job_title,
        "country": profile.country,
        "interests": json.dumps(list(profile.interests)),
    }


def add_member_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``members`` table.

    ``roles`` is a comma-separated, sorted text and ``interests`` a JSON list of
    strings. ``trust_level``, ``trust_level_locked`` and ``trust_level_changed_at``
    hold the trust level (server defaults 0, false and NULL, so rows written before
    revision 0007 read as TL0, unlocked).
    """
    kit = TableKit(metadata, prefix)
    members = kit.entity(
        "members",
        column("external_id", case_sensitive_string(EXTERNAL_ID_LENGTH)),
        column("display_name", String(NAME_LENGTH)),
        column("roles", String(NAME_LENGTH)),
        column("reputation", Integer),
        timestamp("joined_at"),
        column("bio", long_text()),
        column("company", String(PROFILE_FIELD_LENGTH)),
        column("job_title", String(PROFILE_FIELD_LENGTH)),
        column("country", String(PROFILE_FIELD_LENGTH)),
        column("interests", long_text()),
        column("trust_level", Integer, server_default=text("0")),
        column("trust_level_locked", Boolean, server_default=false()),
        timestamp("trust_level_changed_at", nullable=True),
        UniqueConstraint("external_id"),
        Index(None, "reputation", "id"),
    )
    return {"members": members}


class MemberStatements:
    """The member statements, built once per storage so the compiled cache is hit."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        m = tables.members
        self.table = m
        self.columns = [m.c[name] for name in MEMBER_FIELDS]
        by_id = m.c.id == bindparam("member_id")
        self.insert = prepare.hot(insert(m), column_keys=list(_INSERT_FIELDS))
        self.get = prepare.hot(select(*self.columns).where(by_id))
        self.get_many = prepare.core(
            select(*self.columns).where(m.c.id.in_(bindparam("ids", expanding=True)))
        )
        self.by_external_id = prepare.hot(
            select(*self.columns).where(m.c.external_id == bindparam("external_id"))
        )
        # The whole row: a later ``get`` of a member the unit holds locked reads no more.
        self.lock = prepare.hot(select(*self.columns).where(by_id).with_for_update())
        self.update_profile = prepare.core(update(m).where(by_id))
        self.set_roles = prepare.core(update(m).where(by_id).values(roles=bindparam("new_roles")))
        self.add_reputation = prepare.hot(
            update(m).where(by_id).values(reputation=m.c.reputation + bindparam("delta"))
        )
        self.set_reputation = prepare.core(
            update(m).where(by_id).values(reputation=bindparam("new_reputation"))
        )
        listed = listed_members(m)
        self.listed = listed
        self.page = prepare.core(
            select(*self.columns)
            .where(listed)
            .order_by(m.c.id)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        self.reputations = prepare.core(select(m.c.id, m.c.reputation))
        self.trust_review_batch = prepare.core(
            select(*self.columns)
            .where(
                m.c.id > bindparam("after_id"),
                m.c.trust_level_locked == false(),
                m.c.trust_level < 4,
            )
            .order_by(m.c.id)
            .limit(bindparam("limit"))
        )
        self.set_trust_level = prepare.core(
            update(m)
            .where(
                by_id,
                m.c.trust_level == bindparam("expected_level"),
                m.c.trust_level_locked == bindparam("expected_locked", type_=Boolean),
            )
            .values(
                trust_level=bindparam("new_level"),
                trust_level_locked=bindparam("new_locked", type_=Boolean),
                trust_level_changed_at=bindparam("new_changed_at", type_=UTCDateTime),
            )
        )
        self.ranked_reputations = prepare.core(select(m.c.id, m.c.reputation).where(listed))


class SQLMemberRepository(SQLRepository):
    """:class:`socialcrm.ports.MemberRepository` over SQL."""

    __slots__ = ("_q", "counts", "_locked", "_rows")

    def __init__(
        self,
        connection: Connection,
        statements: MemberStatements,
        counts: ReputationCounts,
        *,
        savepoints: bool,
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements
        #: The unit's rank index (its pending moves are written before each commit).
        self.counts = counts
        #: Members this transaction holds locked, by id: their current total, and
        #: whether they are ranked (placeholders are not, so the index leaves them out).
        self._locked: dict[int, tuple[int, bool]] = {}
        #: The rows ``lock`` read, by id, while no other write of this repository
        #: touched them: nobody else can change a row this unit holds locked, so
        #: ``get`` answers from them (with the total kept in ``_locked``).
        self._rows: dict[int, Sequence[Any]] = {}

    def end_transaction(self) -> None:
        """Forget the locked totals and rows: the transaction ended, and its locks with it."""
        self._locked.clear()
        self._rows.clear()

    def _locked_state(self, member_id: int) -> tuple[int, bool] | None:
        """The member's total and whether it is ranked, read under its row lock unless held."""
        known = self._locked.get(member_id)
        if known is None:
            self.lock(member_id)
            known = self._locked.get(member_id)
        return known

    def _change_total(self, member_id: int, before: tuple[int, bool], after: int) -> None:
        """Remember the new total of a locked member and move it in the rank index."""
        total, ranked = before
        self._locked[member_id] = (after, ranked)
        if ranked:
            self.counts.move(total, after)

    def add(self, new: NewMember) -> Member:
        """Insert a member; ``Conflict`` (code ``duplicate_external_id``) if the id is taken."""
        values = {
            **attrs.asdict(new, recurse=False),
            **_profile_values(new.display_name, new.profile),
            "roles": _roles_to_text(new.roles),
        }
        del values["profile"]
        member_id = self._insert_unique(
            self._q.insert,
            values,
            already_exists=lambda: self.get_by_external_id(new.external_id) is not None,
            conflict=lambda: Conflict(
                f"a member with external id {new.external_id!r} already exists",
                code="duplicate_external_id",
            ),
        )
        assert member_id is not None
        if PLACEHOLDER_ROLE not in new.roles:
            self.counts.move(None, new.reputation)
        return Member(id=member_id, **attrs.asdict(new, recurse=False))

    def get(self, member_id: int) -> Member | None:
        """The member with this id, or ``None``."""
        held = self._rows.get(member_id)
        if held is not None:
            total = self._locked[member_id][0]
            return MEMBER_ROW.from_row((*held[:_REPUTATION], total, *held[_REPUTATION + 1 :]))
        row = self._q.get.first(self._conn, {"member_id": member_id})
        return None if row is None else MEMBER_ROW.from_row(row)

    def get_many(self, member_ids: Collection[int]) -> dict[int, Member]:
        """The members with these ids that exist, keyed by id."""
        if not member_ids:
            return {}
        rows = self._q.get_many.all(self._conn, {"ids": list(member_ids)})
        return {row[0]: MEMBER_ROW.from_row(row) for row in rows}

    def get_by_external_id(self, external_id: str) -> Member | None:
        """The member with this external id, or ``None``."""
        row = self._q.by_external_id.first(self._conn, {"external_id": external_id})
        return None if row is None else MEMBER_ROW.from_row(row)

    def lock(self, member_id: int) -> int | None:
        """Lock the member's row until the unit ends (``FOR UPDATE``); return its reputation."""
        row = self._q.lock.first(self._conn, {"member_id": member_id})
        if row is None:
            self._rows.pop(member_id, None)
            return None
        reputation, roles = row[4], row[3]
        self._locked[member_id] = (reputation, PLACEHOLDER_ROLE not in roles.split(","))
        self._rows[member_id] = row
        return reputation  # type: ignore[no-any-return]

    def update_profile(self, member_id: int, *, display_name: str, profile: Profile) -> None:
        """Replace the display name and profile."""
        values = _profile_values(display_name, profile)
        values["member_id"] = member_id
        self._rows.pop(member_id, None)
        self._q.update_profile.write(self._conn, values)

    def set_roles(self, member_id: int, roles: frozenset[str]) -> None:
        """Replace the member's roles (taking or giving the placeholder role re-ranks them)."""
        before = self._locked_state(member_id)
        if before is None:
            return
        params = {"member_id": member_id, "new_roles": _roles_to_text(roles)}
        self._rows.pop(member_id, None)
        self._q.set_roles.write(self._conn, params)
        total, was_ranked = before
        ranked = PLACEHOLDER_ROLE not in roles
        self._locked[member_id] = (total, ranked)
        if ranked != was_ranked:
            self.counts.move(None if ranked else total, total if ranked else None)

    def add_reputation(self, member_id: int, delta: int) -> None:
        """Atomically add ``delta`` to the cached reputation total."""
        before = self._locked_state(member_id)
        if before is None:
            return
        self._q.add_reputation.write(self._conn, {"member_id": member_id, "delta": delta})
        self._change_total(member_id, before, before[0] + delta)

    def set_reputation(self, member_id: int, reputation: int) -> None:
        """Overwrite the cached reputation total (used by ``recompute``)."""
        before = self._locked_state(member_id)
        if before is None:
            return
        params = {"member_id": member_id, "new_reputation": reputation}
        self._q.set_reputation.write(self._conn, params)
        self._change_total(member_id, before, reputation)

    def list(self, *, limit: int, offset: int = 0) -> list[Member]:
        """Members by id ascending."""
        rows = self._q.page.all(self._conn, {"limit": limit, "offset": offset})
        return [MEMBER_ROW.from_row(row) for row in rows]

    def top(
        self, *, limit: int, offset: int = 0, exclude_ids: Collection[int] = ()
    ) -> builtins.list[Member]:
        """Members by reputation descending, then id ascending."""
        m = self._q.table
        query = (
            select(*self._q.columns)
            .where(self._q.listed)
            .order_by(m.c.reputation.desc(), m.c.id)
            .limit(limit)
            .offset(offset)
        )
        if exclude_ids:
            query = query.where(m.c.id.not_in(list(exclude_ids)))
        return [MEMBER_ROW.from_row(row) for row in CoreStatement(query).all(self._conn)]

    def count_above(self, reputation: int) -> int:
        """How many members have a reputation strictly greater than ``reputation``.

        Answered by the rank index in a bounded number of rows, whatever the rank.
        """
        return self.counts.count_above(reputation)

    def reputations(self) -> dict[int, int]:
        """Every member's cached reputation, keyed by id."""
        return {member_id: rep for member_id, rep in self._q.reputations.all(self._conn)}

    def trust_review_batch(self, *, after_id: int, limit: int) -> builtins.list[Member]:
        """Unlocked members below TL4 with an id above ``after_id``, by id (a primary-key seek)."""
        rows = self._q.trust_review_batch.all(self._conn, {"after_id": after_id, "limit": limit})
        return [MEMBER_ROW.from_row(row) for row in rows]

    def compare_and_set_trust_level(
        self,
        member_id: int,
        *,
        expected_level: int,
        expected_locked: bool,
        level: int,
        locked: bool,
        changed_at: datetime | None,
    ) -> bool:
        """Set the trust level and lock only if they are still the expected ones.

        The reputation is not touched, so the rank index has nothing to record.
        """
        params = {
            "member_id": member_id,
            "expected_level": expected_level,
            "expected_locked": expected_locked,
            "new_level": level,
            "new_locked": locked,
            "new_changed_at": changed_at,
        }
        self._rows.pop(member_id, None)
        return self._q.set_trust_level.write(self._conn, params) == 1

    def ranked_reputations(self) -> dict[int, int]:
        """The cached reputation of every ranked member (placeholders left out), by id."""
        rows = self._q.ranked_reputations.all(self._conn)
        return {member_id: rep for member_id, rep in rows}

    def ids_with_roles(self, roles: Collection[str]) -> frozenset[int]:
        """Ids of the members holding at least one of ``roles``."""
        wanted = sorted(set(roles))
        if not wanted:
            return frozenset()
        m = self._q.table
        # Role names never contain one another, so a LIKE on the sorted list is exact.
        query = select(m.c.id).where(or_(*(m.c.roles.contains(role) for role in wanted)))
        return frozenset(row[0] for row in CoreStatement(query).all(self._conn))


__all__ = ["MEMBER_FIELDS", "MemberStatements", "SQLMemberRepository", "listed_members"]

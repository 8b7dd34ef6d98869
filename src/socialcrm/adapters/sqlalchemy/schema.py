"""The socialcrm schema: every repository module's tables, composed in one registry.

Each repository module under :mod:`.repositories` builds its own tables beside
its statements (an ``add_<capability>_tables(metadata, prefix)`` function,
following :mod:`.conventions`); :data:`TABLE_BUILDERS` lists those functions and
:func:`build_tables` runs them on one fresh :class:`MetaData`. Adding a
capability's tables is one line here.

The schema is created by the Alembic migrations in ``migrations/``; these tables
describe the head revision and must stay in step with it (a test compares the
two). Design notes that span tables:

* Every foreign key column leads some index: MariaDB would otherwise add implicit
  indexes that Alembic comparisons then report.
* History tables (ledger, sanctions, audit log, flags, badge awards) have few or
  no foreign keys, so they never block changes to the content they mention.
* Keys compared by value (external ids, slugs, tags, causes) are case sensitive
  everywhere, MariaDB included (binary collation).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from sqlalchemy import MetaData, Table

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX, NAMING_CONVENTION
from socialcrm.adapters.sqlalchemy.repositories.activity import add_activity_tables
from socialcrm.adapters.sqlalchemy.repositories.audit import add_audit_tables
from socialcrm.adapters.sqlalchemy.repositories.badges import add_badge_tables
from socialcrm.adapters.sqlalchemy.repositories.bounties import add_bounty_tables
from socialcrm.adapters.sqlalchemy.repositories.contests import add_contest_tables
from socialcrm.adapters.sqlalchemy.repositories.flags import add_flag_tables
from socialcrm.adapters.sqlalchemy.repositories.imports import add_import_tables
from socialcrm.adapters.sqlalchemy.repositories.invitations import add_invitation_tables
from socialcrm.adapters.sqlalchemy.repositories.ledger import add_ledger_tables
from socialcrm.adapters.sqlalchemy.repositories.members import add_member_tables
from socialcrm.adapters.sqlalchemy.repositories.outbox import add_outbox_tables
from socialcrm.adapters.sqlalchemy.repositories.polls import add_poll_tables
from socialcrm.adapters.sqlalchemy.repositories.post_history import add_post_history_tables
from socialcrm.adapters.sqlalchemy.repositories.posts import add_post_tables
from socialcrm.adapters.sqlalchemy.repositories.reputation_counts import (
    add_reputation_count_tables,
)
from socialcrm.adapters.sqlalchemy.repositories.review import add_review_tables
from socialcrm.adapters.sqlalchemy.repositories.sanctions import add_sanction_tables
from socialcrm.adapters.sqlalchemy.repositories.spaces import add_space_tables
from socialcrm.adapters.sqlalchemy.repositories.tags import add_tag_tables
from socialcrm.adapters.sqlalchemy.repositories.threads import add_thread_tables
from socialcrm.adapters.sqlalchemy.repositories.votes import add_vote_tables

#: Adds one capability's tables to a metadata under a prefix; returns them by role
#: (the :class:`Tables` field names).
TableBuilder = Callable[[MetaData, str], dict[str, Table]]

#: Every table builder, in foreign-key order: a builder's tables refer only to its
#: own tables and to those of builders before it.
TABLE_BUILDERS: tuple[TableBuilder, ...] = (
    add_member_tables,
    add_space_tables,
    add_thread_tables,
    add_tag_tables,
    add_post_tables,
    add_post_history_tables,
    add_vote_tables,
    add_ledger_tables,
    add_outbox_tables,
    add_reputation_count_tables,
    add_activity_tables,
    add_sanction_tables,
    add_audit_tables,
    add_review_tables,
    add_flag_tables,
    add_import_tables,
    add_invitation_tables,
    add_badge_tables,
    add_poll_tables,
    add_contest_tables,
    add_bounty_tables,
)

_ROLES = frozenset(field.name for field in attrs.fields(Tables)) - {"metadata", "prefix"}


def build_tables(prefix: str = DEFAULT_TABLE_PREFIX) -> Tables:
    """Build a fresh :class:`MetaData` holding the schema with ``prefix`` on every table."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    by_role: dict[str, Table] = {}
    for add_tables in TABLE_BUILDERS:
        added = add_tables(metadata, prefix)
        if by_role.keys() & added.keys():
            raise ValueError(f"{add_tables.__name__} adds tables already added")
        by_role.update(added)
    if by_role.keys() != _ROLES:
        raise ValueError(f"the table builders miss or add roles: {sorted(by_role.keys() ^ _ROLES)}")
    return Tables(metadata=metadata, prefix=prefix, **by_role)


def build_metadata(prefix: str = DEFAULT_TABLE_PREFIX) -> MetaData:
    """The schema's :class:`MetaData` with ``prefix`` on every table name.

    This is the ``target_metadata`` for Alembic autogenerate comparisons.
    """
    return build_tables(prefix).metadata


__all__ = ["TABLE_BUILDERS", "TableBuilder", "build_metadata", "build_tables"]

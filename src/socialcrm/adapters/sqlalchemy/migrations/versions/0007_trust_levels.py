"""Trust levels: the level on members, and the activity it is computed from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

* ``<prefix>members`` gains ``trust_level`` (server default 0),
  ``trust_level_locked`` (server default false) and ``trust_level_changed_at``
  (nullable), so existing members read as TL0, unlocked, never changed.
* ``<prefix>member_days``: one row per member and UTC day (visited, posts read,
  reading seconds, likes given, likes received).
* ``<prefix>member_topics``: one row per member and thread (first entered on,
  last replied on).
* ``<prefix>posts`` gains an index on ``created_at`` for the TL3 window's count
  of posts created.

Existing activity is not backfilled: votes and replies made before this
revision do not count towards trust levels (reads and visits were never
recorded before). Like the earlier revisions it is spelled out rather than built
from ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# InnoDB, utf8mb4 and a binary default collation on MariaDB/MySQL (see 0001).
_OPTIONS: dict[str, Any] = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_bin"))
}


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{_name(target)}.id"], name=f"fk_{_name(table)}_{column}"
    )


def upgrade() -> None:
    """Add the trust columns, the two activity tables and the posts index."""
    members = _name("members")
    op.add_column(
        members,
        sa.Column("trust_level", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        members,
        sa.Column("trust_level_locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(members, sa.Column("trust_level_changed_at", UTCDateTime(), nullable=True))
    days = _name("member_days")
    op.create_table(
        days,
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visited", sa.Boolean(), nullable=False),
        sa.Column("posts_read", sa.Integer(), nullable=False),
        sa.Column("reading_seconds", sa.Integer(), nullable=False),
        sa.Column("likes_given", sa.Integer(), nullable=False),
        sa.Column("likes_received", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "day", name=f"pk_{days}"),
        _fk("member_days", "member_id", "members"),
        **_OPTIONS,
    )
    topics = _name("member_topics")
    op.create_table(
        topics,
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("member_id", "thread_id", name=f"pk_{topics}"),
        _fk("member_topics", "member_id", "members"),
        _fk("member_topics", "thread_id", "threads"),
        **_OPTIONS,
    )
    op.create_index(f"ix_{topics}_thread_id", topics, ["thread_id"])
    posts = _name("posts")
    op.create_index(f"ix_{posts}_created_at", posts, ["created_at"])


def downgrade() -> None:
    """Drop what :func:`upgrade` added (recorded activity and levels are lost)."""
    posts = _name("posts")
    op.drop_index(f"ix_{posts}_created_at", table_name=posts)
    op.drop_table(_name("member_topics"))
    op.drop_table(_name("member_days"))
    members = _name("members")
    # Plain ALTER TABLE ... DROP COLUMN: SQLite has it since 3.35, and a batch
    # rebuild of members would trip over the foreign keys that point at it.
    for column in ("trust_level_changed_at", "trust_level_locked", "trust_level"):
        op.drop_column(members, column)

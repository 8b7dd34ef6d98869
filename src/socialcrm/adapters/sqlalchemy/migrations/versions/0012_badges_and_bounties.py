"""Rewards: badge awards, thread view counts and bounties.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

* ``<prefix>badge_awards``: every badge award, revoked ones included, unique per
  ``(badge, member_id, subject)``.
* ``<prefix>threads`` gains ``view_count`` (server default 0).
* ``<prefix>bounties``: every bounty; ``open_thread_id`` (unique, NULL once
  closed) allows one open bounty per thread.

Existing members earn nothing by this revision alone: run
``community.badges.backfill()`` once after upgrading. Like the earlier revisions
it is spelled out rather than built from ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, case_sensitive_string

revision: str = "0012"
down_revision: str | None = "0011"
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


def upgrade() -> None:
    """Create the badge awards and bounties tables and add the threads' view count."""
    awards = _name("badge_awards")
    op.create_table(
        awards,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge", case_sensitive_string(64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("subject", case_sensitive_string(64), nullable=False),
        sa.Column("awarded_at", UTCDateTime(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], [f"{_name('members')}.id"], name=f"fk_{awards}_member_id"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{awards}"),
        sa.UniqueConstraint(
            "badge", "member_id", "subject", name=f"uq_{awards}_badge_member_id_subject"
        ),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    op.create_index(f"ix_{awards}_member_id_id", awards, ["member_id", "id"])
    bounties = _name("bounties")
    op.create_table(
        bounties,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("offered_by", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("open_thread_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("awarded_to", sa.Integer(), nullable=True),
        sa.Column("awarded_amount", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"], [f"{_name('threads')}.id"], name=f"fk_{bounties}_thread_id"
        ),
        sa.ForeignKeyConstraint(
            ["offered_by"], [f"{_name('members')}.id"], name=f"fk_{bounties}_offered_by"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{bounties}"),
        sa.UniqueConstraint("open_thread_id", name=f"uq_{bounties}_open_thread_id"),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    op.create_index(f"ix_{bounties}_thread_id", bounties, ["thread_id"])
    op.create_index(f"ix_{bounties}_offered_by", bounties, ["offered_by"])
    op.create_index(f"ix_{bounties}_status_ends_at", bounties, ["status", "ends_at"])
    op.add_column(
        _name("threads"),
        sa.Column("view_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    """Drop the bounties, the badge awards and the view counts (all are lost)."""
    # Plain ALTER TABLE ... DROP COLUMN, as in 0007 (posts point at threads).
    op.drop_column(_name("threads"), "view_count")
    op.drop_table(_name("bounties"))
    op.drop_table(_name("badge_awards"))

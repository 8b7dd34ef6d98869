"""Engagement: invitations, referrals and their rewards, polls, contests.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

* ``<prefix>invitations``: invite codes, by the SHA-256 digest of the code (unique).
* ``<prefix>referrals``: who referred whom (unique ``referred_id``) and when
  the referral converted.
* ``<prefix>referral_rewards``: granted referral rewards, unique by
  ``reward_key`` (what makes a reward exactly-once).
* ``<prefix>polls`` (unique ``thread_id``), ``<prefix>poll_options`` (unique
  ``(poll_id, position)``) and ``<prefix>poll_ballots`` (primary key
  ``(poll_id, member_id, option_id)``).
* ``<prefix>contests`` (unique ``thread_id``) and ``<prefix>contest_winners``
  (primary key ``(contest_id, position)``).

Spelled out rather than built from ``tables.py``, like the earlier revisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, case_sensitive_string

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# InnoDB, utf8mb4 and a binary default collation on MariaDB/MySQL (see 0001).
_OPTIONS: dict[str, Any] = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_bin"))
}
_AUTOINCREMENT: dict[str, Any] = {"sqlite_autoincrement": True, **_OPTIONS}


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{_name(target)}.id"], name=f"fk_{_name(table)}_{column}"
    )


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{_name(table)}")


def _uq(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{_name(table)}_{'_'.join(columns)}")


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{_name(table)}_{'_'.join(columns)}", _name(table), list(columns))


def upgrade() -> None:
    """Create the invitation, referral, reward, poll and contest tables."""
    op.create_table(
        _name("invitations"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", case_sensitive_string(64), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        _pk("invitations", "id"),
        _fk("invitations", "inviter_id", "members"),
        _fk("invitations", "space_id", "spaces"),
        _uq("invitations", "code_hash"),
        **_AUTOINCREMENT,
    )
    _index("invitations", "inviter_id", "id")
    _index("invitations", "space_id")
    op.create_table(
        _name("referrals"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("referred_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("converted_at", UTCDateTime(), nullable=True),
        _pk("referrals", "id"),
        _fk("referrals", "referrer_id", "members"),
        _fk("referrals", "referred_id", "members"),
        _fk("referrals", "invitation_id", "invitations"),
        _uq("referrals", "referred_id"),
        **_AUTOINCREMENT,
    )
    _index("referrals", "referrer_id", "id")
    _index("referrals", "invitation_id")
    op.create_table(
        _name("referral_rewards"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reward_key", case_sensitive_string(191), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(64), nullable=True),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        _pk("referral_rewards", "id"),
        _fk("referral_rewards", "referral_id", "referrals"),
        _fk("referral_rewards", "member_id", "members"),
        _uq("referral_rewards", "reward_key"),
        **_AUTOINCREMENT,
    )
    _index("referral_rewards", "referral_id")
    _index("referral_rewards", "member_id", "id")
    op.create_table(
        _name("polls"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("hide_results", sa.Boolean(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("polls", "id"),
        _fk("polls", "thread_id", "threads"),
        _fk("polls", "created_by", "members"),
        _uq("polls", "thread_id"),
        **_AUTOINCREMENT,
    )
    _index("polls", "created_by")
    op.create_table(
        _name("poll_options"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        _pk("poll_options", "id"),
        _fk("poll_options", "poll_id", "polls"),
        _uq("poll_options", "poll_id", "position"),
        **_AUTOINCREMENT,
    )
    op.create_table(
        _name("poll_ballots"),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", UTCDateTime(), nullable=False),
        _pk("poll_ballots", "poll_id", "member_id", "option_id"),
        _fk("poll_ballots", "poll_id", "polls"),
        _fk("poll_ballots", "member_id", "members"),
        _fk("poll_ballots", "option_id", "poll_options"),
        **_OPTIONS,
    )
    _index("poll_ballots", "member_id")
    _index("poll_ballots", "option_id")
    op.create_table(
        _name("contests"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("submission_starts_at", UTCDateTime(), nullable=False),
        sa.Column("submission_ends_at", UTCDateTime(), nullable=False),
        sa.Column("voting_starts_at", UTCDateTime(), nullable=False),
        sa.Column("voting_ends_at", UTCDateTime(), nullable=False),
        sa.Column("winners", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        _pk("contests", "id"),
        _fk("contests", "thread_id", "threads"),
        _fk("contests", "created_by", "members"),
        _uq("contests", "thread_id"),
        **_AUTOINCREMENT,
    )
    _index("contests", "created_by")
    _index("contests", "decided_at", "voting_ends_at")
    op.create_table(
        _name("contest_winners"),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        _pk("contest_winners", "contest_id", "position"),
        _fk("contest_winners", "contest_id", "contests"),
        _fk("contest_winners", "post_id", "posts"),
        _fk("contest_winners", "member_id", "members"),
        **_OPTIONS,
    )
    _index("contest_winners", "post_id")
    _index("contest_winners", "member_id")


def downgrade() -> None:
    """Drop what :func:`upgrade` created (invitations, referrals and polls are lost)."""
    for table in (
        "contest_winners",
        "contests",
        "poll_ballots",
        "poll_options",
        "polls",
        "referral_rewards",
        "referrals",
        "invitations",
    ):
        op.drop_table(_name(table))

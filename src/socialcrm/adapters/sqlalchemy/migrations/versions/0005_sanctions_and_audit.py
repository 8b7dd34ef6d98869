"""Sanctions and the moderation audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Two tables: ``<prefix>sanctions`` (silences, suspensions and bans, with when they
end and when they were lifted) and ``<prefix>audit_log`` (every moderator and
admin action, append-only, with small JSON before/after states). Like 0001 it is
spelled out rather than built from ``tables.py``, so that it stays a frozen
snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, long_text

revision: str = "0005"
down_revision: str | None = "0004"
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
    """Create the sanctions and audit log tables with the indexes of their queries."""
    sanctions = _name("sanctions")
    op.create_table(
        sanctions,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reason", long_text(), nullable=False),
        sa.Column("imposed_by", sa.Integer(), nullable=False),
        sa.Column("imposed_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.Column("lift_reason", long_text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], [f"{_name('members')}.id"], name=f"fk_{sanctions}_member_id"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{sanctions}"),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    op.create_index(f"ix_{sanctions}_member_id_id", sanctions, ["member_id", "id"])
    op.create_index(f"ix_{sanctions}_lifted_at_ends_at", sanctions, ["lifted_at", "ends_at"])

    audit = _name("audit_log")
    op.create_table(
        audit,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("reason", long_text(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("before_state", long_text(), nullable=False),
        sa.Column("after_state", long_text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{audit}"),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    for column in ("actor_id", "member_id", "post_id", "thread_id", "action"):
        op.create_index(f"ix_{audit}_{column}_id", audit, [column, "id"])
    op.create_index(f"ix_{audit}_at", audit, ["at"])


def downgrade() -> None:
    """Drop the audit log and the sanctions (their history is lost)."""
    op.drop_table(_name("audit_log"))
    op.drop_table(_name("sanctions"))

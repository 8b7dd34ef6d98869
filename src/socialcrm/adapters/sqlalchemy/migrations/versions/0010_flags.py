"""Flags: members' reports of posts and members, and hidden posts and threads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

* ``<prefix>flags``: one row per flag (flagger, flagged member, the post and its
  thread and space for post flags, reason, text, weight, status, decision).
  ``post_key`` is the post's id or 0 for a flag on a member, so the unique
  ``(flagger_id, member_id, post_key)`` allows one flag per flagger and subject.
* ``<prefix>posts`` and ``<prefix>threads`` gain ``hidden_at`` (nullable), so
  existing posts and threads read as not hidden.

Like the earlier revisions it is spelled out rather than built from ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, long_text

revision: str = "0010"
down_revision: str | None = "0009"
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
    """Create the flags table and add ``hidden_at`` to posts and threads."""
    flags = _name("flags")
    members = _name("members")
    op.create_table(
        flags,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flagger_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("post_key", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("text", long_text(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["flagger_id"], [f"{members}.id"], name=f"fk_{flags}_flagger_id"),
        sa.ForeignKeyConstraint(["member_id"], [f"{members}.id"], name=f"fk_{flags}_member_id"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{flags}"),
        sa.UniqueConstraint(
            "flagger_id", "member_id", "post_key", name=f"uq_{flags}_flagger_id_member_id_post_key"
        ),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    op.create_index(f"ix_{flags}_post_id", flags, ["post_id"])
    op.create_index(f"ix_{flags}_member_id", flags, ["member_id"])
    op.create_index(f"ix_{flags}_flagger_id_created_at", flags, ["flagger_id", "created_at"])
    op.create_index(f"ix_{flags}_status_created_at", flags, ["status", "created_at"])
    op.create_index(f"ix_{flags}_decided_at", flags, ["decided_at"])
    for table in ("posts", "threads"):
        op.add_column(_name(table), sa.Column("hidden_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Drop what :func:`upgrade` added (flags and hidden states are lost)."""
    # Plain ALTER TABLE ... DROP COLUMN, as in 0007.
    for table in ("threads", "posts"):
        op.drop_column(_name(table), "hidden_at")
    op.drop_table(_name("flags"))

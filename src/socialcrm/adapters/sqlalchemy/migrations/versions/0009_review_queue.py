"""The review queue: held submissions and rule-flagged posts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

* ``<prefix>review_items``: one row per queue item (a held new thread or reply
  that is not a post yet, or a published post a content rule flagged), with the
  decision on it once a moderator made one. Indexed for the queue (pending items
  of some spaces, oldest first) and for an author's own items.

Like the earlier revisions it is spelled out rather than built from ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import UTCDateTime, long_text

revision: str = "0009"
down_revision: str | None = "0008"
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
    """Create the review items table and its two indexes."""
    items = _name("review_items")
    op.create_table(
        items,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("reasons", long_text(), nullable=False),
        sa.Column("rules", long_text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_kind", sa.String(32), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("body", long_text(), nullable=False),
        sa.Column("tags", long_text(), nullable=False),
        sa.Column("community_wiki", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("note", long_text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], [f"{_name('members')}.id"], name=f"fk_{items}_author_id"
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], [f"{_name('spaces')}.id"], name=f"fk_{items}_space_id"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{items}"),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    prefix = op.get_context().opts["socialcrm_table_prefix"]
    op.create_index(f"ix_{prefix}review_queue", items, ["status", "space_id", "created_at"])
    op.create_index(f"ix_{prefix}review_author", items, ["author_id", "status"])


def downgrade() -> None:
    """Drop the review items table (held submissions are lost)."""
    op.drop_table(_name("review_items"))

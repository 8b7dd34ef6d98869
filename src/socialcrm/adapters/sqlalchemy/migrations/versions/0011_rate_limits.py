"""Indexes for the rate limits: a member's recent posts and votes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

The rate limits count, inside every posting and voting command, the posts a
member created since a time (``posts.count_authored_since``, ``last_authored_at``)
and the votes they cast since the start of the UTC day
(``votes.count_cast_since``). Without ``(author_id, created_at)`` and
``(member_id, cast_at)`` those are scans of every post or vote of the member.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def upgrade() -> None:
    """Create the two indexes."""
    posts, votes = _name("posts"), _name("votes")
    op.create_index(f"ix_{posts}_author_id_created_at", posts, ["author_id", "created_at"])
    op.create_index(f"ix_{votes}_member_id_cast_at", votes, ["member_id", "cast_at"])


def downgrade() -> None:
    """Drop the two indexes."""
    posts, votes = _name("posts"), _name("votes")
    op.drop_index(f"ix_{votes}_member_id_cast_at", table_name=votes)
    op.drop_index(f"ix_{posts}_author_id_created_at", table_name=posts)

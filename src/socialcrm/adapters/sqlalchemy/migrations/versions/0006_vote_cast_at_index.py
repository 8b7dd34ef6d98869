"""Index votes by the time they were cast.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

The serial-voting job reads the votes cast in a recent window
(``votes.repeated_pairs``); without this index that is a scan of every vote.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def upgrade() -> None:
    """Create the index on ``votes.cast_at``."""
    table = _name("votes")
    op.create_index(f"ix_{table}_cast_at", table, ["cast_at"])


def downgrade() -> None:
    """Drop the index on ``votes.cast_at``."""
    table = _name("votes")
    op.drop_index(f"ix_{table}_cast_at", table_name=table)

"""Rank index: members per reputation bucket.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

One table, ``<prefix>reputation_counts``: ``(level, bucket, members)``, how many
members have a reputation in each bucket of four widths (1, 64, 4,096 and
262,144), so a member's rank is a sum over a bounded number of rows instead of a
count over every member above. The upgrade fills it from the members table. Like
0001 it is spelled out rather than built from ``tables.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# InnoDB, utf8mb4 and a binary default collation on MariaDB/MySQL (see 0001).
_OPTIONS: dict[str, Any] = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_bin"))
}

#: The bucket widths of this revision, as bit shifts (frozen here on purpose).
_SHIFTS = (0, 6, 12, 18)


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def upgrade() -> None:
    """Create the rank index and count the existing members into it."""
    name = _name("reputation_counts")
    counts = op.create_table(
        name,
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("level", "bucket", name=f"pk_{name}"),
        **_OPTIONS,
    )
    members = sa.table(_name("members"), sa.column("reputation", sa.Integer()))
    totals: Counter[tuple[int, int]] = Counter()
    grouped = sa.select(members.c.reputation, sa.func.count()).group_by(members.c.reputation)
    for reputation, how_many in op.get_bind().execute(grouped):
        for level, shift in enumerate(_SHIFTS):
            totals[(level, int(reputation) >> shift)] += int(how_many)
    rows = [
        {"level": level, "bucket": bucket, "members": how_many}
        for (level, bucket), how_many in sorted(totals.items())
    ]
    if rows:
        op.bulk_insert(counts, rows)


def downgrade() -> None:
    """Drop the rank index."""
    op.drop_table(_name("reputation_counts"))

"""Transactional outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-09

One table, ``<prefix>outbox``: every domain event a command records, written in
the command's transaction, until a relay has delivered it. Like 0001 it is spelled
out rather than built from ``tables.py``, so that it stays a frozen snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import (
    UTCDateTime,
    case_sensitive_string,
    long_text,
)

revision: str = "0002"
down_revision: str | None = "0001"
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
    """Create the outbox table and its index on ``(delivered_at, id)``."""
    table = _name("outbox")
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", case_sensitive_string(36), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("payload", long_text(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint("event_id", name=f"uq_{table}_event_id"),
        sqlite_autoincrement=True,
        **_OPTIONS,
    )
    op.create_index(f"ix_{table}_delivered_at_id", table, ["delivered_at", "id"])


def downgrade() -> None:
    """Drop the outbox table (and every message in it, delivered or not)."""
    op.drop_table(_name("outbox"))

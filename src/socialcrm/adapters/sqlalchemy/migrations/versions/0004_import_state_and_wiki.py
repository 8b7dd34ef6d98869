"""Import state and community-wiki posts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-03-16

* ``<prefix>posts.community_wiki``: a boolean, false for every existing post.
* ``<prefix>import_ids``: which row of an imported source became which local row.
* ``<prefix>import_checkpoints``: how far each stage of an import got.

Spelled out rather than built from ``tables.py``, like 0001 to 0003.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string

revision: str = "0004"
down_revision: str | None = "0003"
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
    """Add ``posts.community_wiki`` and create the two import-state tables."""
    with op.batch_alter_table(_name("posts")) as batch:
        batch.add_column(
            sa.Column("community_wiki", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    ids = _name("import_ids")
    op.create_table(
        ids,
        sa.Column("source", case_sensitive_string(191), nullable=False),
        sa.Column("kind", case_sensitive_string(32), nullable=False),
        sa.Column("external_id", case_sensitive_string(191), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "kind", "external_id", name=f"pk_{ids}"),
        **_OPTIONS,
    )
    checkpoints = _name("import_checkpoints")
    op.create_table(
        checkpoints,
        sa.Column("source", case_sensitive_string(191), nullable=False),
        sa.Column("stage", case_sensitive_string(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "stage", name=f"pk_{checkpoints}"),
        **_OPTIONS,
    )


def downgrade() -> None:
    """Drop the import-state tables and ``posts.community_wiki``."""
    op.drop_table(_name("import_checkpoints"))
    op.drop_table(_name("import_ids"))
    with op.batch_alter_table(_name("posts")) as batch:
        batch.drop_column("community_wiki")

"""The space an audit entry or a badge award is about, so reads can leave out private ones.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

* ``<prefix>audit_log`` gains ``space_id`` (NULL: about no space, e.g. a sanction).
* ``<prefix>badge_awards`` gains ``space_id`` (NULL: earned nowhere in particular).

Reads filter on it inside the query (``exclude_space_ids``): a moderator who is not
a member of a private space, or a visitor, never sees its entries or awards.
Existing rows are filled from the thread or post they name; rows that name
neither (space creations and membership changes written before this revision)
keep NULL and stay visible to moderators as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def upgrade() -> None:
    """Add ``space_id`` to the audit log and the badge awards, filled from threads and posts."""
    audit, awards = _name("audit_log"), _name("badge_awards")
    threads, posts = _name("threads"), _name("posts")
    op.add_column(audit, sa.Column("space_id", sa.Integer(), nullable=True))
    op.add_column(awards, sa.Column("space_id", sa.Integer(), nullable=True))
    # Existing rows: the space of the thread they name, else of the post's thread.
    op.execute(
        f"UPDATE {audit} SET space_id = (SELECT t.space_id FROM {threads} t "
        f"WHERE t.id = {audit}.thread_id) WHERE thread_id IS NOT NULL"
    )
    for table in (audit, awards):
        op.execute(
            f"UPDATE {table} SET space_id = (SELECT t.space_id FROM {threads} t "
            f"JOIN {posts} p ON p.thread_id = t.id WHERE p.id = {table}.post_id) "
            f"WHERE space_id IS NULL AND post_id IS NOT NULL"
        )


def downgrade() -> None:
    """Drop the two ``space_id`` columns."""
    op.drop_column(_name("badge_awards"), "space_id")
    op.drop_column(_name("audit_log"), "space_id")

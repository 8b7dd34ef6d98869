"""Undo a ledger entry at most once: ``ledger.undoes`` becomes unique.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Two commands racing a deletion could each write a compensating entry for the same
original entry (the member lost the reputation twice). The index on ``undoes``
becomes unique, so storage refuses a second compensation whatever the race.

A database where that already happened cannot take the index: the upgrade stops
and names the entries undone more than once, which an administrator corrects
(for example with a new entry restoring the amount taken twice) before upgrading.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def upgrade() -> None:
    """Refuse to run over entries undone twice; make the ``undoes`` index unique."""
    table = _name("ledger")
    ledger = sa.table(table, sa.column("undoes", sa.Integer()))
    twice = (
        op.get_bind()
        .execute(
            sa.select(ledger.c.undoes)
            .where(ledger.c.undoes.is_not(None))
            .group_by(ledger.c.undoes)
            .having(sa.func.count() > 1)
            .limit(20)
        )
        .scalars()
        .all()
    )
    if twice:
        raise RuntimeError(
            f"ledger entries undone more than once (first {len(twice)}: {list(twice)}); "
            "correct them before this upgrade (see the revision's notes)"
        )
    op.drop_index(f"ix_{table}_undoes", table_name=table)
    op.create_index(f"ix_{table}_undoes", table, ["undoes"], unique=True)


def downgrade() -> None:
    """Make the ``undoes`` index plain again."""
    table = _name("ledger")
    op.drop_index(f"ix_{table}_undoes", table_name=table)
    op.create_index(f"ix_{table}_undoes", table, ["undoes"])

"""Initial socialcrm schema.

Revision ID: 0001
Revises:
Create Date: 2026-01-05

Written out table by table rather than built from ``tables.py``: a revision is
a frozen snapshot, and later revisions must find exactly what this one created
whatever ``tables.py`` says by then. Every name carries the configured prefix.
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

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# InnoDB, utf8mb4 and a binary default collation on MariaDB/MySQL (ignored elsewhere),
# spelled out rather than imported so this revision stays frozen. Both prefixes:
# SQLAlchemy's "mariadb" dialect reads only mariadb_ options, "mysql" only mysql_ ones.
_OPTIONS: dict[str, Any] = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_bin"))
}
_AUTOINCREMENT: dict[str, Any] = {"sqlite_autoincrement": True, **_OPTIONS}


def _name(table: str) -> str:
    """The table's name with the prefix the migration runs with."""
    return op.get_context().opts["socialcrm_table_prefix"] + table


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{_name(table)}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{_name(target)}.id"], name=f"fk_{_name(table)}_{column}"
    )


def _uq(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{_name(table)}_{'_'.join(columns)}")


def _index(table: str, *columns: str, name: str | None = None) -> None:
    index_name = name or f"ix_{_name(table)}_{'_'.join(columns)}"
    op.create_index(index_name, _name(table), list(columns))


def upgrade() -> None:
    """Create every socialcrm table."""
    op.create_table(
        _name("members"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", case_sensitive_string(255), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("roles", sa.String(255), nullable=False),
        sa.Column("reputation", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("bio", long_text(), nullable=False),
        sa.Column("company", sa.String(500), nullable=False),
        sa.Column("job_title", sa.String(500), nullable=False),
        sa.Column("country", sa.String(500), nullable=False),
        sa.Column("interests", long_text(), nullable=False),
        _pk("members", "id"),
        _uq("members", "external_id"),
        **_AUTOINCREMENT,
    )
    _index("members", "reputation", "id")

    op.create_table(
        _name("spaces"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", case_sensitive_string(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", long_text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(32), nullable=False),
        sa.Column("posting", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("spaces", "id"),
        _fk("spaces", "parent_id", "spaces"),
        _uq("spaces", "slug"),
        **_AUTOINCREMENT,
    )
    _index("spaces", "parent_id")

    op.create_table(
        _name("space_members"),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        _pk("space_members", "space_id", "member_id"),
        _fk("space_members", "space_id", "spaces"),
        _fk("space_members", "member_id", "members"),
        **_OPTIONS,
    )
    _index("space_members", "member_id")

    op.create_table(
        _name("threads"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("tags", long_text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("opening_post_id", sa.Integer(), nullable=True),
        sa.Column("accepted_answer_id", sa.Integer(), nullable=True),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_activity_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        _pk("threads", "id"),
        _fk("threads", "space_id", "spaces"),
        _fk("threads", "author_id", "members"),
        **_AUTOINCREMENT,
    )
    activity = f"ix_{_name('threads')}_activity"
    created = f"ix_{_name('threads')}_created"
    _index("threads", "space_id", "deleted_at", "last_activity_at", name=activity)
    _index("threads", "space_id", "deleted_at", "created_at", name=created)
    _index("threads", "author_id")

    op.create_table(
        _name("thread_tags"),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("tag", case_sensitive_string(35), nullable=False),
        _pk("thread_tags", "thread_id", "tag"),
        _fk("thread_tags", "thread_id", "threads"),
        **_OPTIONS,
    )
    _index("thread_tags", "tag")

    op.create_table(
        _name("tags"),
        sa.Column("name", case_sensitive_string(35), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("tags", "name"),
        **_OPTIONS,
    )

    op.create_table(
        _name("posts"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", long_text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("is_opening", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_by", sa.Integer(), nullable=True),
        _pk("posts", "id"),
        _fk("posts", "thread_id", "threads"),
        _fk("posts", "author_id", "members"),
        _fk("posts", "deleted_by", "members"),
        **_AUTOINCREMENT,
    )
    _index("posts", "thread_id")
    _index("posts", "author_id")
    _index("posts", "deleted_by")

    op.create_table(
        _name("revisions"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=False),
        sa.Column("previous_body", long_text(), nullable=False),
        sa.Column("previous_title", sa.String(500), nullable=True),
        _pk("revisions", "id"),
        _fk("revisions", "post_id", "posts"),
        _fk("revisions", "editor_id", "members"),
        **_AUTOINCREMENT,
    )
    _index("revisions", "post_id")
    _index("revisions", "editor_id")

    op.create_table(
        _name("comments"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", long_text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("comments", "id"),
        _fk("comments", "post_id", "posts"),
        _fk("comments", "author_id", "members"),
        **_AUTOINCREMENT,
    )
    _index("comments", "post_id")
    _index("comments", "author_id")

    op.create_table(
        _name("votes"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("cast_at", UTCDateTime(), nullable=False),
        _pk("votes", "id"),
        _fk("votes", "post_id", "posts"),
        _fk("votes", "member_id", "members"),
        _uq("votes", "post_id", "member_id"),
        **_AUTOINCREMENT,
    )
    _index("votes", "member_id")

    op.create_table(
        _name("ledger"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("cause", case_sensitive_string(255), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("cap_day", sa.Date(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        _pk("ledger", "id"),
        _fk("ledger", "member_id", "members"),
        **_AUTOINCREMENT,
    )
    _index("ledger", "member_id", "cap_day")
    _index("ledger", "member_id", "id")
    _index("ledger", "cause")
    _index("ledger", "undoes")
    _index("ledger", "at")


def downgrade() -> None:
    """Drop every socialcrm table (and its data)."""
    for table in (
        "ledger",
        "votes",
        "comments",
        "revisions",
        "posts",
        "tags",
        "thread_tags",
        "threads",
        "space_members",
        "spaces",
        "members",
    ):
        op.drop_table(_name(table))

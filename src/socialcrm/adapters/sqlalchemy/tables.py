"""SQLAlchemy Core tables of the socialcrm schema.

Every table name starts with a configurable prefix so the schema can live in a
host application's database. Constraint and index names come from
:data:`NAMING_CONVENTION` (or are given explicitly when the convention would
make them too long), so Alembic comparisons are stable on SQLite, PostgreSQL and
MariaDB. The schema is created by the Alembic migrations in ``migrations/``;
these tables describe the head revision and must stay in step with it (a test
compares the two).

Design notes:

* Ids are surrogate integers. SQLite uses ``AUTOINCREMENT`` so that ids of deleted
  rows are never handed out again (ledger causes embed them,
  ``thread:<id>:post:<id>:vote:<id>``); an id handed out in a transaction that rolled
  back may be reused, which is harmless since nothing that used it was kept.
* ``threads.tags`` keeps the thread's tags in their given order so reading a
  thread is one query; ``thread_tags`` indexes the same tags for filtering.
* ``members.roles`` is a comma-separated, sorted text; ``members.interests`` and
  ``threads.tags`` are JSON lists of strings.
* Keys compared by value (external ids, slugs, tags, causes) are case
  sensitive everywhere, MariaDB included (binary collation).
* On MariaDB every table is InnoDB in utf8mb4 with a binary default collation,
  and long texts are ``MEDIUMTEXT`` (see :mod:`.column_types`).
* Every foreign key column leads some index: MariaDB would otherwise add
  implicit indexes that Alembic comparisons then report.
* The ledger is an audit log: only ``member_id`` is a foreign key, so entries
  never block changes to the content they mention.
* ``outbox`` holds every recorded domain event as a JSON payload. Its ``id`` is
  the message's position (autoincrement, never reused, so purging delivered
  rows cannot hand a position out again); ``event_id`` (a UUID string) is
  unique; the index on ``(delivered_at, id)`` serves the relay's "pending by
  position" query and the purge of old delivered rows. It has no foreign keys.
* ``member_days`` (one row per member and UTC day: visited, posts read, reading
  seconds, likes given and received) and ``member_topics`` (one row per member
  and thread: the day first entered, the day of the last reply) hold the inputs
  of the trust levels; their primary keys lead with ``member_id``, so one
  member's totals, all time and over the TL3 window, are one index range each.
  ``members.trust_level``, ``trust_level_locked`` and ``trust_level_changed_at``
  hold the level itself (server defaults 0, false and NULL, so rows written before
  revision 0007 read as TL0, unlocked). ``posts.created_at`` is indexed for the
  TL3 window's "posts created" count.
* ``sanctions`` holds silences, suspensions and bans; only ``member_id`` is a
  foreign key (like the ledger, it is history). ``(member_id, id)`` serves the
  sanctions-in-force read every command makes for its actor, and a member's
  history; ``(lifted_at, ends_at)`` the expiry job.
* ``audit_log`` is the append-only moderation log. It has no foreign keys (it
  names members, posts and threads that may later be deleted); ``before_state``
  and ``after_state`` are JSON objects as text. Each filter of the audit query
  leads an index with ``id``, so "newest first" pages read the index in order.
* ``reputation_counts`` is the rank index: how many members hold a reputation
  in each ``(level, bucket)``, kept in step by the member repository (see
  :mod:`.repositories.reputation_counts`). It has no foreign keys either.
* ``import_ids`` and ``import_checkpoints`` are the state of history imports
  (which source row became which local row, how far each stage got). Keys are
  at most 191 characters so a three-column primary key stays within InnoDB's
  3072-byte limit in utf8mb4. No foreign keys: the state outlives nothing.
* ``badge_awards`` holds every badge award, revoked ones too; the unique key
  ``(badge, member_id, subject)`` is what keeps a badge from being awarded twice
  (``subject`` is ``''`` for once-only badges, e.g. ``post:12`` for repeatable
  ones). Only ``member_id`` is a foreign key; ``post_id`` names the post a
  badge was earned by. ``threads.view_count`` (server default 0) counts the views
  the host records.
* ``bounties``: every bounty, closed ones too. ``open_thread_id`` is the thread's
  id while the bounty is open and NULL once it closes; its unique key allows one
  open bounty per thread (NULLs never clash on any of the three databases).
  ``(status, ends_at)`` serves the expiry job.
* ``posts.community_wiki`` marks posts owned by the community (they earn their
  author nothing under the built-in reward rules).
* ``invitations`` holds invite codes by the SHA-256 hex digest of the code
  (unique; the code itself is never stored). ``referrals`` has one row per
  referred member (unique ``referred_id``); ``referral_rewards`` one row per
  granted reward, unique by ``reward_key``: that constraint is what makes a
  reward exactly-once under concurrent conversions.
* ``polls`` (one per thread: unique ``thread_id``), ``poll_options`` (unique
  ``(poll_id, position)``) and ``poll_ballots``, one row per member and chosen
  option (primary key ``(poll_id, member_id, option_id)``).
* ``contests`` (one per thread: unique ``thread_id``, read by every vote) and
  ``contest_winners`` (primary key ``(contest_id, position)``); ``(decided_at,
  voting_ends_at)`` serves the job that decides ended contests.
* ``flags`` holds members' flags on posts and members (revision 0008). Like the
  ledger it is history, so only ``flagger_id`` and ``member_id`` are foreign
  keys. ``post_key`` is the post's id, or 0 for a flag on a member, so that the
  unique ``(flagger_id, member_id, post_key)`` allows one flag per flagger and
  subject on every dialect (NULLs never collide in a unique key).
  ``posts.hidden_at`` and ``threads.hidden_at`` say when flags hid a post (and
  the thread it opens).
"""

from __future__ import annotations

import attrs
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)

from socialcrm.adapters.sqlalchemy.column_types import (
    MYSQL_TABLE_OPTIONS,
    UTCDateTime,
    case_sensitive_string,
    long_text,
)

DEFAULT_TABLE_PREFIX = "socialcrm_"

#: Constraint names derived from table and column names. FK names leave out the
#: referred table to stay under the 63/64 character limits of PostgreSQL/MariaDB.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths chosen to stay indexable under MariaDB's utf8mb4 limits.
EXTERNAL_ID_LENGTH = 255
NAME_LENGTH = 255
SLUG_LENGTH = 64
TAG_LENGTH = 35
TITLE_LENGTH = 500
PROFILE_FIELD_LENGTH = 500
CODE_LENGTH = 32
RULE_LENGTH = 64
CAUSE_LENGTH = 255
EVENT_ID_LENGTH = 36
EVENT_NAME_LENGTH = 64
AUDIT_ACTION_LENGTH = 64
IMPORT_KEY_LENGTH = 191
CODE_HASH_LENGTH = 64
REWARD_KEY_LENGTH = 191
BADGE_KEY_LENGTH = 64


@attrs.frozen
class Tables:
    """The socialcrm tables of one metadata, by role rather than by prefixed name."""

    metadata: MetaData
    prefix: str
    members: Table
    spaces: Table
    space_members: Table
    threads: Table
    thread_tags: Table
    tags: Table
    posts: Table
    revisions: Table
    comments: Table
    votes: Table
    ledger: Table
    outbox: Table
    reputation_counts: Table
    member_days: Table
    member_topics: Table
    sanctions: Table
    audit_log: Table
    flags: Table
    import_ids: Table
    import_checkpoints: Table
    invitations: Table
    referrals: Table
    referral_rewards: Table
    polls: Table
    poll_options: Table
    poll_ballots: Table
    contests: Table
    contest_winners: Table
    review_items: Table
    badge_awards: Table
    bounties: Table


def build_tables(prefix: str = DEFAULT_TABLE_PREFIX) -> Tables:
    """Build a fresh :class:`MetaData` holding the schema with ``prefix`` on every table."""
    md = MetaData(naming_convention=NAMING_CONVENTION)
    p = prefix

    def fk(table: str, *, ondelete: str | None = None) -> ForeignKey:
        return ForeignKey(f"{p}{table}.id", ondelete=ondelete)

    members = Table(
        f"{p}members",
        md,
        Column("id", Integer, primary_key=True),
        Column("external_id", case_sensitive_string(EXTERNAL_ID_LENGTH), nullable=False),
        Column("display_name", String(NAME_LENGTH), nullable=False),
        Column("roles", String(NAME_LENGTH), nullable=False),
        Column("reputation", Integer, nullable=False),
        Column("joined_at", UTCDateTime, nullable=False),
        Column("bio", long_text(), nullable=False),
        Column("company", String(PROFILE_FIELD_LENGTH), nullable=False),
        Column("job_title", String(PROFILE_FIELD_LENGTH), nullable=False),
        Column("country", String(PROFILE_FIELD_LENGTH), nullable=False),
        Column("interests", long_text(), nullable=False),
        Column("trust_level", Integer, nullable=False, server_default=text("0")),
        Column("trust_level_locked", Boolean, nullable=False, server_default=false()),
        Column("trust_level_changed_at", UTCDateTime, nullable=True),
        UniqueConstraint("external_id"),
        Index(None, "reputation", "id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    spaces = Table(
        f"{p}spaces",
        md,
        Column("id", Integer, primary_key=True),
        Column("slug", case_sensitive_string(SLUG_LENGTH), nullable=False),
        Column("name", String(NAME_LENGTH), nullable=False),
        Column("description", long_text(), nullable=False),
        Column("parent_id", Integer, fk("spaces"), nullable=True),
        Column("visibility", String(CODE_LENGTH), nullable=False),
        Column("posting", String(CODE_LENGTH), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        UniqueConstraint("slug"),
        Index(None, "parent_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    space_members = Table(
        f"{p}space_members",
        md,
        Column("space_id", Integer, fk("spaces"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        PrimaryKeyConstraint("space_id", "member_id"),
        Index(None, "member_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    threads = Table(
        f"{p}threads",
        md,
        Column("id", Integer, primary_key=True),
        Column("space_id", Integer, fk("spaces"), nullable=False),
        Column("kind", String(CODE_LENGTH), nullable=False),
        Column("title", String(TITLE_LENGTH), nullable=False),
        Column("tags", long_text(), nullable=False),
        Column("status", String(CODE_LENGTH), nullable=False),
        Column("author_id", Integer, fk("members"), nullable=False),
        # No foreign keys: posts reference threads, and a cycle would need
        # deferred constraints that SQLite and MariaDB handle differently.
        Column("opening_post_id", Integer, nullable=True),
        Column("accepted_answer_id", Integer, nullable=True),
        Column("reply_count", Integer, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("last_activity_at", UTCDateTime, nullable=False),
        Column("deleted_at", UTCDateTime, nullable=True),
        Column("hidden_at", UTCDateTime, nullable=True),
        Column("view_count", Integer, nullable=False, server_default=text("0")),
        Index(f"ix_{p}threads_activity", "space_id", "deleted_at", "last_activity_at"),
        Index(f"ix_{p}threads_created", "space_id", "deleted_at", "created_at"),
        Index(None, "author_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    thread_tags = Table(
        f"{p}thread_tags",
        md,
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("tag", case_sensitive_string(TAG_LENGTH), nullable=False),
        PrimaryKeyConstraint("thread_id", "tag"),
        Index(None, "tag"),
        **MYSQL_TABLE_OPTIONS,
    )
    tags = Table(
        f"{p}tags",
        md,
        Column("name", case_sensitive_string(TAG_LENGTH), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("name"),
        **MYSQL_TABLE_OPTIONS,
    )
    posts = Table(
        f"{p}posts",
        md,
        Column("id", Integer, primary_key=True),
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("author_id", Integer, fk("members"), nullable=False),
        Column("body", long_text(), nullable=False),
        Column("score", Integer, nullable=False),
        Column("is_opening", Boolean, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("edited_at", UTCDateTime, nullable=True),
        Column("deleted_at", UTCDateTime, nullable=True),
        Column("deleted_by", Integer, fk("members"), nullable=True),
        Column("community_wiki", Boolean, nullable=False, server_default=false()),
        Column("hidden_at", UTCDateTime, nullable=True),
        Index(None, "thread_id"),
        Index(None, "author_id"),
        Index(None, "deleted_by"),
        Index(None, "created_at"),
        # The rate limits count a member's recent posts.
        Index(None, "author_id", "created_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    revisions = Table(
        f"{p}revisions",
        md,
        Column("id", Integer, primary_key=True),
        Column("post_id", Integer, fk("posts"), nullable=False),
        Column("editor_id", Integer, fk("members"), nullable=False),
        Column("edited_at", UTCDateTime, nullable=False),
        Column("previous_body", long_text(), nullable=False),
        Column("previous_title", String(TITLE_LENGTH), nullable=True),
        Index(None, "post_id"),
        Index(None, "editor_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    comments = Table(
        f"{p}comments",
        md,
        Column("id", Integer, primary_key=True),
        Column("post_id", Integer, fk("posts"), nullable=False),
        Column("author_id", Integer, fk("members"), nullable=False),
        Column("body", long_text(), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Index(None, "post_id"),
        Index(None, "author_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    votes = Table(
        f"{p}votes",
        md,
        Column("id", Integer, primary_key=True),
        Column("post_id", Integer, fk("posts"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("value", Integer, nullable=False),
        Column("cast_at", UTCDateTime, nullable=False),
        # The storage-level guarantee of one vote per member and post.
        UniqueConstraint("post_id", "member_id"),
        Index(None, "member_id"),
        Index(None, "cast_at"),
        # The daily vote limits count a member's votes of the day.
        Index(None, "member_id", "cast_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    ledger = Table(
        f"{p}ledger",
        md,
        Column("id", Integer, primary_key=True),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("delta", Integer, nullable=False),
        Column("requested", Integer, nullable=False),
        Column("rule", String(RULE_LENGTH), nullable=False),
        Column("event", String(RULE_LENGTH), nullable=False),
        Column("cause", case_sensitive_string(CAUSE_LENGTH), nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("undoes", Integer, nullable=True),
        Column("cap_day", Date, nullable=True),
        Column("space_id", Integer, nullable=True),
        Column("post_id", Integer, nullable=True),
        Index(None, "member_id", "cap_day"),
        Index(None, "member_id", "id"),
        Index(None, "cause"),
        # An entry is undone at most once, whatever races (migration 0013).
        Index(None, "undoes", unique=True),
        Index(None, "at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    outbox = Table(
        f"{p}outbox",
        md,
        Column("id", Integer, primary_key=True),
        Column("event_id", case_sensitive_string(EVENT_ID_LENGTH), nullable=False),
        Column("name", String(EVENT_NAME_LENGTH), nullable=False),
        Column("payload", long_text(), nullable=False),
        Column("occurred_at", UTCDateTime, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("delivered_at", UTCDateTime, nullable=True),
        UniqueConstraint("event_id"),
        Index(None, "delivered_at", "id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    reputation_counts = Table(
        f"{p}reputation_counts",
        md,
        Column("level", Integer, nullable=False),
        Column("bucket", Integer, nullable=False),
        Column("members", Integer, nullable=False),
        PrimaryKeyConstraint("level", "bucket"),
        **MYSQL_TABLE_OPTIONS,
    )
    member_days = Table(
        f"{p}member_days",
        md,
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("day", Date, nullable=False),
        Column("visited", Boolean, nullable=False),
        Column("posts_read", Integer, nullable=False),
        Column("reading_seconds", Integer, nullable=False),
        Column("likes_given", Integer, nullable=False),
        Column("likes_received", Integer, nullable=False),
        PrimaryKeyConstraint("member_id", "day"),
        **MYSQL_TABLE_OPTIONS,
    )
    member_topics = Table(
        f"{p}member_topics",
        md,
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("entered_on", Date, nullable=True),
        Column("replied_on", Date, nullable=True),
        PrimaryKeyConstraint("member_id", "thread_id"),
        Index(None, "thread_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    sanctions = Table(
        f"{p}sanctions",
        md,
        Column("id", Integer, primary_key=True),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("kind", String(CODE_LENGTH), nullable=False),
        Column("reason", long_text(), nullable=False),
        Column("imposed_by", Integer, nullable=False),
        Column("imposed_at", UTCDateTime, nullable=False),
        Column("ends_at", UTCDateTime, nullable=True),
        Column("lifted_at", UTCDateTime, nullable=True),
        Column("lifted_by", Integer, nullable=True),
        Column("lift_reason", long_text(), nullable=True),
        Index(None, "member_id", "id"),
        Index(None, "lifted_at", "ends_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    audit_log = Table(
        f"{p}audit_log",
        md,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime, nullable=False),
        Column("actor_id", Integer, nullable=True),
        Column("action", String(AUDIT_ACTION_LENGTH), nullable=False),
        Column("reason", long_text(), nullable=False),
        Column("member_id", Integer, nullable=True),
        Column("post_id", Integer, nullable=True),
        Column("thread_id", Integer, nullable=True),
        Column("before_state", long_text(), nullable=False),
        Column("after_state", long_text(), nullable=False),
        Column("space_id", Integer, nullable=True),
        Index(None, "actor_id", "id"),
        Index(None, "member_id", "id"),
        Index(None, "post_id", "id"),
        Index(None, "thread_id", "id"),
        Index(None, "action", "id"),
        Index(None, "at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    review_items = Table(
        f"{p}review_items",
        md,
        Column("id", Integer, primary_key=True),
        Column("kind", String(CODE_LENGTH), nullable=False),
        Column("status", String(CODE_LENGTH), nullable=False),
        Column("reason", String(RULE_LENGTH), nullable=False),
        Column("reasons", long_text(), nullable=False),
        Column("rules", long_text(), nullable=False),
        Column("author_id", Integer, fk("members"), nullable=False),
        Column("space_id", Integer, fk("spaces"), nullable=False),
        Column("thread_id", Integer, nullable=True),
        Column("post_id", Integer, nullable=True),
        Column("thread_kind", String(CODE_LENGTH), nullable=True),
        Column("title", String(TITLE_LENGTH), nullable=True),
        Column("body", long_text(), nullable=False),
        Column("tags", long_text(), nullable=False),
        Column("community_wiki", Boolean, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("decided_at", UTCDateTime, nullable=True),
        Column("decided_by", Integer, nullable=True),
        Column("note", long_text(), nullable=False),
        # Short explicit names: derived ones pass 63 characters with long prefixes.
        Index(f"ix_{p}review_queue", "status", "space_id", "created_at"),
        Index(f"ix_{p}review_author", "author_id", "status"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    flags = Table(
        f"{p}flags",
        md,
        Column("id", Integer, primary_key=True),
        Column("flagger_id", Integer, fk("members"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("post_key", Integer, nullable=False),
        Column("post_id", Integer, nullable=True),
        Column("thread_id", Integer, nullable=True),
        Column("space_id", Integer, nullable=True),
        Column("reason", String(CODE_LENGTH), nullable=False),
        Column("text", long_text(), nullable=False),
        Column("weight", Integer, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("status", String(CODE_LENGTH), nullable=False),
        Column("decided_by", Integer, nullable=True),
        Column("decided_at", UTCDateTime, nullable=True),
        UniqueConstraint("flagger_id", "member_id", "post_key"),
        Index(None, "post_id"),
        Index(None, "member_id"),
        Index(None, "flagger_id", "created_at"),
        Index(None, "status", "created_at"),
        Index(None, "decided_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    import_ids = Table(
        f"{p}import_ids",
        md,
        Column("source", case_sensitive_string(IMPORT_KEY_LENGTH), nullable=False),
        Column("kind", case_sensitive_string(CODE_LENGTH), nullable=False),
        Column("external_id", case_sensitive_string(IMPORT_KEY_LENGTH), nullable=False),
        Column("local_id", Integer, nullable=False),
        PrimaryKeyConstraint("source", "kind", "external_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    import_checkpoints = Table(
        f"{p}import_checkpoints",
        md,
        Column("source", case_sensitive_string(IMPORT_KEY_LENGTH), nullable=False),
        Column("stage", case_sensitive_string(CODE_LENGTH), nullable=False),
        Column("position", Integer, nullable=False),
        PrimaryKeyConstraint("source", "stage"),
        **MYSQL_TABLE_OPTIONS,
    )
    invitations = Table(
        f"{p}invitations",
        md,
        Column("id", Integer, primary_key=True),
        Column("code_hash", case_sensitive_string(CODE_HASH_LENGTH), nullable=False),
        Column("inviter_id", Integer, fk("members"), nullable=False),
        Column("space_id", Integer, fk("spaces"), nullable=True),
        Column("max_uses", Integer, nullable=True),
        Column("uses", Integer, nullable=False),
        Column("expires_at", UTCDateTime, nullable=True),
        Column("created_at", UTCDateTime, nullable=False),
        Column("revoked_at", UTCDateTime, nullable=True),
        UniqueConstraint("code_hash"),
        Index(None, "inviter_id", "id"),
        Index(None, "space_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    referrals = Table(
        f"{p}referrals",
        md,
        Column("id", Integer, primary_key=True),
        Column("referrer_id", Integer, fk("members"), nullable=False),
        Column("referred_id", Integer, fk("members"), nullable=False),
        Column("invitation_id", Integer, fk("invitations"), nullable=True),
        Column("joined_at", UTCDateTime, nullable=False),
        Column("converted_at", UTCDateTime, nullable=True),
        UniqueConstraint("referred_id"),
        Index(None, "referrer_id", "id"),
        Index(None, "invitation_id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    referral_rewards = Table(
        f"{p}referral_rewards",
        md,
        Column("id", Integer, primary_key=True),
        Column("reward_key", case_sensitive_string(REWARD_KEY_LENGTH), nullable=False),
        Column("referral_id", Integer, fk("referrals"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("kind", String(CODE_LENGTH), nullable=False),
        Column("rule", String(RULE_LENGTH), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("badge", String(RULE_LENGTH), nullable=True),
        Column("granted_at", UTCDateTime, nullable=False),
        UniqueConstraint("reward_key"),
        Index(None, "referral_id"),
        Index(None, "member_id", "id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    badge_awards = Table(
        f"{p}badge_awards",
        md,
        Column("id", Integer, primary_key=True),
        Column("badge", case_sensitive_string(BADGE_KEY_LENGTH), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("subject", case_sensitive_string(BADGE_KEY_LENGTH), nullable=False),
        Column("awarded_at", UTCDateTime, nullable=False),
        Column("post_id", Integer, nullable=True),
        Column("revoked_at", UTCDateTime, nullable=True),
        Column("revoked_by", Integer, nullable=True),
        Column("space_id", Integer, nullable=True),
        # The storage-level guarantee: a badge once per member and subject.
        UniqueConstraint("badge", "member_id", "subject"),
        Index(None, "member_id", "id"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    polls = Table(
        f"{p}polls",
        md,
        Column("id", Integer, primary_key=True),
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("question", String(TITLE_LENGTH), nullable=False),
        Column("multiple", Boolean, nullable=False),
        Column("hide_results", Boolean, nullable=False),
        Column("closes_at", UTCDateTime, nullable=True),
        Column("closed_at", UTCDateTime, nullable=True),
        Column("created_by", Integer, fk("members"), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        UniqueConstraint("thread_id"),
        Index(None, "created_by"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    poll_options = Table(
        f"{p}poll_options",
        md,
        Column("id", Integer, primary_key=True),
        Column("poll_id", Integer, fk("polls"), nullable=False),
        Column("position", Integer, nullable=False),
        Column("label", String(NAME_LENGTH), nullable=False),
        UniqueConstraint("poll_id", "position"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    poll_ballots = Table(
        f"{p}poll_ballots",
        md,
        Column("poll_id", Integer, fk("polls"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("option_id", Integer, fk("poll_options"), nullable=False),
        Column("cast_at", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("poll_id", "member_id", "option_id"),
        Index(None, "member_id"),
        Index(None, "option_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    contests = Table(
        f"{p}contests",
        md,
        Column("id", Integer, primary_key=True),
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("submission_starts_at", UTCDateTime, nullable=False),
        Column("submission_ends_at", UTCDateTime, nullable=False),
        Column("voting_starts_at", UTCDateTime, nullable=False),
        Column("voting_ends_at", UTCDateTime, nullable=False),
        Column("winners", Integer, nullable=False),
        Column("created_by", Integer, fk("members"), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("decided_at", UTCDateTime, nullable=True),
        UniqueConstraint("thread_id"),
        Index(None, "created_by"),
        Index(None, "decided_at", "voting_ends_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    contest_winners = Table(
        f"{p}contest_winners",
        md,
        Column("contest_id", Integer, fk("contests"), nullable=False),
        Column("position", Integer, nullable=False),
        Column("post_id", Integer, fk("posts"), nullable=False),
        Column("member_id", Integer, fk("members"), nullable=False),
        Column("score", Integer, nullable=False),
        PrimaryKeyConstraint("contest_id", "position"),
        Index(None, "post_id"),
        Index(None, "member_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    bounties = Table(
        f"{p}bounties",
        md,
        Column("id", Integer, primary_key=True),
        Column("thread_id", Integer, fk("threads"), nullable=False),
        Column("offered_by", Integer, fk("members"), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("started_at", UTCDateTime, nullable=False),
        Column("ends_at", UTCDateTime, nullable=False),
        Column("status", String(CODE_LENGTH), nullable=False),
        # The thread's id while open, NULL once closed: unique, so one open bounty a thread.
        Column("open_thread_id", Integer, nullable=True),
        Column("answer_id", Integer, nullable=True),
        Column("awarded_to", Integer, nullable=True),
        Column("awarded_amount", Integer, nullable=False),
        Column("closed_at", UTCDateTime, nullable=True),
        Column("closed_by", Integer, nullable=True),
        UniqueConstraint("open_thread_id"),
        Index(None, "thread_id"),
        Index(None, "offered_by"),
        Index(None, "status", "ends_at"),
        sqlite_autoincrement=True,
        **MYSQL_TABLE_OPTIONS,
    )
    return Tables(
        metadata=md,
        prefix=prefix,
        members=members,
        spaces=spaces,
        space_members=space_members,
        threads=threads,
        thread_tags=thread_tags,
        tags=tags,
        posts=posts,
        revisions=revisions,
        comments=comments,
        votes=votes,
        ledger=ledger,
        outbox=outbox,
        reputation_counts=reputation_counts,
        member_days=member_days,
        member_topics=member_topics,
        sanctions=sanctions,
        audit_log=audit_log,
        flags=flags,
        import_ids=import_ids,
        import_checkpoints=import_checkpoints,
        invitations=invitations,
        referrals=referrals,
        referral_rewards=referral_rewards,
        polls=polls,
        poll_options=poll_options,
        poll_ballots=poll_ballots,
        contests=contests,
        contest_winners=contest_winners,
        review_items=review_items,
        badge_awards=badge_awards,
        bounties=bounties,
    )


def build_metadata(prefix: str = DEFAULT_TABLE_PREFIX) -> MetaData:
    """The schema's :class:`MetaData` with ``prefix`` on every table name.

    This is the ``target_metadata`` for Alembic autogenerate comparisons.
    """
    return build_tables(prefix).metadata


__all__ = [
    "DEFAULT_TABLE_PREFIX",
    "NAMING_CONVENTION",
    "Tables",
    "build_tables",
    "build_metadata",
]

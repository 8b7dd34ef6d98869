"""The storage port: what socialcrm needs from a storage adapter.

A :class:`Storage` opens units of work. A :class:`UnitOfWork` is one transaction
and exposes repositories whose methods are *atomic, intention-revealing
operations*: counters change by increments (``add_score``, ``add_reputation``),
uniqueness is enforced by storage (one vote per member and post, one external id
per member, one slug per space), and "one accepted answer per question" is a
compare-and-set. Nothing here loads an aggregate to save it back.

Rules every adapter follows (the contract suite in :mod:`socialcrm.testing`
checks them):

* Leaving the ``with`` block without :meth:`UnitOfWork.commit` rolls back every
  write of the unit; an exception inside the block also rolls back.
* Duplicate keys raise :class:`socialcrm.errors.Conflict`, never a driver error,
  and leave the unit usable.
* ``get`` methods return ``None`` for unknown ids; they never raise.
* Records returned are the frozen records of :mod:`socialcrm.domain.records`.
* Lists are returned in the documented order with ties broken by id.
* All datetimes given and returned are timezone-aware UTC.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from socialcrm.domain.badges import AuthoredPost, BadgeAward
from socialcrm.domain.bounties import Bounty
from socialcrm.domain.records import (
    AuditEntry,
    Comment,
    LedgerEntry,
    Member,
    MemberActivity,
    OutboxMessage,
    Post,
    Profile,
    Revision,
    Sanction,
    Space,
    Thread,
    Vote,
)


class MemberRepository(Protocol):
    """Members and their cached reputation totals."""

    def add(
        self,
        *,
        external_id: str,
        display_name: str,
        profile: Profile,
        roles: frozenset[str],
        reputation: int,
        joined_at: datetime,
    ) -> Member:
        """Insert a member; ``Conflict`` (code ``duplicate_external_id``) if the id is taken."""
        ...

    def get(self, member_id: int) -> Member | None:
        """The member with this id, or ``None``."""
        ...

    def get_many(self, member_ids: Collection[int]) -> dict[int, Member]:
        """The members with these ids that exist, keyed by id."""
        ...

    def get_by_external_id(self, external_id: str) -> Member | None:
        """The member with this external id, or ``None``."""
        ...

    def lock(self, member_id: int) -> int | None:
        """Lock the member's row until the unit ends; return its reputation (``None`` if absent).

        SQL adapters use ``SELECT ... FOR UPDATE`` where the dialect has it.
        """
        ...

    def update_profile(self, member_id: int, *, display_name: str, profile: Profile) -> None:
        """Replace the display name and profile."""
        ...

    def set_roles(self, member_id: int, roles: frozenset[str]) -> None:
        """Replace the member's roles."""
        ...

    def add_reputation(self, member_id: int, delta: int) -> None:
        """Atomically add ``delta`` to the cached reputation total."""
        ...

    def set_reputation(self, member_id: int, reputation: int) -> None:
        """Overwrite the cached reputation total (used by ``recompute``)."""
        ...

    def list(self, *, limit: int, offset: int = 0) -> builtins.list[Member]:
        """Members by id ascending, placeholder members left out."""
        ...

    def top(
        self, *, limit: int, offset: int = 0, exclude_ids: Collection[int] = ()
    ) -> builtins.list[Member]:
        """Members by reputation descending, then id ascending, placeholder members left out."""
        ...

    def count_above(self, reputation: int) -> int:
        """How many members (placeholders left out) have a reputation above ``reputation``."""
        ...

    def reputations(self) -> dict[int, int]:
        """Every member's cached reputation, keyed by id."""
        ...

    def compare_and_set_trust_level(
        self,
        member_id: int,
        *,
        expected_level: int,
        expected_locked: bool,
        level: int,
        locked: bool,
        changed_at: datetime | None,
    ) -> bool:
        """Set the trust level, its lock and ``trust_level_changed_at`` only if unchanged.

        Changes nothing and returns ``False`` when the member is absent or its level
        or lock is no longer ``expected_level``/``expected_locked`` (another writer
        got there first).
        """
        ...

    def trust_review_batch(self, *, after_id: int, limit: int) -> builtins.list[Member]:
        """Up to ``limit`` members with an id above ``after_id``, by id ascending, that the
        trust review looks at: not locked, and below TL4.

        Paging by id (not by offset) keeps every batch of a large review one index seek.
        """
        ...

    def ranked_reputations(self) -> dict[int, int]:
        """The cached reputation of every ranked member (placeholders left out), by id."""
        ...


class SpaceRepository(Protocol):
    """Spaces and explicit space membership."""

    def add(
        self,
        *,
        slug: str,
        name: str,
        description: str,
        parent_id: int | None,
        visibility: str,
        posting: str,
        created_at: datetime,
    ) -> Space:
        """Insert a space; ``Conflict`` (code ``duplicate_slug``) if the slug is taken."""
        ...

    def get(self, space_id: int) -> Space | None:
        """The space with this id, or ``None``."""
        ...

    def get_by_slug(self, slug: str) -> Space | None:
        """The space with this slug, or ``None``."""
        ...

    def list(self) -> builtins.list[Space]:
        """Every space, by id ascending."""
        ...

    def add_member(self, space_id: int, member_id: int) -> bool:
        """Give explicit membership; ``False`` if it already existed."""
        ...

    def remove_member(self, space_id: int, member_id: int) -> bool:
        """End explicit membership; ``False`` if there was none."""
        ...

    def memberships(self, member_id: int) -> frozenset[int]:
        """Ids of the spaces the member explicitly belongs to."""
        ...


class ThreadRepository(Protocol):
    """Threads, their tags and counters."""

    def add(
        self,
        *,
        space_id: int,
        kind: str,
        title: str,
        tags: tuple[str, ...],
        author_id: int,
        created_at: datetime,
    ) -> Thread:
        """Insert an open thread with no opening post yet, ``reply_count`` 0."""
        ...

    def get(self, thread_id: int) -> Thread | None:
        """The thread with this id (deleted ones included), or ``None``."""
        ...

    def set_opening_post(self, thread_id: int, post_id: int) -> None:
        """Record the thread's opening post."""
        ...

    def set_status(self, thread_id: int, status: str) -> None:
        """Set ``open`` or ``closed``."""
        ...

    def set_title_and_tags(self, thread_id: int, *, title: str, tags: tuple[str, ...]) -> None:
        """Replace the title and tags."""
        ...

    def compare_and_set_accepted(
        self, thread_id: int, *, expected: int | None, new: int | None
    ) -> bool:
        """Set the accepted answer to ``new`` only if it is currently ``expected``.

        Returns ``False`` (and changes nothing) when another writer got there first.
        """
        ...

    def record_reply(self, thread_id: int, *, delta: int, at: datetime | None) -> None:
        """Add ``delta`` to ``reply_count``; move ``last_activity_at`` to ``at`` if given."""
        ...

    def add_views(self, thread_id: int, count: int) -> int:
        """Add ``count`` (positive) to the thread's view count by an atomic increment.

        Returns the count after the increment; ``NotFound`` (code
        ``thread_not_found``) for an unknown thread.
        """
        ...

    def views(self, thread_id: int) -> int:
        """The thread's view count (0 for an unknown thread)."""
        ...

    def mark_deleted(self, thread_id: int, at: datetime) -> None:
        """Soft-delete the thread."""
        ...

    def list(
        self,
        *,
        space_ids: Collection[int],
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        sort: str = "active",
        limit: int = 20,
        offset: int = 0,
    ) -> builtins.list[Thread]:
        """Threads not deleted in the given spaces.

        ``sort``: ``active`` (last activity, newest first), ``newest`` (creation,
        newest first), ``score`` (opening post's score, highest first) or
        ``unanswered`` (questions without replies only, newest first). Ties by id
        descending.
        """
        ...

    def count(
        self,
        *,
        space_ids: Collection[int],
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
    ) -> int:
        """How many threads ``list`` would return without limit (``unanswered`` excluded)."""
        ...

    def count_by_space(self, space_ids: Collection[int]) -> dict[int, int]:
        """Threads not deleted per space, for the given spaces (absent means 0)."""
        ...

    def known_tags(self, names: Collection[str]) -> frozenset[str]:
        """Which of these tag names already exist."""
        ...

    def add_tags(self, names: Iterable[str], at: datetime) -> None:
        """Create the tag names that do not exist yet."""
        ...


class PostRepository(Protocol):
    """Posts, their revisions and comments."""

    def add(
        self,
        *,
        thread_id: int,
        author_id: int,
        body: str,
        is_opening: bool,
        created_at: datetime,
        community_wiki: bool = False,
    ) -> Post:
        """Insert a post with score 0."""
        ...

    def get(self, post_id: int) -> Post | None:
        """The post with this id (deleted ones included), or ``None``."""
        ...

    def locate(self, post_id: int) -> tuple[Post, Thread, Space] | None:
        """The post with its thread and that thread's space, in one read, or ``None``.

        Deleted posts and threads are included. Every command on a post starts here,
        so SQL adapters answer it with one joined query.
        """
        ...

    def list_for_thread(
        self, thread_id: int, *, include_deleted: bool = False
    ) -> builtins.list[Post]:
        """The thread's posts, opening post first, then by id ascending."""
        ...

    def update_body(self, post_id: int, *, body: str, edited_at: datetime) -> None:
        """Replace the body and set ``edited_at``."""
        ...

    def add_revision(
        self,
        *,
        post_id: int,
        editor_id: int,
        edited_at: datetime,
        previous_body: str,
        previous_title: str | None,
    ) -> Revision:
        """Append a revision."""
        ...

    def revisions(self, post_id: int) -> builtins.list[Revision]:
        """The post's revisions, oldest first."""
        ...

    def mark_deleted(self, post_id: int, *, by: int, at: datetime) -> None:
        """Soft-delete the post."""
        ...

    def add_score(self, post_id: int, delta: int) -> None:
        """Atomically add ``delta`` to the post's score."""
        ...

    def add_comment(
        self, *, post_id: int, author_id: int, body: str, created_at: datetime
    ) -> Comment:
        """Append a comment under the post."""
        ...

    def comments(self, post_id: int) -> builtins.list[Comment]:
        """The post's comments, oldest first."""
        ...


class VoteRepository(Protocol):
    """Votes, one per member and post (enforced by storage)."""

    def get(self, post_id: int, member_id: int) -> Vote | None:
        """The member's vote on the post, or ``None``."""
        ...

    def add(self, *, post_id: int, member_id: int, value: int, cast_at: datetime) -> Vote:
        """Insert a vote; ``Conflict`` (code ``duplicate_vote``) if the member already voted."""
        ...

    def change(self, vote_id: int, *, value: int, cast_at: datetime) -> bool:
        """Change a vote's value and ``cast_at``, only if its value is not ``value`` already.

        A compare-and-set: ``False`` (nothing changed) when the vote is gone or already
        holds ``value`` (a concurrent writer changed it first); callers adjust the
        post's score only when this returns ``True``.
        """
        ...

    def remove(self, vote_id: int) -> bool:
        """Delete the vote; ``False`` if it was already gone (a concurrent writer removed it).

        Callers adjust the post's score only when this returns ``True``.
        """
        ...

    def for_post(self, post_id: int) -> builtins.list[Vote]:
        """Every vote on the post, by id ascending."""
        ...

    def repeated_pairs(
        self, *, since: datetime, until: datetime, min_votes: int
    ) -> builtins.list[tuple[int, Vote]]:
        """Votes cast in ``since <= cast_at < until`` by a voter who cast at least
        ``min_votes`` of them on posts of the same author, as ``(post author id, vote)``.

        Ordered by voter, author, ``cast_at``, then vote id. The serial-voting job
        reads this; SQL adapters answer it from an index on ``cast_at``.
        """
        ...


class LedgerRepository(Protocol):
    """The append-only reputation ledger."""

    def append(
        self,
        *,
        member_id: int,
        delta: int,
        requested: int,
        rule: str,
        event: str,
        cause: str,
        at: datetime,
        undoes: int | None = None,
        cap_day: date | None = None,
        space_id: int | None = None,
        post_id: int | None = None,
    ) -> LedgerEntry:
        """Append an entry and return it with its id."""
        ...

    def cap_used(self, member_id: int, cap_day: date) -> int:
        """Sum of ``delta`` over the member's entries whose ``cap_day`` is ``cap_day``."""
        ...

    def active_for_causes(
        self, causes: Collection[str] = (), prefixes: Collection[str] = ()
    ) -> builtins.list[LedgerEntry]:
        """Entries not yet undone whose cause equals one of ``causes`` or starts with a prefix.

        Compensating entries (``undoes`` set) are never returned. Ordered by id.
        """
        ...

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> builtins.list[LedgerEntry]:
        """The member's entries, newest first (id descending)."""
        ...

    def totals(self) -> dict[int, int]:
        """Sum of ``delta`` per member, for members with at least one entry."""
        ...

    def gains(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int] | None,
        exclude_member_ids: Collection[int] = (),
        limit: int,
    ) -> builtins.list[tuple[int, int]]:
        """``(member_id, sum of delta)`` for entries with ``since <= at < until``.

        ``None`` bounds are open; ``space_ids`` ``None`` means every entry, otherwise
        only entries whose ``space_id`` is in it. Members whose sum is 0 or less, and
        placeholder members, are left out. Highest sum first, then member id ascending.
        """
        ...


class OutboxRepository(Protocol):
    """The transactional outbox: every recorded domain event, for other systems.

    The services write one message per event in the command's own unit of work,
    so a message exists exactly when the command committed. A relay
    (``community.outbox.relay``) reads pending messages, publishes them and
    marks them delivered.

    Ordering: ``id`` is the message's position, handed out by the storage in
    increasing order as messages are added (an autoincrement key; never reused,
    even after ``purge_delivered``). Within one unit of work, messages get
    increasing positions in the order they were added. Across units, positions
    follow the order of the ``add`` calls, not of the commits: where units run
    one at a time (SQLite, memory) that is commit order, but on servers with
    concurrent writers a unit may commit a lower position after another unit's
    higher one was already read. ``pending`` returns committed messages by
    position, so such a message is delivered in a later batch, never lost.
    """

    def add(
        self,
        *,
        event_id: str,
        name: str,
        payload: str,
        occurred_at: datetime,
        created_at: datetime,
    ) -> OutboxMessage:
        """Append a pending message; ``Conflict`` (``duplicate_event_id``) if the id is taken."""
        ...

    def pending(self, *, limit: int, lock: bool = False) -> builtins.list[OutboxMessage]:
        """Up to ``limit`` undelivered messages, by position ascending.

        ``lock=True`` (what relays use) locks the returned messages until the unit
        ends and passes over messages another unit holds locked, so concurrent
        relays share the work instead of publishing the same message: SQL adapters
        use ``SELECT ... FOR UPDATE SKIP LOCKED`` where the dialect has it. Where it
        has not (SQLite), the unit's write lock makes relays take turns instead.
        """
        ...

    def mark_delivered(self, ids: Collection[int], at: datetime) -> int:
        """Set ``delivered_at`` on those of the messages that are still pending; return how many."""
        ...

    def count_pending(self) -> int:
        """How many messages are not delivered yet."""
        ...

    def purge_delivered(self, *, before: datetime) -> int:
        """Delete the messages delivered before ``before``; return how many. Pending ones stay."""
        ...


class ActivityRepository(Protocol):
    """What members do that trust levels count: visits, reads, likes, replies.

    Two kinds of rows: one per member and UTC day (visited, posts read, reading
    seconds, likes given and received, all changed by atomic increments) and one
    per member and thread (the day the member first entered it, the day of their
    last reply in it). Every write is an insert-or-update that concurrent units
    may run for the same key without losing an increment or raising ``Conflict``.
    """

    def mark_visited(self, member_id: int, day: date) -> bool:
        """Mark the member's day as visited; ``True`` if it was not marked yet."""
        ...

    def add_day(
        self,
        member_id: int,
        day: date,
        *,
        visited: bool = False,
        posts_read: int = 0,
        reading_seconds: int = 0,
        likes_given: int = 0,
        likes_received: int = 0,
    ) -> None:
        """Add the counts (which may be negative) to the member's day; mark it visited if asked."""
        ...

    def enter_topic(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record that the member entered the thread on ``day``.

        The row keeps the earliest day given. Returns ``True`` if that changed
        something (first entry, or an earlier day).
        """
        ...

    def record_topic_reply(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record a reply by the member in the thread on ``day``; the row keeps the latest day.

        Returns ``True`` if that changed something (first reply, or a later day).
        """
        ...

    def activity(self, member_id: int, *, since: date) -> MemberActivity:
        """The member's totals since joining and since ``since`` (that day included).

        ``topics_entered`` counts threads first entered in the span,
        ``topics_replied_to`` threads last replied to in it, ``days_visited`` days
        marked visited; ``flagged_posts`` is 0. An unknown member gets zeros.
        """
        ...

    def activities(self, member_ids: Collection[int], *, since: date) -> dict[int, MemberActivity]:
        """:meth:`activity` for many members at once, keyed by id (every id given)."""
        ...

    def created_since(self, since: datetime, space_ids: Collection[int]) -> tuple[int, int]:
        """``(threads, posts)`` created at or after ``since`` in those spaces.

        Deleted threads and posts, and posts of deleted threads, are not counted;
        opening posts are.
        """
        ...

    def count_thread_posts(self, thread_id: int, post_ids: Collection[int]) -> int:
        """How many of ``post_ids`` are posts of the thread that are not deleted."""
        ...


class SanctionRepository(Protocol):
    """Silences, suspensions and bans of members.

    Writes check their input with :func:`socialcrm.domain.sanctions.check_sanction`
    (and ``check_lift``) before touching storage, so a bad row raises
    ``ValidationError`` and writes nothing.
    """

    def add(
        self,
        *,
        member_id: int,
        kind: str,
        reason: str,
        imposed_by: int,
        imposed_at: datetime,
        ends_at: datetime | None,
    ) -> Sanction:
        """Insert a sanction in force from ``imposed_at``; return it with its id.

        ``NotFound`` (code ``member_not_found``) for an unknown member;
        ``ValidationError`` for an unknown kind, a naive datetime, or ``ends_at`` not
        after ``imposed_at``.
        """
        ...

    def get(self, sanction_id: int) -> Sanction | None:
        """The sanction with this id, or ``None``."""
        ...

    def in_force(self, member_id: int, at: datetime) -> builtins.list[Sanction]:
        """The member's sanctions not lifted and not ended at ``at``, by id ascending.

        Every command reads this for its actor, so SQL adapters answer it from an
        index on ``(member_id, id)``.
        """
        ...

    def lift(self, sanction_id: int, *, at: datetime, by: int | None, reason: str | None) -> bool:
        """Mark the sanction lifted at ``at`` by ``by`` (``None``: it expired).

        A compare-and-set: returns ``False`` and changes nothing when it was already
        lifted (another writer got there first). ``NotFound`` (code
        ``sanction_not_found``) for an unknown id.
        """
        ...

    def due_to_expire(self, at: datetime, *, limit: int) -> builtins.list[Sanction]:
        """Sanctions not lifted whose ``ends_at`` is at or before ``at``, earliest end first.

        Ties by id ascending; at most ``limit``.
        """
        ...

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> builtins.list[Sanction]:
        """Every sanction of the member, lifted ones included, newest first (id descending)."""
        ...


class AuditRepository(Protocol):
    """The append-only log of moderator and admin actions.

    Entries are never changed or deleted. ``before`` and ``after`` are small JSON
    objects (stored as JSON text by SQL adapters) and come back as read-only
    mappings equal to what was given.
    """

    def append(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        reason: str = "",
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append an entry and return it with its id.

        ``ValidationError`` (nothing written) for a naive ``at``, an empty action or
        one longer than 64 characters, or ``before``/``after`` that are not JSON
        objects.
        """
        ...

    def entries(
        self,
        *,
        actor_id: int | None = None,
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        actions: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int,
        offset: int = 0,
    ) -> builtins.list[AuditEntry]:
        """Entries matching every filter given, newest first (id descending).

        ``since <= at < until`` (``None`` bounds are open); ``actions`` ``None``
        means any action; ``before_id`` keeps only entries with a smaller id (a
        cursor: pass the last id of the previous page).
        """
        ...


class ImportRepository(Protocol):
    """What a history import remembers, so that re-running or resuming it is safe.

    ``source`` names one imported community (``"stackexchange:<site>"``); ``kind``
    the sort of row (``"user"``, ``"post"``). Checkpoints hold how far each stage
    of the import got; they commit with the rows they count.
    """

    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        """Record that the source's ``external_id`` became ``local_id``.

        ``Conflict`` (code ``duplicate_import_id``) if that external id is mapped already.
        """
        ...

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        """Every mapped id of ``kind`` in ``source``: external id to local id."""
        ...

    def checkpoint(self, *, source: str, stage: str) -> int:
        """The position saved for ``stage`` of ``source``; 0 if none was saved."""
        ...

    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        """Save ``position`` for ``stage`` of ``source``, replacing any earlier one."""
        ...


class BadgeRepository(Protocol):
    """Badge awards, unique per badge, member and subject, and what badge checks read.

    ``(badge, member_id, subject)`` is unique (a unique constraint in SQL): an award
    is stored at most once, revoked or not, whatever the number of concurrent units.
    """

    def award(
        self,
        *,
        badge: str,
        member_id: int,
        subject: str,
        awarded_at: datetime,
        post_id: int | None = None,
    ) -> BadgeAward | None:
        """Insert an award; ``None`` (nothing written, the unit usable) if that key exists.

        ``NotFound`` (code ``member_not_found``) for an unknown member.
        """
        ...

    def held(self, badge: str, member_id: int, subject: str) -> bool:
        """Whether an award with that key exists (revoked ones included)."""
        ...

    def get(self, award_id: int) -> BadgeAward | None:
        """The award with this id, or ``None``."""
        ...

    def for_member(self, member_id: int) -> builtins.list[BadgeAward]:
        """The member's awards not revoked, oldest first (id ascending)."""
        ...

    def holders(self, badge: str, *, limit: int, offset: int = 0) -> builtins.list[BadgeAward]:
        """Awards of the badge not revoked, to members who are not placeholders, by id."""
        ...

    def count_holders(self, badge: str) -> int:
        """How many awards :meth:`holders` would list without a limit."""
        ...

    def revoke(self, award_id: int, *, at: datetime, by: int | None) -> bool:
        """Mark the award revoked; a compare-and-set (``False`` if it was revoked already).

        ``NotFound`` (code ``badge_award_not_found``) for an unknown id.
        """
        ...

    def accepted_answers(self, member_id: int) -> int:
        """Answers by the member accepted in live threads asked by someone else."""
        ...

    def authored_posts(self, member_id: int) -> builtins.list[AuthoredPost]:
        """The member's posts that are live in live threads, by post id, with thread views."""
        ...

    def votes_given(self, member_id: int) -> tuple[int, int]:
        """``(upvotes, downvotes)`` the member holds on posts now."""
        ...


class BountyRepository(Protocol):
    """Bounties on questions; at most one open per thread (a unique key in SQL)."""

    def open(
        self,
        *,
        thread_id: int,
        offered_by: int,
        amount: int,
        started_at: datetime,
        ends_at: datetime,
    ) -> Bounty:
        """Insert an open bounty; ``Conflict`` (code ``bounty_already_open``) if one is open."""
        ...

    def get(self, bounty_id: int) -> Bounty | None:
        """The bounty with this id, or ``None``."""
        ...

    def open_for_thread(self, thread_id: int) -> Bounty | None:
        """The thread's open bounty, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> builtins.list[Bounty]:
        """Every bounty of the thread, closed ones included, by id ascending."""
        ...

    def close(
        self,
        bounty_id: int,
        *,
        status: str,
        closed_at: datetime,
        closed_by: int | None,
        answer_id: int | None = None,
        awarded_to: int | None = None,
        awarded_amount: int = 0,
    ) -> bool:
        """Close an open bounty with ``status``; a compare-and-set (``False`` if not open).

        Closing frees the thread for a new bounty. ``NotFound`` (code
        ``bounty_not_found``) for an unknown id; ``ValidationError`` for a status
        that is not a closed one.
        """
        ...

    def due(self, at: datetime, *, limit: int) -> builtins.list[Bounty]:
        """Open bounties whose ``ends_at`` is at or before ``at``, earliest end first, then id."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository."""

    @property
    def members(self) -> MemberRepository:
        """The unit's members repository."""
        ...

    @property
    def spaces(self) -> SpaceRepository:
        """The unit's spaces repository."""
        ...

    @property
    def threads(self) -> ThreadRepository:
        """The unit's threads repository."""
        ...

    @property
    def posts(self) -> PostRepository:
        """The unit's posts repository."""
        ...

    @property
    def votes(self) -> VoteRepository:
        """The unit's votes repository."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """The unit's ledger repository."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """The unit's outbox repository."""
        ...

    @property
    def activity(self) -> ActivityRepository:
        """The unit's activity repository (trust-level inputs)."""
        ...

    @property
    def sanctions(self) -> SanctionRepository:
        """The unit's sanctions repository."""
        ...

    @property
    def audit(self) -> AuditRepository:
        """The unit's audit log repository."""
        ...

    @property
    def imports(self) -> ImportRepository:
        """The unit's import-state repository."""
        ...

    @property
    def badges(self) -> BadgeRepository:
        """The unit's badge repository."""
        ...

    @property
    def bounties(self) -> BountyRepository:
        """The unit's bounty repository."""
        ...

    def commit(self) -> None:
        """Make every write of this unit durable."""
        ...

    def rollback(self) -> None:
        """Undo every write of this unit (also done on leaving the block uncommitted)."""
        ...

    def on_commit(self, callback: Callable[[], None]) -> None:
        """After ``commit()``: run ``callback`` once what the unit committed is durable.

        A unit that owns its transaction runs it when the ``with`` block ends, after
        the transaction and any lock are released. A unit that joined a transaction
        the host application holds runs it when the host commits, and never if the
        host rolls back. socialcrm sends its signals this way.
        """
        ...


class Storage(Protocol):
    """A storage adapter: a factory of units of work."""

    def unit_of_work(
        self, *, read_only: bool = False
    ) -> AbstractContextManager[UnitOfWork, bool | None]:
        """Open a transaction; leaving the block without ``commit()`` rolls it back.

        ``read_only=True`` promises that the unit will not write (queries use it);
        an adapter may use it to avoid taking write locks.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


__all__ = [
    "Storage",
    "UnitOfWork",
    "MemberRepository",
    "SpaceRepository",
    "ThreadRepository",
    "PostRepository",
    "VoteRepository",
    "LedgerRepository",
    "OutboxRepository",
    "ActivityRepository",
    "SanctionRepository",
    "AuditRepository",
    "ImportRepository",
    "BadgeRepository",
    "BountyRepository",
]

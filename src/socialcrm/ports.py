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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from socialcrm.domain.badges import AuthoredPost, BadgeAward
from socialcrm.domain.bounties import Bounty
from socialcrm.domain.engagement import (
    AuthorStats,
    Contest,
    ContestWinner,
    Invitation,
    Poll,
    Referral,
    ReferralReward,
)
from socialcrm.domain.records import (
    AuditEntry,
    Comment,
    Flag,
    FlagAccuracy,
    LedgerEntry,
    Member,
    MemberActivity,
    NewOutboxMessage,
    OutboxMessage,
    Post,
    Profile,
    ReviewItem,
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

    def ids_with_roles(self, roles: Collection[str]) -> frozenset[int]:
        """Ids of the members holding at least one of ``roles`` (leaderboards leave staff out)."""
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

    def lock(self, thread_id: int, *, shared: bool = False) -> Thread | None:
        """Lock the thread's row until the unit ends; return it as committed now.

        Step 1 of the lock order (docs/storage.md). Exclusive by default (commands
        that delete the thread or one of its posts, or write the thread's row);
        ``shared`` for commands that only need the thread and its posts to stay
        live while they write (votes, bounties). A deletion waits for the shared
        holders and they for it, so a command re-checks ``deleted_at`` on what this
        returns. ``None`` for an unknown thread. An adapter that serializes whole
        units (memory) just returns the thread.
        """
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

    def mark_deleted(self, thread_id: int, at: datetime) -> bool:
        """Soft-delete the thread, a compare-and-set on ``deleted_at``.

        Returns ``False`` and changes nothing when the thread is absent or deleted
        already, so two deletions racing each other cannot both proceed.
        """
        ...

    def set_hidden(self, thread_id: int, at: datetime | None) -> bool:
        """Hide the thread at ``at`` (``None``: show it again), a compare-and-set.

        Returns ``False`` and changes nothing when the thread is absent or already
        in that state (hidden, for ``at`` given; shown, for ``None``).
        """
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
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> builtins.list[Thread]:
        """Threads not deleted in the given spaces.

        ``sort``: ``active`` (last activity, newest first), ``newest`` (creation,
        newest first), ``score`` (opening post's score, highest first) or
        ``unanswered`` (questions without replies only, newest first). Ties by id
        descending. Hidden threads are left out unless ``include_hidden``, except
        those whose author is ``hidden_visible_to``.
        """
        ...

    def count(
        self,
        *,
        space_ids: Collection[int],
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> int:
        """How many threads ``list`` would return without limit (``unanswered`` excluded)."""
        ...

    def count_by_space(
        self,
        space_ids: Collection[int],
        *,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> dict[int, int]:
        """Threads not deleted per space, for the given spaces (absent means 0).

        Hidden threads count as in :meth:`list`.
        """
        ...

    def known_tags(
        self, names: Collection[str], *, exclude_space_ids: Collection[int] = ()
    ) -> frozenset[str]:
        """Which of these tag names already exist.

        With ``exclude_space_ids``, a tag whose every thread is in those spaces does
        not count (to a viewer who cannot see them it does not exist); a tag no
        thread uses still counts.
        """
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

    def lock(self, post_id: int) -> Post | None:
        """Lock the post's row (exclusive) until the unit ends; return it as committed now.

        Step 2 of the lock order (docs/storage.md), after the post's thread.
        ``None`` for an unknown post.
        """
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

    def mark_deleted(self, post_id: int, *, by: int, at: datetime) -> bool:
        """Soft-delete the post, a compare-and-set on ``deleted_at``.

        Returns ``False`` and changes nothing when the post is absent or deleted
        already, so two deletions racing each other cannot both proceed.
        """
        ...

    def add_score(self, post_id: int, delta: int) -> int | None:
        """Atomically add ``delta`` to a live post's score; return the new score.

        ``None``, changing nothing, when there is no such post or it is deleted
        (checked in the same statement, under the row's lock). The new score includes what
        concurrent units committed before this one (the row is locked by the
        update), so badge checks can trust it without reading the post again.
        """
        ...

    def set_hidden(self, post_id: int, at: datetime | None) -> bool:
        """Hide the post at ``at`` (``None``: show it again), a compare-and-set.

        Returns ``False`` and changes nothing when the post is absent or already in
        that state (hidden, for ``at`` given; shown, for ``None``).
        """
        ...

    def by_author(self, author_id: int) -> builtins.list[Post]:
        """The author's posts that are not deleted, by id ascending."""
        ...

    def add_comment(
        self, *, post_id: int, author_id: int, body: str, created_at: datetime
    ) -> Comment:
        """Append a comment under the post."""
        ...

    def comments(self, post_id: int) -> builtins.list[Comment]:
        """The post's comments, oldest first."""
        ...

    def author_stats(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int],
        exclude_member_ids: Collection[int] = (),
    ) -> builtins.list[AuthorStats]:
        """Per author, what they wrote with ``since <= created_at < until`` in those spaces.

        Posts and threads that are deleted, and placeholder members, are left out.
        ``posts`` counts every post (opening posts included), ``answers`` the replies
        in ``question`` threads, ``accepted_answers`` those that are their thread's
        accepted answer (the asker's own answer excluded), ``score`` sums the posts'
        scores. Ordered by member id ascending.
        """
        ...

    def recent_by_author(
        self, author_id: int, *, since: datetime, limit: int
    ) -> builtins.list[Post]:
        """The author's posts created at or after ``since`` that are not deleted.

        Newest first (``created_at`` descending, then id descending), at most
        ``limit``; posts of deleted threads are left out too. The duplicate-post
        rule reads this.
        """
        ...

    def count_authored_since(self, author_id: int, since: datetime) -> tuple[int, int]:
        """``(opening posts, replies)`` by the author created at or after ``since``.

        Deleted posts count too (deleting a post gives no allowance back). The rate
        limits read this; SQL adapters answer it from an index on
        ``(author_id, created_at)``.
        """
        ...

    def last_authored_at(self, author_id: int) -> datetime | None:
        """When the author's latest post (deleted ones included) was created, or ``None``."""
        ...

    def trailing_replies(self, thread_id: int, author_id: int) -> int:
        """The author's replies in the thread after the last post by anyone else.

        Counts replies (not the opening post) with an id above the highest id of
        the thread's posts by other authors; deleted posts count on both sides.
        """
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

    def count_cast_since(self, member_id: int, since: datetime) -> tuple[int, int]:
        """``(votes, upvotes)`` the member holds with ``cast_at`` at or after ``since``.

        A changed vote counts from the time it was changed (``change`` sets
        ``cast_at``); a retracted vote is gone and no longer counts. SQL adapters
        answer it from an index on ``(member_id, cast_at)``.
        """
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
        """Append an entry and return it with its id.

        An entry is undone at most once, enforced by the storage (a unique key on
        ``undoes`` in SQL): a compensating entry for an entry that already has one
        raises ``Conflict`` (code ``already_undone``) and appends nothing.
        """
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

    def live_changes(self, member_id: int) -> builtins.list[tuple[int, int, int]]:
        """``(id, delta, requested)`` of the member's live entries, oldest first.

        Live: not a compensating entry and not undone by one. Undoing replays
        these to find what the member would have without the entries it undoes.
        """
        ...

    def history(
        self,
        member_id: int,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[LedgerEntry]:
        """The member's entries, newest first (id descending).

        Entries whose ``space_id`` is in ``exclude_space_ids`` are left out (before
        paging): the spaces a viewer may not see.
        """
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
        exclude_space_ids: Collection[int] = (),
        limit: int,
    ) -> builtins.list[tuple[int, int]]:
        """``(member_id, sum of delta)`` for entries with ``since <= at < until``.

        ``None`` bounds are open; ``space_ids`` ``None`` means every entry, otherwise
        only entries whose ``space_id`` is in it. Entries whose ``space_id`` is in
        ``exclude_space_ids`` never count (entries with no space always may).
        Members whose sum is 0 or less, and
        placeholder members, are left out. Highest sum first, then member id ascending.
        """
        ...

    def rule_counts(
        self,
        *,
        rules: Collection[str],
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int] | None,
        exclude_member_ids: Collection[int] = (),
        exclude_space_ids: Collection[int] = (),
        limit: int,
    ) -> builtins.list[tuple[int, int]]:
        """``(member_id, count)`` of active entries whose ``rule`` is in ``rules``.

        Active: not a compensating entry and not undone by one. Bounds,
        ``space_ids`` and ``exclude_space_ids`` as in :meth:`gains`; placeholder
        members left out. Highest count first, then member id ascending; at most
        ``limit`` rows.
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

    def add_many(self, messages: Sequence[NewOutboxMessage]) -> None:
        """Append pending messages, in order (what the services call, once per unit).

        Raises ``Conflict`` (``duplicate_event_id``) if an event id is taken or
        repeated in ``messages``; the unit must then be rolled back (on PostgreSQL
        the failed batch aborts the transaction), which is what a failing command
        does anyway.
        """
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

    def add_like(self, giver_id: int, receiver_id: int, day: date, delta: int) -> None:
        """Add ``delta`` (which may be negative) to the giver's likes given and the
        receiver's likes received on ``day``; the same as two :meth:`add_day` calls."""
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


class FlagRepository(Protocol):
    """Members' flags on posts and on members, and moderators' decisions on them.

    One flag per flagger and subject (a post, or a member when ``post_id`` is
    ``None``) is enforced by storage. A flag is ``open`` until :meth:`decide`
    closes it; weights never change after :meth:`add`.
    """

    def add(
        self,
        *,
        flagger_id: int,
        member_id: int,
        post_id: int | None,
        thread_id: int | None,
        space_id: int | None,
        reason: str,
        text: str,
        weight: int,
        created_at: datetime,
    ) -> Flag:
        """Insert an open flag; ``Conflict`` (code ``duplicate_flag``) if the flagger
        already flagged this post (or, with ``post_id`` ``None``, this member)."""
        ...

    def get(self, flag_id: int) -> Flag | None:
        """The flag with this id, or ``None``."""
        ...

    def for_post(self, post_id: int) -> builtins.list[Flag]:
        """Every flag on the post, decided ones too, by id ascending."""
        ...

    def about_member(self, member_id: int) -> builtins.list[Flag]:
        """Every flag whose ``member_id`` is the member (flags on their posts and on
        them), by id ascending."""
        ...

    def member_flags(self, member_id: int) -> builtins.list[Flag]:
        """The flags on the member themself (``post_id`` ``None``), by id ascending."""
        ...

    def open_flags(self, *, limit: int) -> builtins.list[Flag]:
        """Up to ``limit`` open flags, oldest first (``created_at``, then id)."""
        ...

    def count_open(self) -> int:
        """How many flags are open."""
        ...

    def decide(self, flag_ids: Collection[int], *, status: str, by: int, at: datetime) -> int:
        """Close those of the flags that are still open with ``status`` (``agreed``,
        ``disagreed`` or ``deferred``), by ``by`` at ``at``; return how many.

        A compare-and-set: flags already decided are left alone.
        """
        ...

    def accuracy(
        self, flagger_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> FlagAccuracy:
        """How many of the member's flags were agreed and disagreed with.

        Flags whose ``space_id`` is in ``exclude_space_ids`` do not count.
        """
        ...

    def raised_since(self, flagger_id: int, since: datetime) -> tuple[int, datetime | None]:
        """``(count, earliest created_at)`` of the member's flags raised after ``since``
        (strictly); ``(0, None)`` when there is none."""
        ...

    def decided(
        self, *, since: datetime, until: datetime, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[Flag]:
        """Flags decided in ``since <= decided_at < until``, by ``decided_at`` then id.

        Flags whose ``space_id`` is in ``exclude_space_ids`` are left out.
        """
        ...

    def agreed_posts(self, member_id: int, *, since: datetime) -> int:
        """How many distinct posts of the member have an agreed flag raised at or
        after ``since``."""
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
        space_id: int | None = None,
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
        exclude_space_ids: Collection[int] = (),
        limit: int,
        offset: int = 0,
    ) -> builtins.list[AuditEntry]:
        """Entries matching every filter given, newest first (id descending).

        ``since <= at < until`` (``None`` bounds are open); ``actions`` ``None``
        means any action; ``before_id`` keeps only entries with a smaller id (a
        cursor: pass the last id of the previous page). Entries whose
        ``space_id`` is in ``exclude_space_ids`` are left out (before paging).
        """
        ...


class ReviewRepository(Protocol):
    """The review queue: held submissions and flagged posts, and the decisions on them.

    ``reasons``, ``rules`` and ``tags`` are stored as JSON text by SQL adapters and
    come back as tuples equal to what was given.
    """

    def add(
        self,
        *,
        kind: str,
        reason: str,
        reasons: Iterable[str],
        rules: Iterable[str],
        author_id: int,
        space_id: int,
        thread_id: int | None,
        post_id: int | None,
        thread_kind: str | None,
        title: str | None,
        body: str,
        tags: Iterable[str],
        community_wiki: bool,
        created_at: datetime,
    ) -> ReviewItem:
        """Insert a pending item and return it with its id.

        ``ValidationError`` (nothing written) for an unknown kind, a naive datetime,
        or a ``reason`` that is empty or longer than 64 characters.
        """
        ...

    def get(self, item_id: int) -> ReviewItem | None:
        """The item with this id, decided or not, or ``None``."""
        ...

    def pending(
        self,
        *,
        space_ids: Collection[int],
        reason: str | None = None,
        kind: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> builtins.list[ReviewItem]:
        """Pending items in ``space_ids``, oldest first (``created_at``, then id).

        ``reason`` and ``kind`` (``None``: any) must match when given.
        """
        ...

    def count_pending(
        self, *, space_ids: Collection[int], reason: str | None = None, kind: str | None = None
    ) -> int:
        """How many items :meth:`pending` would list without a limit."""
        ...

    def by_author(
        self, author_id: int, *, status: str | None = None, limit: int
    ) -> builtins.list[ReviewItem]:
        """The author's items (``status`` ``None``: any), oldest first, at most ``limit``."""
        ...

    def count_by_author(self, author_id: int, *, kind: str, status: str) -> int:
        """How many of the author's items have this kind and status."""
        ...

    def decide(
        self,
        item_id: int,
        *,
        status: str,
        at: datetime,
        by: int,
        note: str = "",
        post_id: int | None = None,
        body: str | None = None,
        title: str | None = None,
    ) -> bool:
        """Move a pending item to ``status``; a compare-and-set on ``pending``.

        Sets ``decided_at``, ``decided_by`` and ``note``, and when given the
        published ``post_id`` and the edited ``body``/``title``. Returns ``False``
        and changes nothing if the item was decided already; ``NotFound`` (code
        ``review_item_not_found``) for an unknown id; ``ValidationError`` for
        ``status`` ``pending`` or unknown.
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


class InvitationRepository(Protocol):
    """Invite codes, stored by the SHA-256 hash of the code (unique)."""

    def add(
        self,
        *,
        code_hash: str,
        inviter_id: int,
        space_id: int | None,
        max_uses: int | None,
        expires_at: datetime | None,
        created_at: datetime,
    ) -> Invitation:
        """Insert an invitation with 0 uses; ``Conflict`` (``duplicate_invite_code``) if taken."""
        ...

    def get(self, invitation_id: int) -> Invitation | None:
        """The invitation with this id, or ``None``."""
        ...

    def get_by_code_hash(self, code_hash: str) -> Invitation | None:
        """The invitation whose code hashes to ``code_hash``, or ``None``."""
        ...

    def use(self, invitation_id: int, *, at: datetime) -> bool:
        """Count one use, only if the invitation is usable at ``at``.

        A compare-and-set in one statement: not revoked, ``at < expires_at`` (if
        set), ``uses < max_uses`` (if set). Returns ``False`` and changes nothing
        otherwise, so concurrent redemptions never exceed ``max_uses``.
        """
        ...

    def revoke(self, invitation_id: int, *, at: datetime) -> bool:
        """Set ``revoked_at`` if not revoked yet; ``False`` if it already was or is unknown."""
        ...

    def by_inviter(
        self, inviter_id: int, *, limit: int, offset: int = 0
    ) -> builtins.list[Invitation]:
        """The member's invitations, newest first (id descending)."""
        ...


class ReferralRepository(Protocol):
    """Who referred whom, conversions, and the rewards granted (one per reward key)."""

    def add(
        self, *, referrer_id: int, referred_id: int, invitation_id: int | None, joined_at: datetime
    ) -> Referral:
        """Record a referral; ``Conflict`` (``duplicate_referral``) if the member has one."""
        ...

    def get(self, referral_id: int) -> Referral | None:
        """The referral with this id, or ``None``."""
        ...

    def for_referred(self, referred_id: int) -> Referral | None:
        """The referral that brought ``referred_id`` in, or ``None``."""
        ...

    def mark_converted(self, referral_id: int, *, at: datetime) -> bool:
        """Set ``converted_at`` only if it is not set; ``False`` (nothing changed) otherwise.

        Of two concurrent units converting the same referral exactly one gets ``True``.
        """
        ...

    def count_converted(self, referrer_id: int) -> int:
        """How many of the referrer's referrals have converted."""
        ...

    def by_referrer(
        self, referrer_id: int, *, limit: int, offset: int = 0
    ) -> builtins.list[Referral]:
        """The referrer's referrals, newest first (id descending)."""
        ...

    def add_reward(self, *, referral_id: int, reward: ReferralReward, at: datetime) -> bool:
        """Record a granted reward; ``False`` (nothing written) if its ``key`` is taken.

        The unique key is what makes a reward exactly-once, also across
        concurrent units (the later one waits for the earlier and gets ``False``).
        """
        ...

    def rewards_for(self, member_id: int) -> builtins.list[ReferralReward]:
        """The rewards granted to the member, oldest first."""
        ...


class PollRepository(Protocol):
    """Polls on threads (one per thread), their options and ballots.

    A ballot is the set of options one member chose; storage keeps at most one
    row per ``(poll, member, option)``. Callers serialize a member's ballot
    changes (``members.lock``) so a single-choice ballot never holds two options.
    """

    def add(
        self,
        *,
        thread_id: int,
        question: str,
        options: tuple[str, ...],
        multiple: bool,
        hide_results: bool,
        closes_at: datetime | None,
        created_by: int,
        created_at: datetime,
    ) -> Poll:
        """Insert a poll with its options in order; ``Conflict`` (``duplicate_poll``) if the
        thread has one."""
        ...

    def get(self, poll_id: int) -> Poll | None:
        """The poll with its options, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> Poll | None:
        """The thread's poll, or ``None``."""
        ...

    def close(self, poll_id: int, *, at: datetime) -> bool:
        """Set ``closed_at`` if not set; ``False`` if already closed or unknown."""
        ...

    def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...]:
        """The option ids the member chose, ascending (empty: no ballot)."""
        ...

    def set_ballot(
        self, poll_id: int, member_id: int, option_ids: Collection[int], *, cast_at: datetime
    ) -> None:
        """Replace the member's ballot by ``option_ids`` (empty: withdraw it)."""
        ...

    def tallies(self, poll_id: int) -> dict[int, int]:
        """Ballots per option id, every option of the poll included (0 when none)."""
        ...

    def voters(self, poll_id: int) -> int:
        """How many members hold a ballot."""
        ...


class ContestRepository(Protocol):
    """Contests on threads (one per thread) and their recorded winners."""

    def add(
        self,
        *,
        thread_id: int,
        submission_starts_at: datetime,
        submission_ends_at: datetime,
        voting_starts_at: datetime,
        voting_ends_at: datetime,
        winners: int,
        created_by: int,
        created_at: datetime,
    ) -> Contest:
        """Insert a contest; ``Conflict`` (``duplicate_contest``) if the thread has one."""
        ...

    def get(self, contest_id: int) -> Contest | None:
        """The contest with this id, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> Contest | None:
        """The thread's contest, or ``None``. Every vote reads this, so SQL adapters
        answer it from the unique index on ``thread_id``."""
        ...

    def mark_decided(self, contest_id: int, *, at: datetime) -> bool:
        """Set ``decided_at`` only if it is not set; ``False`` (nothing changed) otherwise."""
        ...

    def add_winners(self, contest_id: int, winners: Collection[ContestWinner]) -> None:
        """Record the decided places; ``Conflict`` (``duplicate_winner``) if a place is taken."""
        ...

    def winners(self, contest_id: int) -> builtins.list[ContestWinner]:
        """The recorded places, first place first."""
        ...

    def due(self, at: datetime, *, limit: int) -> builtins.list[Contest]:
        """Undecided contests whose voting ended at or before ``at``, earliest end first
        (ties by id), at most ``limit``."""
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
        space_id: int | None = None,
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

    def for_member(
        self, member_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[BadgeAward]:
        """The member's awards not revoked, oldest first (id ascending).

        Awards whose ``space_id`` is in ``exclude_space_ids`` are left out.
        """
        ...

    def holders(
        self,
        badge: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[BadgeAward]:
        """Awards of the badge not revoked, to members who are not placeholders, by id.

        Awards whose ``space_id`` is in ``exclude_space_ids`` are left out (before paging).
        """
        ...

    def count_holders(self, badge: str, *, exclude_space_ids: Collection[int] = ()) -> int:
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
    def flags(self) -> FlagRepository:
        """The unit's flags repository."""
        ...

    @property
    def imports(self) -> ImportRepository:
        """The unit's import-state repository."""
        ...

    @property
    def invitations(self) -> InvitationRepository:
        """The unit's invitations repository."""
        ...

    @property
    def referrals(self) -> ReferralRepository:
        """The unit's referrals repository."""
        ...

    @property
    def polls(self) -> PollRepository:
        """The unit's polls repository."""
        ...

    @property
    def contests(self) -> ContestRepository:
        """The unit's contests repository."""
        ...

    @property
    def review(self) -> ReviewRepository:
        """The unit's review-queue repository."""
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
    "FlagRepository",
    "ImportRepository",
    "InvitationRepository",
    "ReferralRepository",
    "PollRepository",
    "ContestRepository",
    "ReviewRepository",
    "BadgeRepository",
    "BountyRepository",
]

"""The threads capability's storage port: threads and their posts, revisions and comments.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.members.records import AuthorStats
    from socialcrm.capabilities.spaces.records import Space
    from socialcrm.capabilities.threads.records import (
        Comment,
        NewPost,
        NewThread,
        Post,
        Revision,
        Thread,
        ThreadFilter,
    )


class ThreadRepository(Protocol):
    """Threads, their tags and counters."""

    def add(self, new: NewThread) -> Thread:
        """Store the thread ``new`` describes; return it with its new id.

        The thread is open, with no opening post yet, no accepted answer,
        ``reply_count`` 0 and ``last_activity_at`` its ``created_at``. ``new`` was
        checked when it was built, so the storage does not check it again. Its
        space and author exist (the services make sure of it; SQL storage refuses
        a missing one with ``StorageError``, a foreign key), and the services create
        its tags first (:meth:`add_tags`).
        """
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
        self, filter: ThreadFilter, *, sort: str = "active", limit: int = 20, offset: int = 0
    ) -> builtins.list[Thread]:
        """The threads ``filter`` selects, one page in ``sort`` order.

        ``sort``: ``active`` (last activity, newest first), ``newest`` (creation,
        newest first), ``score`` (opening post's score, highest first) or
        ``unanswered`` (questions without replies only, newest first). Ties by id
        descending. The order and the page stay keywords apart from ``filter``:
        :meth:`count` and :meth:`count_by_space` take the same filter without them.
        """
        ...

    def count(self, filter: ThreadFilter) -> int:
        """How many threads :meth:`list` would return for ``filter`` without paging.

        (``unanswered`` is a sort, not a filter: its threads are not counted apart.)
        """
        ...

    def count_by_space(self, filter: ThreadFilter) -> dict[int, int]:
        """How many threads ``filter`` selects, per space (absent means 0)."""
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

    def add(self, new: NewPost) -> Post:
        """Store the post ``new`` describes, with score 0; return it with its new id.

        ``new`` was checked when it was built, so the storage does not check it
        again. Its thread and author exist: the services make sure of it, and SQL
        storage refuses a missing one (``StorageError``, a foreign key).
        """
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


__all__ = ["ThreadRepository", "PostRepository"]

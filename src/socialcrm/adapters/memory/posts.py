"""Posts in memory, with their revisions and comments, and the per-author counts over them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, excluded_members, in_window, live_posts
from socialcrm.capabilities.members.records import AuthorStats
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import Comment, NewPost, Post, Revision, Thread


class MemoryPosts(MemoryRepository):
    """:class:`socialcrm.ports.PostRepository` in memory."""

    def add(self, new: NewPost) -> Post:
        """Insert a post with a score of zero."""
        post = Post(id=self._j.next_id("posts"), **attrs.asdict(new, recurse=False), score=0)
        return self._j.insert(self._t.posts, post)

    def get(self, post_id: int) -> Post | None:
        """The post with this id, or ``None``."""
        return self._t.posts.get(post_id)

    def lock(self, post_id: int) -> Post | None:
        """The post (the store's lock is held for the whole unit: nothing more to take)."""
        return self._t.posts.get(post_id)

    def locate(self, post_id: int) -> tuple[Post, Thread, Space] | None:
        """The post with its thread and space, or ``None`` if any of them is missing."""
        post = self._t.posts.get(post_id)
        thread = None if post is None else self._t.threads.get(post.thread_id)
        space = None if thread is None else self._t.spaces.get(thread.space_id)
        if post is None or thread is None or space is None:
            return None
        return post, thread, space

    def list_for_thread(self, thread_id: int, *, include_deleted: bool = False) -> list[Post]:
        """The thread's posts: the opening post first, then the others by id."""
        posts = [
            p
            for p in self._t.posts.values()
            if p.thread_id == thread_id and (include_deleted or p.deleted_at is None)
        ]
        posts.sort(key=lambda p: (not p.is_opening, p.id))
        return posts

    def _evolve(self, post_id: int, **changes: Any) -> None:
        self._j.evolve(self._t.posts, post_id, **changes)

    def update_body(self, post_id: int, *, body: str, edited_at: datetime) -> None:
        """Replace the body and set the edit time."""
        self._evolve(post_id, body=body, edited_at=edited_at)

    def add_revision(
        self,
        *,
        post_id: int,
        editor_id: int,
        edited_at: datetime,
        previous_body: str,
        previous_title: str | None,
    ) -> Revision:
        """Record what an edit replaced."""
        revision = Revision(
            id=self._j.next_id("revisions"),
            post_id=post_id,
            editor_id=editor_id,
            edited_at=edited_at,
            previous_body=previous_body,
            previous_title=previous_title,
        )
        return self._j.insert(self._t.revisions, revision)

    def revisions(self, post_id: int) -> list[Revision]:
        """The post's revisions, oldest first."""
        return by_id(r for r in self._t.revisions.values() if r.post_id == post_id)

    def mark_deleted(self, post_id: int, *, by: int, at: datetime) -> bool:
        """Mark the post deleted once; ``False`` if unknown or deleted already."""
        return self._j.evolve_if(
            self._t.posts, post_id, lambda p: p.deleted_at is None, deleted_at=at, deleted_by=by
        )

    def add_score(self, post_id: int, delta: int) -> int | None:
        """Move a live post's score by ``delta``; the new score, or ``None`` if not live."""
        post = self._t.posts.get(post_id)
        if post is None or post.deleted_at is not None:
            return None
        self._evolve(post_id, score=post.score + delta)
        return post.score + delta

    def set_hidden(self, post_id: int, at: datetime | None) -> bool:
        """Hide (``at``) or show (``None``) the post; ``False`` if nothing changes."""
        return self._j.evolve_if(
            self._t.posts, post_id, lambda p: (p.hidden_at is None) != (at is None), hidden_at=at
        )

    def by_author(self, author_id: int) -> list[Post]:
        """The author's live posts by id."""
        return by_id(
            p for p in self._t.posts.values() if p.author_id == author_id and p.deleted_at is None
        )

    def add_comment(
        self, *, post_id: int, author_id: int, body: str, created_at: datetime
    ) -> Comment:
        """Insert a comment on a post."""
        comment = Comment(
            id=self._j.next_id("comments"),
            post_id=post_id,
            author_id=author_id,
            body=body,
            created_at=created_at,
        )
        return self._j.insert(self._t.comments, comment)

    def comments(self, post_id: int) -> list[Comment]:
        """The post's comments, oldest first."""
        return by_id(c for c in self._t.comments.values() if c.post_id == post_id)

    def author_stats(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int],
        exclude_member_ids: Collection[int] = (),
    ) -> list[AuthorStats]:
        """Posts, answers, accepted answers and score per author in the window, by member id."""
        spaces = set(space_ids)
        excluded = excluded_members(self._t, exclude_member_ids)
        totals: dict[int, list[int]] = {}
        for post, thread in live_posts(self._t):
            if thread.space_id not in spaces or post.author_id in excluded:
                continue
            if not in_window(post.created_at, since, until):
                continue
            row = totals.setdefault(post.author_id, [0, 0, 0, 0])
            row[0] += 1
            if thread.kind == "question" and not post.is_opening:
                row[1] += 1
                if thread.accepted_answer_id == post.id and post.author_id != thread.author_id:
                    row[2] += 1
            row[3] += post.score
        return [
            AuthorStats(member_id=mid, posts=r[0], answers=r[1], accepted_answers=r[2], score=r[3])
            for mid, r in sorted(totals.items())
        ]

    def recent_by_author(self, author_id: int, *, since: datetime, limit: int) -> list[Post]:
        """The author's live posts in live threads since ``since``, newest first."""
        found = [
            post
            for post, _ in live_posts(self._t)
            if post.author_id == author_id and post.created_at >= since
        ]
        found.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        return found[:limit]

    def count_authored_since(self, author_id: int, since: datetime) -> tuple[int, int]:
        """How many opening posts and replies the author wrote since ``since``."""
        mine = [
            p for p in self._t.posts.values() if p.author_id == author_id and p.created_at >= since
        ]
        opening = sum(1 for p in mine if p.is_opening)
        return opening, len(mine) - opening

    def last_authored_at(self, author_id: int) -> datetime | None:
        """When the author last wrote a post, or ``None``."""
        times = [p.created_at for p in self._t.posts.values() if p.author_id == author_id]
        return max(times, default=None)

    def trailing_replies(self, thread_id: int, author_id: int) -> int:
        """How many replies the author wrote in a row at the end of the thread."""
        in_thread = [p for p in self._t.posts.values() if p.thread_id == thread_id]
        last_other = max((p.id for p in in_thread if p.author_id != author_id), default=0)
        return sum(
            1
            for p in in_thread
            if p.author_id == author_id and not p.is_opening and p.id > last_other
        )


__all__ = ["MemoryPosts"]

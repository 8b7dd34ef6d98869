"""Threads in memory: their listing filters and sorts, tags and view counts."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from typing import Any

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import require
from socialcrm.adapters.memory.tables import Tables
from socialcrm.capabilities.threads.records import NewThread, Thread, ThreadFilter

_THREAD_SORTS: dict[str, Callable[[Thread, Tables], Any]] = {
    "active": lambda t, _: (t.last_activity_at, t.id),
    "newest": lambda t, _: (t.created_at, t.id),
    "unanswered": lambda t, _: (t.created_at, t.id),
    "score": lambda t, tables: (
        tables.posts[t.opening_post_id].score if t.opening_post_id in tables.posts else 0,
        t.id,
    ),
}


class MemoryThreads(MemoryRepository):
    """:class:`socialcrm.ports.ThreadRepository` in memory."""

    def add(self, new: NewThread) -> Thread:
        """Insert an open thread without posts."""
        thread = Thread(
            id=self._j.next_id("threads"),
            **attrs.asdict(new, recurse=False),
            status="open",
            opening_post_id=None,
            accepted_answer_id=None,
            reply_count=0,
            last_activity_at=new.created_at,
        )
        return self._j.insert(self._t.threads, thread)

    def get(self, thread_id: int) -> Thread | None:
        """The thread with this id, or ``None``."""
        return self._t.threads.get(thread_id)

    def lock(self, thread_id: int, *, shared: bool = False) -> Thread | None:
        """The thread (the store's lock is held for the whole unit: nothing more to take)."""
        return self._t.threads.get(thread_id)

    def _evolve(self, thread_id: int, **changes: Any) -> None:
        self._j.evolve(self._t.threads, thread_id, **changes)

    def set_opening_post(self, thread_id: int, post_id: int) -> None:
        """Point the thread at its opening post."""
        self._evolve(thread_id, opening_post_id=post_id)

    def set_status(self, thread_id: int, status: str) -> None:
        """Set the thread's status."""
        self._evolve(thread_id, status=status)

    def set_title_and_tags(self, thread_id: int, *, title: str, tags: tuple[str, ...]) -> None:
        """Replace the title and tags."""
        self._evolve(thread_id, title=title, tags=tuple(tags))

    def compare_and_set_accepted(
        self, thread_id: int, *, expected: int | None, new: int | None
    ) -> bool:
        """Set the accepted answer if it is still ``expected``."""
        return self._j.evolve_if(
            self._t.threads,
            thread_id,
            lambda t: t.accepted_answer_id == expected,
            accepted_answer_id=new,
        )

    def record_reply(self, thread_id: int, *, delta: int, at: datetime | None) -> None:
        """Move the reply count by ``delta`` and, with ``at``, the last activity time."""
        thread = self._t.threads.get(thread_id)
        if thread is None:
            return
        changes: dict[str, Any] = {"reply_count": thread.reply_count + delta}
        if at is not None:
            changes["last_activity_at"] = at
        self._evolve(thread_id, **changes)

    def add_views(self, thread_id: int, count: int) -> int:
        """Add ``count`` views; the new total. ``NotFound`` for an unknown thread."""
        require(self._t.threads, thread_id, "thread", "thread_not_found")
        total = self._t.thread_views.get(thread_id, 0) + count
        self._j.put(self._t.thread_views, thread_id, total)
        return total

    def views(self, thread_id: int) -> int:
        """The thread's view count."""
        return self._t.thread_views.get(thread_id, 0)

    def mark_deleted(self, thread_id: int, at: datetime) -> bool:
        """Mark the thread deleted once; ``False`` if unknown or deleted already."""
        return self._j.evolve_if(
            self._t.threads, thread_id, lambda t: t.deleted_at is None, deleted_at=at
        )

    def set_hidden(self, thread_id: int, at: datetime | None) -> bool:
        """Hide (``at``) or show (``None``) the thread; ``False`` if nothing changes."""
        return self._j.evolve_if(
            self._t.threads,
            thread_id,
            lambda t: (t.hidden_at is None) != (at is None),
            hidden_at=at,
        )

    def _matching(self, where: ThreadFilter) -> Iterator[Thread]:
        for thread in self._t.threads.values():
            if thread.deleted_at is not None or thread.space_id not in where.space_ids:
                continue
            if (
                thread.hidden_at is not None
                and not where.include_hidden
                and thread.author_id != where.hidden_visible_to
            ):
                continue
            if where.tag is not None and where.tag not in thread.tags:
                continue
            if where.kind is not None and thread.kind != where.kind:
                continue
            if where.status is not None and thread.status != where.status:
                continue
            yield thread

    def list(
        self, filter: ThreadFilter, *, sort: str = "active", limit: int = 20, offset: int = 0
    ) -> list[Thread]:
        """One page of the threads ``filter`` selects, in ``sort`` order."""
        found = list(self._matching(filter))
        if sort == "unanswered":
            found = [t for t in found if t.kind == "question" and t.reply_count == 0]
        key = _THREAD_SORTS[sort]
        found.sort(key=lambda t: key(t, self._t), reverse=True)
        return found[offset : offset + limit]

    def count(self, filter: ThreadFilter) -> int:
        """How many threads :meth:`list` would find without paging."""
        return sum(1 for _ in self._matching(filter))

    def count_by_space(self, filter: ThreadFilter) -> dict[int, int]:
        """The threads ``filter`` selects, per space (spaces without any left out)."""
        counts: dict[int, int] = {}
        for thread in self._matching(filter):
            counts[thread.space_id] = counts.get(thread.space_id, 0) + 1
        return counts

    def known_tags(
        self, names: Collection[str], *, exclude_space_ids: Collection[int] = ()
    ) -> frozenset[str]:
        """The ``names`` in use, counting a tag used only in excluded spaces as unknown."""
        known = {n for n in names if n in self._t.tags}
        hidden = set(exclude_space_ids)
        if not hidden or not known:
            return frozenset(known)
        used: dict[str, bool] = {}
        for thread in self._t.threads.values():
            for tag in thread.tags:
                if tag in known:
                    used[tag] = used.get(tag, False) or thread.space_id not in hidden
        return frozenset(n for n in known if used.get(n, True))

    def add_tags(self, names: Iterable[str], at: datetime) -> None:
        """Record first uses of tags."""
        for name in names:
            if name not in self._t.tags:
                self._j.put(self._t.tags, name, at)


__all__ = ["MemoryThreads"]

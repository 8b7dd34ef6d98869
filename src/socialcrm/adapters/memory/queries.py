"""Reading helpers shared by the memory repositories: lookups, visibility and ordering."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar

from socialcrm.adapters.memory.journal import Identified
from socialcrm.adapters.memory.tables import Tables
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.errors import NotFound

R = TypeVar("R", bound=Identified)
T = TypeVar("T")

_BY_ID = attrgetter("id")


def lookup(table: dict[int, R], index: dict[Any, int], key: Any) -> R | None:
    """The record whose id ``index`` holds under ``key``, or ``None``."""
    found = index.get(key)
    return None if found is None else table[found]


def require(table: dict[int, R], key: int, what: str, code: str) -> R:
    """The record under ``key``; ``NotFound`` (``code``, "no <what> <key>") if absent."""
    record = table.get(key)
    if record is None:
        raise NotFound(f"no {what} {key}", code=code)
    return record


def by_id(records: Iterable[R]) -> list[R]:
    """The records by id ascending (oldest first)."""
    return sorted(records, key=_BY_ID)


def newest_first(records: Iterable[R], *, limit: int, offset: int = 0) -> list[R]:
    """One page of the records by id descending."""
    return sorted(records, key=_BY_ID, reverse=True)[offset : offset + limit]


def first_by(records: Iterable[T], key: Callable[[T], Any], *, limit: int) -> list[T]:
    """The first ``limit`` records in ``key`` order (none for a negative limit)."""
    return sorted(records, key=key)[: max(limit, 0)]


def visible(space_id: int | None, hidden: Collection[int]) -> bool:
    """Whether a row of space ``space_id`` (``None``: of no space) is outside ``hidden``."""
    return space_id is None or space_id not in hidden


def in_window(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    """Whether ``at`` is in ``[since, until)`` (an open end where ``None``)."""
    return (since is None or at >= since) and (until is None or at < until)


def live_posts(tables: Tables) -> Iterator[tuple[Post, Thread]]:
    """Every live post of a live thread, with its thread."""
    for post in tables.posts.values():
        if post.deleted_at is None:
            thread = tables.threads.get(post.thread_id)
            if thread is not None and thread.deleted_at is None:
                yield post, thread


def excluded_members(tables: Tables, exclude_member_ids: Collection[int]) -> set[int]:
    """``exclude_member_ids`` and every placeholder member: who rankings leave out."""
    excluded = set(exclude_member_ids)
    excluded.update(m.id for m in tables.members.values() if m.is_placeholder)
    return excluded


__all__ = [
    "by_id",
    "excluded_members",
    "first_by",
    "in_window",
    "live_posts",
    "lookup",
    "newest_first",
    "require",
    "visible",
]

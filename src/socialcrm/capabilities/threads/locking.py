"""The lock order every command follows, and the re-checks made under those locks.

A command reads what it acts on before it writes (visibility, rights, limits),
and another unit may delete that thread or post in between. So a command whose
writes depend on a thread or post being live takes the thread's row lock, and
the post's where it writes the post, *before* its first write and before it
locks any member, then re-checks "not deleted" on the rows the lock returned.
Deletion takes the thread's lock exclusively, so it waits for those commands and
they for it: whichever comes second sees the other's committed outcome.

The order (docs/storage.md): thread → post → members by ascending id → ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.errors import NotFound

if TYPE_CHECKING:
    from socialcrm.services.runtime import Transaction


def lock_live_thread(
    tx: Transaction, thread_id: int, *, shared: bool = False, post_id: int | None = None
) -> Thread:
    """Lock the thread (exclusive, or ``shared``) and return it as committed now.

    ``NotFound`` if it was deleted meanwhile, answered as for something that
    never existed: ``thread_not_found``, or ``post_not_found`` naming ``post_id``
    when the command acts on that post of the thread.
    """
    thread = tx.uow.threads.lock(thread_id, shared=shared)
    if thread is None or thread.deleted_at is not None:
        if post_id is not None:
            raise NotFound(f"no post {post_id}", code="post_not_found")
        raise NotFound(f"no thread {thread_id}", code="thread_not_found")
    return thread


def lock_live_post(
    tx: Transaction, post_id: int, thread_id: int, *, shared_thread: bool = False
) -> tuple[Post, Thread]:
    """Lock the post's thread, then the post; return both as committed now.

    ``NotFound`` (``post_not_found``) if either was deleted meanwhile.
    """
    return _live_post(tx, post_id, thread_id, shared=shared_thread, lock_post=True)


def live_post_under_thread_lock(
    tx: Transaction, post_id: int, thread_id: int, *, shared: bool = True
) -> tuple[Post, Thread]:
    """Lock only the post's thread, then read the post; both as committed now.

    Enough where the command writes no post row: a post is deleted only under its
    thread's exclusive lock, so it cannot change while the thread is held.
    ``NotFound`` (``post_not_found``) if either was deleted meanwhile.
    """
    return _live_post(tx, post_id, thread_id, shared=shared, lock_post=False)


def _live_post(
    tx: Transaction, post_id: int, thread_id: int, *, shared: bool, lock_post: bool
) -> tuple[Post, Thread]:
    thread = tx.uow.threads.lock(thread_id, shared=shared)
    post = None
    if thread is not None and thread.deleted_at is None:
        post = tx.uow.posts.lock(post_id) if lock_post else tx.uow.posts.get(post_id)
    if post is None or post.deleted_at is not None or thread is None:
        raise NotFound(f"no post {post_id}", code="post_not_found")
    return post, thread


__all__ = ["live_post_under_thread_lock", "lock_live_post", "lock_live_thread"]

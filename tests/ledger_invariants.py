"""Invariants of the ledger around deletion, checked after any concurrency test.

``recompute()`` cannot see a wrong ledger: the cached totals agree with it. These
checks read the ledger itself, through the storage port (so they run on every
adapter):

* every ledger entry is undone at most once;
* a deleted post (or any post of a deleted thread) keeps no live reputation:
  every entry it earned, or its thread earned, is undone;
* each post's score equals the sum of its votes, deleted posts included;
* each thread's ``reply_count`` equals its live, shown replies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from socialcrm import Community


def check_deletion_invariants(community: Community, thread_ids: Iterable[int]) -> None:
    """Assert the invariants above for the ledger and for the threads ``thread_ids``."""
    with community.storage.unit_of_work(read_only=True) as uow:
        entries = []
        for member_id in uow.members.reputations():
            entries.extend(uow.ledger.history(member_id, limit=1_000_000))
        undone = Counter(e.undoes for e in entries if e.undoes is not None)
        twice = {entry_id: n for entry_id, n in undone.items() if n > 1}
        assert twice == {}, f"ledger entries undone more than once: {twice}"
        for thread_id in sorted(set(thread_ids)):
            thread = uow.threads.get(thread_id)
            assert thread is not None
            posts = uow.posts.list_for_thread(thread_id, include_deleted=True)
            for post in posts:
                votes = uow.votes.for_post(post.id)
                assert post.score == sum(v.value for v in votes), (post, votes)
                if thread.deleted_at is None and post.deleted_at is None:
                    continue
                prefix = f"thread:{thread_id}:"
                if thread.deleted_at is None:
                    prefix += f"post:{post.id}:"
                live = [
                    e
                    for e in entries
                    if e.undoes is None and e.id not in undone and e.cause.startswith(prefix)
                ]
                assert live == [], f"deleted post {post.id} keeps live reputation: {live}"
            shown = [
                p
                for p in posts
                if not p.is_opening and p.deleted_at is None and p.hidden_at is None
            ]
            assert thread.reply_count == len(shown), (thread.reply_count, len(shown))


__all__ = ["check_deletion_invariants"]

"""Serial-vote reversal: a periodic job that takes back runs of votes from one voter to one author.

A voter who casts ``Settings.serial_vote_threshold`` or more votes on posts of the
same author within ``serial_vote_window_seconds`` is voting for (or against) a
person, not for posts. The job looks at the votes cast in the last
``serial_vote_lookback_days`` and removes every vote that lies in such a window:
each removal adjusts the post's score, takes back what the vote earned or cost with
compensating ledger entries (the stored deltas, as for a retraction), records a
``VoteReversed`` event, and one audit entry per voter and author.

The thresholds stay private: no event, audit entry or error names them. Removed
votes are gone, so running the job again finds nothing to do.

Votes on deleted posts (or in deleted threads) count towards a run but are left
in place: the deletion already took back what they earned, and a deleted post's
votes no longer change. The job locks the threads of the votes it reverses first
(shared, ascending ids) and removes each vote only if it still holds the value it
read (a compare-and-set), so a retraction or change racing the job is counted once.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

import attrs

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.capabilities.votes.events import VoteReversed
from socialcrm.capabilities.votes.records import Vote
from socialcrm.capabilities.votes.service import post_kind
from socialcrm.errors import NotFound
from socialcrm.services.runtime import Runtime, Transaction


@attrs.frozen
class SerialVoteReversal:
    """What one run of the job took back from one voter for one author."""

    voter_id: int
    author_id: int
    vote_ids: tuple[int, ...]


def serial_runs(votes: list[Vote], *, threshold: int, window: timedelta) -> list[Vote]:
    """The votes (sorted by time) that lie in some ``window`` holding ``threshold`` of them."""
    flagged: set[int] = set()
    start = 0
    for end, vote in enumerate(votes):
        while vote.cast_at - votes[start].cast_at >= window:
            start += 1
        if end - start + 1 >= threshold:
            flagged.update(v.id for v in votes[start : end + 1])
    return [v for v in votes if v.id in flagged]


def reverse_serial_votes(runtime: Runtime) -> list[SerialVoteReversal]:
    """Find and take back serial votes (see the module); one unit of work per run of the job."""
    settings = runtime.settings
    window = timedelta(seconds=settings.serial_vote_window_seconds)
    done: list[SerialVoteReversal] = []
    with runtime.command() as tx:
        since = tx.now - timedelta(days=settings.serial_vote_lookback_days)
        # ``until`` is exclusive: one microsecond on, votes cast at this very moment count.
        until = tx.now + timedelta(microseconds=1)
        candidates = tx.uow.votes.repeated_pairs(
            since=since, until=until, min_votes=settings.serial_vote_threshold
        )

        def pair(found: tuple[int, Vote]) -> tuple[int, int]:
            return found[1].member_id, found[0]

        runs = []
        for (voter_id, author_id), group in groupby(candidates, key=pair):
            votes = [vote for _author, vote in group]
            serial = serial_runs(votes, threshold=settings.serial_vote_threshold, window=window)
            if serial:
                runs.append((voter_id, author_id, serial))
        live = _lock_live_posts(tx, {vote.post_id for _v, _a, serial in runs for vote in serial})
        for voter_id, author_id, serial in runs:
            removed = [vote.id for vote in serial if _reverse(tx, vote, live)]
            if not removed:
                continue
            record_audit(
                tx,
                actor_id=None,
                action="serial_votes_reversed",
                member_id=voter_id,
                after={"author_id": author_id, "votes_reversed": len(removed)},
            )
            done.append(SerialVoteReversal(voter_id, author_id, tuple(removed)))
    return done


def _lock_live_posts(tx: Transaction, post_ids: set[int]) -> dict[int, tuple[Post, Thread, Space]]:
    """Lock the threads of ``post_ids`` (shared, ascending id: the lock order's first
    step, before any member) and return the posts that are live under those locks.

    A post is deleted only under its thread's exclusive lock, so the posts read
    here stay live until the job commits; votes on deleted posts are left alone
    (the deletion already took back what they earned, and a deleted post's score
    no longer moves).
    """
    located = {}
    for post_id in sorted(post_ids):
        found = tx.uow.posts.locate(post_id)
        if found is not None:
            located[post_id] = found
    live = {}
    for thread_id in sorted({thread.id for _post, thread, _space in located.values()}):
        thread = tx.uow.threads.lock(thread_id, shared=True)
        if thread is None or thread.deleted_at is not None:
            continue
        for post_id, (_post, old_thread, space) in located.items():
            if old_thread.id != thread_id:
                continue
            post = tx.uow.posts.get(post_id)
            if post is not None and post.deleted_at is None:
                live[post_id] = (post, thread, space)
    return live


def _reverse(tx: Transaction, vote: Vote, live: dict[int, tuple[Post, Thread, Space]]) -> bool:
    """Remove one vote with its score and reputation; ``False`` if it was already gone
    or changed (a racing retraction or change), or its post is deleted."""
    if vote.post_id not in live or not tx.uow.votes.remove(vote.id, value=vote.value):
        return False
    post, thread, space = live[vote.post_id]
    if tx.uow.posts.add_score(post.id, -vote.value) is None:
        # Not reached while the thread is held; kept as the guard.
        raise NotFound(f"no post {post.id}", code="post_not_found")
    tx.record(
        VoteReversed(
            at=tx.now,
            actor_id=None,
            vote_id=vote.id,
            post_id=post.id,
            thread_id=thread.id,
            space_id=space.id,
            post_author_id=post.author_id,
            post_kind=post_kind(thread, post),
            value=0,
            voter_id=vote.member_id,
            previous_value=vote.value,
            post_wiki=post.community_wiki,
        )
    )
    return True


__all__ = ["SerialVoteReversal", "reverse_serial_votes", "serial_runs"]

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
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

import attrs

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.votes.events import VoteReversed
from socialcrm.capabilities.votes.records import Vote
from socialcrm.capabilities.votes.service import post_kind
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

        for (voter_id, author_id), group in groupby(candidates, key=pair):
            votes = [vote for _author, vote in group]
            serial = serial_runs(votes, threshold=settings.serial_vote_threshold, window=window)
            removed = [vote.id for vote in serial if _reverse(tx, vote)]
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


def _reverse(tx: Transaction, vote: Vote) -> bool:
    """Remove one vote with its score and reputation; ``False`` if it was already gone."""
    located = tx.uow.posts.locate(vote.post_id)
    if located is None or not tx.uow.votes.remove(vote.id):
        return False
    post, thread, space = located
    tx.uow.posts.add_score(post.id, -vote.value)
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

"""The in-memory store: dicts of frozen records plus the secondary indexes the SQL adapters keep."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from socialcrm.capabilities.audit.records import AuditEntry
from socialcrm.capabilities.badges.records import BadgeAward
from socialcrm.capabilities.bounties.records import Bounty
from socialcrm.capabilities.contests.records import Contest, ContestWinner
from socialcrm.capabilities.flags.records import Flag
from socialcrm.capabilities.invitations.records import Invitation, Referral, ReferralReward
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.records import Sanction
from socialcrm.capabilities.outbox.records import OutboxMessage
from socialcrm.capabilities.polls.records import Poll
from socialcrm.capabilities.reputation.records import LedgerEntry
from socialcrm.capabilities.review.records import ReviewItem
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import Comment, Post, Revision, Thread
from socialcrm.capabilities.votes.records import Vote


@attrs.frozen
class ActivityDay:
    """One member's activity on one UTC day (the trust-level inputs)."""

    visited: bool = False
    posts_read: int = 0
    reading_seconds: int = 0
    likes_given: int = 0
    likes_received: int = 0


class EngagementTables:
    """The engagement part of the store: invitations, referrals, polls and contests."""

    def __init__(self) -> None:
        self.invitations: dict[int, Invitation] = {}
        self.invitation_by_hash: dict[str, int] = {}
        self.referrals: dict[int, Referral] = {}
        self.referral_by_referred: dict[int, int] = {}
        # reward key -> (insertion order, referral id, reward)
        self.rewards: dict[str, tuple[int, int, ReferralReward]] = {}
        self.polls: dict[int, Poll] = {}
        self.poll_by_thread: dict[int, int] = {}
        # (poll id, member id) -> option ids chosen, ascending
        self.ballots: dict[tuple[int, int], tuple[int, ...]] = {}
        self.contests: dict[int, Contest] = {}
        self.contest_by_thread: dict[int, int] = {}
        # (contest id, position) -> winner
        self.contest_winners: dict[tuple[int, int], ContestWinner] = {}


class Tables:
    """The whole store of one :class:`~socialcrm.adapters.memory.MemoryStorage`."""

    def __init__(self) -> None:
        self.members: dict[int, Member] = {}
        self.member_by_external: dict[str, int] = {}
        self.spaces: dict[int, Space] = {}
        self.space_by_slug: dict[str, int] = {}
        self.space_members: set[tuple[int, int]] = set()
        self.threads: dict[int, Thread] = {}
        self.tags: dict[str, datetime] = {}
        self.posts: dict[int, Post] = {}
        self.revisions: dict[int, Revision] = {}
        self.comments: dict[int, Comment] = {}
        self.votes: dict[int, Vote] = {}
        self.vote_by_key: dict[tuple[int, int], int] = {}
        self.ledger: dict[int, LedgerEntry] = {}
        self.undone: set[int] = set()
        # (member id, cap day) -> ledger ids: the daily cap is read on every upvote.
        self.ledger_by_cap_day: dict[tuple[int, date], tuple[int, ...]] = {}
        self.outbox: dict[int, OutboxMessage] = {}
        self.outbox_by_event_id: dict[str, int] = {}
        self.sanctions: dict[int, Sanction] = {}
        self.audit: dict[int, AuditEntry] = {}
        self.review: dict[int, ReviewItem] = {}
        self.flags: dict[int, Flag] = {}
        # (flagger id, flagged member id, post id or None) -> flag id: one flag per subject.
        self.flag_by_key: dict[tuple[int, int, int | None], int] = {}
        self.sequences: dict[str, int] = {}
        # member id -> UTC day -> that day's activity
        self.member_days: dict[int, dict[date, ActivityDay]] = {}
        # member id -> thread id -> (first entered day, last reply day)
        self.member_topics: dict[int, dict[int, tuple[date | None, date | None]]] = {}
        self.import_ids: dict[tuple[str, str, str], int] = {}
        self.import_checkpoints: dict[tuple[str, str], int] = {}
        self.engagement = EngagementTables()
        self.thread_views: dict[int, int] = {}
        self.badge_awards: dict[int, BadgeAward] = {}
        self.badge_by_key: dict[tuple[str, int, str], int] = {}
        self.bounties: dict[int, Bounty] = {}
        self.open_bounty_by_thread: dict[int, int] = {}


__all__ = ["ActivityDay", "EngagementTables", "Tables"]

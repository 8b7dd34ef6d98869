"""Frozen records of engagement: invitations, referrals and their rewards, polls, champions.

Like :mod:`socialcrm.domain.records`, these are plain values that never talk to
storage; adapters build them with keyword arguments.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import attrs

#: What a referral reward can be. ``credit`` is host-side (a discount, store
#: credit): socialcrm never handles money, it only tells the host once, through
#: the ``referral_reward_earned`` signal.
REFERRAL_REWARD_KINDS = ("reputation", "badge", "credit")

#: Per-activity leaderboards and the ledger rules whose active entries they count.
ACTIVITY_BOARDS: dict[str, tuple[str, ...]] = {
    "accepted_answers": ("answer_accepted",),
    "upvotes_received": ("question_upvoted", "answer_upvoted", "post_upvoted"),
}


def hash_invite_code(code: str) -> str:
    """The SHA-256 hex digest under which an invite code is stored (never the code itself)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@attrs.frozen
class Invitation:
    """An invite code's stored state (the code itself is only ever shown once, at creation).

    ``max_uses`` ``None`` means unlimited; ``space_id`` gives whoever redeems the
    code explicit membership of that (invitation-only) space.
    """

    id: int
    code_hash: str
    inviter_id: int
    space_id: int | None
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    created_at: datetime
    revoked_at: datetime | None = None

    def usable_at(self, at: datetime) -> bool:
        """Whether a redemption at ``at`` would be accepted."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or at < self.expires_at)
            and (self.max_uses is None or self.uses < self.max_uses)
        )


@attrs.frozen
class IssuedInvitation:
    """What ``invitations.create`` returns: the stored invitation and its one-time code."""

    invitation: Invitation
    code: str


@attrs.frozen
class Referral:
    """``referrer_id`` brought ``referred_id`` in (one referral per referred member)."""

    id: int
    referrer_id: int
    referred_id: int
    invitation_id: int | None
    joined_at: datetime
    converted_at: datetime | None = None


@attrs.frozen
class ReferralReward:
    """What a referral reward rule grants (``socialcrm_referral_rewards`` returns these).

    ``key`` names the reward uniquely across the community: storage keeps one
    reward per key, so a rule that fires twice (a repeated or concurrent
    conversion) rewards once. ``kind`` is ``reputation`` (``amount`` points go to
    the ledger), ``badge`` (``badge`` names it; handed to the badge service) or
    ``credit`` (``amount`` in the host's units, e.g. cents; delivered only through
    the ``referral_reward_earned`` signal).
    """

    member_id: int
    kind: str
    rule: str
    key: str
    amount: int = 0
    badge: str | None = None


@attrs.frozen
class ReferralConversion:
    """The outcome of ``referrals.converted``.

    ``newly_converted`` is ``False`` when the referral had converted already (then
    ``rewards`` is empty: nothing was granted again).
    """

    referral: Referral
    newly_converted: bool
    rewards: tuple[ReferralReward, ...] = ()


@attrs.frozen
class PollOption:
    """One answer a poll offers; ``position`` orders them from 0."""

    id: int
    poll_id: int
    position: int
    label: str


@attrs.frozen
class Poll:
    """A poll carried by a thread: open until ``closes_at`` (or until closed by hand)."""

    id: int
    thread_id: int
    question: str
    multiple: bool
    hide_results: bool
    closes_at: datetime | None
    created_by: int
    created_at: datetime
    options: tuple[PollOption, ...]
    closed_at: datetime | None = None

    def is_open(self, at: datetime) -> bool:
        """Whether ballots are accepted at ``at``."""
        return self.closed_at is None and (self.closes_at is None or at < self.closes_at)


@attrs.frozen
class PollResults:
    """A poll as one member sees it.

    ``tallies`` (ballots per option id) and ``voters`` are ``None`` while the
    poll hides its results and is still open. ``ballot`` is the viewer's own
    choice (option ids, empty when they did not vote or are anonymous).
    """

    poll: Poll
    open: bool
    tallies: dict[int, int] | None
    voters: int | None
    ballot: tuple[int, ...] = ()


@attrs.frozen
class Contest:
    """A thread run as a contest: its replies written in the submission window are the
    entries, votes on them count only in the voting window, ``winners`` places are decided
    once the voting window has ended."""

    id: int
    thread_id: int
    submission_starts_at: datetime
    submission_ends_at: datetime
    voting_starts_at: datetime
    voting_ends_at: datetime
    winners: int
    created_by: int
    created_at: datetime
    decided_at: datetime | None = None

    def accepts_entry_at(self, at: datetime) -> bool:
        """Whether a reply written at ``at`` is an entry."""
        return self.submission_starts_at <= at < self.submission_ends_at

    def voting_open(self, at: datetime) -> bool:
        """Whether votes on entries are accepted at ``at``."""
        return self.voting_starts_at <= at < self.voting_ends_at


@attrs.frozen
class ContestWinner:
    """A decided place: ``position`` 1 is first."""

    contest_id: int
    position: int
    post_id: int
    member_id: int
    score: int


@attrs.frozen
class AuthorStats:
    """What a member wrote over a period: the inputs of the champions ranking."""

    member_id: int
    posts: int
    answers: int
    accepted_answers: int
    score: int


@attrs.frozen
class Champion:
    """A line of ``champions.find``: the member's stats and the ranking score they give."""

    rank: int
    member_id: int
    display_name: str
    champion_score: int
    accepted_answers: int
    answers: int
    posts: int
    score: int
    is_champion: bool


__all__ = [
    "ACTIVITY_BOARDS",
    "REFERRAL_REWARD_KINDS",
    "AuthorStats",
    "Champion",
    "Contest",
    "ContestWinner",
    "Invitation",
    "IssuedInvitation",
    "Poll",
    "PollOption",
    "PollResults",
    "Referral",
    "ReferralConversion",
    "ReferralReward",
    "hash_invite_code",
]

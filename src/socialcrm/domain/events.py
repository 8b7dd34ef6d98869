"""Domain events: one frozen record for every state change.

Events are recorded inside the command's unit of work, handed to the in-transaction
hooks (reward rules, ``socialcrm_on_event``), and after commit sent as blinker
signals (see :mod:`socialcrm.signals`) whose names are the events' ``name``.

Reputation causes
-----------------
Events that earn reputation name their ``cause``; entries in the ledger carry it.
Causes are hierarchical strings, ``thread:<id>:post:<id>:vote:<id>`` and
``thread:<id>:post:<id>:accept``, so that undoing a vote reverses one cause and
deleting a post (or its whole thread) reverses every cause under a prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.domain.bounties import award_cause, offer_cause


@attrs.frozen(kw_only=True)
class Event:
    """Base of every domain event: when it happened and which member did it."""

    name: ClassVar[str] = "event"
    at: datetime
    actor_id: int | None

    @property
    def cause(self) -> str | None:
        """The ledger cause of reputation this event earns, if any."""
        return None

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        """Causes whose reputation this event takes back (exact match)."""
        return ()

    @property
    def reversed_cause_prefixes(self) -> tuple[str, ...]:
        """Cause prefixes whose reputation this event takes back."""
        return ()


def post_cause(thread_id: int, post_id: int) -> str:
    """The cause prefix of everything a post earned."""
    return f"thread:{thread_id}:post:{post_id}:"


def vote_cause(thread_id: int, post_id: int, vote_id: int) -> str:
    """The cause of a single vote's reputation."""
    return f"{post_cause(thread_id, post_id)}vote:{vote_id}"


def accept_cause(thread_id: int, post_id: int) -> str:
    """The cause of an accepted answer's reputation."""
    return f"{post_cause(thread_id, post_id)}accept"


# ---------------------------------------------------------------- members


@attrs.frozen(kw_only=True)
class MemberJoined(Event):
    """A member joined the community."""

    name: ClassVar[str] = "member_joined"
    member_id: int
    external_id: str
    display_name: str
    roles: frozenset[str]


@attrs.frozen(kw_only=True)
class ProfileUpdated(Event):
    """A member's display name or profile changed."""

    name: ClassVar[str] = "profile_updated"
    member_id: int


@attrs.frozen(kw_only=True)
class RoleGranted(Event):
    """An admin gave a member a role."""

    name: ClassVar[str] = "role_granted"
    member_id: int
    role: str


@attrs.frozen(kw_only=True)
class RoleRevoked(Event):
    """An admin took a role from a member."""

    name: ClassVar[str] = "role_revoked"
    member_id: int
    role: str


# ---------------------------------------------------------------- spaces


@attrs.frozen(kw_only=True)
class SpaceCreated(Event):
    """A space (category or subgroup) was created."""

    name: ClassVar[str] = "space_created"
    space_id: int
    slug: str
    visibility: str
    parent_id: int | None


@attrs.frozen(kw_only=True)
class SpaceMemberAdded(Event):
    """A member was given explicit membership of a space."""

    name: ClassVar[str] = "space_member_added"
    space_id: int
    member_id: int


@attrs.frozen(kw_only=True)
class SpaceMemberRemoved(Event):
    """A member's explicit membership of a space ended."""

    name: ClassVar[str] = "space_member_removed"
    space_id: int
    member_id: int


# ---------------------------------------------------------------- threads and posts


@attrs.frozen(kw_only=True)
class ThreadStarted(Event):
    """A thread and its opening post were created."""

    name: ClassVar[str] = "thread_started"
    thread_id: int
    space_id: int
    kind: str
    author_id: int
    opening_post_id: int
    tags: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ThreadClosed(Event):
    """A thread was closed: no new replies, and only moderators may accept answers.

    Votes and comments stay possible on closed threads, as on Stack Exchange.
    """

    name: ClassVar[str] = "thread_closed"
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class ThreadReopened(Event):
    """A closed thread was opened again."""

    name: ClassVar[str] = "thread_reopened"
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class ReplyPosted(Event):
    """A reply (an answer, for questions) was posted in a thread."""

    name: ClassVar[str] = "reply_posted"
    post_id: int
    thread_id: int
    space_id: int
    author_id: int
    thread_kind: str


@attrs.frozen(kw_only=True)
class PostEdited(Event):
    """A post's body (and for opening posts, maybe its thread's title or tags) changed."""

    name: ClassVar[str] = "post_edited"
    post_id: int
    thread_id: int
    space_id: int
    revision_id: int


@attrs.frozen(kw_only=True)
class PostDeleted(Event):
    """A post was soft-deleted; deleting an opening post deletes its thread.

    Everything the post earned (or, for an opening post, the whole thread earned)
    is taken back by compensating ledger entries.
    """

    name: ClassVar[str] = "post_deleted"
    post_id: int
    thread_id: int
    space_id: int
    author_id: int
    was_opening: bool

    @property
    def reversed_cause_prefixes(self) -> tuple[str, ...]:
        if self.was_opening:
            return (f"thread:{self.thread_id}:",)
        return (post_cause(self.thread_id, self.post_id),)


@attrs.frozen(kw_only=True)
class CommentAdded(Event):
    """A comment was added under a post."""

    name: ClassVar[str] = "comment_added"
    comment_id: int
    post_id: int
    thread_id: int
    space_id: int


# ---------------------------------------------------------------- votes


@attrs.frozen(kw_only=True)
class _VoteEvent(Event):
    vote_id: int
    post_id: int
    thread_id: int
    space_id: int
    post_author_id: int
    post_kind: str  # "question", "answer", "opening" or "reply"
    value: int  # the vote's value now; 0 once retracted
    post_wiki: bool = False  # a community-wiki post: it earns its author nothing
    post_score: int | None = None  # the post's score after this vote, where the command knew it

    @property
    def vote_cause(self) -> str:
        """The ledger cause of this vote."""
        return vote_cause(self.thread_id, self.post_id, self.vote_id)


@attrs.frozen(kw_only=True)
class VoteCast(_VoteEvent):
    """A member voted on a post (``value`` is +1 or -1)."""

    name: ClassVar[str] = "vote_cast"

    @property
    def cause(self) -> str | None:
        return self.vote_cause


@attrs.frozen(kw_only=True)
class VoteChanged(_VoteEvent):
    """A member turned an upvote into a downvote or back; ``previous_value`` was replaced."""

    name: ClassVar[str] = "vote_changed"
    previous_value: int

    @property
    def cause(self) -> str | None:
        return self.vote_cause

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


@attrs.frozen(kw_only=True)
class VoteRetracted(_VoteEvent):
    """A member took back a vote (``previous_value``); ``value`` is 0."""

    name: ClassVar[str] = "vote_retracted"
    previous_value: int

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


@attrs.frozen(kw_only=True)
class VoteReversed(_VoteEvent):
    """The serial-voting job removed a vote of ``voter_id`` (``previous_value``).

    ``actor_id`` is ``None``: a job did it. ``value`` is 0. What the vote earned or
    cost is taken back by compensating ledger entries, as for a retraction.
    """

    name: ClassVar[str] = "vote_reversed"
    voter_id: int
    previous_value: int

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (self.vote_cause,)


# ---------------------------------------------------------------- accepted answers


@attrs.frozen(kw_only=True)
class AnswerAccepted(Event):
    """An answer was accepted; ``previous_answer_id`` lost its acceptance, if any."""

    name: ClassVar[str] = "answer_accepted"
    thread_id: int
    space_id: int
    answer_id: int
    answer_author_id: int
    asker_id: int
    previous_answer_id: int | None = None
    answer_wiki: bool = False  # a community-wiki answer: its author earns nothing

    @property
    def cause(self) -> str | None:
        return accept_cause(self.thread_id, self.answer_id)

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        if self.previous_answer_id is None:
            return ()
        return (accept_cause(self.thread_id, self.previous_answer_id),)


@attrs.frozen(kw_only=True)
class AnswerUnaccepted(Event):
    """An answer's acceptance was withdrawn."""

    name: ClassVar[str] = "answer_unaccepted"
    thread_id: int
    space_id: int
    answer_id: int
    answer_author_id: int
    asker_id: int

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (accept_cause(self.thread_id, self.answer_id),)


# ---------------------------------------------------------------- reputation


@attrs.frozen(kw_only=True)
class ReputationChanged(Event):
    """A ledger entry was appended; ``reputation`` is the member's new total."""

    name: ClassVar[str] = "reputation_changed"
    member_id: int
    entry_id: int
    delta: int
    requested: int
    rule: str
    cause: str  # type: ignore[assignment]
    reputation: int


@attrs.frozen(kw_only=True)
class ReputationRecomputed(Event):
    """``recompute()`` found a cached total that differed from the ledger and fixed it."""

    name: ClassVar[str] = "reputation_recomputed"
    member_id: int
    previous: int
    reputation: int


# ---------------------------------------------------------------- trust levels

#: Why a trust level (or its lock) changed.
TRUST_REASONS = ("promoted", "demoted", "granted", "locked", "unlocked")


@attrs.frozen(kw_only=True)
class TrustLevelChanged(Event):
    """A member's trust level or its lock changed.

    ``reason`` is ``promoted`` or ``demoted`` for automatic changes, ``granted``
    when staff set the level by hand, ``locked`` or ``unlocked`` when staff
    changed only the lock (then ``previous_level == level``).
    """

    name: ClassVar[str] = "trust_level_changed"
    member_id: int
    previous_level: int
    level: int
    reason: str
    locked: bool


# ---------------------------------------------------------------- moderation


@attrs.frozen(kw_only=True)
class SanctionImposed(Event):
    """A moderator silenced, suspended or banned a member.

    ``ends_at`` is when the sanction lifts by itself (``None``: only when lifted).
    """

    name: ClassVar[str] = "sanction_imposed"
    sanction_id: int
    member_id: int
    kind: str
    reason: str
    ends_at: datetime | None = None


@attrs.frozen(kw_only=True)
class SanctionLifted(Event):
    """A sanction stopped applying: lifted early by a moderator, or expired.

    ``expired`` is ``True`` when it reached its end time and
    ``expire_sanctions()`` recorded that (``actor_id`` is then ``None`` and ``at``
    is when the job ran), ``False`` when a moderator lifted it. ``ended_at`` is
    when it stopped applying.
    """

    name: ClassVar[str] = "sanction_lifted"
    sanction_id: int
    member_id: int
    kind: str
    expired: bool
    ended_at: datetime
    reason: str = ""


# ---------------------------------------------------------------- invitations and referrals


@attrs.frozen(kw_only=True)
class InvitationCreated(Event):
    """A member created an invite code (``max_uses`` ``None``: unlimited)."""

    name: ClassVar[str] = "invitation_created"
    invitation_id: int
    space_id: int | None
    max_uses: int | None
    expires_at: datetime | None = None


@attrs.frozen(kw_only=True)
class InvitationRevoked(Event):
    """An invite code was revoked: it is refused from now on."""

    name: ClassVar[str] = "invitation_revoked"
    invitation_id: int
    inviter_id: int


@attrs.frozen(kw_only=True)
class InvitationRedeemed(Event):
    """A member used an invite code (at join, or later to enter the code's space)."""

    name: ClassVar[str] = "invitation_redeemed"
    invitation_id: int
    member_id: int
    inviter_id: int
    space_id: int | None


@attrs.frozen(kw_only=True)
class ReferralConverted(Event):
    """The host reported that a referred member became a paying customer (once per referral)."""

    name: ClassVar[str] = "referral_converted"
    referral_id: int
    referrer_id: int
    referred_id: int
    conversions: int


@attrs.frozen(kw_only=True)
class ReferralRewardEarned(Event):
    """A referral reward rule granted a reward, exactly once per reward key.

    ``kind`` is ``reputation``, ``badge`` or ``credit``; a ``credit`` is for the
    host to deliver (``amount`` in the host's units): socialcrm never handles money.
    """

    name: ClassVar[str] = "referral_reward_earned"
    referral_id: int
    member_id: int
    kind: str
    rule: str
    key: str
    amount: int = 0
    badge: str | None = None


# ---------------------------------------------------------------- polls


@attrs.frozen(kw_only=True)
class PollCreated(Event):
    """A thread got a poll."""

    name: ClassVar[str] = "poll_created"
    poll_id: int
    thread_id: int
    space_id: int
    closes_at: datetime | None = None


@attrs.frozen(kw_only=True)
class PollVoted(Event):
    """A member cast or changed their ballot; ``option_ids`` is the new choice."""

    name: ClassVar[str] = "poll_voted"
    poll_id: int
    thread_id: int
    space_id: int
    member_id: int
    option_ids: tuple[int, ...]
    changed: bool


@attrs.frozen(kw_only=True)
class PollClosed(Event):
    """A poll was closed by hand before its closing date."""

    name: ClassVar[str] = "poll_closed"
    poll_id: int
    thread_id: int
    space_id: int


# ---------------------------------------------------------------- contests


@attrs.frozen(kw_only=True)
class ContestCreated(Event):
    """A thread became a contest."""

    name: ClassVar[str] = "contest_created"
    contest_id: int
    thread_id: int
    space_id: int
    submission_ends_at: datetime
    voting_ends_at: datetime


@attrs.frozen(kw_only=True)
class ContestDecided(Event):
    """A contest's winners were decided and recorded (once per contest).

    ``winner_post_ids`` and ``winner_member_ids`` are in place order (first
    place first); both are empty when the contest had no entries.
    """

    name: ClassVar[str] = "contest_decided"
    contest_id: int
    thread_id: int
    space_id: int
    winner_post_ids: tuple[int, ...]
    winner_member_ids: tuple[int, ...]
# ---------------------------------------------------------------- content review


@attrs.frozen(kw_only=True)
class SubmissionHeld(Event):
    """A new thread or reply was held for review instead of being published.

    ``thread_id`` is the thread replied to (``None`` for a new thread). Nothing is
    published: other members cannot see it until ``submission_approved``.
    """

    name: ClassVar[str] = "submission_held"
    item_id: int
    author_id: int
    space_id: int
    thread_id: int | None
    reason: str
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ContentFlagged(Event):
    """A content rule flagged a post it let through; a review item was queued."""

    name: ClassVar[str] = "content_flagged"
    item_id: int
    post_id: int
    thread_id: int
    space_id: int
    author_id: int
    reason: str
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SubmissionApproved(Event):
    """A moderator approved a held submission; it was published as ``post_id``.

    ``edited`` is ``True`` when the moderator changed it before approving. The
    ``thread_started`` or ``reply_posted`` event of the publication comes with it.
    """

    name: ClassVar[str] = "submission_approved"
    item_id: int
    post_id: int
    thread_id: int
    space_id: int
    author_id: int
    edited: bool = False


@attrs.frozen(kw_only=True)
class SubmissionRejected(Event):
    """A moderator rejected a held submission (kept for the record, never published)
    or a flagged post (which was deleted: ``post_deleted`` comes with it)."""

    name: ClassVar[str] = "submission_rejected"
    item_id: int
    author_id: int
    space_id: int
    post_id: int | None = None
    reason: str = ""


@attrs.frozen(kw_only=True)
class ReviewItemDismissed(Event):
    """A moderator dismissed a flag item: the post stays as it is."""

    name: ClassVar[str] = "review_item_dismissed"
    item_id: int
    post_id: int
    space_id: int
    author_id: int


@attrs.frozen(kw_only=True)
class ModerationAlert(Event):
    """A content rule asked to alert the community managers (e.g. terms of service).

    ``item_id`` names the review item queued with it, ``post_id`` the published
    post, if any.
    """

    name: ClassVar[str] = "moderation_alert"
    author_id: int
    space_id: int | None
    messages: tuple[str, ...]
    item_id: int | None = None
    post_id: int | None = None


# ---------------------------------------------------------------- flags


@attrs.frozen(kw_only=True)
class FlagRaised(Event):
    """A member flagged a post (``post_id`` set) or a member (``post_id`` ``None``).

    ``member_id`` is the member reported (the post's author for a post flag);
    ``weight`` the flag's score and ``score`` the post's open flag score with it
    (the flag's weight for a member flag).
    """

    name: ClassVar[str] = "flag_raised"
    flag_id: int
    flagger_id: int
    member_id: int
    reason: str
    weight: int
    score: int
    post_id: int | None = None
    thread_id: int | None = None
    space_id: int | None = None


@attrs.frozen(kw_only=True)
class PostHidden(Event):
    """Flags hid a post; only its author and moderators see it now.

    ``trigger`` is ``score`` (its open flags reached ``FlagSettings.hide_threshold``),
    ``trusted_spam_flag`` (a TL3+ spam flag on a TL0 author's post),
    ``author_silenced`` (spam flags from several members silenced its TL0 author)
    or ``agreed`` (a moderator agreed with a flag). ``actor_id`` is the flagger
    or moderator whose command hid it.
    """

    name: ClassVar[str] = "post_hidden"
    post_id: int
    thread_id: int
    space_id: int
    author_id: int
    trigger: str
    score: int


@attrs.frozen(kw_only=True)
class PostUnhidden(Event):
    """A moderator disagreed with the flags of a hidden post, which everyone sees again."""

    name: ClassVar[str] = "post_unhidden"
    post_id: int
    thread_id: int
    space_id: int
    author_id: int


@attrs.frozen(kw_only=True)
class FlagDecided(Event):
    """A moderator closed a flag: ``decision`` is ``agreed``, ``disagreed`` or ``deferred``.

    ``raised_at`` is when the flag was raised (``at - raised_at`` is the time to
    decision); ``post_id`` is ``None`` for a member flag.
    """

    name: ClassVar[str] = "flag_decided"
    flag_id: int
    flagger_id: int
    member_id: int
    decision: str
    raised_at: datetime
    post_id: int | None = None


@attrs.frozen(kw_only=True)
class ModerationBudgetExceeded(Event):
    """This UTC week's estimated moderation time passed the configured weekly budget.

    Sent at most once per week, by ``community.moderation.check_budget()``;
    ``week_start`` is the Monday 00:00 UTC the week began, minutes are whole.
    """

    name: ClassVar[str] = "moderation_budget_exceeded"
    week_start: datetime
    decisions: int
    estimated_minutes: int
    budget_minutes: int
# ---------------------------------------------------------------- visits and views


@attrs.frozen(kw_only=True)
class MemberVisited(Event):
    """A member's visit was recorded on a UTC day not marked visited before.

    ``visited_at`` is the visit's time (its day is the one marked); only the first
    visit of each day is an event.
    """

    name: ClassVar[str] = "member_visited"
    member_id: int
    visited_at: datetime


@attrs.frozen(kw_only=True)
class ThreadViewed(Event):
    """The host recorded ``count`` views of a thread; ``views`` is its total now."""

    name: ClassVar[str] = "thread_viewed"
    thread_id: int
    space_id: int
    thread_kind: str
    author_id: int
    count: int
    views: int


# ---------------------------------------------------------------- badges


@attrs.frozen(kw_only=True)
class BadgeAwarded(Event):
    """A member earned a badge (``subject`` ``""`` for once-only badges).

    ``actor_id`` is the member whose command triggered the check, the staff member
    who awarded it by hand, or ``None`` for a job (backfill).
    """

    name: ClassVar[str] = "badge_awarded"
    award_id: int
    badge: str
    tier: str
    member_id: int
    subject: str
    post_id: int | None = None


@attrs.frozen(kw_only=True)
class BadgeRevoked(Event):
    """Staff revoked a badge award (``actor_id``); it is not awarded again automatically."""

    name: ClassVar[str] = "badge_revoked"
    award_id: int
    badge: str
    member_id: int
    subject: str
    reason: str = ""


# ---------------------------------------------------------------- bounties


@attrs.frozen(kw_only=True)
class BountyOffered(Event):
    """A member offered a bounty on a question; ``amount`` is deducted from them at once."""

    name: ClassVar[str] = "bounty_offered"
    bounty_id: int
    thread_id: int
    space_id: int
    offered_by: int
    amount: int
    ends_at: datetime

    @property
    def cause(self) -> str | None:
        return offer_cause(self.thread_id, self.bounty_id)


@attrs.frozen(kw_only=True)
class BountyAwarded(Event):
    """A bounty went to an answer: chosen (``automatic`` false) or by the expiry job.

    ``amount`` is what the answer's author receives (half the offer, by default,
    when automatic).
    """

    name: ClassVar[str] = "bounty_awarded"
    bounty_id: int
    thread_id: int
    space_id: int
    answer_id: int
    answer_author_id: int
    offered_by: int
    amount: int
    automatic: bool = False

    @property
    def cause(self) -> str | None:
        return award_cause(self.thread_id, self.answer_id, self.bounty_id)


@attrs.frozen(kw_only=True)
class BountyExpired(Event):
    """A bounty ended with no qualifying answer: the offer is lost."""

    name: ClassVar[str] = "bounty_expired"
    bounty_id: int
    thread_id: int
    space_id: int
    offered_by: int
    amount: int


@attrs.frozen(kw_only=True)
class BountyRefunded(Event):
    """A moderator cancelled an open bounty; the offer's entry is compensated."""

    name: ClassVar[str] = "bounty_refunded"
    bounty_id: int
    thread_id: int
    space_id: int
    offered_by: int
    amount: int
    reason: str = ""

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (offer_cause(self.thread_id, self.bounty_id),)


#: Every concrete event class, in documentation order.
EVENT_TYPES: tuple[type[Event], ...] = (
    MemberJoined,
    ProfileUpdated,
    RoleGranted,
    RoleRevoked,
    SpaceCreated,
    SpaceMemberAdded,
    SpaceMemberRemoved,
    ThreadStarted,
    ThreadClosed,
    ThreadReopened,
    ReplyPosted,
    PostEdited,
    PostDeleted,
    CommentAdded,
    VoteCast,
    VoteChanged,
    VoteRetracted,
    VoteReversed,
    AnswerAccepted,
    AnswerUnaccepted,
    ReputationChanged,
    ReputationRecomputed,
    TrustLevelChanged,
    SanctionImposed,
    SanctionLifted,
    InvitationCreated,
    InvitationRevoked,
    InvitationRedeemed,
    ReferralConverted,
    ReferralRewardEarned,
    PollCreated,
    PollVoted,
    PollClosed,
    ContestCreated,
    ContestDecided,
    SubmissionHeld,
    ContentFlagged,
    SubmissionApproved,
    SubmissionRejected,
    ReviewItemDismissed,
    ModerationAlert,
    FlagRaised,
    PostHidden,
    PostUnhidden,
    FlagDecided,
    ModerationBudgetExceeded,
    MemberVisited,
    ThreadViewed,
    BadgeAwarded,
    BadgeRevoked,
    BountyOffered,
    BountyAwarded,
    BountyExpired,
    BountyRefunded,
)

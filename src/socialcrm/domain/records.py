"""Frozen records returned by every socialcrm query and command.

Records are plain values: they never talk to storage. Storage adapters build them
with the named constructors or keyword arguments, never ``Cls(**row)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import attrs

from socialcrm.domain.events import Event
from socialcrm.domain.serialization import event_from_json

ROLES = ("member", "moderator", "staff", "admin", "placeholder", "champion")
#: The role staff give to members to nurture (``champions.grant``); see ``ChampionSettings``.
CHAMPION_ROLE = "champion"
#: The role of placeholder members: stand-ins for people a history import cannot name
#: (anonymised voters). Storage leaves them out of the member list, leaderboards and ranks.
PLACEHOLDER_ROLE = "placeholder"
#: Roles that bypass reputation privileges and moderate content.
MODERATING_ROLES = frozenset({"moderator", "staff", "admin"})
VISIBILITIES = ("public", "members", "private")
POSTING_POLICIES = ("members", "moderators")
THREAD_KINDS = ("question", "discussion", "idea", "announcement")
THREAD_STATUSES = ("open", "closed")
#: Why a member flags a post or a member (``other`` needs a text).
FLAG_REASONS = ("spam", "inappropriate", "off_topic", "other")
#: A flag's state: ``open`` until a moderator agrees, disagrees or defers.
FLAG_STATUSES = ("open", "agreed", "disagreed", "deferred")
#: Sanction kinds, mildest first: ``silence`` stops posting, ``suspend`` and ``ban`` every command.
SANCTION_KINDS = ("silence", "suspend", "ban")


def _tuple_of_str(value: object) -> tuple[str, ...]:
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class Profile:
    """What a member tells the community about themselves."""

    bio: str = ""
    company: str = ""
    job_title: str = ""
    country: str = ""
    interests: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen
class Member:
    """A person in the community, tied to the host's user by ``external_id``."""

    id: int
    external_id: str
    display_name: str
    roles: frozenset[str]
    reputation: int
    joined_at: datetime
    profile: Profile = attrs.field(factory=Profile)
    #: 0 to 4 (see ``docs/trust-levels.md``); new members start at 0.
    trust_level: int = 0
    #: A locked level is never promoted or demoted automatically.
    trust_level_locked: bool = False
    #: When the level last changed (``None``: never); TL3's grace period counts from it.
    trust_level_changed_at: datetime | None = None

    @property
    def is_moderator(self) -> bool:
        """True for moderators, staff and admins."""
        return not self.roles.isdisjoint(MODERATING_ROLES)

    @property
    def is_admin(self) -> bool:
        """True for admins."""
        return "admin" in self.roles

    @property
    def is_placeholder(self) -> bool:
        """True for placeholder members (stand-ins of an import, never listed or ranked)."""
        return PLACEHOLDER_ROLE in self.roles


@attrs.frozen
class Space:
    """A category of threads; ``parent_id`` makes it a subgroup of another space."""

    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    visibility: str
    posting: str
    created_at: datetime


@attrs.frozen
class Thread:
    """A question, discussion, idea or announcement and its counters."""

    id: int
    space_id: int
    kind: str
    title: str
    tags: tuple[str, ...]
    status: str
    author_id: int
    opening_post_id: int | None
    accepted_answer_id: int | None
    reply_count: int
    created_at: datetime
    last_activity_at: datetime
    deleted_at: datetime | None = None
    #: When flags hid the thread's opening post (``None``: not hidden); a hidden
    #: thread is seen only by its author and moderators (``docs/moderation.md``).
    hidden_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        """True once the thread was soft-deleted."""
        return self.deleted_at is not None

    @property
    def held(self) -> bool:
        """Always ``False``: a published record (see ``HeldSubmission.held``)."""
        return False

    @property
    def is_hidden(self) -> bool:
        """True while flags keep the thread's opening post hidden."""
        return self.hidden_at is not None


@attrs.frozen
class Post:
    """The opening post of a thread or a reply to it.

    ``community_wiki`` posts belong to the community: votes on them and their
    acceptance earn their author no reputation (the built-in reward rules).
    """

    id: int
    thread_id: int
    author_id: int
    body: str
    score: int
    is_opening: bool
    created_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: int | None = None
    community_wiki: bool = False
    #: When flags hid the post (``None``: not hidden); a hidden post is seen only
    #: by its author and moderators (``docs/moderation.md``, "Flags").
    hidden_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        """True once the post was soft-deleted."""
        return self.deleted_at is not None

    @property
    def held(self) -> bool:
        """Always ``False``: a published record (see ``HeldSubmission.held``)."""
        return False

    @property
    def is_hidden(self) -> bool:
        """True while flags keep the post hidden from other members."""
        return self.hidden_at is not None


@attrs.frozen
class Revision:
    """One edit of a post: who changed it, when, and what it said before."""

    id: int
    post_id: int
    editor_id: int
    edited_at: datetime
    previous_body: str
    previous_title: str | None


@attrs.frozen
class Comment:
    """A short remark under a post."""

    id: int
    post_id: int
    author_id: int
    body: str
    created_at: datetime


@attrs.frozen
class Vote:
    """A member's vote (+1 or -1) on a post; ``cast_at`` moves when it is changed."""

    id: int
    post_id: int
    member_id: int
    value: int
    cast_at: datetime


@attrs.frozen
class LedgerEntry:
    """One append-only reputation change as it was applied.

    ``delta`` is what was actually applied (after the daily cap and the floor),
    ``requested`` what the rule asked for. ``cause`` ties the entry to the thing
    that produced it (``thread:<id>:post:<id>:vote:<id>``,
    ``thread:<id>:post:<id>:accept``), ``undoes``
    to the entry a compensating entry reverses. ``cap_day`` is the UTC day whose
    daily cap the entry counts against (``None`` when exempt).
    """

    id: int
    member_id: int
    delta: int
    requested: int
    rule: str
    event: str
    cause: str
    at: datetime
    undoes: int | None = None
    cap_day: date | None = None
    space_id: int | None = None
    post_id: int | None = None


@attrs.frozen
class NewOutboxMessage:
    """An outbox message to write (:meth:`socialcrm.ports.OutboxRepository.add_many`).

    The fields of :class:`OutboxMessage` that the writer gives; the storage hands
    out the position (``id``).
    """

    event_id: str
    name: str
    payload: str
    occurred_at: datetime
    created_at: datetime


@attrs.frozen
class OutboxMessage:
    """A domain event written to the transactional outbox for other systems.

    ``id`` is the message's position: a number that grows with every message
    written (see :class:`socialcrm.ports.OutboxRepository` for exactly what its
    order promises). ``event_id`` is a UUID string given to the event when it was
    recorded, unique across the outbox: consumers de-duplicate on it, since the
    relay delivers at least once. ``payload`` is the event as JSON
    (:func:`socialcrm.domain.serialization.event_to_json`); :meth:`event` turns it
    back into the event. ``delivered_at`` is ``None`` until a relay published it.
    """

    id: int
    event_id: str
    name: str
    payload: str
    occurred_at: datetime
    created_at: datetime
    delivered_at: datetime | None = None

    @property
    def is_delivered(self) -> bool:
        """True once a relay published the message."""
        return self.delivered_at is not None

    def event(self) -> Event:
        """The domain event this message carries (an instance of one of ``EVENT_TYPES``)."""
        return event_from_json(self.payload)


@attrs.frozen
class ActivityTotals:
    """What a member did over a span of UTC days: the inputs of the trust levels.

    ``days_visited`` counts UTC days with a visit or a read; ``topics_entered``
    distinct threads read (first entered in the span); ``topics_replied_to``
    distinct threads the member replied to (last reply in the span); likes are
    upvotes given and received, net of retractions. ``flagged_posts`` counts the
    member's posts that a moderator agreed a flag on (flag raised in the span).
    """

    days_visited: int = 0
    topics_entered: int = 0
    posts_read: int = 0
    reading_seconds: int = 0
    likes_given: int = 0
    likes_received: int = 0
    topics_replied_to: int = 0
    flagged_posts: int = 0


@attrs.frozen
class MemberActivity:
    """A member's activity since joining (``all_time``) and since a given day (``recent``)."""

    member_id: int
    all_time: ActivityTotals
    recent: ActivityTotals


@attrs.frozen
class Sanction:
    """A moderator's sanction on a member: a silence, a suspension or a ban.

    It applies from ``imposed_at`` until ``ends_at`` (``None``: until lifted) unless
    it was lifted: ``lifted_at`` is when it stopped applying, ``lifted_by`` who
    lifted it early (``None`` when it simply expired and
    ``community.moderation.expire_sanctions()`` recorded that), ``lift_reason``
    why. An expired sanction no longer applies even before that job has run:
    use :meth:`applies_at`, never ``lifted_at is None``, to decide.
    """

    id: int
    member_id: int
    kind: str
    reason: str
    imposed_by: int
    imposed_at: datetime
    ends_at: datetime | None = None
    lifted_at: datetime | None = None
    lifted_by: int | None = None
    lift_reason: str | None = None

    def applies_at(self, moment: datetime) -> bool:
        """Whether the sanction is in force at ``moment`` (not lifted, not yet ended)."""
        if self.lifted_at is not None and self.lifted_at <= moment:
            return False
        if moment < self.imposed_at:
            return False
        return self.ends_at is None or moment < self.ends_at

    @property
    def is_lifted(self) -> bool:
        """True once the sanction was lifted early or its expiry was recorded."""
        return self.lifted_at is not None

    @property
    def expired(self) -> bool:
        """True when it ended at ``ends_at`` by itself rather than lifted by a moderator."""
        return self.lifted_at is not None and self.lifted_by is None


def _frozen_json(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of a JSON object (``None``: empty); ``TypeError`` if not JSON-able."""
    if value is None:
        return MappingProxyType({})
    if isinstance(value, MappingProxyType):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping of JSON values, got {type(value).__name__}")
    copied = json.loads(json.dumps(dict(value), allow_nan=False))
    return MappingProxyType(copied)


@attrs.frozen
class Flag:
    """A member's report of a post (``post_id`` set) or of a member (``post_id`` ``None``).

    ``member_id`` is the member reported: the post's author, or the flagged
    member. ``weight`` is the flag's score, fixed when it was raised (see
    ``docs/moderation.md``, "Flags"); ``space_id`` and ``thread_id`` are the
    post's at that time (``None`` for member flags). ``status`` is one of
    :data:`FLAG_STATUSES`; ``decided_by``/``decided_at`` say who closed it, when.
    """

    id: int
    flagger_id: int
    member_id: int
    post_id: int | None
    thread_id: int | None
    space_id: int | None
    reason: str
    text: str
    weight: int
    created_at: datetime
    status: str = "open"
    decided_by: int | None = None
    decided_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until a moderator decided on the flag."""
        return self.status == "open"


@attrs.frozen
class FlagAccuracy:
    """How many of a member's flags moderators agreed and disagreed with."""

    agreed: int = 0
    disagreed: int = 0


@attrs.frozen
class AuditEntry:
    """One line of the append-only moderation audit log.

    ``actor_id`` is the moderator, staff member or admin who acted (``None`` for a
    host job, such as recording expired sanctions). ``action`` says what they did
    (``sanction_imposed``, ``role_granted``, ``post_deleted``...); ``member_id``,
    ``post_id`` and ``thread_id`` name what it was done to, where that applies.
    ``before`` and ``after`` are small read-only JSON objects describing the state
    the action changed. ``space_id`` is the space the action concerns (``None``:
    none, e.g. a sanction); reads leave out entries of spaces the reader cannot see.
    """

    id: int
    at: datetime
    actor_id: int | None
    action: str
    reason: str = ""
    member_id: int | None = None
    post_id: int | None = None
    thread_id: int | None = None
    before: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_json, hash=False)
    after: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_json, hash=False)
    space_id: int | None = None


#: Kinds of review-queue items: ``held`` (a submission waiting for approval, not
#: published) and ``flag`` (a published post a content rule flagged). Member flags
#: are meant to become a third kind.
REVIEW_KINDS = ("held", "flag")

#: Review item statuses; ``pending`` items are in the queue, the others are decided.
REVIEW_STATUSES = ("pending", "approved", "rejected", "dismissed")


@attrs.frozen(kw_only=True)
class ReviewItem:
    """An item of the review queue.

    A ``held`` item is a submission that is not a post yet: a new thread
    (``thread_id`` ``None``; ``title``, ``thread_kind`` and ``tags`` given) or a
    reply to ``thread_id``. It becomes a post when a moderator approves it
    (``post_id`` then names the post). A ``flag`` item names the published
    ``post_id`` a rule flagged. ``reason`` is the name of the rule that asked for
    the review (``watched_words``, ``premoderation``...); ``reasons`` are the rules'
    messages and ``rules`` every rule that asked.
    """

    id: int
    kind: str
    status: str
    reason: str
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    author_id: int
    space_id: int
    thread_id: int | None
    post_id: int | None
    thread_kind: str | None
    title: str | None
    body: str
    tags: tuple[str, ...]
    community_wiki: bool
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = None
    note: str = ""

    @property
    def is_pending(self) -> bool:
        """Whether the item still waits for a decision."""
        return self.status == "pending"


@attrs.frozen
class LeaderboardRow:
    """A leaderboard line: ``score`` is total reputation or the period's gain."""

    rank: int
    member_id: int
    display_name: str
    score: int


@attrs.frozen
class ReputationChange:
    """What a reward rule asks for: give ``delta`` to ``member_id``.

    ``capped`` changes count against the member's daily reputation cap.
    """

    member_id: int
    delta: int
    rule: str
    capped: bool = False


__all__ = [
    "ROLES",
    "PLACEHOLDER_ROLE",
    "CHAMPION_ROLE",
    "MODERATING_ROLES",
    "VISIBILITIES",
    "POSTING_POLICIES",
    "THREAD_KINDS",
    "THREAD_STATUSES",
    "SANCTION_KINDS",
    "REVIEW_KINDS",
    "REVIEW_STATUSES",
    "ReviewItem",
    "FLAG_REASONS",
    "FLAG_STATUSES",
    "Profile",
    "Member",
    "Space",
    "Thread",
    "Post",
    "Revision",
    "Comment",
    "Vote",
    "LedgerEntry",
    "NewOutboxMessage",
    "OutboxMessage",
    "ActivityTotals",
    "MemberActivity",
    "Sanction",
    "Flag",
    "FlagAccuracy",
    "AuditEntry",
    "LeaderboardRow",
    "ReputationChange",
]

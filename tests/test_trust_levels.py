"""Trust levels: promotion from recorded activity, the TL3 window, locks, grants, the review."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import (
    ActivityTotals,
    Community,
    ManualClock,
    NotFound,
    PermissionDenied,
    Profile,
    Settings,
    ValidationError,
    signals,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.members.records import NewMember
from socialcrm.capabilities.reputation.records import NewLedgerEntry
from socialcrm.capabilities.trust.events import TrustLevelChanged
from socialcrm.capabilities.trust.policy import in_tl3_grace, keeps_tl3, supported_level
from socialcrm.capabilities.trust.records import DayCounts
from socialcrm.core.serialization import event_from_json
from socialcrm.settings import TrustSettings

DAY = timedelta(days=1)


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """These tests run on memory and SQLite; ``test_servers_*`` covers the other two."""
    return str(request.param)


class Forum:
    """An admin, a moderator, a public space with ``topics`` threads, and helpers."""

    def __init__(self, community: Community, clock: ManualClock, topics: int = 25) -> None:
        self.c = community
        self.clock = clock
        self.admin = community.members.join(
            external_id="admin", display_name="Ada Admin", roles=["admin"]
        ).id
        self.mod = community.members.join(
            external_id="mod", display_name="Mo Moderator", roles=["moderator"]
        ).id
        community.spaces.create(actor=self.admin, slug="billing", name="Billing")
        self.threads = self.start_threads(topics)

    def start_threads(self, count: int) -> list[Any]:
        return [
            self.c.threads.start(
                actor=self.admin,
                space="billing",
                kind="question",
                title=f"Question number {n}",
                # Distinct bodies: the duplicate-post rule refuses the same body twice.
                body=f"Where are my invoices? ({n})",
            )
            for n in (next(_serial) for _ in range(count))
        ]

    def member(self, name: str, reputation: int = 20) -> int:
        """A member with enough reputation to upvote (through a seed ledger entry)."""
        member = self.c.members.join(external_id=f"ext-{name}", display_name=name.title())
        delta = reputation - self.c.settings.reputation_start
        with self.c.storage.unit_of_work() as uow:
            uow.members.add_reputation(member.id, delta)
            uow.ledger.append(
                NewLedgerEntry(
                    member_id=member.id,
                    delta=delta,
                    requested=delta,
                    rule="seed",
                    event="seed",
                    cause=f"seed:{member.id}",
                    at=self.clock.now(),
                )
            )
            uow.commit()
        return member.id

    def read(self, member: int, threads: list[Any], posts: int, seconds: int) -> None:
        """Read each thread once, spreading ``posts`` and ``seconds`` over the reads."""
        count = len(threads)
        for index, thread in enumerate(threads):
            self.c.members.record_read(
                member,
                thread=thread.id,
                posts_read=posts // count + (posts % count if index == 0 else 0),
                seconds=seconds // count + (seconds % count if index == 0 else 0),
            )

    def visit_past_days(self, member: int, days: int) -> None:
        """Visits on the ``days`` UTC days before today."""
        now = self.clock.now()
        for back in range(1, days + 1):
            self.c.members.record_visit(member, at=now - back * DAY)

    def level(self, member: int) -> int:
        return self.c.members.get(member).trust_level


_serial = itertools.count(1)


@pytest.fixture
def forum_of(make_community: Callable[..., Community], clock: ManualClock) -> Callable[..., Forum]:
    def make(trust: TrustSettings | None = None, topics: int = 25, **kwargs: Any) -> Forum:
        if trust is not None:
            kwargs["settings"] = attrs.evolve(Settings(), trust=trust)
        return Forum(make_community(**kwargs), clock, topics)

    return make


@pytest.fixture
def forum(forum_of: Callable[..., Forum]) -> Forum:
    return forum_of()


@pytest.fixture
def changes() -> Iterator[list[TrustLevelChanged]]:
    """Every ``trust_level_changed`` signal sent during the test."""
    seen: list[TrustLevelChanged] = []

    def receiver(sender: object, event: TrustLevelChanged) -> None:
        seen.append(event)

    signals.trust_level_changed.connect(receiver)
    yield seen
    signals.trust_level_changed.disconnect(receiver)


# ---------------------------------------------------------------- TL1 and TL2

TL1_REQUIREMENTS = ["topics_entered", "posts_read", "reading_seconds"]


def reach_tl1(f: Forum, member: int, short: str | None = None) -> None:
    s = f.c.settings.trust
    need = {
        "topics_entered": s.tl1_topics_entered,
        "posts_read": s.tl1_posts_read,
        "reading_seconds": s.tl1_reading_seconds,
    }
    if short is not None:
        need[short] -= 1
    f.read(member, f.threads[: need["topics_entered"]], need["posts_read"], need["reading_seconds"])


def test_a_new_member_is_at_trust_level_zero(forum: Forum) -> None:
    member = forum.c.members.get(forum.member("alice"))
    assert (member.trust_level, member.trust_level_locked) == (0, False)


def test_reaching_every_tl1_requirement_exactly_promotes_to_tl1(
    forum: Forum, changes: list[TrustLevelChanged]
) -> None:
    alice = forum.member("alice")
    reach_tl1(forum, alice)
    assert forum.level(alice) == 1
    assert [(e.member_id, e.previous_level, e.level, e.reason) for e in changes] == [
        (alice, 0, 1, "promoted")
    ]


@pytest.mark.parametrize("short", TL1_REQUIREMENTS)
def test_one_short_of_any_tl1_requirement_is_not_promoted(forum: Forum, short: str) -> None:
    alice = forum.member("alice")
    reach_tl1(forum, alice, short=short)
    assert forum.level(alice) == 0
    assert forum.c.trust.review().changes == ()
    assert forum.level(alice) == 0


TL2_REQUIREMENTS = [
    "topics_entered",
    "posts_read",
    "reading_seconds",
    "days_visited",
    "likes_given",
    "likes_received",
    "topics_replied_to",
]


def reach_tl2(f: Forum, member: int, short: str | None = None) -> None:
    s = f.c.settings.trust
    need = {name: getattr(s, f"tl2_{name}") for name in TL2_REQUIREMENTS}
    if short is not None:
        need[short] -= 1
    f.visit_past_days(member, need["days_visited"] - 1)  # today's reads are the last visit
    f.read(member, f.threads[: need["topics_entered"]], need["posts_read"], need["reading_seconds"])
    replies = [
        f.c.posts.reply(
            actor=member, thread=thread.id, body=f"Account, then Billing. ({thread.id})"
        )
        for thread in f.threads[: need["topics_replied_to"]]
    ]
    if not replies:
        replies = [f.c.posts.reply(actor=member, thread=f.threads[0].id, body="Same here.")]
    for thread in f.threads[: need["likes_given"]]:
        f.c.votes.cast(actor=member, post=thread.opening_post_id, value=1)
    voters = [f.admin, f.mod]
    for reply, voter in list(itertools.product(replies, voters))[: need["likes_received"]]:
        f.c.votes.cast(actor=voter, post=reply.id, value=1)


def test_reaching_every_tl2_requirement_exactly_promotes_to_tl2(
    forum: Forum, changes: list[TrustLevelChanged]
) -> None:
    alice = forum.member("alice")
    reach_tl2(forum, alice)
    assert forum.level(alice) == 2
    assert [(e.previous_level, e.level) for e in changes] == [(0, 1), (1, 2)]
    activity = forum.c.trust.activity(alice).all_time
    assert (activity.days_visited, activity.topics_replied_to) == (15, 3)
    assert (activity.likes_given, activity.likes_received) == (1, 1)


@pytest.mark.parametrize("short", TL2_REQUIREMENTS)
def test_one_short_of_any_tl2_requirement_stays_at_tl1(forum: Forum, short: str) -> None:
    alice = forum.member("alice")
    reach_tl2(forum, alice, short=short)
    assert forum.level(alice) == 1
    forum.c.trust.review()
    assert forum.level(alice) == 1


def test_the_review_catches_up_promotions_after_a_settings_change(forum: Forum) -> None:
    alice, bob = forum.member("alice"), forum.member("bob")
    reach_tl2(forum, alice, short="reading_seconds")
    assert forum.level(alice) == 1
    lowered = forum.c.settings.with_trust(tl2_reading_seconds=3599)
    other = Community(forum.c.storage, clock=forum.clock, settings=lowered, entry_points=False)
    review = other.trust.review()
    assert [(e.member_id, e.previous_level, e.level) for e in review.changes] == [(alice, 1, 2)]
    assert forum.level(bob) == 0


def test_likes_taken_back_or_turned_into_downvotes_no_longer_count(forum: Forum) -> None:
    alice, bob = forum.member("alice", 200), forum.member("bob")
    reply = forum.c.posts.reply(actor=bob, thread=forum.threads[0].id, body="Try this.")

    def likes() -> tuple[int, int]:
        given = forum.c.trust.activity(alice).all_time.likes_given
        return given, forum.c.trust.activity(bob).all_time.likes_received

    forum.c.votes.cast(actor=alice, post=reply.id, value=1)
    assert likes() == (1, 1)
    forum.c.votes.cast(actor=alice, post=reply.id, value=-1)
    assert likes() == (0, 0)
    forum.c.votes.cast(actor=alice, post=reply.id, value=1)
    assert likes() == (1, 1)
    forum.c.votes.retract(actor=alice, post=reply.id)
    assert likes() == (0, 0)
    forum.c.votes.cast(actor=alice, post=reply.id, value=-1)
    assert likes() == (0, 0)


def test_replies_count_once_per_thread_and_opening_posts_not_at_all(forum: Forum) -> None:
    alice = forum.member("alice")
    forum.c.threads.start(
        actor=alice, space="billing", kind="question", title="My own question", body="Help"
    )
    for n in range(3):
        forum.c.posts.reply(actor=alice, thread=forum.threads[0].id, body=f"More detail {n}.")
    forum.c.posts.reply(actor=alice, thread=forum.threads[1].id, body="Also here.")
    assert forum.c.trust.activity(alice).all_time.topics_replied_to == 2


def test_reads_by_post_ids_count_only_live_posts_of_the_thread(forum: Forum) -> None:
    alice, bob = forum.member("alice"), forum.member("bob")
    first, second = forum.threads[0], forum.threads[1]
    reply = forum.c.posts.reply(actor=bob, thread=first.id, body="One.")
    gone = forum.c.posts.reply(actor=bob, thread=first.id, body="Two.")
    forum.c.posts.delete(actor=bob, post=gone.id)
    forum.c.members.record_read(
        alice,
        thread=first.id,
        posts_read=[first.opening_post_id, reply.id, reply.id, gone.id, second.opening_post_id],
        seconds=30,
    )
    totals = forum.c.trust.activity(alice).all_time
    assert (totals.posts_read, totals.reading_seconds, totals.topics_entered) == (2, 30, 1)


def test_a_topic_is_entered_once_and_a_day_visited_once(forum: Forum) -> None:
    alice = forum.member("alice")
    for _ in range(3):
        forum.c.members.record_read(alice, thread=forum.threads[0].id, posts_read=1)
        forum.c.members.record_visit(alice)
    totals = forum.c.trust.activity(alice).all_time
    assert (totals.topics_entered, totals.days_visited, totals.posts_read) == (1, 1, 3)


# ---------------------------------------------------------------- TL3 over the window

TL3_REQUIREMENTS = [
    "days_visited",
    "topics_replied_to",
    "topics_entered",
    "posts_read",
    "likes_given",
    "likes_received",
]


def reach_tl3(f: Forum, member: int, short: str | None = None) -> None:
    """TL2 long ago, then 50 days of activity in a fresh window (Discourse defaults)."""
    reach_tl2(f, member)
    assert f.level(member) == 2
    f.clock.advance(days=150)  # everything so far falls out of the 100-day window
    new = f.start_threads(40)  # 40 topics in the window: 10 to enter
    need = {
        "days_visited": 50,
        "topics_replied_to": 10,
        "topics_entered": 10,
        "posts_read": 13,  # 25% of 40 openings + 10 replies, rounded half up
        "likes_given": 30,
        "likes_received": 20,
    }
    if short == "topics_replied_to":
        need["posts_read"] = 12  # one reply fewer: 49 posts in the window
    if short is not None:
        need[short] -= 1
    f.read(member, new[: need["topics_entered"]], need["posts_read"], 600)
    replies = [
        f.c.posts.reply(actor=member, thread=thread.id, body=f"Here is how. ({thread.id})")
        for thread in new[: need["topics_replied_to"]]
    ]
    for thread in new[10 : 10 + need["likes_given"]]:
        f.c.votes.cast(actor=member, post=thread.opening_post_id, value=1)
    voters = [f.admin, f.mod, f.member(f"voter-{member}")]
    for reply, voter in list(itertools.product(replies, voters))[: need["likes_received"]]:
        f.c.votes.cast(actor=voter, post=reply.id, value=1)
    for day in range(need["days_visited"]):
        if day:
            f.clock.advance(days=1)
        f.c.members.record_visit(member)


def test_tl3_is_reached_over_the_window_by_the_review_and_lost_when_it_lapses(
    forum: Forum, changes: list[TrustLevelChanged]
) -> None:
    alice = forum.member("alice")
    reach_tl3(forum, alice)
    assert forum.level(alice) == 2  # commands never promote past TL2
    activity = forum.c.trust.activity(alice)
    assert (activity.topics_created_in_window, activity.posts_created_in_window) == (40, 50)
    review = forum.c.trust.review()
    assert review.promoted == (alice,)
    assert forum.level(alice) == 3
    promoted_at = forum.clock.now()
    assert forum.c.members.get(alice).trust_level_changed_at == promoted_at
    # The window moves on with no activity: demoted at the first review after it lapsed.
    forum.clock.advance(days=100)
    assert forum.c.trust.review().demoted == (alice,)
    assert forum.level(alice) == 2
    assert [(e.level, e.reason) for e in changes][-2:] == [(3, "promoted"), (2, "demoted")]


@pytest.mark.parametrize("short", TL3_REQUIREMENTS)
def test_one_short_of_any_tl3_requirement_stays_at_tl2(forum: Forum, short: str) -> None:
    alice = forum.member("alice")
    reach_tl3(forum, alice, short=short)
    assert forum.c.trust.review().changes == ()
    assert forum.level(alice) == 2


def test_private_spaces_do_not_raise_the_tl3_bar(forum: Forum) -> None:
    forum.c.spaces.create(actor=forum.admin, slug="staff", name="Staff", visibility="private")
    for index in range(8):
        forum.c.threads.start(
            actor=forum.admin,
            space="staff",
            kind="discussion",
            title=f"Staff note number {index}",
            body="Internal.",
        )
    activity = forum.c.trust.activity(forum.member("alice"))
    assert activity.topics_created_in_window == 25
    assert activity.posts_created_in_window == 25


# ---------------------------------------------------------------- TL3 demotion


def _days_only(**changes: int) -> TrustSettings:
    """TL1/TL2 free, TL3 needing only days visited in a 20-day window."""
    free = {f.name: 0 for f in attrs.fields(TrustSettings) if f.name.startswith(("tl1_", "tl2_"))}
    tl3_free = {
        "tl3_topics_replied_to": 0,
        "tl3_topics_entered_percent": 0,
        "tl3_posts_read_percent": 0,
        "tl3_likes_given": 0,
        "tl3_likes_received": 0,
    }
    defaults = {"tl3_days_visited": 10, "tl3_window_days": 20, "tl3_grace_days": 0}
    return TrustSettings(**{**free, **tl3_free, **defaults, **changes})


def _visit_days(f: Forum, member: int, days: int) -> None:
    for day in range(days):
        if day:
            f.clock.advance(days=1)
        f.c.members.record_visit(member)


def test_tl3_is_lost_only_below_ninety_percent_of_a_requirement(
    forum_of: Callable[..., Forum],
) -> None:
    f = forum_of(trust=_days_only())
    alice = f.member("alice")
    _visit_days(f, alice, 10)  # days 0-9
    assert alice in f.c.trust.review().promoted  # with the idle admin and moderator, to TL2
    assert f.level(alice) == 3
    f.clock.advance(days=11)  # day 20: the window is days 1-20, alice has 9 of 10
    assert f.c.trust.activity(alice).window.days_visited == 9
    assert f.c.trust.review().changes == ()
    assert f.level(alice) == 3  # 9 >= 90% of 10: kept
    f.clock.advance(days=1)  # day 21: 8 of 10
    review = f.c.trust.review()
    assert review.demoted == (alice,)
    assert f.level(alice) == 2


def test_nine_days_of_ten_are_not_enough_to_be_promoted(forum_of: Callable[..., Forum]) -> None:
    f = forum_of(trust=_days_only())
    alice = f.member("alice")
    _visit_days(f, alice, 9)
    f.c.trust.review()
    assert f.level(alice) == 2


def test_tl3_is_kept_during_the_grace_period_after_promotion(
    forum_of: Callable[..., Forum],
) -> None:
    f = forum_of(trust=_days_only(tl3_grace_days=14))
    alice = f.member("alice")
    _visit_days(f, alice, 10)  # days 0-9
    f.c.trust.review()
    promoted_at = f.clock.now()
    assert f.level(alice) == 3
    f.clock.set(promoted_at + 13 * DAY)  # day 22: 7 of 10, but within the 14-day grace
    assert f.c.trust.review().changes == ()
    assert f.level(alice) == 3
    f.clock.set(promoted_at + 14 * DAY)
    assert f.c.trust.review().demoted == (alice,)


# ---------------------------------------------------------------- locks and grants


def test_locked_members_are_neither_promoted_nor_demoted(
    forum_of: Callable[..., Forum], changes: list[TrustLevelChanged]
) -> None:
    f = forum_of(trust=_days_only())
    alice, bob = f.member("alice"), f.member("bob")
    f.c.trust.lock(actor=f.admin, member=alice)
    f.c.trust.grant(actor=f.admin, member=bob, level=3, lock=True)
    _visit_days(f, alice, 10)
    assert f.level(alice) == 0
    f.c.trust.review()
    f.clock.advance(days=60)
    assert f.c.trust.review().changes == ()
    assert (f.level(alice), f.level(bob)) == (0, 3)
    f.c.trust.unlock(actor=f.admin, member=bob)
    assert f.c.trust.review().demoted == (bob,)
    assert [(e.member_id, e.reason, e.locked) for e in changes if e.member_id in (alice, bob)] == [
        (alice, "locked", True),
        (bob, "granted", True),
        (bob, "unlocked", False),
        (bob, "demoted", False),
    ]


def test_tl4_is_given_by_staff_only_and_never_automatically(
    forum: Forum, changes: list[TrustLevelChanged]
) -> None:
    alice, staff = (
        forum.member("alice"),
        forum.c.members.join(external_id="staffer", display_name="Sam Staff", roles=["staff"]),
    )
    for actor in (alice, forum.mod):
        with pytest.raises(PermissionDenied) as info:
            forum.c.trust.grant(actor=actor, member=alice, level=4)
        assert info.value.code == "role_required"
    assert forum.level(alice) == 0 and changes == []
    granted = forum.c.trust.grant(actor=staff.id, member=alice, level=4)
    assert (granted.trust_level, granted.trust_level_locked) == (4, False)
    assert forum.c.members.get(alice) == granted
    forum.clock.advance(days=400)
    assert forum.c.trust.review().changes == ()  # TL4 is never reviewed
    assert forum.level(alice) == 4
    assert [(e.actor_id, e.previous_level, e.level, e.reason) for e in changes] == [
        (staff.id, 0, 4, "granted")
    ]
    # Granting what is already set changes nothing and sends nothing.
    forum.c.trust.grant(actor=staff.id, member=alice, level=4)
    assert len(changes) == 1


def test_no_automatic_path_reaches_tl4(forum_of: Callable[..., Forum]) -> None:
    f = forum_of(trust=_days_only(tl3_days_visited=1))
    alice = f.member("alice")
    levels = set()
    for _ in range(30):
        f.c.members.record_visit(alice)
        f.c.trust.review()
        levels.add(f.level(alice))
        f.clock.advance(days=1)
    assert levels == {3}


def test_grants_refuse_bad_levels_and_unknown_members(forum: Forum) -> None:
    alice = forum.member("alice")
    for level in (-1, 5, True, "3", 2.0):
        with pytest.raises(ValidationError):
            forum.c.trust.grant(actor=forum.admin, member=alice, level=level)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        forum.c.trust.grant(actor=forum.admin, member=alice, level=1, lock="yes")  # type: ignore[arg-type]
    with pytest.raises(NotFound) as info:
        forum.c.trust.grant(actor=forum.admin, member=987654, level=1)
    assert info.value.code == "member_not_found"
    with pytest.raises(PermissionDenied) as denied:
        forum.c.trust.lock(actor=987654, member=alice)
    assert denied.value.code == "unknown_actor"
    assert forum.c.members.get(alice).trust_level == 0


# ---------------------------------------------------------------- the review job


def test_the_review_twice_changes_nothing_the_second_time(
    forum_of: Callable[..., Forum], changes: list[TrustLevelChanged]
) -> None:
    f = forum_of(trust=_days_only(review_batch_size=2))
    members = [f.member(f"m{index}") for index in range(5)]
    for member in members:
        f.c.members.record_visit(member)
    for member in members[:3]:
        f.visit_past_days(member, 9)
    first = f.c.trust.review()
    # TL1 and TL2 are free here: everyone reaches TL2, three members TL3, in one step each.
    assert set(first.promoted) == {*members, f.admin, f.mod}
    assert first.checked == 7
    assert len(changes) == 7
    assert [f.level(m) for m in members] == [3, 3, 3, 2, 2]
    second = f.c.trust.review()
    assert second.changes == () and second.checked == 7
    assert len(changes) == 7


def test_the_review_refuses_naive_times(forum: Forum) -> None:
    with pytest.raises(ValidationError):
        forum.c.trust.review(now=datetime(2026, 1, 5, 9, 0))


def test_each_change_is_signalled_once_and_written_to_the_outbox(
    forum: Forum, changes: list[TrustLevelChanged]
) -> None:
    alice = forum.member("alice")
    reach_tl1(forum, alice)
    reach_tl1(forum, alice)  # more activity at TL1 changes nothing
    assert [(e.member_id, e.level) for e in changes] == [(alice, 1)]
    messages = [m for m in forum.c.outbox.pending(limit=1000) if m.name == "trust_level_changed"]
    assert [m.event() for m in messages] == changes
    assert event_from_json(messages[0].payload) == changes[0]
    assert changes[0].actor_id == alice and changes[0].locked is False


# ---------------------------------------------------------------- visibility and bad input


def test_reads_of_threads_a_member_cannot_see_are_refused_and_not_recorded(forum: Forum) -> None:
    forum.c.spaces.create(actor=forum.admin, slug="vip", name="VIP", visibility="private")
    secret = forum.c.threads.start(
        actor=forum.admin, space="vip", kind="discussion", title="Roadmap for VIPs", body="Soon."
    )
    alice = forum.member("alice")
    with pytest.raises(NotFound) as info:
        forum.c.members.record_read(alice, thread=secret.id, posts_read=1, seconds=10)
    assert info.value.code == "thread_not_found"
    assert forum.c.trust.activity(alice).all_time == ActivityTotals()
    forum.c.spaces.add_member(actor=forum.admin, space="vip", member=alice)
    forum.c.members.record_read(alice, thread=secret.id, posts_read=1, seconds=10)
    assert forum.c.trust.activity(alice).all_time.topics_entered == 1
    forum.c.members.record_read(forum.admin, thread=secret.id, posts_read=1)


def test_reads_of_deleted_threads_are_refused(forum: Forum) -> None:
    alice = forum.member("alice")
    thread = forum.threads[0]
    forum.c.posts.delete(actor=forum.admin, post=thread.opening_post_id)
    with pytest.raises(NotFound):
        forum.c.members.record_read(alice, thread=thread.id, posts_read=1)


@pytest.mark.parametrize(
    "arguments",
    [
        {"posts_read": -1},
        {"posts_read": 1001},
        {"posts_read": True},
        {"posts_read": "12"},
        {"posts_read": [1, "2"]},
        {"posts_read": [0]},
        {"posts_read": list(range(1, 1002))},
        {"posts_read": 1, "seconds": -5},
        {"posts_read": 1, "seconds": 3601},
        {"posts_read": 1, "seconds": 1.5},
        {"posts_read": 1, "at": datetime(2026, 1, 5, 8, 0)},
        {"posts_read": 1, "at": "2026-01-05"},
        {"posts_read": 1, "at": "future"},
    ],
    ids=lambda a: ",".join(f"{k}={str(v)[:12]}" for k, v in a.items()),
)
def test_bad_reads_are_refused_and_change_nothing(forum: Forum, arguments: dict[str, Any]) -> None:
    alice = forum.member("alice")
    if arguments.get("at") == "future":
        arguments["at"] = forum.clock.now() + timedelta(seconds=1)
    with pytest.raises(ValidationError):
        forum.c.members.record_read(alice, thread=forum.threads[0].id, **arguments)
    assert forum.c.trust.activity(alice).all_time.days_visited == 0


def test_bad_visits_are_refused(forum: Forum) -> None:
    alice = forum.member("alice")
    for at in (datetime(2026, 1, 5), forum.clock.now() + DAY, 12):
        with pytest.raises(ValidationError):
            forum.c.members.record_visit(alice, at=at)  # type: ignore[arg-type]
    with pytest.raises(NotFound) as info:
        forum.c.members.record_visit(987654)
    assert info.value.code == "member_not_found"
    with pytest.raises(NotFound):
        forum.c.members.record_read(987654, thread=forum.threads[0].id, posts_read=1)
    with pytest.raises(ValidationError):
        forum.c.members.record_visit("alice")  # type: ignore[arg-type]
    assert forum.c.trust.activity(alice).all_time.days_visited == 0


def test_visits_count_on_their_utc_day(forum: Forum) -> None:
    alice = forum.member("alice")
    paris = timezone(timedelta(hours=1))
    late = forum.clock.now().replace(hour=0, minute=30).astimezone(paris) - timedelta(hours=1)
    assert late.date() == forum.clock.now().date()  # 00:30 in Paris is 23:30 UTC yesterday
    forum.c.members.record_visit(alice, at=late)
    forum.c.members.record_visit(alice)
    assert forum.c.trust.activity(alice).all_time.days_visited == 2


def test_trust_levels_can_be_turned_off(forum_of: Callable[..., Forum]) -> None:
    f = forum_of(trust=TrustSettings(enabled=False))
    alice = f.member("alice")
    reach_tl2(f, alice)
    assert f.level(alice) == 0
    assert f.c.trust.activity(alice).all_time.days_visited == 0
    assert f.c.trust.review().changes == ()
    assert f.c.trust.grant(actor=f.admin, member=alice, level=2).trust_level == 2


# ---------------------------------------------------------------- invariants


@st.composite
def _actions(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    kinds = st.sampled_from(["visit", "read", "reply", "like", "review", "advance"])
    return draw(
        st.lists(
            st.tuples(kinds, st.integers(0, 5), st.integers(0, 40), st.integers(0, 900)),
            max_size=40,
        )
    )


_SMALL = TrustSettings(
    tl1_topics_entered=2,
    tl1_posts_read=5,
    tl1_reading_seconds=60,
    tl2_topics_entered=3,
    tl2_posts_read=10,
    tl2_reading_seconds=120,
    tl2_days_visited=3,
    tl2_likes_given=1,
    tl2_likes_received=1,
    tl2_topics_replied_to=2,
    tl3_window_days=10,
    tl3_days_visited=4,
    tl3_topics_replied_to=2,
    tl3_likes_given=2,
    tl3_likes_received=2,
    tl3_grace_days=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=_actions())
def test_the_level_never_exceeds_what_the_recorded_activity_supports(
    actions: list[tuple[Any, ...]],
) -> None:
    clock = ManualClock()
    community = Community(
        MemoryStorage(),
        clock=clock,
        entry_points=False,
        settings=attrs.evolve(Settings(), trust=_SMALL).with_rate_limits(enabled=False),
    )
    f = Forum(community, clock, topics=6)
    alice, bob = f.member("alice"), f.member("bob")
    replies = [
        community.posts.reply(actor=bob, thread=t.id, body=f"Hi. ({t.id})") for t in f.threads
    ]
    for kind, which, posts, seconds in actions:
        if kind == "visit":
            community.members.record_visit(alice)
        elif kind == "read":
            community.members.record_read(
                alice, thread=f.threads[which].id, posts_read=posts, seconds=seconds
            )
        elif kind == "reply":
            mine = community.posts.reply(
                actor=alice, thread=f.threads[which].id, body=f"Ok. ({next(_serial)})"
            )
            community.votes.cast(actor=bob, post=mine.id, value=1)
        elif kind == "like":
            community.votes.cast(actor=alice, post=replies[which].id, value=1)
        elif kind == "advance":
            clock.advance(days=which + 1)
        member = community.members.get(alice)
        activity = community.trust.activity(alice)
        supported = supported_level(activity, _SMALL)
        if kind == "review":
            community.trust.review()
            member = community.members.get(alice)
            # After a review the level is exactly what the rules allow.
            if member.trust_level == 3:
                assert keeps_tl3(activity, _SMALL) or in_tl3_grace(member, clock.now(), _SMALL)
            else:
                assert member.trust_level == supported
        if member.trust_level < 3:
            assert member.trust_level <= supported
    community.close()


# ---------------------------------------------------------------- PostgreSQL and MariaDB


@pytest.mark.parametrize("kind", ["postgres", "mariadb"])
def test_servers_promote_from_commands_and_the_review(
    kind: str, tmp_path: Any, clock: ManualClock
) -> None:
    from conftest import make_storage

    community = Community(
        make_storage(kind, tmp_path),
        clock=clock,
        entry_points=False,
        settings=attrs.evolve(Settings(), trust=_days_only()).with_rate_limits(enabled=False),
    )
    try:
        f = Forum(community, clock, topics=2)
        alice = f.member("alice")
        read = [f.threads[0].opening_post_id, f.threads[1].opening_post_id]
        promoted = community.members.record_read(
            alice, thread=f.threads[0].id, posts_read=read, seconds=5
        )
        assert promoted.trust_level == 2
        _visit_days(f, alice, 10)
        assert alice in community.trust.review().promoted
        assert community.members.get(alice).trust_level == 3
        assert community.trust.review().changes == ()
        totals = community.trust.activity(alice).all_time
        assert (totals.days_visited, totals.topics_entered, totals.posts_read) == (10, 1, 1)
    finally:
        community.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgres", "mariadb"])
def test_concurrent_units_lose_no_activity_count(kind: str, tmp_path: Any) -> None:
    import threading

    from conftest import make_storage

    storage = make_storage(kind, tmp_path)
    try:
        with storage.unit_of_work() as uow:
            member = uow.members.add(
                NewMember(
                    external_id="busy",
                    display_name="Busy",
                    profile=Profile(),
                    roles=frozenset({"member"}),
                    reputation=1,
                    joined_at=datetime(2026, 1, 5, tzinfo=timezone.utc),
                )
            )
            uow.commit()
        day = datetime(2026, 1, 5, tzinfo=timezone.utc).date()
        start = threading.Barrier(4, timeout=60)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                for _ in range(15):
                    with storage.unit_of_work() as uow:
                        uow.activity.add_day(member.id, day, DayCounts(likes_given=1, posts_read=2))
                        uow.activity.mark_visited(member.id, day)
                        uow.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        workers = [threading.Thread(target=work) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert errors == []
        with storage.unit_of_work(read_only=True) as uow:
            totals = uow.activity.activity(member.id, since=day).all_time
        assert (totals.likes_given, totals.posts_read, totals.days_visited) == (60, 120, 1)
    finally:
        storage.close()

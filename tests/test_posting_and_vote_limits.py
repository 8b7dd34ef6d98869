"""Rate limits and new-user count limits on posting and voting (docs/moderation.md)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from socialcrm import (
    Community,
    ManualClock,
    PermissionDenied,
    RateLimited,
    RateLimitSettings,
    Settings,
    ValidationError,
    hookimpl,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.ratelimits.records import LimitBreach
from socialcrm.capabilities.threads.events import ReplyPosted
from socialcrm.capabilities.votes.events import VoteCast
from socialcrm.plugins.stackexchange import stackexchange_settings


@pytest.fixture
def limited(make_community: Any, world_of: Any) -> Any:
    """A world whose community applies the default rate limits."""
    return world_of(make_community(rate_limits=True))


def _moderated_thread(world: Any, replies: int = 0) -> tuple[Any, list[int]]:
    """A thread and ``replies`` replies by the moderator, who is exempt from the limits."""
    thread = world.question(world.mod.id)
    posts = [thread.opening_post_id]
    for n in range(replies):
        posts.append(world.c.posts.reply(actor=world.mod.id, thread=thread.id, body=f"r{n}").id)
    return thread, posts


def _posts_by(c: Community, member: int) -> int:
    with c.storage.unit_of_work(read_only=True) as uow:
        openings, replies = uow.posts.count_authored_since(
            member, datetime(2000, 1, 1, tzinfo=timezone.utc)
        )
    return openings + replies


# ---------------------------------------------------------------- seconds between posts


def test_a_second_post_within_30_seconds_is_refused_with_the_exact_retry_after(limited, clock):
    c, newcomer = limited.c, limited.member("newcomer")
    thread = limited.question(newcomer)
    clock.advance(seconds=10, microseconds=250)
    with pytest.raises(RateLimited) as refused:
        c.posts.reply(actor=newcomer, thread=thread.id, body="One more thing.")
    assert refused.value.retry_after == pytest.approx(19.99975, abs=1e-9)
    assert refused.value.limits == ("seconds_between_posts",)
    assert refused.value.code == "rate_limited"
    assert _posts_by(c, newcomer) == 1
    clock.advance(seconds=refused.value.retry_after)
    c.posts.reply(actor=newcomer, thread=thread.id, body="One more thing.")
    assert _posts_by(c, newcomer) == 2


def test_a_tl1_member_waits_5_seconds_between_posts(limited, clock):
    c, member = limited.c, limited.member("regular")
    c.trust.grant(actor=limited.admin.id, member=member, level=1)
    thread = limited.question(member)
    clock.advance(seconds=2)
    with pytest.raises(RateLimited) as refused:
        c.posts.reply(actor=member, thread=thread.id, body="Update.")
    assert refused.value.retry_after == 3.0
    clock.advance(seconds=3)
    c.posts.reply(actor=member, thread=thread.id, body="Update.")


def test_the_interval_counts_from_the_latest_post_even_a_deleted_one(limited, clock):
    c, newcomer = limited.c, limited.member("newcomer")
    thread, _ = _moderated_thread(limited)
    reply = c.posts.reply(actor=newcomer, thread=thread.id, body="First.")
    c.posts.delete(actor=newcomer, post=reply.id)
    with pytest.raises(RateLimited):
        c.posts.reply(actor=newcomer, thread=thread.id, body="Again.")


# ---------------------------------------------------------------- new-user counts


def test_the_11th_reply_in_a_members_first_24_hours_is_refused(limited, clock):
    c = limited.c
    newcomer = limited.member("newcomer")
    joined = c.members.get(newcomer).joined_at
    threads = [_moderated_thread(limited)[0] for _ in range(4)]
    for n in range(10):
        clock.advance(seconds=31)
        c.posts.reply(actor=newcomer, thread=threads[n % 4].id, body=f"Answer {n}")
    clock.advance(seconds=31)
    with pytest.raises(RateLimited) as refused:
        c.posts.reply(actor=newcomer, thread=threads[2].id, body="Answer 11")
    assert refused.value.limits == ("new_user_max_replies",)
    expected = (joined + timedelta(hours=24) - clock.now()).total_seconds()
    assert refused.value.retry_after == pytest.approx(expected)
    assert _posts_by(c, newcomer) == 10
    clock.advance(seconds=refused.value.retry_after)
    c.posts.reply(actor=newcomer, thread=threads[2].id, body="Answer 11")


def test_a_new_member_starts_at_most_3_threads_in_their_first_24_hours(limited, clock):
    newcomer = limited.member("newcomer")
    for n in range(3):
        clock.advance(seconds=30)
        limited.question(newcomer, title=f"Question number {n}")
    clock.advance(hours=1)
    with pytest.raises(RateLimited) as refused:
        limited.question(newcomer, title="Question number 4")
    assert refused.value.limits == ("new_user_max_topics",)
    assert refused.value.retry_after == pytest.approx(
        (timedelta(hours=23) - timedelta(seconds=90)).total_seconds()
    )


def test_the_4th_reply_in_a_row_in_one_thread_is_refused_at_tl0(limited, clock):
    c, newcomer = limited.c, limited.member("newcomer")
    thread, _ = _moderated_thread(limited)
    for n in range(3):
        clock.advance(seconds=30)
        c.posts.reply(actor=newcomer, thread=thread.id, body=f"Try {n}")
    clock.advance(seconds=30)
    with pytest.raises(PermissionDenied) as refused:
        c.posts.reply(actor=newcomer, thread=thread.id, body="Try 4")
    assert refused.value.code == "new_user_max_replies_per_topic"
    assert _posts_by(c, newcomer) == 3
    # Someone else's post in the thread lifts it, as in Discourse.
    c.posts.reply(actor=limited.mod.id, thread=thread.id, body="Which version?")
    c.posts.reply(actor=newcomer, thread=thread.id, body="Try 4")


def test_tl1_members_have_no_new_user_counts(limited, clock):
    c, member = limited.c, limited.member("regular")
    c.trust.grant(actor=limited.admin.id, member=member, level=1)
    thread, _ = _moderated_thread(limited)
    for n in range(12):
        clock.advance(seconds=5)
        c.posts.reply(actor=member, thread=thread.id, body=f"Note {n}")
    assert _posts_by(c, member) == 12


def test_the_daily_topic_limit_ends_at_utc_midnight(make_community, world_of, clock):
    settings = Settings().with_rate_limits(max_topics_per_day=2)
    world = world_of(make_community(settings=settings, rate_limits=True))
    member = world.member("regular")
    world.c.trust.grant(actor=world.admin.id, member=member, level=2)
    for n in range(2):
        clock.advance(seconds=5)
        world.question(member, title=f"Question number {n}")
    clock.advance(seconds=5)
    with pytest.raises(RateLimited) as refused:
        world.question(member, title="Question number 3")
    now = clock.now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    assert refused.value.limits == ("max_topics_per_day",)
    assert refused.value.retry_after == (midnight - now).total_seconds()
    clock.set(midnight)
    world.question(member, title="Question number 3")


# ---------------------------------------------------------------- likes and votes


def test_daily_likes_follow_the_trust_level_multipliers():
    limits = RateLimitSettings()
    assert [limits.likes_per_day(level) for level in range(5)] == [50, 50, 75, 100, 150]
    assert RateLimitSettings(max_likes_per_day=None).likes_per_day(3) is None


@pytest.mark.parametrize(("level", "likes"), [(0, 50), (2, 75)])
def test_a_member_likes_at_most_their_levels_daily_likes(limited, clock, level, likes):
    c = limited.c
    voter = limited.member("voter", 20)
    if level:
        c.trust.grant(actor=limited.admin.id, member=voter, level=level)
    _, posts = _moderated_thread(limited, replies=likes)
    for post in posts[:likes]:
        c.votes.cast(actor=voter, post=post, value=1)
    with pytest.raises(RateLimited) as refused:
        c.votes.cast(actor=voter, post=posts[likes], value=1)
    assert refused.value.limits == ("max_likes_per_day",)
    assert c.votes.get(actor=voter, post=posts[likes]) is None
    clock.advance(seconds=refused.value.retry_after)
    c.votes.cast(actor=voter, post=posts[likes], value=1)


def test_downvotes_are_not_likes_and_the_core_default_has_no_vote_limit(limited):
    c = limited.c
    voter = limited.member("critic", 200)
    _, posts = _moderated_thread(limited, replies=60)
    for post in posts:
        c.votes.cast(actor=voter, post=post, value=-1)
    assert len([p for p in posts if c.votes.get(actor=voter, post=p)]) == 61


def test_the_stack_exchange_preset_allows_40_votes_a_day_up_and_down(
    make_community, world_of, clock
):
    world = world_of(make_community(settings=stackexchange_settings(), rate_limits=True))
    c = world.c
    voter = world.member("voter", 200)
    _, posts = _moderated_thread(world, replies=41)
    for n, post in enumerate(posts[:40]):
        c.votes.cast(actor=voter, post=post, value=1 if n % 2 else -1)
    with pytest.raises(RateLimited) as refused:
        c.votes.cast(actor=voter, post=posts[40], value=1)
    assert refused.value.limits == ("max_votes_per_day",)
    # Changing a vote cast today uses no new vote; a new day starts afresh.
    c.votes.cast(actor=voter, post=posts[0], value=1)
    clock.advance(seconds=refused.value.retry_after)
    c.votes.cast(actor=voter, post=posts[40], value=1)
    assert stackexchange_settings().rate_limits.max_votes_per_day == 40
    assert Settings().rate_limits.max_votes_per_day is None


def test_changing_yesterdays_vote_counts_as_todays_vote(make_community, world_of, clock):
    settings = attrs.evolve(
        Settings().with_rate_limits(max_votes_per_day=1).with_privileges(vote_down=1),
        vote_lock_seconds=0,
    )
    world = world_of(make_community(settings=settings, rate_limits=True))
    c = world.c
    voter = world.member("voter", 20)
    _, posts = _moderated_thread(world, replies=1)
    c.votes.cast(actor=voter, post=posts[0], value=1)
    clock.advance(days=1)
    c.votes.cast(actor=voter, post=posts[1], value=1)
    with pytest.raises(RateLimited):
        c.votes.cast(actor=voter, post=posts[0], value=-1)
    assert c.votes.get(actor=voter, post=posts[0]).value == 1


# ---------------------------------------------------------------- exemptions and rollbacks


def test_moderators_and_staff_are_exempt(limited):
    c = limited.c
    staff = c.members.join(external_id="staff", display_name="Staff", roles=["staff"]).id
    for actor in (limited.mod.id, staff):
        thread = limited.question(actor)
        for n in range(12):
            c.posts.reply(actor=actor, thread=thread.id, body=f"Note {n}")
    _, posts = _moderated_thread(limited, replies=55)
    for post in posts:
        c.votes.cast(actor=staff, post=post, value=1)


def test_a_refused_post_does_not_push_the_wait_back(limited, clock):
    c, newcomer = limited.c, limited.member("newcomer")
    thread, _ = _moderated_thread(limited)
    c.posts.reply(actor=newcomer, thread=thread.id, body="First.")
    clock.advance(seconds=20)
    with pytest.raises(RateLimited):
        c.posts.reply(actor=newcomer, thread=thread.id, body="Second.")
    clock.advance(seconds=10)
    c.posts.reply(actor=newcomer, thread=thread.id, body="Second.")


def test_a_rolled_back_post_or_vote_consumes_nothing(make_community, world_of, clock):
    class FailOnce:
        def __init__(self) -> None:
            self.failed: set[str] = set()

        @hookimpl
        def socialcrm_on_event(self, event):
            name = type(event).__name__
            if isinstance(event, (ReplyPosted, VoteCast)) and name not in self.failed:
                self.failed.add(name)
                raise RuntimeError("the host's hook failed")

    settings = Settings().with_rate_limits(max_likes_per_day=1)
    world = world_of(make_community(settings=settings, plugins=[FailOnce()], rate_limits=True))
    c, newcomer, voter = world.c, world.member("newcomer"), world.member("voter", 20)
    thread, posts = _moderated_thread(world)
    with pytest.raises(RuntimeError):
        c.posts.reply(actor=newcomer, thread=thread.id, body="Lost.")
    c.posts.reply(actor=newcomer, thread=thread.id, body="Kept.")  # no 30-second wait
    with pytest.raises(RuntimeError):
        c.votes.cast(actor=voter, post=posts[0], value=1)
    c.votes.cast(actor=voter, post=posts[0], value=1)  # the day's one like is still there
    assert _posts_by(c, newcomer) == 1
    # A host's unit of work that fails after the reply rolls the reply back too.
    other = world.member("other")
    with pytest.raises(RuntimeError), c.unit_of_work():
        c.posts.reply(actor=other, thread=thread.id, body="In a group.")
        raise RuntimeError("the host's block failed")
    assert _posts_by(c, other) == 0
    c.posts.reply(actor=other, thread=thread.id, body="At once.")  # no 30-second wait


def test_rate_limit_settings_are_validated():
    for bad in (
        {"seconds_between_posts": (30, 5)},
        {"seconds_between_posts": (30, -1, 5, 5, 5)},
        {"likes_multipliers": (1, 1, 0, 2, 3)},
        {"likes_multipliers": (1, 1, "x", 2, 3)},
        {"new_user_max_replies": -1},
        {"new_user_hours": 1.5},
        {"max_votes_per_day": True},
        {"enabled": "yes"},
    ):
        with pytest.raises(ValidationError) as refused:
            Settings().with_rate_limits(**bad)
        assert refused.value.field == next(iter(bad))
    assert (
        Settings().with_rate_limits(seconds_between_posts=[0] * 5).rate_limits.seconds_between_posts
        == (0,) * 5
    )


# ---------------------------------------------------------------- the hook


def test_hook_socialcrm_rate_limits(make_community, world_of, clock):
    seen: list[tuple[str, Any, Any, Any]] = []

    class SlowReplies:
        @hookimpl
        def socialcrm_rate_limits(self, actor, action, context, thread, value, previous):
            seen.append((action, thread and thread.id, value, previous))
            if action == "reply":
                return LimitBreach("host_replies", "replies are paused", retry_after=7.5)
            return None

    world = world_of(make_community(plugins=[SlowReplies()], rate_limits=True))
    c, member, voter = world.c, world.member("m"), world.member("v", 20)
    thread = world.question(member)
    with pytest.raises(RateLimited) as refused:
        c.posts.reply(actor=voter, thread=thread.id, body="Hi.")
    assert (refused.value.retry_after, refused.value.limits) == (7.5, ("host_replies",))
    c.votes.cast(actor=voter, post=thread.opening_post_id, value=1)
    assert [s[0] for s in seen] == ["start_thread", "reply", "vote"]
    assert seen[1][1] == thread.id and seen[2][2:] == (1, None)
    # Moderators are never asked about.
    c.posts.reply(actor=world.mod.id, thread=thread.id, body="Mods are exempt.")
    assert len(seen) == 3


def test_a_built_in_limit_can_be_unregistered(make_community, world_of, clock):
    c = make_community(rate_limits=True)
    c.plugins.unregister(name="socialcrm.post_interval")
    world = world_of(c)
    newcomer = world.member("newcomer")
    thread = world.question(newcomer)
    c.posts.reply(actor=newcomer, thread=thread.id, body="At once.")


def test_a_limit_without_retry_after_wins_over_a_timed_one(make_community, world_of, clock):
    class Closed:
        @hookimpl
        def socialcrm_rate_limits(self, action):
            return LimitBreach("host_closed", "posting is closed") if action == "reply" else None

    world = world_of(make_community(plugins=[Closed()], rate_limits=True))
    newcomer = world.member("newcomer")
    thread = world.question(newcomer)
    with pytest.raises(PermissionDenied) as refused:
        world.c.posts.reply(actor=newcomer, thread=thread.id, body="Now.")
    assert refused.value.code == "host_closed"


# ---------------------------------------------------------------- the property


class _Undo(Exception):
    """Raised to roll a probing unit of work back."""


_ONE_MICROSECOND = timedelta(microseconds=1)

#: Each step: a command, the member (2 and 3 are TL1), a target, and the seconds the
#: clock moves before it.
_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["start", "reply", "reply", "reply", "like"]),
        st.integers(0, 3),
        st.integers(0, 2),
        st.sampled_from([0, 1, 4, 5, 29, 30, 31, 31, 31, 31, 31, 3600, 6 * 3600, 20 * 3600]),
    ),
    max_size=80,
)


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_STEPS)
def test_accepted_posts_never_exceed_the_limits_and_every_retry_after_is_exact(steps):
    """Property: over random posting, liking and waiting with a manual clock,

    * accepted posts and likes never exceed any limit (checked against a log of
      what was accepted),
    * every ``RateLimited`` has a positive ``retry_after`` such that the same command
      is still refused a microsecond earlier and accepted at exactly that time, and
    * refused and rolled-back commands (the probes above run in a unit of work that
      is rolled back) leave nothing counted.
    """
    clock = ManualClock()
    # Small counts, so that short programs reach every limit.
    settings = (
        Settings()
        .with_privileges(vote_up=0)
        .with_rate_limits(
            new_user_max_topics=2,
            new_user_max_replies=4,
            max_topics_per_day=1,
            max_likes_per_day=1,
        )
    )
    c = Community(MemoryStorage(), clock=clock, settings=settings, entry_points=False)
    limits = settings.rate_limits
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"]).id
    mod = c.members.join(external_id="mod", display_name="Mod", roles=["moderator"]).id
    c.spaces.create(actor=admin, slug="help", name="Help")
    members = [c.members.join(external_id=f"m{n}", display_name=f"M {n}").id for n in range(4)]
    for member in members[2:]:
        c.trust.grant(actor=admin, member=member, level=1)
    levels = {m: c.members.get(m).trust_level for m in members}
    joined = {m: c.members.get(m).joined_at for m in members}
    threads = [
        c.threads.start(
            actor=mod, space="help", kind="question", title=f"Thread {n} of the mod", body="?"
        )
        for n in range(4)
    ]
    targets = [t.opening_post_id for t in threads]
    targets += [c.posts.reply(actor=mod, thread=t.id, body="More.").id for t in threads]
    posts: list[tuple[int, str, int, datetime]] = []  # (author, kind, thread, at), accepted
    likes: list[tuple[int, datetime]] = []
    thread_authors: dict[int, list[int]] = {t.id: [mod, mod] for t in threads}

    bodies = itertools.count()

    def command(kind: str, member: int, which: int) -> Any:
        # Distinct bodies: the duplicate-post rule is not what this property is about.
        if kind == "start":
            return lambda: c.threads.start(
                actor=member,
                space="help",
                kind="discussion",
                title="A thread by a member",
                body=f"! {next(bodies)}",
            )
        if kind == "reply":
            thread_ids = sorted(thread_authors)
            return lambda: c.posts.reply(
                actor=member,
                thread=thread_ids[which % len(thread_ids)],
                body=f"A reply, number {next(bodies)}.",
            )
        return lambda: c.votes.cast(actor=member, post=targets[which % len(targets)], value=1)

    def probe(run: Any, at: datetime) -> bool:
        """Whether the command would be accepted at ``at``; changes nothing."""
        before = clock.now()
        clock.set(at)
        try:
            with c.unit_of_work():
                run()
                raise _Undo
        except _Undo:
            return True
        except (RateLimited, PermissionDenied):
            return False
        finally:
            clock.set(before)

    for kind, who, which, wait in steps:
        clock.advance(seconds=wait)
        member = members[who]
        run = command(kind, member, which)
        if kind == "like" and c.votes.get(actor=member, post=targets[which % len(targets)]):
            continue
        try:
            result = run()
        except RateLimited as refused:
            event(f"refused: {', '.join(refused.limits)}")
            assert refused.retry_after > 0
            due = clock.now() + timedelta(seconds=refused.retry_after)
            assert not probe(run, due - _ONE_MICROSECOND), refused
            assert probe(run, due), refused
            continue
        except PermissionDenied as refused:
            event("refused: replies per topic")
            assert refused.code == "new_user_max_replies_per_topic"
            continue
        now = clock.now()
        if kind == "like":
            likes.append((member, now))
        else:
            thread_id = result.id if kind == "start" else result.thread_id
            posts.append((member, kind, thread_id, now))
            thread_authors.setdefault(thread_id, []).append(member)

    # Probes and refusals stored nothing: storage holds exactly the accepted log.
    for member in members:
        mine = [p for p in posts if p[0] == member]
        with c.storage.unit_of_work(read_only=True) as uow:
            stored = uow.posts.count_authored_since(member, joined[member])
            assert stored == (
                sum(1 for p in mine if p[1] == "start"),
                sum(1 for p in mine if p[1] == "reply"),
            )
            assert uow.votes.count_cast_since(member, joined[member])[1] == sum(
                1 for m, _ in likes if m == member
            )
        level = levels[member]
        wait = timedelta(seconds=limits.seconds_between_posts[level])
        times = [p[3] for p in mine]
        assert all(
            later - earlier >= wait for earlier, later in zip(times, times[1:], strict=False)
        )
        days = {at.date() for at in times}
        for day in days:
            started = [p for p in mine if p[1] == "start" and p[3].date() == day]
            assert len(started) <= limits.max_topics_per_day
        for day in {at.date() for m, at in likes if m == member}:
            liked = [at for m, at in likes if m == member and at.date() == day]
            assert len(liked) <= limits.likes_per_day(level)
        if level == 0:
            window = [p for p in mine if p[3] < joined[member] + timedelta(hours=24)]
            assert sum(1 for p in window if p[1] == "start") <= limits.new_user_max_topics
            assert sum(1 for p in window if p[1] == "reply") <= limits.new_user_max_replies
    for authors in thread_authors.values():
        run_length, previous = 0, None
        for author in authors[1:]:
            run_length = run_length + 1 if author == previous else 1
            previous = author
            if levels.get(author) == 0:
                assert run_length <= limits.new_user_max_replies_per_topic

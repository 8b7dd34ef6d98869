"""Moderation workload figures and the weekly budget signal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from socialcrm import PermissionDenied, Settings, ValidationError, signals
from socialcrm.capabilities.moderation.workload import week_start


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """These tests run on the in-memory adapter and SQLite (the contract suite covers servers)."""
    return str(request.param)


def _flagger(world: Any, name: str) -> int:
    member = world.member(name, reputation=20)
    world.c.trust.grant(actor=world.admin.id, member=member, level=1, lock=True)
    return int(member)


def _flagged_replies(world: Any, count: int, flaggers: int = 1) -> list[Any]:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    members = [_flagger(world, f"flagger{i}") for i in range(flaggers)]
    posts = []
    for i in range(count):
        post = c.posts.reply(actor=author, thread=question.id, body=f"Off-topic number {i}")
        for member in members:
            c.flags.flag_post(actor=member, post=post.id, reason="off_topic")
        posts.append(post)
    return posts


def test_workload_counts_queue_decisions_per_moderator_and_time_to_decision(world: Any) -> None:
    c = world.c
    start = c.clock.now()
    posts = _flagged_replies(world, 4, flaggers=2)
    second_mod = c.members.join(external_id="mod2", display_name="Moe", roles=["moderator"]).id
    c.clock.advance(minutes=10)
    c.flags.agree(actor=world.mod.id, post=posts[0].id)  # closes two flags: one decision
    c.clock.advance(minutes=20)
    c.flags.disagree(actor=world.mod.id, post=posts[1].id)
    c.flags.defer(actor=second_mod, post=posts[2].id)

    figures = c.moderation.workload(actor=world.mod.id)
    assert figures.decisions == 3
    assert dict(figures.decisions_by_moderator) == {world.mod.id: 2, second_mod: 1}
    assert figures.mean_seconds_to_decision == pytest.approx((600 + 1800 + 1800) / 3)
    assert figures.median_seconds_to_decision == pytest.approx(1800)
    assert figures.queue_size == 1 and figures.queues["flags"].size == 1
    assert figures.oldest_queued_at == start
    assert figures.oldest_age_seconds(c.clock.now()) == pytest.approx(1800)
    assert figures.estimated_hours == pytest.approx(3 * 3 / 60)
    assert figures.hours_per_week == pytest.approx(figures.estimated_hours)  # a 7-day span
    assert figures.budget_hours_per_week == 50 and not figures.over_budget

    one_day = c.moderation.workload(
        actor=world.mod.id, since=c.clock.now() - timedelta(days=1), until=c.clock.now()
    )
    assert one_day.decisions == 1  # until is exclusive: the last two were decided at "now"
    assert one_day.hours_per_week == pytest.approx(1 * 3 / 60 * 7)
    with pytest.raises(ValidationError):
        c.moderation.workload(actor=world.mod.id, since=c.clock.now(), until=c.clock.now())
    with pytest.raises(ValidationError):
        c.moderation.workload(actor=world.mod.id, since=datetime(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        c.moderation.workload(actor=world.member("nosy"))


def test_the_budget_signal_is_sent_once_a_week_when_the_estimate_passes_it(
    make_community: Any, world_of: Any
) -> None:
    settings = Settings().with_workload(minutes_per_decision=30.0, budget_hours_per_week=1.0)
    world = world_of(make_community(settings=settings))
    c = world.c
    received: list[Any] = []
    posts = _flagged_replies(world, 4)
    with signals.moderation_budget_exceeded.connected_to(
        lambda sender, event: received.append(event), sender=c
    ):
        c.flags.agree(actor=world.mod.id, post=posts[0].id)
        c.flags.agree(actor=world.mod.id, post=posts[1].id)
        assert c.moderation.check_budget() is None  # 60 minutes: at the budget, not past it
        c.flags.agree(actor=world.mod.id, post=posts[2].id)
        event = c.moderation.check_budget()
        assert c.moderation.check_budget() is None  # once per week
        assert c.moderation.workload(actor=world.mod.id).over_budget
        c.clock.advance(days=7)
        c.flags.agree(actor=world.mod.id, post=posts[3].id)
        assert c.moderation.check_budget() is None  # a new week, within its budget
    assert received == [event]
    assert event is not None
    assert (event.decisions, event.estimated_minutes, event.budget_minutes) == (3, 90, 60)
    assert event.week_start == week_start(event.at)
    [entry] = c.audit.entries(actor=world.mod.id, action="moderation_budget_exceeded")
    assert entry.actor_id is None and entry.after["estimated_minutes"] == 90


def test_without_a_budget_nothing_is_checked(make_community: Any, world_of: Any) -> None:
    settings = Settings().with_workload(budget_hours_per_week=None, minutes_per_decision=600.0)
    world = world_of(make_community(settings=settings))
    posts = _flagged_replies(world, 1)
    world.c.flags.agree(actor=world.mod.id, post=posts[0].id)
    assert world.c.moderation.check_budget() is None
    assert not world.c.moderation.workload(actor=world.mod.id).over_budget


def test_a_week_starts_on_monday_at_midnight_utc() -> None:
    wednesday = datetime(2026, 12, 2, 15, 30, tzinfo=timezone.utc)
    assert week_start(wednesday) == datetime(2026, 11, 30, tzinfo=timezone.utc)
    monday = datetime(2026, 11, 30, tzinfo=timezone.utc)
    assert week_start(monday) == monday


def _held_reply(world: Any, thread_id: int, n: int) -> Any:
    """A reply the watched word "refund" holds for review."""
    c = world.c
    author = world.member(f"holder{n}")
    return c.posts.reply(actor=author, thread=thread_id, body=f"I want a refund, number {n}")


def _with_watched_refund(make_community: Any) -> Any:
    from socialcrm import WatchedWord

    settings = Settings().with_content(
        watched_words=[WatchedWord(pattern="refund", action="require_approval")]
    )
    return make_community(settings=settings)


def test_held_submissions_count_in_the_queues_and_their_decisions_in_the_figures(
    make_community: Any, world_of: Any
) -> None:
    world = world_of(_with_watched_refund(make_community))
    c = world.c
    question = world.question(world.member("asker"))
    start = c.clock.now()
    held = [_held_reply(world, question.id, n) for n in range(3)]
    figures = c.moderation.workload(actor=world.mod.id)
    assert figures.queues["review"].size == 3
    assert figures.queues["review"].oldest_queued_at == start
    assert figures.decisions == 0
    c.clock.advance(minutes=15)
    c.review.approve(actor=world.mod.id, item=held[0].review_item_id)
    c.review.reject(actor=world.mod.id, item=held[1].review_item_id, reason="no")
    figures = c.moderation.workload(actor=world.mod.id)
    assert figures.queues["review"].size == 1
    assert figures.decisions == 2
    assert dict(figures.decisions_by_moderator) == {world.mod.id: 2}
    assert figures.mean_seconds_to_decision == pytest.approx(900)


def test_all_queues_merges_held_items_and_member_flags_oldest_first(
    make_community: Any, world_of: Any
) -> None:
    world = world_of(_with_watched_refund(make_community))
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    first_held = _held_reply(world, question.id, 1)
    c.clock.advance(minutes=1)
    spam = c.posts.reply(actor=author, thread=question.id, body="Buy cheap watches now!")
    c.flags.flag_post(actor=_flagger(world, "flagger"), post=spam.id, reason="spam")
    c.clock.advance(minutes=1)
    second_held = _held_reply(world, question.id, 2)
    items = c.review.all_queues(actor=world.mod.id)
    assert [getattr(i, "id", None) or i.post_id for i in items] == [
        first_held.review_item_id,
        spam.id,
        second_held.review_item_id,
    ]
    assert [type(i).__name__ for i in items] == ["ReviewItem", "FlagQueueItem", "ReviewItem"]
    only_spam = c.review.all_queues(actor=world.mod.id, reason="spam")
    assert [i.post_id for i in only_spam] == [spam.id]
    assert [i.id for i in c.review.all_queues(actor=world.mod.id, reason="watched_words")] == [
        first_held.review_item_id,
        second_held.review_item_id,
    ]
    assert len(c.review.all_queues(actor=world.mod.id, limit=1, offset=1)) == 1
    with pytest.raises(PermissionDenied):
        c.review.all_queues(actor=asker)

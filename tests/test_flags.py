"""Flags through the facade: scoring, hiding, silencing spammers, decisions and the queue."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import World
from socialcrm import (
    Community,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Sanctioned,
    ValidationError,
    signals,
)
from socialcrm.capabilities.audit.records import AuditQuery
from socialcrm.capabilities.flags.records import FLAG_REASONS
from socialcrm.settings import Settings


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """These tests run on the in-memory adapter and SQLite (the contract suite covers servers)."""
    return str(request.param)


def _flagger(world: Any, name: str, level: int = 1, reputation: int = 20) -> int:
    """A member holding the ``flag`` privilege at trust level ``level`` (locked)."""
    member = world.member(name, reputation=reputation)
    if level:
        world.c.trust.grant(actor=world.admin.id, member=member, level=level, lock=True)
    return int(member)


_replies = itertools.count(1)


def _reply(world: Any, author: int, thread: int, body: str | None = None) -> Any:
    # Distinct default bodies: the duplicate-post rule refuses the same body twice.
    if body is None:
        body = f"Buy cheap watches now! (offer {next(_replies)})"
    return world.c.posts.reply(actor=author, thread=thread, body=body)


def _snapshot(c: Community) -> dict[str, Any]:
    """What a refused flag must leave exactly as it was."""
    with c.storage.unit_of_work() as uow:
        return {
            "flags": uow.flags.open_flags(limit=1000),
            "outbox": uow.outbox.count_pending(),
            "audit": uow.audit.entries(AuditQuery(), limit=1000),
        }


@pytest.fixture
def events(community: Community) -> Iterator[list[Any]]:
    received: list[Any] = []

    def record(sender: object, event: Any) -> None:
        received.append(event)

    with signals.event_committed.connected_to(record, sender=community):
        yield received


# ---------------------------------------------------------------- the done-when scenario


def test_spam_flags_from_three_members_silence_a_tl0_author_and_hide_all_their_posts(
    world: Any,
) -> None:
    c = world.c
    asker = world.member("asker")
    spammer = world.member("spammer")
    question = world.question(asker)
    first = _reply(world, spammer, question.id)
    second = _reply(world, spammer, question.id, body="Even cheaper watches here!")
    own_thread = world.question(spammer, title="Cheap watches for everyone")
    flaggers = [_flagger(world, f"flagger{i}") for i in range(3)]

    c.flags.flag_post(actor=flaggers[0], post=first.id, reason="spam")
    c.flags.flag_post(actor=flaggers[1], post=first.id, reason="spam")
    assert c.moderation.can_post(member=spammer)
    c.flags.flag_post(actor=flaggers[2], post=second.id, reason="spam")

    assert not c.moderation.can_post(member=spammer)
    [silence] = c.moderation.in_force(actor=world.mod.id, member=spammer)
    assert silence.kind == "silence" and silence.ends_at is None
    with pytest.raises(Sanctioned):
        _reply(world, spammer, question.id, body="Let me post again")
    for post_id in (first.id, second.id, own_thread.opening_post_id):
        with pytest.raises(NotFound):
            c.posts.get(actor=asker, post=post_id)
    with pytest.raises(NotFound):
        c.threads.get(actor=asker, thread=own_thread.id)
    assert [p.id for p in c.posts.list(actor=asker, thread=question.id)] == [
        question.opening_post_id
    ]
    assert c.threads.get(actor=asker, thread=question.id).reply_count == 0
    [entry] = c.audit.entries(actor=world.mod.id, action="sanction_imposed")
    assert entry.actor_id is None and entry.member_id == spammer
    assert entry.after["rule"] == "spam_flags" and entry.after["flaggers"] == 3


def test_three_flags_from_one_member_do_nothing_the_second_and_third_are_refused(
    world: Any,
) -> None:
    c = world.c
    asker, spammer = world.member("asker"), world.member("spammer")
    question = world.question(asker)
    post = _reply(world, spammer, question.id)
    flagger = _flagger(world, "flagger")
    c.flags.flag_post(actor=flagger, post=post.id, reason="spam")
    before = _snapshot(c)
    for _ in range(2):
        with pytest.raises(Conflict) as raised:
            c.flags.flag_post(actor=flagger, post=post.id, reason="spam")
        assert raised.value.code == "duplicate_flag"
    assert _snapshot(c) == before
    assert c.moderation.can_post(member=spammer)
    assert c.posts.get(actor=asker, post=post.id).hidden_at is None


def test_a_tl3_spam_flag_hides_a_tl0_authors_post_at_once(world: Any, events: list[Any]) -> None:
    c = world.c
    asker, newcomer = world.member("asker"), world.member("newcomer")
    question = world.question(asker)
    post = _reply(world, newcomer, question.id)
    regular = _flagger(world, "regular", level=3)
    c.flags.flag_post(actor=regular, post=post.id, reason="spam")
    with pytest.raises(NotFound):
        c.posts.get(actor=asker, post=post.id)
    hidden = [e for e in events if e.name == "post_hidden"]
    assert [(e.post_id, e.trigger, e.actor_id) for e in hidden] == [
        (post.id, "trusted_spam_flag", regular)
    ]


def test_a_tl3_spam_flag_on_a_tl1_authors_post_only_adds_its_weight(world: Any) -> None:
    c = world.c
    asker = world.member("asker")
    author = _flagger(world, "author", level=1)
    question = world.question(asker)
    post = _reply(world, author, question.id)
    regular = _flagger(world, "regular", level=3)
    flag = c.flags.flag_post(actor=regular, post=post.id, reason="spam")
    assert flag.weight == 4
    assert c.posts.get(actor=asker, post=post.id).hidden_at is None


def test_a_post_is_hidden_once_its_open_flags_reach_the_threshold(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    post = _reply(world, author, question.id, body="You are all idiots")
    one, two, three = (_flagger(world, f"f{i}") for i in range(3))
    assert c.flags.flag_post(actor=one, post=post.id, reason="inappropriate").weight == 2
    c.flags.flag_post(actor=two, post=post.id, reason="inappropriate")
    assert c.posts.get(actor=asker, post=post.id).hidden_at is None  # 4 < 5
    c.flags.flag_post(actor=three, post=post.id, reason="off_topic")  # 6 >= 5
    with pytest.raises(NotFound):
        c.posts.get(actor=asker, post=post.id)
    [item] = c.flags.queue(actor=world.mod.id)
    assert (item.post_id, item.score, item.hidden) == (post.id, 6, True)
    assert item.reasons == ("inappropriate", "off_topic")


def test_a_moderators_flag_weighs_five_and_hides_at_once(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), _flagger(world, "author", level=2)
    question = world.question(asker)
    post = _reply(world, author, question.id, body="Off-topic rant")
    flag = c.flags.flag_post(actor=world.mod.id, post=post.id, reason="off_topic")
    assert flag.weight == 5
    with pytest.raises(NotFound):
        c.posts.get(actor=asker, post=post.id)


# ---------------------------------------------------------------- hidden posts stay hidden


def test_hidden_posts_and_threads_never_reach_other_members_reads_lists_or_counts(
    world: Any,
) -> None:
    c = world.c
    asker, author, other = world.member("asker"), world.member("author"), world.member("other")
    question = world.question(asker)
    reply = _reply(world, author, question.id)
    spam_thread = world.question(author, title="Cheap watches for sale here")
    regular = _flagger(world, "regular", level=3)
    c.flags.flag_post(actor=regular, post=reply.id, reason="spam")
    c.flags.flag_post(actor=regular, post=spam_thread.opening_post_id, reason="spam")

    for viewer in (other, asker, None):
        assert [t.id for t in c.threads.list(actor=viewer)] == [question.id]
        assert c.threads.count(actor=viewer) == 1
        assert c.threads.count(actor=viewer, space="billing") == 1
        assert c.spaces.thread_counts(actor=viewer) == {"billing": 1}
        assert [p.id for p in c.posts.list(actor=viewer, thread=question.id)] == [
            question.opening_post_id
        ]
        for post_id in (reply.id, spam_thread.opening_post_id):
            with pytest.raises(NotFound):
                c.posts.get(actor=viewer, post=post_id)
            with pytest.raises(NotFound):
                c.posts.comments(actor=viewer, post=post_id)
        with pytest.raises(NotFound):
            c.threads.get(actor=viewer, thread=spam_thread.id)
        with pytest.raises(NotFound):
            c.posts.list(actor=viewer, thread=spam_thread.id)
    assert c.threads.get(actor=other, thread=question.id).reply_count == 0
    assert [t.id for t in c.threads.list(actor=other, sort="unanswered")] == [question.id]
    with pytest.raises(NotFound):
        c.votes.cast(actor=other, post=reply.id, value=1)
    with pytest.raises(NotFound):
        c.posts.reply(actor=other, thread=spam_thread.id, body="Me too")

    for viewer in (author, world.mod.id):
        assert {t.id for t in c.threads.list(actor=viewer)} == {question.id, spam_thread.id}
        assert c.threads.count(actor=viewer) == 2
        assert c.spaces.thread_counts(actor=viewer) == {"billing": 2}
        listed = c.posts.list(actor=viewer, thread=question.id)
        assert [(p.id, p.is_hidden) for p in listed] == [
            (question.opening_post_id, False),
            (reply.id, True),
        ]
        assert c.threads.get(actor=viewer, thread=spam_thread.id).is_hidden
        assert c.posts.get(actor=viewer, post=reply.id).hidden_at is not None


def test_deleting_a_hidden_reply_does_not_take_it_off_the_reply_count_twice(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    kept = _reply(world, asker, question.id, body="A real answer")
    spam = _reply(world, author, question.id)
    c.flags.flag_post(actor=_flagger(world, "regular", level=3), post=spam.id, reason="spam")
    c.posts.delete(actor=author, post=spam.id)
    assert c.threads.get(actor=asker, thread=question.id).reply_count == 1
    assert [p.id for p in c.posts.list(actor=world.mod.id, thread=question.id)][-1] == kept.id


# ---------------------------------------------------------------- who may flag


def test_flagging_needs_the_privilege_trust_level_one_and_someone_elses_post(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    post = _reply(world, author, question.id)
    newcomer = world.member("newcomer", reputation=20)
    poor = _flagger(world, "poor", level=1, reputation=1)
    able = _flagger(world, "able")
    before = _snapshot(c)
    with pytest.raises(PermissionDenied) as low_trust:
        c.flags.flag_post(actor=newcomer, post=post.id, reason="spam")
    assert low_trust.value.code == "trust_level_too_low"
    with pytest.raises(PermissionDenied) as no_privilege:
        c.flags.flag_post(actor=poor, post=post.id, reason="spam")
    assert no_privilege.value.privilege == "flag"
    with pytest.raises(PermissionDenied) as own:
        c.flags.flag_post(actor=author, post=post.id, reason="spam")
    assert own.value.code == "own_post"
    with pytest.raises(PermissionDenied) as unknown:
        c.flags.flag_post(actor=987654, post=post.id, reason="spam")
    assert unknown.value.code == "unknown_actor"
    with pytest.raises(NotFound):
        c.flags.flag_post(actor=able, post=987654, reason="spam")
    assert _snapshot(c) == before


def test_the_trust_level_needed_to_flag_is_a_setting(make_community: Any, world_of: Any) -> None:
    world = world_of(make_community(settings=Settings().with_flags(min_trust_level=0)))
    asker, author = world.member("asker"), world.member("author")
    post = _reply(world, author, world.question(asker).id)
    newcomer = world.member("newcomer", reputation=20)
    assert world.c.flags.flag_post(actor=newcomer, post=post.id, reason="spam").weight == 1


def test_reasons_and_texts_are_checked(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    post = _reply(world, author, world.question(asker).id)
    flagger = _flagger(world, "flagger")
    with pytest.raises(ValidationError) as bad_reason:
        c.flags.flag_post(actor=flagger, post=post.id, reason="ugly")
    assert bad_reason.value.field == "reason"
    with pytest.raises(ValidationError) as no_text:
        c.flags.flag_post(actor=flagger, post=post.id, reason="other", text="   ")
    assert no_text.value.field == "text"
    with pytest.raises(ValidationError):
        c.flags.flag_post(actor=flagger, post=post.id, reason="spam", text="x" * 501)
    flag = c.flags.flag_post(actor=flagger, post=post.id, reason="other", text="  Legal threat ")
    assert (flag.reason, flag.text, flag.status) == ("other", "Legal threat", "open")


def test_the_daily_flag_limit_raises_rate_limited_with_retry_after(
    make_community: Any, world_of: Any
) -> None:
    world = world_of(make_community(settings=Settings().with_flags(daily_limit=2)))
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    posts = [_reply(world, author, question.id, body=f"Reply number {i}") for i in range(4)]
    flagger = _flagger(world, "flagger")
    c.flags.flag_post(actor=flagger, post=posts[0].id, reason="off_topic")
    c.clock.advance(hours=1)
    c.flags.flag_post(actor=flagger, post=posts[1].id, reason="off_topic")
    c.clock.advance(hours=2)
    with pytest.raises(RateLimited) as raised:
        c.flags.flag_post(actor=flagger, post=posts[2].id, reason="off_topic")
    assert raised.value.retry_after == pytest.approx(21 * 3600)
    assert raised.value.code == "flag_limit"
    c.clock.advance(hours=21)
    c.flags.flag_post(actor=flagger, post=posts[2].id, reason="off_topic")
    # Moderators are not held to the limit.
    for post in posts:
        c.flags.flag_post(actor=world.mod.id, post=post.id, reason="off_topic")


def test_members_can_be_flagged_once_but_not_by_themselves(world: Any) -> None:
    c = world.c
    troll, flagger = world.member("troll"), _flagger(world, "flagger")
    flag = c.flags.flag_member(actor=flagger, member=troll, reason="inappropriate")
    assert (flag.post_id, flag.member_id, flag.weight) == (None, troll, 2)
    with pytest.raises(Conflict):
        c.flags.flag_member(actor=flagger, member=troll, reason="spam")
    with pytest.raises(PermissionDenied) as raised:
        c.flags.flag_member(actor=flagger, member=flagger, reason="spam")
    assert raised.value.code == "self_flag"
    [item] = c.flags.queue(actor=world.mod.id)
    assert (item.kind, item.member_id, item.post_id) == ("flagged_member", troll, None)
    decision = c.flags.agree(actor=world.mod.id, member=troll)
    assert decision.hidden is False and c.flags.queue(actor=world.mod.id) == []


# ---------------------------------------------------------------- decisions


def test_disagreeing_shows_the_post_again_and_agreeing_keeps_it_hidden(
    world: Any, events: list[Any]
) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    wrongly, rightly = _reply(world, author, question.id), _reply(world, author, question.id)
    regular = _flagger(world, "regular", level=3)
    c.flags.flag_post(actor=regular, post=wrongly.id, reason="spam")
    c.flags.flag_post(actor=regular, post=rightly.id, reason="spam")
    assert c.threads.get(actor=asker, thread=question.id).reply_count == 0

    shown = c.flags.disagree(actor=world.mod.id, post=wrongly.id, reason="not spam")
    kept = c.flags.agree(actor=world.mod.id, post=rightly.id)
    assert (shown.decision, shown.hidden, kept.hidden) == ("disagreed", False, True)
    assert c.posts.get(actor=asker, post=wrongly.id).hidden_at is None
    with pytest.raises(NotFound):
        c.posts.get(actor=asker, post=rightly.id)
    assert c.threads.get(actor=asker, thread=question.id).reply_count == 1
    assert [e.name for e in events if e.name in ("post_unhidden", "flag_decided")] == [
        "flag_decided",
        "post_unhidden",
        "flag_decided",
    ]
    audit = c.audit.entries(actor=world.mod.id, action=["flags_agreed", "flags_disagreed"])
    assert [(e.action, e.post_id, e.after["hidden"]) for e in audit] == [
        ("flags_agreed", rightly.id, True),
        ("flags_disagreed", wrongly.id, False),
    ]
    with pytest.raises(Conflict) as again:
        c.flags.agree(actor=world.mod.id, post=rightly.id)
    assert again.value.code == "no_open_flags"


def test_agreeing_can_delete_the_post(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    post = _reply(world, author, question.id)
    c.flags.flag_post(actor=_flagger(world, "flagger"), post=post.id, reason="spam")
    decision = c.flags.agree(actor=world.mod.id, post=post.id, delete=True, reason="spam")
    assert decision.deleted
    with pytest.raises(NotFound):
        c.posts.get(actor=world.mod.id, post=post.id)
    assert c.threads.get(actor=asker, thread=question.id).reply_count == 0
    assert [e.action for e in c.audit.entries(actor=world.mod.id, moderator=world.mod.id)][:2] == [
        "flags_agreed",
        "post_deleted",
    ]


def test_only_moderators_decide_and_see_the_queue_and_never_on_their_own_flags(
    world: Any,
) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    post = _reply(world, author, world.question(asker).id)
    flagger = _flagger(world, "flagger")
    c.flags.flag_post(actor=flagger, post=post.id, reason="spam")
    for attempt in (
        lambda: c.flags.agree(actor=flagger, post=post.id),
        lambda: c.flags.disagree(actor=author, post=post.id),
        lambda: c.flags.queue(actor=flagger),
        lambda: c.moderation.workload(actor=flagger),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    own = _reply(world, world.mod.id, world.question(asker, title="Another question").id)
    c.flags.flag_post(actor=flagger, post=own.id, reason="off_topic")
    with pytest.raises(PermissionDenied) as raised:
        c.flags.disagree(actor=world.mod.id, post=own.id)
    assert raised.value.code == "own_flags"
    with pytest.raises(ValidationError):
        c.flags.agree(actor=world.mod.id)


def test_decisions_feed_the_flaggers_accuracy_bonus(make_community: Any, world_of: Any) -> None:
    settings = Settings().with_flags(accuracy_min_decisions=2, hide_threshold=100)
    world = world_of(make_community(settings=settings))
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    posts = [_reply(world, author, question.id, body=f"Reply number {i}") for i in range(6)]
    good, bad = _flagger(world, "good"), _flagger(world, "bad")
    for post in posts[:2]:
        c.flags.flag_post(actor=good, post=post.id, reason="off_topic")
        c.flags.flag_post(actor=bad, post=post.id, reason="off_topic")
    assert c.flags.weight(actor=world.mod.id, member=good) == 2
    c.flags.agree(actor=world.mod.id, post=posts[0].id)  # one agreed for both
    assert c.flags.weight(actor=world.mod.id, member=good) == 2  # 1 decision < 2: no bonus yet
    # A second flag on a post only one of them flags.
    c.flags.flag_post(actor=good, post=posts[2].id, reason="off_topic")
    c.flags.flag_post(actor=bad, post=posts[3].id, reason="off_topic")
    c.flags.agree(actor=world.mod.id, post=posts[2].id)
    c.flags.disagree(actor=world.mod.id, post=posts[3].id)
    assert c.flags.accuracy(actor=good, member=good).agreed == 2
    assert c.flags.weight(actor=world.mod.id, member=good) == 2 + 3  # 2 agreed of 2: +3
    assert c.flags.accuracy(actor=world.mod.id, member=bad).disagreed == 1
    assert c.flags.weight(actor=world.mod.id, member=bad) == 2  # 1 agreed, 1 disagreed: +0
    c.flags.disagree(actor=world.mod.id, post=posts[1].id)  # bad: 1 agreed, 2 disagreed
    assert c.flags.weight(actor=world.mod.id, member=bad) == 2 - 1  # 3 * (1 - 2) / 3 = -1
    flag = c.flags.flag_post(actor=bad, post=posts[4].id, reason="off_topic")
    assert flag.weight == 1
    with pytest.raises(PermissionDenied):
        c.flags.accuracy(actor=good, member=bad)
    with pytest.raises(PermissionDenied):
        c.flags.weight(actor=good, member=bad)
    # The disagreement on posts[1] closed good's flag there too: 2 agreed, 1 disagreed.
    assert c.flags.weight(actor=good, member=good) == 2 + 1
    # Deferring closes flags without judging them.
    c.flags.defer(actor=world.mod.id, post=posts[4].id)
    assert c.flags.accuracy(actor=bad, member=bad).disagreed == 2


def test_the_queue_is_oldest_first_and_filters_by_space_and_reason(world: Any) -> None:
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="ideas", name="Ideas")
    asker, author = world.member("asker"), world.member("author")
    billing = _reply(world, author, world.question(asker).id)
    ideas = _reply(world, author, world.question(asker, space="ideas", title="An idea here").id)
    flagger, other = _flagger(world, "flagger"), _flagger(world, "other")
    c.flags.flag_post(actor=flagger, post=ideas.id, reason="off_topic")
    c.clock.advance(minutes=5)
    c.flags.flag_post(actor=flagger, post=billing.id, reason="spam")
    c.clock.advance(minutes=5)
    c.flags.flag_post(actor=other, post=ideas.id, reason="spam")
    queue = c.flags.queue(actor=world.mod.id)
    assert [(i.post_id, i.flag_count) for i in queue] == [(ideas.id, 2), (billing.id, 1)]
    assert [i.post_id for i in c.flags.queue(actor=world.mod.id, space="billing")] == [billing.id]
    assert [i.post_id for i in c.flags.queue(actor=world.mod.id, reason="off_topic")] == [ideas.id]
    assert [i.post_id for i in c.flags.queue(actor=world.mod.id, reason="spam")] == [
        ideas.id,
        billing.id,
    ]
    assert c.flags.queue(actor=world.mod.id, limit=1, offset=1)[0].post_id == billing.id
    with pytest.raises(ValidationError):
        c.flags.queue(actor=world.mod.id, reason="ugly")


def test_agreed_flags_count_as_flagged_posts_for_trust_level_three(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    question = world.question(asker)
    posts = [_reply(world, author, question.id, body=f"Reply number {i}") for i in range(3)]
    flagger = _flagger(world, "flagger")
    for post in posts:
        c.flags.flag_post(actor=flagger, post=post.id, reason="off_topic")
    c.flags.agree(actor=world.mod.id, post=posts[0].id)
    c.flags.agree(actor=world.mod.id, post=posts[1].id)
    c.flags.disagree(actor=world.mod.id, post=posts[2].id)
    activity = c.trust.activity(author)
    assert activity.window.flagged_posts == 2
    assert activity.all_time.flagged_posts == 2


def test_signals_are_sent_for_raised_flags_and_decisions(world: Any, events: list[Any]) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    post = _reply(world, author, world.question(asker).id)
    flagger = _flagger(world, "flagger")
    received: list[Any] = []
    with signals.flag_raised.connected_to(lambda s, event: received.append(event), sender=c):
        flag = c.flags.flag_post(actor=flagger, post=post.id, reason="spam")
    [raised] = received
    assert (raised.flag_id, raised.weight, raised.score, raised.post_id) == (
        flag.id,
        2,
        2,
        post.id,
    )
    c.clock.advance(minutes=30)
    c.flags.defer(actor=world.mod.id, post=post.id)
    [decided] = [e for e in events if e.name == "flag_decided"]
    assert (decided.decision, decided.flagger_id, decided.raised_at) == (
        "deferred",
        flagger,
        flag.created_at,
    )
    assert decided.at - decided.raised_at == timedelta(minutes=30)


# ---------------------------------------------------------------- invariants (hypothesis)

_FLAGGER_LEVELS = (1, 2, 3, 4, "moderator")


@settings(max_examples=40, deadline=None)
@given(
    actions=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(_FLAGGER_LEVELS) - 1),
            st.integers(min_value=0, max_value=2),
            st.sampled_from(FLAG_REASONS),
        ),
        max_size=15,
    )
)
def test_a_posts_score_is_its_open_flags_weights_and_it_is_hidden_iff_a_rule_says_so(
    actions: list[tuple[int, int, str]],
) -> None:
    from socialcrm import Community, ManualClock
    from socialcrm.adapters.memory import MemoryStorage

    # The posts go up faster than a new member may post: no rate limits here.
    settings = Settings().with_rate_limits(enabled=False)
    c = Community(MemoryStorage(), settings=settings, clock=ManualClock(), entry_points=False)
    world = World(c)
    flag_settings = c.settings.flags
    levels: dict[int, int | str] = {}
    flaggers = []
    for i, level in enumerate(_FLAGGER_LEVELS):
        if level == "moderator":
            member = c.members.join(external_id=f"m{i}", display_name="M", roles=["moderator"]).id
        else:
            member = _flagger(world, f"flagger{i}", level=int(level))
        levels[member] = level
        flaggers.append(member)
    newcomer, regular = world.member("newcomer"), _flagger(world, "regular", level=1)
    question = world.question(world.admin.id)
    posts = [
        _reply(world, newcomer, question.id),
        _reply(world, newcomer, question.id, body="More spam"),
        _reply(world, regular, question.id, body="A fair answer"),
    ]
    for who, which, reason in actions:
        try:
            c.flags.flag_post(actor=flaggers[who], post=posts[which].id, reason=reason, text="why")
        except (Conflict, NotFound):
            pass  # a second flag, or a post already hidden from this flagger
    with c.storage.unit_of_work() as uow:
        stored = {p.id: uow.flags.for_post(p.id) for p in posts}
        hidden = {p.id: uow.posts.get(p.id).hidden_at is not None for p in posts}  # type: ignore[union-attr]
    newcomer_spam = {f.flagger_id for p in posts[:2] for f in stored[p.id] if f.reason == "spam"}
    silenced = len(newcomer_spam) >= flag_settings.spam_silence_flaggers
    assert c.moderation.can_post(member=newcomer) is not silenced
    for post in posts:
        flags = stored[post.id]
        for flag in flags:
            level = levels[flag.flagger_id]
            assert flag.weight == (5 if level == "moderator" else 1 + int(level))
        score = sum(f.weight for f in flags if f.is_open)
        [item] = [i for i in c.flags.queue(actor=world.mod.id) if i.post_id == post.id] or [None]
        assert (item.score if item else 0) == score
        by_newcomer = post.author_id == newcomer
        trusted_spam = by_newcomer and any(
            f.reason == "spam"
            and (levels[f.flagger_id] == "moderator" or levels[f.flagger_id] >= 3)  # type: ignore[operator]
            for f in flags
        )
        expected = (
            score >= flag_settings.hide_threshold or trusted_spam or (by_newcomer and silenced)
        )
        assert hidden[post.id] is expected
    c.close()


@given(
    agreed=st.integers(min_value=0, max_value=500),
    disagreed=st.integers(min_value=0, max_value=500),
    level=st.integers(min_value=0, max_value=4),
    staff=st.booleans(),
    bonus_max=st.integers(min_value=0, max_value=10),
    min_decisions=st.integers(min_value=0, max_value=20),
)
def test_the_accuracy_bonus_is_bounded_and_the_weight_never_below_one(
    agreed: int, disagreed: int, level: int, staff: bool, bonus_max: int, min_decisions: int
) -> None:
    from datetime import datetime, timezone

    from socialcrm import Member
    from socialcrm.capabilities.flags.policy import accuracy_bonus, flag_weight
    from socialcrm.capabilities.flags.records import FlagAccuracy
    from socialcrm.settings import FlagSettings

    config = FlagSettings(accuracy_bonus_max=bonus_max, accuracy_min_decisions=min_decisions)
    member = Member(
        id=1,
        external_id="x",
        display_name="X",
        roles=frozenset({"moderator" if staff else "member"}),
        reputation=1,
        joined_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        trust_level=level,
    )
    history = FlagAccuracy(agreed=agreed, disagreed=disagreed)
    bonus = accuracy_bonus(history, config)
    assert -bonus_max <= bonus <= bonus_max
    if agreed + disagreed < max(min_decisions, 1):
        assert bonus == 0
    elif agreed > disagreed:
        assert bonus >= 0
    elif agreed < disagreed:
        assert bonus <= 0
    base = config.staff_weight if staff else 1 + level
    assert flag_weight(member, history, config) == max(1, base + bonus)


def test_disagreed_spam_flags_no_longer_count_towards_silencing_the_author(world: Any) -> None:
    c = world.c
    asker, newcomer = world.member("asker"), world.member("newcomer")
    question = world.question(asker)
    first = _reply(world, newcomer, question.id, body="My first honest answer")
    second = _reply(world, newcomer, question.id, body="My second honest answer")
    one, two, three = (_flagger(world, f"f{i}") for i in range(3))
    c.flags.flag_post(actor=one, post=first.id, reason="spam")
    c.flags.flag_post(actor=two, post=first.id, reason="spam")
    c.flags.disagree(actor=world.mod.id, post=first.id, reason="a real answer")
    c.flags.flag_post(actor=three, post=second.id, reason="spam")
    assert c.moderation.can_post(member=newcomer)
    assert c.posts.get(actor=asker, post=first.id).hidden_at is None
    assert c.posts.get(actor=asker, post=second.id).hidden_at is None


def test_the_silence_spam_flags_impose_can_be_lifted_by_a_moderator(world: Any) -> None:
    c = world.c
    asker, newcomer = world.member("asker"), world.member("newcomer")
    post = _reply(world, newcomer, world.question(asker).id)
    for i in range(3):
        c.flags.flag_post(actor=_flagger(world, f"f{i}"), post=post.id, reason="spam")
    [silence] = c.moderation.in_force(actor=world.mod.id, member=newcomer)
    c.moderation.lift(actor=world.mod.id, sanction=silence.id, reason="false alarm")
    assert c.moderation.can_post(member=newcomer)
    # Lifting the silence does not show the posts again: that is a decision on the flags.
    with pytest.raises(NotFound):
        c.posts.get(actor=asker, post=post.id)
    c.flags.disagree(actor=world.mod.id, post=post.id)
    assert c.posts.get(actor=asker, post=post.id).hidden_at is None


def test_moderators_read_every_flag_on_a_post_decided_ones_too(world: Any) -> None:
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    post = _reply(world, author, world.question(asker).id)
    first, second = _flagger(world, "first"), _flagger(world, "second")
    c.flags.flag_post(actor=first, post=post.id, reason="off_topic")
    c.flags.defer(actor=world.mod.id, post=post.id)
    c.flags.flag_post(actor=second, post=post.id, reason="other", text="Duplicate of #12")
    flags = c.flags.for_post(actor=world.mod.id, post=post.id)
    assert [(f.flagger_id, f.status, f.text) for f in flags] == [
        (first, "deferred", ""),
        (second, "open", "Duplicate of #12"),
    ]
    assert flags[0].decided_by == world.mod.id
    [item] = c.flags.queue(actor=world.mod.id)
    assert item.flag_ids == (flags[1].id,) and item.score == 2
    with pytest.raises(PermissionDenied):
        c.flags.for_post(actor=first, post=post.id)

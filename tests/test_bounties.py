"""Bounties: offer, award, the expiry job, refunds, the cap exemption and the ledger invariant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import (
    Community,
    Conflict,
    ManualClock,
    NotFound,
    PermissionDenied,
    Settings,
    SocialCRMError,
    ValidationError,
    signals,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.reputation.records import NewLedgerEntry


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """Bounty services on memory and SQLite; the contract suite covers every adapter."""
    return str(request.param)


def _setup(world: Any) -> tuple[int, int, Any]:
    asker = world.member("asker", reputation=500)
    answerer = world.member("answerer")
    question = world.question(asker)
    return asker, answerer, question


def _upvote(world: Any, post: int, times: int) -> None:
    for n in range(times):
        voter = world.member(f"voter{post}-{n}-{world.c.clock.now().timestamp()}", reputation=20)
        world.c.votes.cast(actor=voter, post=post, value=1)


def test_an_offer_is_deducted_at_once_and_one_is_open_per_question(world: Any) -> None:
    asker, _answerer, question = _setup(world)
    heard: list[Any] = []
    with signals.bounty_offered.connected_to(lambda s, event: heard.append(event)):
        bounty = world.c.bounties.offer(actor=asker, thread=question.id, amount=100)
    assert world.c.reputation.of(asker) == 400
    entry = world.c.reputation.history(asker)[0]
    assert (entry.rule, entry.delta, entry.cap_day) == ("bounty_offered", -100, None)
    assert bounty.ends_at - bounty.started_at == timedelta(days=7)
    assert [e.amount for e in heard] == [100]
    assert world.c.bounties.open_on(actor=None, thread=question.id) == bounty
    with pytest.raises(Conflict) as raised:
        world.c.bounties.offer(actor=asker, thread=question.id, amount=50)
    assert raised.value.code == "bounty_already_open"
    assert world.c.reputation.of(asker) == 400


def test_offers_out_of_bounds_or_without_the_privilege_change_nothing(world: Any) -> None:
    asker, answerer, question = _setup(world)
    for amount in (49, 501, "50", True):
        with pytest.raises(ValidationError):
            world.c.bounties.offer(actor=asker, thread=question.id, amount=amount)
    with pytest.raises(ValidationError):
        world.c.bounties.offer(actor=asker, thread=question.id, amount=50, days=31)
    poor = world.member("poor", reputation=74)
    with pytest.raises(PermissionDenied) as denied:
        world.c.bounties.offer(actor=poor, thread=question.id, amount=50)
    assert denied.value.privilege == "set_bounty"
    barely = world.member("barely", reputation=100)
    with pytest.raises(ValidationError, match="below"):
        world.c.bounties.offer(actor=barely, thread=question.id, amount=100)
    discussion = world.question(asker, kind="discussion", title="Let us talk about it")
    with pytest.raises(ValidationError):
        world.c.bounties.offer(actor=asker, thread=discussion.id, amount=50)
    assert world.c.bounties.for_thread(actor=None, thread=question.id) == []
    assert (world.c.reputation.of(asker), world.c.reputation.of(barely)) == (500, 100)
    del answerer


def test_asker_only_setting(make_community: Any, world_of: Any) -> None:
    community = make_community(settings=Settings().with_bounties(asker_only=True))
    world = world_of(community)
    asker, _answerer, question = _setup(world)
    rich = world.member("rich", reputation=1000)
    with pytest.raises(PermissionDenied):
        community.bounties.offer(actor=rich, thread=question.id, amount=50)
    community.bounties.offer(actor=asker, thread=question.id, amount=50)


def test_the_offerer_awards_the_full_amount_exempt_from_the_daily_cap(world: Any) -> None:
    asker, answerer, question = _setup(world)
    bounty = world.c.bounties.offer(actor=asker, thread=question.id, amount=200)
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="Here is how.")
    others = [
        world.c.posts.reply(actor=answerer, thread=question.id, body=f"Way {n}.") for n in range(2)
    ]
    for post in (answer, *others):
        _upvote(world, post.id, 10)  # 300 requested: the cap leaves 200
    assert world.c.reputation.of(answerer) == 201
    with pytest.raises(PermissionDenied):
        world.c.bounties.award(actor=answerer, answer=answer.id)
    closed = world.c.bounties.award(actor=asker, answer=answer.id)
    assert (closed.status, closed.awarded_to, closed.awarded_amount) == ("awarded", answerer, 200)
    assert world.c.reputation.of(answerer) == 401
    assert world.c.bounties.open_on(actor=None, thread=question.id) is None
    assert world.c.bounties.for_thread(actor=None, thread=question.id) == [closed]
    assert world.c.reputation.recompute() == {}
    del bounty


def test_award_rules_own_answer_after_the_end_and_moderators(world: Any) -> None:
    asker, answerer, question = _setup(world)
    world.c.bounties.offer(actor=asker, thread=question.id, amount=50)
    own = world.c.posts.reply(actor=asker, thread=question.id, body="My own answer.")
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="An answer.")
    with pytest.raises(PermissionDenied):
        world.c.bounties.award(actor=asker, answer=own.id)
    with pytest.raises(ValidationError):
        world.c.bounties.award(actor=asker, answer=question.opening_post_id)
    world.c.bounties.award(actor=world.mod.id, answer=answer.id, reason="asker left")
    entries = world.c.audit.entries(actor=world.admin.id, action="bounty_awarded")
    assert [(e.actor_id, e.member_id) for e in entries] == [(world.mod.id, answerer)]
    world.c.bounties.offer(actor=asker, thread=question.id, amount=50)
    world.c.clock.advance(days=8)
    with pytest.raises(Conflict) as raised:
        world.c.bounties.award(actor=asker, answer=answer.id)
    assert raised.value.code == "bounty_ended"
    with pytest.raises(NotFound):
        world.c.bounties.award(actor=asker, answer=10**6)


def test_an_expired_bounty_goes_half_to_the_top_answer_posted_after_it_started(
    world: Any,
) -> None:
    asker, answerer, question = _setup(world)
    early_author = world.member("early")
    early = world.c.posts.reply(actor=early_author, thread=question.id, body="Before it.")
    _upvote(world, early.id, 5)
    world.c.clock.advance(hours=1)
    bounty = world.c.bounties.offer(actor=asker, thread=question.id, amount=101)
    world.c.clock.advance(hours=1)
    later_author = world.member("later")
    weaker = world.c.posts.reply(actor=later_author, thread=question.id, body="A weak one.")
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="The fix.")
    _upvote(world, weaker.id, 2)
    _upvote(world, answer.id, 3)
    before = world.c.reputation.of(answerer)
    assert world.c.bounties.close_expired() == []  # not ended yet
    world.c.clock.advance(days=7)
    [closed] = world.c.bounties.close_expired()
    assert (closed.id, closed.status, closed.answer_id) == (bounty.id, "auto_awarded", answer.id)
    assert closed.awarded_amount == 50  # half of 101, rounded down
    assert world.c.reputation.of(answerer) == before + 50
    assert world.c.bounties.close_expired() == []
    assert world.c.reputation.recompute() == {}


def test_an_expired_bounty_with_no_answer_scored_two_is_lost(world: Any) -> None:
    asker, answerer, question = _setup(world)
    world.c.bounties.offer(actor=asker, thread=question.id, amount=100)
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="Not great.")
    _upvote(world, answer.id, 1)
    heard: list[Any] = []
    world.c.clock.advance(days=7, seconds=1)
    with signals.bounty_expired.connected_to(lambda s, event: heard.append(event)):
        [closed] = world.c.bounties.close_expired()
    assert (closed.status, closed.awarded_to, closed.awarded_amount) == ("lost", None, 0)
    assert [e.amount for e in heard] == [100]
    assert world.c.reputation.of(asker) == 400
    assert world.c.reputation.of(answerer) == 11


def test_refunds_and_deleting_the_question_return_the_offer(world: Any) -> None:
    asker, _answerer, question = _setup(world)
    bounty = world.c.bounties.offer(actor=asker, thread=question.id, amount=100)
    with pytest.raises(PermissionDenied):
        world.c.bounties.refund(actor=asker, bounty=bounty.id, reason="changed my mind")
    refunded = world.c.bounties.refund(actor=world.mod.id, bounty=bounty.id, reason="duplicate")
    assert refunded.status == "refunded"
    assert world.c.reputation.of(asker) == 500
    assert [
        e.reason for e in world.c.audit.entries(actor=world.admin.id, action="bounty_refunded")
    ] == ["duplicate"]
    with pytest.raises(Conflict):
        world.c.bounties.refund(actor=world.mod.id, bounty=bounty.id, reason="again")
    second = world.c.bounties.offer(actor=asker, thread=question.id, amount=200)
    assert world.c.reputation.of(asker) == 300
    world.c.posts.delete(actor=world.mod.id, post=question.opening_post_id, reason="spam")
    assert world.c.reputation.of(asker) == 500
    # The deletion closed the bounty as refunded: the expiry job has nothing to settle.
    with world.c.storage.unit_of_work(read_only=True) as uow:
        closed = uow.bounties.get(second.id)
    assert closed is not None and closed.status == "refunded"
    world.c.clock.advance(days=8)
    assert world.c.bounties.close_expired() == []
    assert world.c.reputation.of(asker) == 500


# ---------------------------------------------------------------- property

_OPS = st.lists(
    st.tuples(
        st.sampled_from(["offer", "answer", "upvote", "award", "wait", "expire", "refund"]),
        st.integers(0, 2),
        st.integers(50, 500),
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_OPS)
def test_reputation_equals_the_ledger_sum_with_bounties(ops: list[tuple[str, int, int]]) -> None:
    clock = ManualClock()
    community = Community(
        MemoryStorage(),
        clock=clock,
        settings=Settings().with_privileges(vote_up=0, set_bounty=0),
        entry_points=False,
    )
    mod = community.members.join(external_id="m", display_name="Mod", roles=["staff"])
    community.spaces.create(actor=mod.id, slug="help", name="Help")
    people = [
        community.members.join(external_id=f"p{i}", display_name=f"P{i}").id for i in range(3)
    ]
    with community.storage.unit_of_work() as uow:
        for pid in people:  # a start large enough to offer bounties, through the ledger
            uow.members.add_reputation(pid, 600)
            uow.ledger.append(
                NewLedgerEntry(member_id=pid, delta=600, requested=600, rule="seed", event="seed",
                               cause=f"seed:{pid}", at=clock.now())
            )  # fmt: skip
        uow.commit()
    questions = [
        community.threads.start(
            actor=people[i], space="help", kind="question", title=f"Question {i} here", body="?"
        ).id
        for i in range(2)
    ]
    answers: list[int] = []
    for op, who, amount in ops:
        actor = people[who]
        try:
            if op == "offer":
                community.bounties.offer(actor=actor, thread=questions[who % 2], amount=amount)
            elif op == "answer":
                answers.append(
                    community.posts.reply(
                        actor=actor, thread=questions[who % 2], body="An answer"
                    ).id
                )
            elif op == "upvote" and answers:
                community.votes.cast(actor=actor, post=answers[amount % len(answers)], value=1)
            elif op == "award" and answers:
                community.bounties.award(actor=actor, answer=answers[amount % len(answers)])
            elif op == "wait":
                clock.advance(days=amount // 100 + 1)
            elif op == "expire":
                community.bounties.close_expired()
            elif op == "refund":
                for bounty in community.bounties.for_thread(actor=None, thread=questions[who % 2]):
                    if bounty.is_open:
                        community.bounties.refund(actor=mod.id, bounty=bounty.id, reason="test")
        except SocialCRMError:
            pass
    assert community.reputation.recompute() == {}
    for pid in people:
        assert community.reputation.of(pid) >= community.settings.reputation_floor
    for question in questions:
        assert (
            sum(b.is_open for b in community.bounties.for_thread(actor=None, thread=question)) <= 1
        )


def test_close_from_history_replays_what_the_history_decided(world: Any) -> None:
    asker, answerer, question = _setup(world)
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="Open the menu.")
    before = world.c.reputation.of(answerer)
    world.c.bounties.offer(actor=asker, thread=question.id, amount=100)
    # Awarded less than the offer: the automatic award, whatever the deadline says.
    assert world.c.bounties.close_from_history(post=answer.id, amount=50) == "auto_awarded"
    assert world.c.reputation.of(answerer) == before + 50
    assert world.c.bounties.close_from_history(post=answer.id, amount=50) == "no open bounty"
    second = world.question(asker, title="Where is the export button?")
    world.c.bounties.offer(actor=asker, thread=second.id, amount=60)
    assert second.opening_post_id is not None
    assert world.c.bounties.close_from_history(post=second.opening_post_id) == "lost"
    [closed] = world.c.bounties.for_thread(actor=None, thread=second.id)
    assert closed.status == "lost"
    with pytest.raises(NotFound):
        world.c.bounties.close_from_history(post=10**9, amount=50)
    with pytest.raises(ValidationError):
        world.c.bounties.close_from_history(post=answer.id, amount=-1)

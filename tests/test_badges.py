"""Badges: the hook, every built-in trigger, uniqueness, rollback, revoke, backfill."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import (
    BadgeDefinition,
    BadgeGrant,
    Community,
    ManualClock,
    NotFound,
    PermissionDenied,
    Settings,
    ValidationError,
    hookimpl,
    signals,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.plugins.badges import BADGE_PLUGINS

#: Without the built-in badges (the backfill test enables them later).
NO_BADGES = ["socialcrm.rewards", "socialcrm.staff"]


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """Badge services on memory and SQLite; the contract suite covers every adapter."""
    return str(request.param)


def _badges(community: Community, member: int) -> list[str]:
    return sorted(a.badge for a in community.badges.of(member))


def _answered(world: Any, *, asker: int | None = None, answerer: int | None = None) -> Any:
    asker = asker or world.member("asker")
    answerer = answerer or world.member("answerer")
    question = world.question(asker)
    answer = world.c.posts.reply(
        actor=answerer, thread=question.id, body=f"Use the menu (on {question.id})."
    )
    return asker, answerer, question, answer


# ---------------------------------------------------------------- the hook


class Commentator:
    """A plugin badge: first comment."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        def check(event: Any, context: Any) -> list[BadgeGrant]:
            return [BadgeGrant(member_id=event.actor_id)]

        return [
            BadgeDefinition(
                slug="commentator",
                name="Commentator",
                description="Left a first comment.",
                tier="bronze",
                triggers={"comment_added"},
                check=check,
            )
        ]


def test_hook_socialcrm_badges(make_community: Any, world_of: Any) -> None:
    community = make_community(plugins=[Commentator()])
    world = world_of(community)
    _asker, answerer, _q, answer = _answered(world)
    commenter = world.member("commenter", reputation=100)
    heard: list[Any] = []
    signals.badge_awarded.connect(lambda sender, event: heard.append(event), weak=False)
    try:
        community.posts.comment(actor=commenter, post=answer.id, body="Thanks!")
        community.posts.comment(actor=commenter, post=answer.id, body="Thanks again!")
    finally:
        signals.badge_awarded.receivers.clear()
    assert _badges(community, commenter) == ["commentator"]
    assert [(e.badge, e.member_id, e.tier) for e in heard] == [("commentator", commenter, "bronze")]
    assert "commentator" in {d.slug for d in community.badges.definitions()}
    assert "badge_awarded" in {m.name for m in community.outbox.pending(limit=1000)}
    assert community.badges.count_holders("commentator") == 1
    assert answerer not in {a.member_id for a in community.badges.holders("commentator")}


def test_two_plugins_defining_one_slug_are_refused() -> None:
    with pytest.raises(ValidationError, match="commentator"):
        Community(MemoryStorage(), plugins=[Commentator(), Commentator()], entry_points=False)


def test_badge_definitions_validate_their_fields() -> None:
    def check(event: Any, context: Any) -> None:
        return None

    with pytest.raises(ValidationError):
        BadgeDefinition(slug="Bad Slug", name="x", description="", tier="bronze",
                        triggers={"vote_cast"}, check=check)  # fmt: skip
    with pytest.raises(ValidationError):
        BadgeDefinition(slug="ok", name="x", description="", tier="platinum",
                        triggers={"vote_cast"}, check=check)  # fmt: skip


def test_a_check_that_raises_rolls_the_command_back(make_community: Any, world_of: Any) -> None:
    class Exploding:
        @hookimpl
        def socialcrm_on_event(self, event: Any, context: Any) -> None:
            if event.name == "badge_awarded":
                raise RuntimeError("no badges today")

    community = make_community(plugins=[Exploding()])
    world = world_of(community)
    asker = world.member("asker")
    with pytest.raises(RuntimeError):
        world.question(asker)
    assert community.badges.of(asker) == []
    assert community.threads.count(actor=world.admin.id) == 0


# ---------------------------------------------------------------- built-in triggers


def test_first_question_and_first_answer(world: Any) -> None:
    asker, answerer, question, _answer = _answered(world)
    world.c.posts.reply(actor=answerer, thread=question.id, body="And another way.")
    world.question(asker, title="A second question about it")
    assert _badges(world.c, asker) == ["first_question"]
    assert _badges(world.c, answerer) == ["first_answer"]
    assert len(world.c.badges.holders("first_question")) == 1


def test_a_discussion_earns_no_question_badge(world: Any) -> None:
    author = world.member("author")
    world.question(author, kind="discussion")
    assert _badges(world.c, author) == []


def test_accepted_answer_badges_count_only_answers_to_others(
    make_community: Any, world_of: Any
) -> None:
    community = make_community(settings=Settings().with_badges(accepted_bronze=2))
    world = world_of(community)
    solver, asker = world.member("solver"), world.member("asker")
    own = world.question(solver, title="My own question here")
    mine = community.posts.reply(actor=solver, thread=own.id, body="Solved it myself.")
    community.threads.accept(actor=solver, answer=mine.id)
    assert "first_accepted_answer" not in _badges(community, solver)
    for n in range(2):
        question = world.question(asker, title=f"Question number {n} here")
        answer = community.posts.reply(
            actor=solver, thread=question.id, body=f"Like this, for question {n}."
        )
        community.threads.accept(actor=asker, answer=answer.id)
        earned = _badges(community, solver)
        assert "first_accepted_answer" in earned
        assert ("accepted_answers_bronze" in earned) == (n == 1)


def test_score_badges_once_per_post_and_teacher_once(make_community: Any, world_of: Any) -> None:
    community = make_community(settings=Settings().with_badges(nice_score=2, good_score=3))
    world = world_of(community)
    asker, answerer, question, answer = _answered(world)
    voters = [world.member(f"voter{i}", reputation=200) for i in range(3)]
    for voter in voters:
        community.votes.cast(actor=voter, post=answer.id, value=1)
        community.votes.cast(actor=voter, post=question.opening_post_id, value=1)
    awards = community.badges.of(answerer)
    assert sorted(a.badge for a in awards) == [
        "first_answer",
        "good_answer",
        "nice_answer",
        "teacher",
    ]
    nice = next(a for a in awards if a.badge == "nice_answer")
    assert (nice.subject, nice.post_id) == (f"post:{answer.id}", answer.id)
    assert "nice_question" in _badges(community, asker) and "good_question" in _badges(
        community, asker
    )
    # A second answer scoring 2 earns its own nice_answer, but no second teacher.
    second = community.posts.reply(actor=answerer, thread=question.id, body="Or like that.")
    for voter in voters[:2]:
        community.votes.cast(actor=voter, post=second.id, value=1)
    names = [a.badge for a in community.badges.of(answerer)]
    assert names.count("nice_answer") == 2 and names.count("teacher") == 1


def test_supporter_and_critic(world: Any) -> None:
    _asker, _answerer, _question, answer = _answered(world)
    voter = world.member("voter", reputation=200)
    world.c.votes.cast(actor=voter, post=answer.id, value=1)
    assert _badges(world.c, voter) == ["supporter"]
    world.c.clock.advance(seconds=10)
    world.c.votes.cast(actor=voter, post=answer.id, value=-1)
    assert _badges(world.c, voter) == ["critic", "supporter"]


def test_trust_level_badges_for_every_level_reached(world: Any) -> None:
    member = world.member("climber")
    world.c.trust.grant(actor=world.admin.id, member=member, level=2)
    assert _badges(world.c, member) == ["trust_level_1", "trust_level_2"]
    world.c.trust.grant(actor=world.admin.id, member=member, level=0)
    world.c.trust.grant(actor=world.admin.id, member=member, level=4)
    assert _badges(world.c, member) == [f"trust_level_{n}" for n in range(1, 5)]


def test_enthusiast_needs_consecutive_days(make_community: Any, world_of: Any) -> None:
    community = make_community(settings=Settings().with_badges(enthusiast_days=3))
    world = world_of(community)
    member = world.member("regular")
    clock: ManualClock = community.clock  # type: ignore[assignment]
    for gap in (1, 2, 1, 1):  # days 1, 2, (3 missed) 4, 5: never 3 in a row; then day 6
        community.members.record_visit(member)
        assert "enthusiast" not in _badges(community, member)
        clock.advance(days=gap)
    community.members.record_visit(member)
    assert "enthusiast" in _badges(community, member)


def test_popular_question_once_per_question(make_community: Any, world_of: Any) -> None:
    community = make_community(settings=Settings().with_badges(popular_question_views=10))
    world = world_of(community)
    asker = world.member("asker")
    question = world.question(asker)
    assert community.threads.record_views(thread=question.id, count=9) == 9
    assert "popular_question" not in _badges(community, asker)
    assert community.threads.record_views(thread=question.id) == 10
    community.threads.record_views(thread=question.id, count=5)
    assert _badges(community, asker) == ["first_question", "popular_question"]
    assert community.threads.views(actor=None, thread=question.id) == 15
    with pytest.raises(ValidationError):
        community.threads.record_views(thread=question.id, count=0)


def test_views_of_a_private_thread_need_a_viewer_who_sees_it(world: Any) -> None:
    world.c.spaces.create(actor=world.admin.id, slug="vip", name="VIP", visibility="private")
    staff_thread = world.c.threads.start(
        actor=world.admin.id, space="vip", kind="question",
        title="Private pricing question", body="Only for staff.",
    )  # fmt: skip
    with pytest.raises(NotFound):
        world.c.threads.record_views(thread=staff_thread.id)
    assert world.c.threads.record_views(thread=staff_thread.id, viewer=world.admin.id) == 1


# ---------------------------------------------------------------- staff, placeholders


def test_staff_revoke_is_audited_and_the_badge_is_not_awarded_again(world: Any) -> None:
    asker = world.member("asker")
    world.question(asker)
    award = world.c.badges.of(asker)[0]
    with pytest.raises(PermissionDenied):
        world.c.badges.revoke(actor=world.mod.id, award=award.id)
    revoked = world.c.badges.revoke(actor=world.admin.id, award=award.id, reason="spam")
    assert revoked.is_revoked and revoked.revoked_by == world.admin.id
    assert world.c.badges.of(asker) == []
    entries = world.c.audit.entries(actor=world.admin.id, action="badge_revoked")
    assert [(e.member_id, e.reason) for e in entries] == [(asker, "spam")]
    world.question(asker, title="Another question from them")
    assert world.c.badges.of(asker) == []
    with pytest.raises(NotFound):
        world.c.badges.revoke(actor=world.admin.id, award=award.id)


def test_staff_award_by_hand_and_placeholders_never_receive_badges(world: Any) -> None:
    member = world.member("helper")
    made = world.c.badges.award(actor=world.admin.id, badge="supporter", member=member)
    assert made is not None and made.badge == "supporter"
    assert world.c.badges.award(actor=world.admin.id, badge="supporter", member=member) is None
    with pytest.raises(ValidationError):
        world.c.badges.award(actor=world.admin.id, badge="nice_answer", member=member)
    with pytest.raises(NotFound):
        world.c.badges.award(actor=world.admin.id, badge="no_such_badge", member=member)
    with pytest.raises(PermissionDenied):
        world.c.badges.award(actor=member, badge="critic", member=member)
    ghost = world.c.members.join(
        external_id="ghost", display_name="Ghost", roles=["member", "placeholder"]
    )
    assert world.c.badges.award(actor=world.admin.id, badge="critic", member=ghost.id) is None
    assert world.c.badges.holders("critic") == []


# ---------------------------------------------------------------- backfill


def test_backfill_awards_past_activity_once_with_progress(tmp_path: Any) -> None:
    storage = MemoryStorage()
    before = Community(storage, builtin_plugins=NO_BADGES, entry_points=False)
    admin = before.members.join(external_id="a", display_name="Admin", roles=["admin"])
    before.spaces.create(actor=admin.id, slug="help", name="Help")
    asker = before.members.join(external_id="q", display_name="Asker")
    answerer = before.members.join(external_id="r", display_name="Answerer")
    question = before.threads.start(
        actor=asker.id, space="help", kind="question", title="Where are my invoices?", body="?"
    )
    answer = before.posts.reply(actor=answerer.id, thread=question.id, body="Billing page.")
    before.votes.cast(actor=admin.id, post=answer.id, value=1)
    before.threads.accept(actor=asker.id, answer=answer.id)
    assert before.badges.definitions() == []

    after = Community(
        storage, settings=Settings().with_badges(backfill_batch_size=2), entry_points=False
    )
    calls: list[tuple[int, int]] = []
    made = after.badges.backfill(progress=lambda done, awarded: calls.append((done, awarded)))
    assert _badges(after, asker.id) == ["first_question"]
    assert _badges(after, answerer.id) == ["first_accepted_answer", "first_answer", "teacher"]
    assert _badges(after, admin.id) == ["supporter"]
    assert made == 5
    assert calls == [(2, 2), (3, 5)]
    assert after.badges.backfill() == 0
    with pytest.raises(NotFound):
        after.badges.backfill(badges=["nope"])


def test_the_built_in_badge_plugins_can_be_left_out() -> None:
    names = [name for name, _ in BADGE_PLUGINS if name != "socialcrm.badges.votes"]
    community = Community(MemoryStorage(), builtin_plugins=names, entry_points=False)
    slugs = {d.slug for d in community.badges.definitions()}
    assert "supporter" not in slugs and "first_question" in slugs


# ---------------------------------------------------------------- property


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from([1, -1, 0]))))
def test_awards_are_unique_per_badge_member_and_subject(plan: list[tuple[int, int, int]]) -> None:
    community = Community(
        MemoryStorage(),
        settings=Settings().with_badges(nice_score=1, good_score=2, great_score=3),
        clock=ManualClock(),
        entry_points=False,
    )
    admin = community.members.join(external_id="a", display_name="Admin", roles=["admin"])
    community.spaces.create(actor=admin.id, slug="help", name="Help")
    asker = community.members.join(external_id="q", display_name="Asker")
    question = community.threads.start(
        actor=asker.id, space="help", kind="question", title="A question to vote on", body="?"
    )
    authors = [community.members.join(external_id=f"w{i}", display_name=f"W{i}") for i in range(3)]
    answers = [
        community.posts.reply(actor=a.id, thread=question.id, body=f"answer {a.id}").id
        for a in authors
    ]
    voters = [
        community.members.join(external_id=f"v{i}", display_name=f"V{i}", roles=["moderator"])
        for i in range(4)
    ]
    for voter, target, value in plan:
        community.clock.advance(seconds=1)  # type: ignore[attr-defined]
        actor, post = voters[voter].id, answers[target]
        if value == 0:
            if community.votes.get(actor=actor, post=post) is not None:
                community.votes.retract(actor=actor, post=post)
        else:
            community.votes.cast(actor=actor, post=post, value=value)
    keys = []
    for member in [asker, admin, *authors, *voters]:
        keys += [(a.badge, a.member_id, a.subject) for a in community.badges.of(member.id)]
    assert len(keys) == len(set(keys))
    for badge, _member, subject in keys:
        definition = community.badges.definition(badge)
        assert (subject == "") != definition.repeatable

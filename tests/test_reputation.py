"""The reputation ledger: rewards, cap, floor, undo, recompute, leaderboards, ranks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialcrm import NotFound, Settings
from socialcrm.errors import PermissionDenied


def test_upvote_on_answer_gives_ten_and_retracting_takes_it_back(world, clock):
    c = world.c
    asker, answerer, voter = (
        world.member("asker"),
        world.member("answerer"),
        world.member("voter", 20),
    )
    q = world.question(asker)
    a = c.posts.reply(actor=answerer, thread=q.id, body="Settings → Billing → Invoices.")
    c.votes.cast(actor=voter, post=a.id, value=1)
    assert c.reputation.of(answerer) == 11
    c.votes.retract(actor=voter, post=a.id)
    assert c.reputation.of(answerer) == 1
    assert [e.delta for e in c.reputation.history(answerer)] == [-10, 10]


def test_undoing_capped_upvotes_restores_the_original_reputation(world, clock):
    """The Askbot failure: 501 → 30 upvotes → 701 (capped) → all undone → must be 501."""
    c = world.c
    author = world.member("author", 501)
    voters = [world.member(f"voter{i}", 20) for i in range(30)]
    q = world.question(world.member("asker"))
    answers = [c.posts.reply(actor=author, thread=q.id, body=f"answer {i}") for i in range(30)]
    for voter, answer in zip(voters, answers, strict=True):
        c.votes.cast(actor=voter, post=answer.id, value=1)
    assert c.reputation.of(author) == 701
    for voter, answer in zip(voters, answers, strict=True):
        c.votes.retract(actor=voter, post=answer.id)
    assert c.reputation.of(author) == 501


def test_daily_cap_stores_the_applied_delta_and_resets_the_next_utc_day(world, clock):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    answers = [c.posts.reply(actor=author, thread=q.id, body=f"answer {i}") for i in range(25)]
    voters = [world.member(f"v{i}", 20) for i in range(25)]
    for voter, answer in zip(voters[:21], answers[:21], strict=True):
        c.votes.cast(actor=voter, post=answer.id, value=1)
    assert c.reputation.of(author) == 201
    capped = c.reputation.history(author, limit=1)[0]
    assert (capped.requested, capped.delta) == (10, 0)
    clock.set(clock.now().replace(hour=0, minute=0) + timedelta(days=1))
    c.votes.cast(actor=voters[21], post=answers[21].id, value=1)
    assert c.reputation.of(author) == 211


def test_accepts_are_exempt_from_the_daily_cap(world):
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    q = world.question(asker)
    answers = [c.posts.reply(actor=author, thread=q.id, body=f"answer {i}") for i in range(20)]
    for i, answer in enumerate(answers):
        c.votes.cast(actor=world.member(f"v{i}", 20), post=answer.id, value=1)
    assert c.reputation.of(author) == 201
    c.threads.accept(actor=asker, answer=answers[0].id)
    assert c.reputation.of(author) == 216
    assert c.reputation.of(asker) == 3


def test_undo_on_a_later_day_frees_the_cap_of_the_day_it_was_earned(world, clock):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    answers = [c.posts.reply(actor=author, thread=q.id, body=f"a{i}") for i in range(22)]
    voters = [world.member(f"v{i}", 20) for i in range(22)]
    for voter, answer in zip(voters[:20], answers[:20], strict=True):
        c.votes.cast(actor=voter, post=answer.id, value=1)
    clock.advance(days=1)
    c.votes.cast(actor=voters[20], post=answers[20].id, value=1)
    # Undoing yesterday's vote must not open extra room today.
    c.posts.delete(actor=author, post=answers[0].id)
    for voter in voters[21:]:
        c.votes.cast(actor=voter, post=answers[21].id, value=1)
    today = clock.now().date()
    gained_today = sum(
        e.delta for e in c.reputation.history(author, limit=200) if e.cap_day == today
    )
    assert gained_today == 20


def test_accept_gives_fifteen_and_two_and_moving_it_moves_the_reputation(world):
    c = world.c
    asker, first, second = world.member("asker"), world.member("first"), world.member("second")
    q = world.question(asker)
    a1 = c.posts.reply(actor=first, thread=q.id, body="one")
    a2 = c.posts.reply(actor=second, thread=q.id, body="two")
    c.threads.accept(actor=asker, answer=a1.id)
    assert (c.reputation.of(first), c.reputation.of(asker)) == (16, 3)
    thread = c.threads.accept(actor=asker, answer=a2.id)
    assert thread.accepted_answer_id == a2.id
    assert (c.reputation.of(first), c.reputation.of(second), c.reputation.of(asker)) == (1, 16, 3)
    c.threads.unaccept(actor=asker, thread=q.id)
    assert (c.reputation.of(second), c.reputation.of(asker)) == (1, 1)


def test_accepting_ones_own_answer_earns_nothing(world):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker)
    own = c.posts.reply(actor=asker, thread=q.id, body="Found it myself.")
    c.threads.accept(actor=asker, answer=own.id)
    assert c.reputation.of(asker) == 1
    assert c.reputation.history(asker) == []


def test_downvote_costs_two_to_the_author_and_one_to_the_voter_on_answers(world):
    c = world.c
    asker, author, voter = (
        world.member("asker", 50),
        world.member("author", 50),
        world.member("voter", 200),
    )
    q = world.question(asker)
    a = c.posts.reply(actor=author, thread=q.id, body="wrong")
    c.votes.cast(actor=voter, post=a.id, value=-1)
    assert (c.reputation.of(author), c.reputation.of(voter)) == (48, 199)
    c.votes.cast(actor=voter, post=q.opening_post_id, value=-1)
    assert (c.reputation.of(asker), c.reputation.of(voter)) == (48, 199)


def test_changing_a_vote_reverses_the_old_effect_and_applies_the_new(world):
    c = world.c
    author, voter = world.member("author", 50), world.member("voter", 200)
    q = world.question(world.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="maybe")
    c.votes.cast(actor=voter, post=a.id, value=1)
    c.votes.cast(actor=voter, post=a.id, value=-1)
    assert (c.reputation.of(author), c.reputation.of(voter)) == (48, 199)
    c.votes.cast(actor=voter, post=a.id, value=1)
    assert (c.reputation.of(author), c.reputation.of(voter)) == (60, 200)


def test_reputation_never_drops_below_one(world):
    c = world.c
    author = world.member("author")
    q = world.question(author)
    c.votes.cast(actor=world.member("v1", 200), post=q.opening_post_id, value=-1)
    assert c.reputation.of(author) == 1
    entry = c.reputation.history(author)[0]
    assert (entry.requested, entry.delta) == (-2, 0)


def test_deleting_a_post_takes_back_what_it_earned(world):
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    q = world.question(asker)
    a = c.posts.reply(actor=author, thread=q.id, body="good answer")
    c.votes.cast(actor=world.member("v", 20), post=a.id, value=1)
    c.threads.accept(actor=asker, answer=a.id)
    assert c.reputation.of(author) == 26
    c.posts.delete(actor=author, post=a.id)
    assert (c.reputation.of(author), c.reputation.of(asker)) == (1, 1)
    assert c.threads.get(actor=asker, thread=q.id).accepted_answer_id is None


def test_recompute_rebuilds_cached_totals_from_the_ledger(world):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.votes.cast(actor=world.member("v", 20), post=a.id, value=1)
    with c.storage.unit_of_work() as uow:  # simulate drift
        uow.members.add_reputation(author, 999)
        uow.commit()
    assert c.reputation.of(author) == 1010
    fixed = c.reputation.recompute()
    assert fixed == {author: (1010, 11)}
    assert c.reputation.of(author) == 11
    assert c.reputation.recompute() == {}


def test_leaderboards_rank_by_total_and_by_period_and_space(world, clock):
    c = world.c
    admin = world.admin
    c.spaces.create(actor=admin.id, slug="shipping", name="Shipping")
    first, second = world.member("first"), world.member("second")
    voters = [world.member(f"v{i}", 20) for i in range(3)]
    q1 = world.question(world.member("asker"))
    q2 = c.threads.start(
        actor=world.member("asker2"),
        space="shipping",
        kind="question",
        title="Where is my parcel today?",
        body="Tracking says nothing.",
    )
    a1 = c.posts.reply(actor=first, thread=q1.id, body="billing answer")
    a2 = c.posts.reply(actor=second, thread=q2.id, body="shipping answer")
    for v in voters:
        c.votes.cast(actor=v, post=a1.id, value=1)
    clock.advance(days=40)
    c.votes.cast(actor=voters[0], post=a2.id, value=1)
    board = c.reputation.leaderboard(limit=3)
    assert (board[0].member_id, board[0].score) == (first, 31)
    month = c.reputation.leaderboard(period="month")
    assert [(r.member_id, r.score) for r in month] == [(second, 10)]
    shipping = c.reputation.leaderboard(space="shipping")
    assert [(r.member_id, r.score) for r in shipping] == [(second, 10)]
    assert c.reputation.rank(first) == 1


def test_ties_share_a_rank(world):
    c = world.c
    a, b = world.member("a", 100), world.member("b", 100)
    board = c.reputation.leaderboard(limit=3)
    assert [(r.rank, r.score) for r in board[:2]] == [(1, 100), (1, 100)]
    assert c.reputation.rank(a) == c.reputation.rank(b) == 1
    assert board[2].rank == 3


def test_private_space_leaderboard_is_not_found_for_outsiders(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="beta", name="Beta", visibility="private")
    outsider = world.member("outsider")
    with pytest.raises(NotFound):
        c.reputation.leaderboard(space="beta", actor=outsider)
    with pytest.raises(NotFound):
        c.reputation.leaderboard(space="beta")
    assert c.reputation.leaderboard(space="beta", actor=world.admin.id) == []


def test_reward_amounts_come_from_settings(make_community, world_of):
    c = make_community(settings=Settings().with_rewards(answer_upvote=5))
    w = world_of(c)
    author = w.member("author")
    q = w.question(w.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.votes.cast(actor=w.member("v", 20), post=a.id, value=1)
    assert c.reputation.of(author) == 6


def test_privileges_follow_reputation_and_moderators_bypass(world):
    c = world.c
    low, mid = world.member("low"), world.member("mid", 130)
    assert c.privileges.of(low)["vote_up"] is False
    assert c.privileges.has(mid, "vote_down") is True
    assert c.privileges.has(mid, "edit") is False
    assert all(c.privileges.of(world.mod.id).values())
    assert c.privileges.required("vote_down") == 125
    with pytest.raises(NotFound):
        c.privileges.required("fly")


def test_permission_denied_names_the_privilege_and_its_reputation(world):
    c = world.c
    voter = world.member("voter", 20)
    q = world.question(world.member("asker"))
    with pytest.raises(PermissionDenied) as info:
        c.votes.cast(actor=voter, post=q.opening_post_id, value=-1)
    assert info.value.privilege == "vote_down"
    assert info.value.required_reputation == 125
    assert "125" in str(info.value)

"""Champions (who leads by accepted answers, score and activity; the champion role) and the
per-activity leaderboards (accepted answers, upvotes received; staff left out if asked)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from socialcrm import NotFound, PermissionDenied, Settings, ValidationError
from socialcrm.settings import ChampionSettings


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """The aggregate reads are proven on every adapter by the contract suite."""
    return request.param


def _scene(world):
    """alice answers twice (one accepted, upvoted twice); bob asks; carol posts in a private
    space; a placeholder answers too."""
    c = world.c
    alice, bob, carol = world.member("alice"), world.member("bob"), world.member("carol")
    voters = [world.member(f"voter{i}", reputation=200) for i in range(2)]
    ghost = c.members.join(external_id="ghost", display_name="Ghost", roles=["placeholder"]).id
    q1 = world.question(bob, title="How do I export invoices?")
    q2 = world.question(bob, title="Where are my receipts?")
    a1 = c.posts.reply(actor=alice, thread=q1.id, body="Use the export button.")
    c.posts.reply(actor=alice, thread=q2.id, body="Under Billing, Receipts.")
    c.posts.reply(actor=ghost, thread=q2.id, body="An imported answer.")
    c.threads.accept(actor=bob, answer=a1.id)
    for voter in voters:
        c.votes.cast(actor=voter, post=a1.id, value=1)
    c.spaces.create(actor=world.admin.id, slug="vip", name="VIP", visibility="private")
    c.spaces.add_member(actor=world.admin.id, space="vip", member=carol)
    for i in range(6):
        world.question(carol, title=f"A private question number {i}", space="vip")
    return {"alice": alice, "bob": bob, "carol": carol, "ghost": ghost, "a1": a1.id}


def test_champions_lead_by_accepted_answers_score_and_activity(world):
    s = _scene(world)
    board = world.c.champions.find(actor=world.mod.id)
    by_member = {row.member_id: row for row in board}
    alice = by_member[s["alice"]]
    # 15 × 1 accepted + 10 × score 2 + 2 × 2 posts.
    assert (alice.accepted_answers, alice.answers, alice.posts, alice.score) == (1, 2, 2, 2)
    assert alice.champion_score == 15 + 20 + 4
    assert board[0].member_id == s["alice"] and board[0].rank == 1
    assert by_member[s["bob"]].champion_score == 2 * 2
    assert s["ghost"] not in by_member
    # The moderator cannot see the private space: carol's posts there do not count.
    assert s["carol"] not in by_member
    staff_board = world.c.champions.find(actor=world.admin.id)
    assert {row.member_id for row in staff_board} >= {s["carol"], s["alice"]}
    only_vip = world.c.champions.find(actor=world.admin.id, space="vip")
    assert [row.member_id for row in only_vip] == [s["carol"]]
    with pytest.raises(NotFound):
        world.c.champions.find(actor=world.mod.id, space="vip")


def test_finding_champions_needs_the_privilege(world):
    s = _scene(world)
    with pytest.raises(PermissionDenied) as refused:
        world.c.champions.find(actor=s["alice"])
    assert refused.value.privilege == "find_champions"


def test_the_period_bounds_what_counts(world):
    c = world.c
    s = _scene(world)
    now = c.clock.now()
    assert (
        c.champions.find(
            actor=world.mod.id, since=now + timedelta(seconds=1), until=now + timedelta(days=1)
        )
        == []
    )
    c.clock.advance(timedelta(days=31))
    assert c.champions.find(actor=world.mod.id) == []  # the default window is 30 days
    assert (
        c.champions.find(actor=world.mod.id, since=now - timedelta(days=1))[0].member_id
        == s["alice"]
    )
    with pytest.raises(ValidationError):
        c.champions.find(actor=world.mod.id, since=now, until=now)
    with pytest.raises(ValidationError):
        c.champions.find(actor=world.mod.id, since="yesterday")


def test_the_formula_weights_come_from_the_settings(make_community, world_of):
    settings = Settings(
        champions=ChampionSettings(accepted_weight=0, score_weight=0, post_weight=1)
    )
    world = world_of(make_community(settings=settings))
    s = _scene(world)
    board = world.c.champions.find(actor=world.mod.id)
    assert [r.champion_score for r in board[:2]] == [2, 2]
    # alice and bob tie on 2 posts; alice has more accepted answers, so she comes first.
    assert [r.member_id for r in board[:2]] == [s["alice"], s["bob"]]
    assert board[0].rank == board[1].rank == 1


def test_staff_grant_and_revoke_the_champion_role_with_its_privileges(world):
    c = world.c
    s = _scene(world)
    alice = s["alice"]
    assert not c.privileges.has(alice, "edit")
    with pytest.raises(PermissionDenied):
        c.champions.grant(actor=s["bob"], member=alice)
    with pytest.raises(PermissionDenied):
        c.champions.grant(actor=world.mod.id, member=alice)  # moderators are not staff
    granted = c.champions.grant(actor=world.admin.id, member=alice, reason="Great answers")
    assert "champion" in granted.roles and c.privileges.has(alice, "edit")
    assert not c.privileges.has(alice, "close")
    assert c.champions.find(actor=world.mod.id)[0].is_champion
    entries = c.audit.entries(actor=world.admin.id, member=alice)
    assert [(e.action, e.reason) for e in entries] == [("role_granted", "Great answers")]
    revoked = c.champions.revoke(actor=world.admin.id, member=alice)
    assert "champion" not in revoked.roles and not c.privileges.has(alice, "edit")
    assert [e.action for e in c.audit.entries(actor=world.admin.id, member=alice)] == [
        "role_revoked",
        "role_granted",
    ]
    with pytest.raises(NotFound):
        c.champions.grant(actor=world.admin.id, member=s["ghost"])


# ---------------------------------------------------------------- per-activity boards


def test_activity_boards_count_accepted_answers_and_upvotes_received(world):
    c = world.c
    s = _scene(world)
    accepted = c.reputation.activity_leaderboard(activity="accepted_answers")
    assert [(r.member_id, r.score, r.rank) for r in accepted] == [(s["alice"], 1, 1)]
    upvotes = c.reputation.activity_leaderboard(activity="upvotes_received", period="day")
    assert [(r.member_id, r.score) for r in upvotes] == [(s["alice"], 2)]
    c.threads.unaccept(actor=s["bob"], thread=c.posts.get(actor=None, post=s["a1"]).thread_id)
    assert c.reputation.activity_leaderboard(activity="accepted_answers") == []
    assert c.reputation.activity_leaderboard(activity="upvotes_received", space="billing")
    with pytest.raises(ValidationError):
        c.reputation.activity_leaderboard(activity="karma")


def test_staff_are_left_off_the_boards_when_configured(make_community, world_of):
    settings = attrs.evolve(Settings(), leaderboard_exclude_staff=True)
    world = world_of(make_community(settings=settings))
    c = world.c
    s = _scene(world)
    answer = c.posts.reply(
        actor=world.admin.id, thread=c.posts.get(actor=None, post=s["a1"]).thread_id, body="Staff"
    )
    c.votes.cast(actor=world.member("fan", reputation=200), post=answer.id, value=1)
    upvoted = {r.member_id for r in c.reputation.activity_leaderboard(activity="upvotes_received")}
    assert upvoted == {s["alice"]}
    leaders = {r.member_id for r in c.reputation.leaderboard(limit=50)}
    assert world.admin.id not in leaders and world.mod.id not in leaders and s["alice"] in leaders
    gains = {r.member_id for r in c.reputation.leaderboard(period="day", limit=50)}
    assert world.admin.id not in gains
    assert world.admin.id not in {r.member_id for r in c.champions.find(actor=world.mod.id)}

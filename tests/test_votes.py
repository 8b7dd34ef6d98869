"""Votes: privileges, own posts, one per member, changes, retractions, the vote lock."""

from __future__ import annotations

import pytest

from socialcrm import Conflict, NotFound, PermissionDenied, ValidationError


def test_member_cannot_vote_on_own_post(world):
    c = world.c
    author = world.member("author", 500)
    q = world.question(author)
    with pytest.raises(PermissionDenied) as info:
        c.votes.cast(actor=author, post=q.opening_post_id, value=1)
    assert info.value.code == "own_post"
    assert c.posts.get(actor=author, post=q.opening_post_id).score == 0


def test_upvote_needs_fifteen_reputation(world):
    c = world.c
    q = world.question(world.member("asker"))
    newbie = world.member("newbie", 14)
    with pytest.raises(PermissionDenied) as info:
        c.votes.cast(actor=newbie, post=q.opening_post_id, value=1)
    assert (info.value.privilege, info.value.required_reputation) == ("vote_up", 15)
    c.votes.cast(actor=world.member("ok", 15), post=q.opening_post_id, value=1)


@pytest.mark.parametrize("value", [0, 2, -2, True, "1", None, 1.0])
def test_vote_value_must_be_plus_or_minus_one(world, value):
    q = world.question(world.member("asker"))
    with pytest.raises(ValidationError):
        world.c.votes.cast(actor=world.member("v", 500), post=q.opening_post_id, value=value)


def test_casting_the_same_value_twice_keeps_one_vote(world):
    c = world.c
    q = world.question(world.member("asker"))
    voter = world.member("v", 500)
    first = c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    again = c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    assert first == again
    assert c.posts.get(actor=voter, post=q.opening_post_id).score == 1
    assert len(c.votes.for_post(actor=world.mod.id, post=q.opening_post_id)) == 1


def test_changing_a_vote_moves_the_score_by_two(world):
    c = world.c
    q = world.question(world.member("asker"))
    voter = world.member("v", 500)
    c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    vote = c.votes.cast(actor=voter, post=q.opening_post_id, value=-1)
    assert vote.value == -1
    assert c.posts.get(actor=voter, post=q.opening_post_id).score == -1
    c.votes.retract(actor=voter, post=q.opening_post_id)
    assert c.posts.get(actor=voter, post=q.opening_post_id).score == 0
    assert c.votes.get(actor=voter, post=q.opening_post_id) is None


def test_retracting_without_a_vote_is_not_found(world):
    q = world.question(world.member("asker"))
    with pytest.raises(NotFound) as info:
        world.c.votes.retract(actor=world.member("v", 500), post=q.opening_post_id)
    assert info.value.code == "no_vote"


def test_a_vote_locks_after_five_minutes_unless_the_post_is_edited(world, clock):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker)
    voter = world.member("v", 500)
    c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    clock.advance(minutes=4)
    c.votes.cast(actor=voter, post=q.opening_post_id, value=-1)  # within the window
    clock.advance(minutes=6)
    with pytest.raises(Conflict) as info:
        c.votes.retract(actor=voter, post=q.opening_post_id)
    assert info.value.code == "vote_locked"
    with pytest.raises(Conflict):
        c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    c.posts.edit(actor=asker, post=q.opening_post_id, body="Edited: where are the invoices?")
    c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    assert c.posts.get(actor=voter, post=q.opening_post_id).score == 1


def test_votes_on_deleted_or_unknown_posts_are_not_found(world):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.posts.delete(actor=author, post=a.id)
    for post in (a.id, 999_999):
        with pytest.raises(NotFound):
            c.votes.cast(actor=world.member(f"v{post}", 500), post=post, value=1)


def test_who_voted_is_for_moderators_only(world):
    c = world.c
    q = world.question(world.member("asker"))
    with pytest.raises(PermissionDenied):
        c.votes.for_post(actor=world.member("curious", 5000), post=q.opening_post_id)


def test_unknown_actor_is_denied(world):
    q = world.question(world.member("asker"))
    with pytest.raises(PermissionDenied) as info:
        world.c.votes.cast(actor=424242, post=q.opening_post_id, value=1)
    assert info.value.code == "unknown_actor"

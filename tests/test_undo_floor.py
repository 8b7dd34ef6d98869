"""Undo at the floor never creates reputation: the three cases found by the outside review.

Compensating entries used to be applied oldest first, each floored on its own, so a
reversed gain was cut by the floor while the reversed losses were refunded in full.
The rule now: undoing a set of entries leaves the member where a replay of their other
live entries puts them, never higher (see ``docs/concepts.md``, "Undoing").
"""

from __future__ import annotations

from socialcrm import Settings


def _ledger_sum(c, member: int) -> int:
    return c.settings.reputation_start + sum(
        e.delta for e in c.reputation.history(member, limit=c.settings.page_size_limit)
    )


def test_deleting_an_answer_with_one_upvote_and_five_downvotes_leaves_its_author_at_1(world):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    answer = c.posts.reply(actor=author, thread=q.id, body="Try turning it off and on.")
    c.votes.cast(actor=world.member("fan", 20), post=answer.id, value=1)
    assert c.reputation.of(author) == 11
    for i in range(5):
        c.votes.cast(actor=world.member(f"critic{i}", 200), post=answer.id, value=-1)
    assert c.reputation.of(author) == 1

    c.posts.delete(actor=author, post=answer.id)

    assert c.reputation.of(author) == 1
    assert _ledger_sum(c, author) == 1
    undone = [e for e in c.reputation.history(author) if e.undoes is not None]
    assert len(undone) == 6 and sum(e.delta for e in undone) == 0


def test_retracting_every_vote_on_a_members_posts_leaves_them_at_1(world):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    answer = c.posts.reply(actor=author, thread=q.id, body="Try turning it off and on.")
    fan = world.member("fan", 20)
    critics = [world.member(f"critic{i}", 200) for i in range(5)]
    c.votes.cast(actor=fan, post=answer.id, value=1)
    for critic in critics:
        c.votes.cast(actor=critic, post=answer.id, value=-1)
    assert c.reputation.of(author) == 1

    for voter in (fan, *critics):
        c.votes.retract(actor=voter, post=answer.id)

    assert c.reputation.of(author) == 1
    assert _ledger_sum(c, author) == 1


def test_retracting_the_downvotes_first_then_the_upvote_also_ends_at_1(world):
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    answer = c.posts.reply(actor=author, thread=q.id, body="Try turning it off and on.")
    fan = world.member("fan", 20)
    critics = [world.member(f"critic{i}", 200) for i in range(6)]
    c.votes.cast(actor=fan, post=answer.id, value=1)
    for critic in critics:  # the sixth downvote is cut to 0 at the floor
        c.votes.cast(actor=critic, post=answer.id, value=-1)

    # Without the first downvote the other five still take the member to the floor.
    c.votes.retract(actor=critics[0], post=answer.id)
    assert c.reputation.of(author) == 1
    for critic in critics[1:]:
        c.votes.retract(actor=critic, post=answer.id)
    assert c.reputation.of(author) == 11
    c.votes.retract(actor=fan, post=answer.id)
    assert c.reputation.of(author) == 1
    assert _ledger_sum(c, author) == 1


def test_an_asker_who_spent_a_bounty_then_deleted_the_question_ends_at_1(make_community, world_of):
    world = world_of(make_community(settings=Settings().with_privileges(set_bounty=0)))
    c = world.c
    asker = world.member("asker")
    q = world.question(asker)
    for i in range(6):
        c.votes.cast(actor=world.member(f"fan{i}", 20), post=q.opening_post_id, value=1)
    assert c.reputation.of(asker) == 61
    c.bounties.offer(actor=asker, thread=q.id, amount=50)
    assert c.reputation.of(asker) == 11

    c.posts.delete(actor=asker, post=q.opening_post_id)

    assert c.reputation.of(asker) == 1
    assert _ledger_sum(c, asker) == 1


def test_refunding_a_bounty_alone_gives_back_the_whole_amount(make_community, world_of):
    world = world_of(make_community(settings=Settings().with_privileges(set_bounty=0)))
    c = world.c
    asker = world.member("asker", 61)
    q = world.question(asker)
    bounty = c.bounties.offer(actor=asker, thread=q.id, amount=50)
    assert c.reputation.of(asker) == 11
    c.bounties.refund(actor=world.admin.id, bounty=bounty.id, reason="Asked by mistake.")
    assert c.reputation.of(asker) == 61


def test_undoing_a_gain_the_floor_later_absorbed_keeps_later_gains(world):
    """+10, five -2 (to the floor), +10: without the first upvote the member has 11."""
    c = world.c
    author = world.member("author")
    q = world.question(world.member("asker"))
    first = c.posts.reply(actor=author, thread=q.id, body="First answer.")
    second = c.posts.reply(actor=author, thread=q.id, body="Second answer.")
    fan = world.member("fan", 20)
    c.votes.cast(actor=fan, post=first.id, value=1)
    for i in range(5):
        c.votes.cast(actor=world.member(f"critic{i}", 200), post=second.id, value=-1)
    assert c.reputation.of(author) == 1
    c.votes.cast(actor=world.member("fan2", 20), post=second.id, value=1)
    assert c.reputation.of(author) == 11

    c.votes.retract(actor=fan, post=first.id)

    assert c.reputation.of(author) == 11
    assert _ledger_sum(c, author) == 11

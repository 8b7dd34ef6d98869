"""Hypothesis properties of engagement: invite codes never pass their uses, referral rewards
are granted exactly once per key, contest winners are the best entries in a fixed order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import Community, Conflict, ManualClock, signals
from socialcrm.adapters.memory import MemoryStorage

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _community() -> Community:
    return Community(MemoryStorage(), clock=ManualClock(), entry_points=False)


@PROPERTY
@given(max_uses=st.integers(1, 5), attempts=st.integers(0, 8))
def test_property_a_code_is_used_at_most_max_uses_times(max_uses, attempts):
    c = _community()
    inviter = c.members.join(external_id="inviter", display_name="Inviter").id
    code = c.invitations.create(actor=inviter, max_uses=max_uses).code
    joined = refused = 0
    for i in range(attempts):
        try:
            c.members.join(external_id=f"guest{i}", display_name=f"Guest {i}", invite_code=code)
            joined += 1
        except Conflict as error:
            assert error.code == "invite_used_up"
            refused += 1
    assert joined == min(max_uses, attempts) and refused == attempts - joined
    assert len(c.members.list(limit=100)) == 1 + joined
    assert c.invitations.list(actor=inviter)[0].uses == joined
    assert len(c.referrals.of(actor=inviter)) == joined


@PROPERTY
@given(calls=st.lists(st.integers(0, 4), max_size=12))
def test_property_referral_rewards_are_signalled_once_per_key(calls):
    c = _community()
    earned: list[Any] = []

    def receive(sender: Any, event: Any) -> None:
        earned.append(event)

    signals.referral_reward_earned.connect(receive, sender=c)
    try:
        referrer = c.members.join(external_id="referrer", display_name="Referrer").id
        code = c.invitations.create(actor=referrer, max_uses=5).code
        friends = [
            c.members.join(external_id=f"f{i}", display_name=f"F{i}", invite_code=code).id
            for i in range(5)
        ]
        for index in calls:
            c.referrals.converted(referred=friends[index])
    finally:
        signals.referral_reward_earned.disconnect(receive, sender=c)
    converted = len(set(calls))
    keys = [e.key for e in earned]
    assert len(keys) == len(set(keys))
    assert sum(1 for e in earned if e.kind == "credit") == converted
    assert sum(1 for e in earned if e.kind == "badge") == (1 if converted >= 3 else 0)


@PROPERTY
@given(
    votes=st.lists(st.sets(st.integers(0, 3), max_size=4), min_size=1, max_size=5),
    places=st.integers(1, 4),
)
def test_property_contest_winners_are_the_best_entries_earliest_first(votes, places):
    c = _community()
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"]).id
    c.spaces.create(actor=admin, slug="s", name="S")
    thread = c.threads.start(
        actor=admin, space="s", kind="discussion", title="A photo contest", body="!"
    )
    now = c.clock.now()
    contest = c.contests.create(
        actor=admin,
        thread=thread.id,
        submission_ends_at=now + timedelta(days=1),
        voting_ends_at=now + timedelta(days=2),
        winners=places,
    )
    voters = [c.members.join(external_id=f"v{i}", display_name=f"V{i}").id for i in range(4)]
    with c.storage.unit_of_work() as uow:  # give voters the vote_up privilege
        for voter in voters:
            uow.members.add_reputation(voter, 100)
        uow.commit()
    entries = []
    for i, _ in enumerate(votes):
        author = c.members.join(external_id=f"a{i}", display_name=f"A{i}").id
        entries.append(c.posts.reply(actor=author, thread=thread.id, body=f"entry {i}"))
        c.clock.advance(minutes=1)
    c.clock.advance(timedelta(days=1))
    for entry, voted_by in zip(entries, votes, strict=True):
        for voter in voted_by:
            c.votes.cast(actor=voters[voter], post=entry.id, value=1)
    c.clock.advance(timedelta(days=1))
    winners = c.contests.decide(contest=contest.id)
    ranked = sorted(range(len(entries)), key=lambda i: (-len(votes[i]), i))
    assert [w.post_id for w in winners] == [entries[i].id for i in ranked[:places]]
    assert [w.score for w in winners] == [len(votes[i]) for i in ranked[:places]]
    assert [w.position for w in winners] == list(range(1, len(winners) + 1))

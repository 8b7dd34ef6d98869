"""Serial-vote reversal: the periodic job that takes back runs of votes for one person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import Community, ManualClock, hookimpl, signals
from socialcrm.capabilities.threads.records import ThreadFilter
from socialcrm.capabilities.votes.events import VoteReversed
from socialcrm.capabilities.votes.records import Vote
from socialcrm.capabilities.votes.serial import serial_runs
from socialcrm.core.serialization import event_to_json


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """Memory and SQLite (the contract suite runs ``repeated_pairs`` on the servers)."""
    return str(request.param)


def _answers(world: Any, author: int, count: int) -> list[int]:
    """``count`` answers by ``author``, each in its own question by a fresh asker."""
    answers = []
    asker = world.member(f"asker-of-{author}")
    for n in range(count):
        question = world.question(asker, title=f"Question number {n} about billing")
        answers.append(world.c.posts.reply(actor=author, thread=question.id, body=f"Fix {n}").id)
    return answers


def _books(c: Community) -> dict[str, Any]:
    """Every score, vote and total the job may change."""
    with c.storage.unit_of_work(read_only=True) as uow:
        members = uow.members.reputations()
        totals = uow.ledger.totals()
        spaces = [s.id for s in uow.spaces.list()]
        posts = [
            p
            for t in uow.threads.list(ThreadFilter(space_ids=spaces), limit=200)
            for p in uow.posts.list_for_thread(t.id)
        ]
        return {
            "reputation": members,
            "ledger sum": {m: c.settings.reputation_start + totals.get(m, 0) for m in members},
            "scores": {p.id: p.score for p in posts},
            "votes": {p.id: sum(v.value for v in uow.votes.for_post(p.id)) for p in posts},
        }


def test_a_run_of_upvotes_for_one_author_is_reversed_exactly_once(world: Any) -> None:
    c = world.c
    author = world.member("author")
    fan = world.member("fan", reputation=20)
    honest = world.member("honest", reputation=20)
    answers = _answers(world, author, 12)
    untouched = _books(c)["reputation"][author]
    c.votes.cast(actor=honest, post=answers[0], value=1)  # one honest vote stays
    with_honest = _books(c)["reputation"][author]
    for answer in answers[:10]:
        c.clock.advance(seconds=60)
        c.votes.cast(actor=fan, post=answer, value=1)
    assert _books(c)["reputation"][author] == with_honest + 100
    reversed_events: list[Any] = []
    with signals.vote_reversed.connected_to(
        lambda sender, event: reversed_events.append(event), sender=c
    ):
        done = c.moderation.reverse_serial_votes()
        again = c.moderation.reverse_serial_votes()
    assert [(r.voter_id, r.author_id, len(r.vote_ids)) for r in done] == [(fan, author, 10)]
    assert again == []
    assert len(reversed_events) == 10
    assert {e.voter_id for e in reversed_events} == {fan}
    assert all(e.actor_id is None and e.previous_value == 1 for e in reversed_events)
    books = _books(c)
    assert books["reputation"][author] == with_honest == untouched + 10
    assert books["reputation"] == books["ledger sum"]
    assert books["scores"] == books["votes"]
    assert books["scores"][answers[0]] == 1  # the honest vote
    entries = c.audit.entries(actor=world.admin.id, action="serial_votes_reversed")
    assert [(e.member_id, e.actor_id, dict(e.after)) for e in entries] == [
        (fan, None, {"author_id": author, "votes_reversed": 10})
    ]


def test_the_thresholds_appear_in_no_event_or_audit_entry(world: Any) -> None:
    c = world.c
    author, fan = world.member("author"), world.member("fan", reputation=20)
    for answer in _answers(world, author, 10):
        c.votes.cast(actor=fan, post=answer, value=1)
    events: list[Any] = []
    with signals.event_committed.connected_to(lambda sender, event: events.append(event), sender=c):
        c.moderation.reverse_serial_votes()
    payloads = [event_to_json(e, event_id="e") for e in events]
    entries = c.audit.entries(actor=world.admin.id)
    text = " ".join(payloads) + " ".join(str(dict(e.after or {})) for e in entries)
    for secret in ("threshold", "window", "lookback", "86400"):
        assert secret not in text


def test_votes_spread_wider_than_the_window_are_kept(world: Any) -> None:
    c = world.c
    author, fan = world.member("author"), world.member("fan", reputation=20)
    answers = _answers(world, author, 12)
    for answer in answers:
        c.clock.advance(seconds=c.settings.serial_vote_window_seconds // 9)
        c.votes.cast(actor=fan, post=answer, value=1)
    before = _books(c)
    assert c.moderation.reverse_serial_votes() == []
    assert _books(c) == before


def test_serial_downvotes_are_reversed_and_the_voters_cost_refunded(world: Any) -> None:
    c = world.c
    author = world.member("author", reputation=500)
    critic = world.member("critic", reputation=500)
    for answer in _answers(world, author, 10):
        c.votes.cast(actor=critic, post=answer, value=-1)
    books = _books(c)
    assert books["reputation"][author] == 500 - 20
    assert books["reputation"][critic] == 500 - 10
    [done] = c.moderation.reverse_serial_votes()
    assert (done.voter_id, done.author_id) == (critic, author)
    books = _books(c)
    assert (books["reputation"][author], books["reputation"][critic]) == (500, 500)
    assert books["reputation"] == books["ledger sum"]


def test_only_votes_in_the_lookback_are_considered(world: Any) -> None:
    c = world.c
    author, fan = world.member("author"), world.member("fan", reputation=20)
    for answer in _answers(world, author, 10):
        c.votes.cast(actor=fan, post=answer, value=1)
    c.clock.advance(days=c.settings.serial_vote_lookback_days, seconds=1)
    before = _books(c)
    assert c.moderation.reverse_serial_votes() == []
    assert _books(c) == before


def test_votes_of_other_voters_and_for_other_authors_are_untouched(world: Any) -> None:
    c = world.c
    author, other = world.member("author"), world.member("other")
    fan = world.member("fan", reputation=20)
    many = _answers(world, author, 10)
    few = _answers(world, other, 3)
    for answer in [*many, *few]:
        c.votes.cast(actor=fan, post=answer, value=1)
    [done] = c.moderation.reverse_serial_votes()
    assert done.author_id == author
    books = _books(c)
    assert all(books["scores"][a] == 0 for a in many)
    assert all(books["scores"][a] == 1 for a in few)


def test_a_vote_removed_while_the_job_runs_is_not_taken_back_twice(
    make_community: Any, world_of: Any
) -> None:
    race: dict[str, Any] = {}

    class RetractsFirst:
        """Removes the fan's last vote as the job reverses its first, as a racing retraction."""

        @hookimpl
        def socialcrm_on_event(self, event: Any, context: Any) -> None:
            if isinstance(event, VoteReversed) and "vote" in race:
                vote = race.pop("vote")
                assert context.uow.votes.remove(vote.id, value=vote.value) is True
                context.uow.posts.add_score(vote.post_id, -vote.value)

    world = world_of(make_community(plugins=[RetractsFirst()]))
    c = world.c
    author, fan = world.member("author"), world.member("fan", reputation=20)
    answers = _answers(world, author, 10)
    for answer in answers:
        c.votes.cast(actor=fan, post=answer, value=1)
    with c.storage.unit_of_work(read_only=True) as uow:
        race["vote"] = uow.votes.get(answers[-1], fan)
    [done] = c.moderation.reverse_serial_votes()
    assert len(done.vote_ids) == 9 and race == {}
    books = _books(c)
    assert books["scores"] == books["votes"]
    assert all(score == 0 for score in books["scores"].values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gaps=st.lists(st.integers(0, 7200), min_size=1, max_size=25),
    threshold=st.integers(1, 6),
    window=st.integers(1, 10_000),
)
def test_serial_runs_flags_exactly_the_votes_in_a_dense_window(
    gaps: list[int], threshold: int, window: int
) -> None:
    clock = ManualClock()
    votes = []
    for n, gap in enumerate(gaps):
        clock.advance(seconds=gap)
        votes.append(Vote(id=n + 1, post_id=n + 1, member_id=1, value=1, cast_at=clock.now()))
    flagged = {
        v.id for v in serial_runs(votes, threshold=threshold, window=timedelta(seconds=window))
    }
    for vote in votes:
        # A vote is flagged iff some window [start, start + window) holding it holds
        # `threshold` votes; such a window can start at a vote's time.
        dense = any(
            start.cast_at <= vote.cast_at < start.cast_at + timedelta(seconds=window)
            and sum(
                start.cast_at <= v.cast_at < start.cast_at + timedelta(seconds=window)
                for v in votes
            )
            >= threshold
            for start in votes
        )
        assert (vote.id in flagged) == dense


def test_reversed_upvotes_no_longer_count_as_likes_for_trust_levels(world: Any) -> None:
    c = world.c
    author, fan = world.member("author"), world.member("fan", reputation=20)
    honest = world.member("honest", reputation=20)
    answers = _answers(world, author, 10)
    c.votes.cast(actor=honest, post=answers[0], value=1)
    for answer in answers:
        c.votes.cast(actor=fan, post=answer, value=1)
    assert c.trust.activity(author).all_time.likes_received == 11
    assert c.trust.activity(fan).all_time.likes_given == 10
    c.moderation.reverse_serial_votes()
    assert c.trust.activity(author).all_time.likes_received == 1
    assert c.trust.activity(fan).all_time.likes_given == 0
    assert c.trust.activity(honest).all_time.likes_given == 1

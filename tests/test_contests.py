"""Contests: entries in the submission window, votes only in the voting window, winners by
score with a deterministic tie-break, decided once and announced."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socialcrm import Conflict, NotFound, PermissionDenied, ValidationError, signals

DAY = timedelta(days=1)


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """Contest storage is proven on every adapter by the contract suite."""
    return request.param


@pytest.fixture
def decided() -> Any:
    events: list[Any] = []

    def receive(sender: Any, event: Any) -> None:
        events.append(event)

    signals.contest_decided.connect(receive)
    yield events
    signals.contest_decided.disconnect(receive)


def _contest(world, **kw):
    c = world.c
    thread = c.threads.start(
        actor=world.mod.id,
        space="billing",
        kind="discussion",
        title="Photo contest: your desk",
        body="Post a photo of your desk.",
    )
    now = c.clock.now()
    kw.setdefault("winners", 2)
    contest = c.contests.create(
        actor=world.mod.id,
        thread=thread.id,
        submission_ends_at=now + DAY,
        voting_ends_at=now + 2 * DAY,
        **kw,
    )
    return thread, contest


def test_a_vote_outside_the_voting_window_is_refused(world):
    c = world.c
    alice, voter = world.member("alice"), world.member("voter", reputation=200)
    thread, contest = _contest(world)
    entry = c.posts.reply(actor=alice, thread=thread.id, body="My desk")
    with pytest.raises(Conflict) as early:
        c.votes.cast(actor=voter, post=entry.id, value=1)
    assert early.value.code == "contest_voting_closed"
    assert c.posts.get(actor=None, post=entry.id).score == 0
    c.clock.advance(DAY)
    c.votes.cast(actor=voter, post=entry.id, value=1)
    c.clock.advance(DAY)
    with pytest.raises(Conflict) as late:
        c.votes.cast(actor=voter, post=entry.id, value=-1)
    assert late.value.code == "contest_voting_closed"
    with pytest.raises(Conflict):
        c.votes.retract(actor=voter, post=entry.id)
    assert c.posts.get(actor=None, post=entry.id).score == 1
    # The contest's announcement (the opening post) is not an entry: votes on it are free.
    c.votes.cast(actor=voter, post=thread.opening_post_id, value=1)
    assert c.posts.get(actor=None, post=thread.opening_post_id).score == 1
    assert contest.voting_ends_at == contest.voting_starts_at + DAY


def test_winners_by_score_with_the_earlier_entry_winning_a_tie(world, decided):
    c = world.c
    authors = [world.member(f"author{i}") for i in range(4)]
    voters = [world.member(f"voter{i}", reputation=200) for i in range(3)]
    thread, contest = _contest(world)
    entries = []
    for author in authors:
        entries.append(c.posts.reply(actor=author, thread=thread.id, body=f"Entry of {author}"))
        c.clock.advance(minutes=1)
    c.clock.advance(DAY)
    late = c.posts.reply(actor=authors[0], thread=thread.id, body="Too late to enter")
    # entries[1] and entries[2] tie on 2; entries[3] gets 3; late gets 3 but is no entry.
    for voter in voters:
        c.votes.cast(actor=voter, post=entries[3].id, value=1)
        c.votes.cast(actor=voter, post=late.id, value=1)
    for voter in voters[:2]:
        c.votes.cast(actor=voter, post=entries[2].id, value=1)
        c.votes.cast(actor=voter, post=entries[1].id, value=1)
    assert [p.id for p in c.contests.entries(actor=None, contest=contest.id)] == [
        entries[3].id,
        entries[1].id,
        entries[2].id,
        entries[0].id,
    ]
    with pytest.raises(Conflict) as running:
        c.contests.decide(contest=contest.id)
    assert running.value.code == "contest_not_over"
    c.clock.advance(DAY)
    winners = c.contests.decide(contest=contest.id)
    assert [(w.position, w.post_id, w.member_id, w.score) for w in winners] == [
        (1, entries[3].id, authors[3], 3),
        (2, entries[1].id, authors[1], 2),
    ]
    assert c.contests.decide(contest=contest.id) == winners
    assert c.contests.winners(actor=None, contest=contest.id) == winners
    assert [(e.winner_post_ids, e.winner_member_ids) for e in decided] == [
        ((entries[3].id, entries[1].id), (authors[3], authors[1]))
    ]
    # Each winner holds the contest_winner badge for this contest, once, decided twice.
    holders = c.badges.holders("contest_winner")
    assert sorted((a.member_id, a.subject) for a in holders) == sorted(
        [(authors[3], f"contest:{contest.id}"), (authors[1], f"contest:{contest.id}")]
    )
    assert all("contest_winner" not in [a.badge for a in c.badges.of(m)] for m in authors[::2])


def test_the_job_decides_ended_contests_once(world, decided):
    c = world.c
    alice = world.member("alice")
    thread, contest = _contest(world, winners=1)
    c.posts.reply(actor=alice, thread=thread.id, body="Only entry")
    assert c.contests.decide_due() == 0
    c.clock.advance(2 * DAY)
    assert c.contests.decide_due() == 1
    assert c.contests.decide_due() == 0
    assert [e.winner_member_ids for e in decided] == [(alice,)]
    assert c.contests.for_thread(actor=None, thread=thread.id).decided_at is not None


def test_a_contest_without_entries_is_decided_with_no_winners(world, decided):
    c = world.c
    _, contest = _contest(world)
    c.clock.advance(2 * DAY)
    assert c.contests.decide(contest=contest.id, actor=world.mod.id) == []
    assert [e.winner_post_ids for e in decided] == [()]


def test_only_moderators_run_and_decide_contests(world):
    c = world.c
    alice = world.member("alice")
    thread = world.question(alice)
    now = c.clock.now()
    with pytest.raises(PermissionDenied):
        c.contests.create(
            actor=alice,
            thread=thread.id,
            submission_ends_at=now + DAY,
            voting_ends_at=now + 2 * DAY,
        )
    _, contest = _contest(world)
    c.clock.advance(3 * DAY)
    with pytest.raises(PermissionDenied):
        c.contests.decide(contest=contest.id, actor=alice)
    with pytest.raises(NotFound):
        c.contests.decide(contest=contest.id + 1000)


@pytest.mark.parametrize(
    "windows",
    [
        {"submission_ends_at": 0, "voting_ends_at": 2},  # submission ends as it starts
        {"submission_ends_at": 2, "voting_ends_at": 1},  # voting ends before submissions
        {"submission_ends_at": 1, "voting_ends_at": 3, "voting_starts_at": 0.5},
        {"submission_ends_at": 1, "voting_ends_at": 400},  # beyond contest_max_days
        {"submission_ends_at": 1, "voting_ends_at": 2, "submission_starts_at": -1},
    ],
)
def test_bad_windows_are_refused(world, windows):
    c = world.c
    thread = world.question(world.member("alice"))
    now = c.clock.now()
    args = {name: now + days * DAY for name, days in windows.items()}
    with pytest.raises(ValidationError):
        c.contests.create(actor=world.mod.id, thread=thread.id, **args)
    assert c.contests.for_thread(actor=None, thread=thread.id) is None


def test_bad_winner_counts_are_refused(world):
    c = world.c
    thread = world.question(world.member("alice"))
    now = c.clock.now()
    for bad in (0, 11, True, "3"):
        with pytest.raises(ValidationError):
            c.contests.create(
                actor=world.mod.id,
                thread=thread.id,
                submission_ends_at=now + DAY,
                voting_ends_at=now + 2 * DAY,
                winners=bad,
            )


def test_a_contest_in_a_private_space_is_hidden_from_outsiders(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="vip", name="VIP", visibility="private")
    thread = c.threads.start(
        actor=world.admin.id, space="vip", kind="discussion", title="Private contest", body="x"
    )
    now = c.clock.now()
    contest = c.contests.create(
        actor=world.admin.id,
        thread=thread.id,
        submission_ends_at=now + DAY,
        voting_ends_at=now + 2 * DAY,
    )
    outsider = world.member("outsider")
    with pytest.raises(NotFound):
        c.contests.entries(actor=outsider, contest=contest.id)
    with pytest.raises(NotFound):
        c.contests.winners(actor=None, contest=contest.id)
    assert c.contests.entries(actor=world.admin.id, contest=contest.id) == []

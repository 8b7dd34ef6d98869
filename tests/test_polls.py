"""Polls on threads: options, single and multiple choice, one ballot per member, closing,
hidden results, and visibility that follows the thread's space."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import Community, Conflict, ManualClock, NotFound, PermissionDenied, ValidationError
from socialcrm.adapters.memory import MemoryStorage


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """Polls' storage is proven on every adapter by the contract suite; here, two suffice."""
    return request.param


def _poll(world, author, **kw):
    thread = world.question(author, title="Which day suits the webinar?")
    kw.setdefault("options", ["Monday", "Tuesday", "Friday"])
    return world.c.polls.create(actor=author, thread=thread.id, question="Which day?", **kw)


def test_a_single_choice_ballot_is_one_per_member_and_changeable(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    poll = _poll(world, alice)
    monday, tuesday, friday = (o.id for o in poll.options)
    assert c.polls.vote(actor=bob, poll=poll.id, options=[monday]) == (monday,)
    assert c.polls.vote(actor=bob, poll=poll.id, options=[friday]) == (friday,)
    c.polls.vote(actor=alice, poll=poll.id, options=[friday])
    results = c.polls.results(actor=bob, poll=poll.id)
    assert results.tallies == {monday: 0, tuesday: 0, friday: 2}
    assert results.voters == 2 and results.ballot == (friday,) and results.open
    with pytest.raises(ValidationError):
        c.polls.vote(actor=bob, poll=poll.id, options=[monday, tuesday])
    assert c.polls.vote(actor=bob, poll=poll.id, options=[]) == ()
    assert c.polls.results(actor=bob, poll=poll.id).tallies == {monday: 0, tuesday: 0, friday: 1}


def test_a_multiple_choice_ballot_takes_several_options(world):
    c = world.c
    alice = world.member("alice")
    poll = _poll(world, alice, multiple=True)
    ids = [o.id for o in poll.options]
    assert c.polls.vote(actor=alice, poll=poll.id, options=[ids[2], ids[0]]) == (ids[0], ids[2])
    assert c.polls.results(actor=None, poll=poll.id).tallies == {ids[0]: 1, ids[1]: 0, ids[2]: 1}


def test_an_option_of_another_poll_is_refused(world):
    c = world.c
    alice = world.member("alice")
    first, second = _poll(world, alice), _poll(world, alice)
    with pytest.raises(ValidationError):
        c.polls.vote(actor=alice, poll=first.id, options=[second.options[0].id])
    assert c.polls.results(actor=alice, poll=first.id).voters == 0


def test_a_poll_closes_at_its_date_and_by_hand(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    poll = _poll(world, alice, closes_at=c.clock.now() + timedelta(days=1))
    option = poll.options[0].id
    c.polls.vote(actor=bob, poll=poll.id, options=[option])
    c.clock.advance(timedelta(days=1))
    with pytest.raises(Conflict) as closed:
        c.polls.vote(actor=bob, poll=poll.id, options=[poll.options[1].id])
    assert closed.value.code == "poll_closed"
    assert c.polls.results(actor=bob, poll=poll.id).ballot == (option,)
    other = _poll(world, alice)
    with pytest.raises(PermissionDenied):
        c.polls.close(actor=bob, poll=other.id)
    assert c.polls.close(actor=alice, poll=other.id) is True
    assert c.polls.close(actor=alice, poll=other.id) is False
    with pytest.raises(Conflict):
        c.polls.vote(actor=bob, poll=other.id, options=[other.options[0].id])


def test_hidden_results_appear_only_once_the_poll_is_closed(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    poll = _poll(world, alice, hide_results=True)
    c.polls.vote(actor=bob, poll=poll.id, options=[poll.options[1].id])
    hidden = c.polls.results(actor=alice, poll=poll.id)
    assert hidden.tallies is None and hidden.voters is None
    assert c.polls.results(actor=bob, poll=poll.id).ballot == (poll.options[1].id,)
    c.polls.close(actor=world.mod.id, poll=poll.id)
    shown = c.polls.results(actor=alice, poll=poll.id)
    assert shown.voters == 1 and shown.tallies is not None
    assert shown.tallies[poll.options[1].id] == 1 and not shown.open


def test_only_the_threads_author_or_a_moderator_adds_one_poll(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    thread = world.question(alice)
    args = {"question": "Q?", "options": ["yes", "no"]}
    with pytest.raises(PermissionDenied):
        c.polls.create(actor=bob, thread=thread.id, **args)
    poll = c.polls.create(actor=world.mod.id, thread=thread.id, **args)
    with pytest.raises(Conflict) as again:
        c.polls.create(actor=alice, thread=thread.id, **args)
    assert again.value.code == "duplicate_poll"
    assert c.polls.for_thread(actor=None, thread=thread.id) == poll


@pytest.mark.parametrize(
    "kwargs",
    [
        {"options": ["only one"]},
        {"options": ["same", "same"]},
        {"options": "yes,no"},
        {"options": ["yes", ""]},
        {"options": [f"o{i}" for i in range(21)]},
        {"options": ["yes", "x" * 201]},
        {"question": ""},
        {"multiple": "yes"},
        {"closes_at": "tomorrow"},
    ],
)
def test_bad_poll_input_is_a_validation_error(world, kwargs):
    c = world.c
    alice = world.member("alice")
    thread = world.question(alice)
    args = {"question": "Q?", "options": ["yes", "no"], **kwargs}
    with pytest.raises(ValidationError):
        c.polls.create(actor=alice, thread=thread.id, **args)
    assert c.polls.for_thread(actor=alice, thread=thread.id) is None


def test_closing_dates_must_be_ahead_and_within_the_limit(world):
    c = world.c
    alice = world.member("alice")
    now = c.clock.now()
    for bad in (now, now + timedelta(days=366)):
        thread = world.question(alice)
        with pytest.raises(ValidationError):
            c.polls.create(
                actor=alice, thread=thread.id, question="Q?", options=["a", "b"], closes_at=bad
            )


def test_a_poll_in_a_private_space_is_hidden_from_outsiders(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="vip", name="VIP", visibility="private")
    insider, outsider = world.member("insider"), world.member("outsider")
    c.spaces.add_member(actor=world.admin.id, space="vip", member=insider)
    thread = world.question(insider, space="vip")
    poll = c.polls.create(actor=insider, thread=thread.id, question="Q?", options=["a", "b"])
    for call in (
        lambda: c.polls.results(actor=outsider, poll=poll.id),
        lambda: c.polls.results(actor=None, poll=poll.id),
        lambda: c.polls.vote(actor=outsider, poll=poll.id, options=[poll.options[0].id]),
        lambda: c.polls.for_thread(actor=outsider, thread=thread.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert c.polls.results(actor=insider, poll=poll.id).voters == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    multiple=st.booleans(),
    steps=st.lists(
        st.tuples(st.integers(0, 3), st.lists(st.integers(0, 2), max_size=3)), max_size=15
    ),
)
def test_property_tallies_equal_the_ballots_members_hold(multiple, steps):
    c = Community(MemoryStorage(), clock=ManualClock(), entry_points=False)
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    c.spaces.create(actor=admin.id, slug="s", name="S")
    voters = [c.members.join(external_id=f"v{i}", display_name=f"V{i}").id for i in range(4)]
    thread = c.threads.start(
        actor=admin.id, space="s", kind="discussion", title="A poll thread", body="Vote!"
    )
    poll = c.polls.create(
        actor=admin.id, thread=thread.id, question="Q?", options=["a", "b", "c"], multiple=multiple
    )
    ids = [o.id for o in poll.options]
    held: dict[int, tuple[int, ...]] = {}
    for voter, picks in steps:
        chosen = [ids[i] for i in picks]
        try:
            held[voters[voter]] = c.polls.vote(actor=voters[voter], poll=poll.id, options=chosen)
        except ValidationError:
            assert not multiple and len(set(chosen)) > 1
    results = c.polls.results(actor=admin.id, poll=poll.id)
    assert results.tallies == {i: sum(1 for b in held.values() if i in b) for i in ids}
    assert results.voters == sum(1 for b in held.values() if b)
    for member, ballot in held.items():
        assert c.polls.results(actor=member, poll=poll.id).ballot == ballot
        assert multiple or len(ballot) <= 1

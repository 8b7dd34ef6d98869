"""Signals after commit, units of work grouping commands, rejected commands changing nothing."""

from __future__ import annotations

import logging

import pytest

from socialcrm import Conflict, PermissionDenied, signals


def test_signals_are_sent_after_commit_with_the_event(world):
    c = world.c
    received = []

    def on_vote(sender, event):
        with c.storage.unit_of_work() as uow:  # committed state is visible to receivers
            received.append((sender, event.name, uow.posts.get(event.post_id).score))

    signals.vote_cast.connect(on_vote, sender=c)
    try:
        q = world.question(world.member("asker"))
        c.votes.cast(actor=world.mod.id, post=q.opening_post_id, value=1)
    finally:
        signals.vote_cast.disconnect(on_vote, sender=c)
    assert received == [(c, "vote_cast", 1)]


def test_no_signal_for_a_rejected_command(world):
    c = world.c
    received = []

    def record(sender, event):
        received.append(event)

    with signals.event_committed.connected_to(record, sender=c):
        with pytest.raises(PermissionDenied):
            c.spaces.create(actor=world.member("m"), slug="x", name="X")
    assert [e.name for e in received] == ["member_joined"]


def test_a_failing_receiver_is_logged_and_changes_nothing(world, caplog):
    c = world.c

    def broken(sender, event):
        raise RuntimeError("mail server down")

    signals.thread_started.connect(broken, sender=c)
    try:
        with caplog.at_level(logging.ERROR, logger="socialcrm.signals"):
            q = world.question(world.member("asker"))
    finally:
        signals.thread_started.disconnect(broken, sender=c)
    assert c.threads.get(actor=None, thread=q.id).id == q.id
    assert "mail server down" in caplog.text


def test_unit_of_work_groups_commands_and_sends_signals_once_committed(world):
    c = world.c
    asker = world.member("asker")
    seen = []

    def record(sender, event):
        seen.append(event.name)

    with signals.event_committed.connected_to(record, sender=c):
        with c.unit_of_work():
            q = world.question(asker)
            c.posts.reply(actor=world.mod.id, thread=q.id, body="answer")
            assert seen == []
            assert c.threads.get(actor=asker, thread=q.id).reply_count == 1
    # The built-in badges award the first question and the first answer in the same units.
    assert seen == ["thread_started", "badge_awarded", "reply_posted", "badge_awarded"]


def test_a_failed_command_aborts_the_whole_unit_of_work(world):
    c = world.c
    asker = world.member("asker")
    with pytest.raises(Conflict) as info:
        with c.unit_of_work():
            world.question(asker)
            try:
                c.spaces.create(actor=asker, slug="x", name="X")
            except PermissionDenied:
                pass
    assert info.value.code == "unit_of_work_aborted"
    assert c.threads.count(actor=asker) == 0


def test_an_exception_inside_the_unit_of_work_rolls_everything_back(world):
    c = world.c
    asker = world.member("asker")
    with pytest.raises(ZeroDivisionError):
        with c.unit_of_work():
            world.question(asker)
            raise ZeroDivisionError("boom")
    assert c.threads.count(actor=asker) == 0


def test_every_event_type_has_a_signal():
    from socialcrm.capabilities.events import EVENT_TYPES

    assert {cls.name for cls in EVENT_TYPES} == set(signals.SIGNALS)

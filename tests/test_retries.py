"""Transient storage failures (deadlocks, serialization failures) are retried, boundedly."""

from __future__ import annotations

import pytest

from socialcrm import Settings, StorageError, hookimpl, signals
from socialcrm.capabilities.threads.events import ThreadStarted


class FlakyStorage:
    """Fails the first ``failures`` thread starts the way a deadlocked database would."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0

    @hookimpl
    def socialcrm_on_event(self, event, context):
        if isinstance(event, ThreadStarted):
            self.attempts += 1
            if self.attempts <= self.failures:
                raise StorageError("deadlock detected", code="retryable")


def test_a_transient_failure_is_retried_and_the_command_lands_once(make_community, world_of):
    flaky = FlakyStorage(failures=2)
    c = make_community(plugins=[flaky])
    w = world_of(c)
    started = []

    def record(sender, event):
        started.append(event.thread_id)

    with signals.thread_started.connected_to(record, sender=c):
        thread = w.question(w.member("asker"))
    assert flaky.attempts == 3
    assert started == [thread.id]
    assert c.threads.count(actor=w.admin.id) == 1


def test_retries_are_bounded(make_community, world_of):
    flaky = FlakyStorage(failures=100)
    c = make_community(plugins=[flaky], settings=Settings(transient_retries=3))
    w = world_of(c)
    with pytest.raises(StorageError) as info:
        w.question(w.member("asker"))
    assert info.value.code == "retryable"
    assert flaky.attempts == 4
    assert c.threads.count(actor=w.admin.id) == 0


def test_other_storage_errors_are_not_retried(make_community, world_of):
    class Broken:
        calls = 0

        @hookimpl
        def socialcrm_on_event(self, event, context):
            if isinstance(event, ThreadStarted):
                Broken.calls += 1
                raise StorageError("disk full")

    c = make_community(plugins=[Broken()])
    w = world_of(c)
    with pytest.raises(StorageError):
        w.question(w.member("asker"))
    assert Broken.calls == 1


def test_commands_inside_a_host_unit_of_work_are_not_retried(make_community, world_of):
    flaky = FlakyStorage(failures=1)
    c = make_community(plugins=[flaky])
    w = world_of(c)
    asker = w.member("asker")
    with pytest.raises(StorageError):
        with c.unit_of_work():
            w.question(asker)
    assert flaky.attempts == 1
    assert c.threads.count(actor=w.admin.id) == 0

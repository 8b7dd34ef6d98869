"""Running commands: unit of work, event recording, in-transaction hooks, signals after commit.

Every command follows the same path (DESIGN.md §2): authorize → check content →
write in a unit of work → in-transaction hooks (reward rules, ``socialcrm_on_event``)
→ commit → blinker signals. A host may group several commands into one unit with
:meth:`socialcrm.Community.unit_of_work`.

Every event is also written to the transactional outbox (``uow.outbox``) the moment
it is recorded, in the command's own transaction, with a fresh UUID as its event id
(time-ordered, see :func:`~socialcrm.core.serialization.new_event_id`): a committed
command leaves exactly its events there, a rolled-back one none.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.outbox.records import NewOutboxMessage
from socialcrm.clock import Clock
from socialcrm.core.context import HookContext
from socialcrm.core.events import Event
from socialcrm.core.serialization import event_to_json, new_event_id
from socialcrm.errors import Conflict, RetryableStorageError, StorageError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.services.activity import TRUST_INPUT_EVENTS, track_trust_inputs
from socialcrm.services.badge_engine import BadgeCatalog, check_badges
from socialcrm.services.ledger import apply_event_reputation
from socialcrm.settings import Settings
from socialcrm.signals import send_committed

if TYPE_CHECKING:
    from socialcrm.community import Community

_Method = TypeVar("_Method", bound=Callable[..., Any])

#: Error code of failures worth retrying (``RetryableStorageError`` and its kin).
RETRYABLE = RetryableStorageError.code


class Transaction:
    """A command's view of its unit of work: the uow, the time, and the events so far."""

    __slots__ = ("uow", "now", "events", "context", "runtime", "aborted", "actors", "_outbox")

    def __init__(self, runtime: Runtime, uow: UnitOfWork, now: datetime) -> None:
        self.runtime = runtime
        self.uow = uow
        self.now = now
        self.events: list[Event] = []
        #: Members this unit resolved as actors (``require_actor``), by id, as read
        #: then: the trust-level checks after a like reuse them instead of reading
        #: the voter again. Their reputation may have moved since; their trust level
        #: is kept current by the checks, which change it by compare-and-set anyway.
        self.actors: dict[int, Member] = {}
        #: Outbox messages of the events so far, written in one batch before commit.
        self._outbox: list[NewOutboxMessage] = []
        self.context = HookContext(uow=uow, settings=runtime.settings, now=now)
        self.aborted = False

    def set_time(self, now: datetime) -> None:
        """Move the transaction to a new command's time (grouped commands each have their own)."""
        self.now = now
        self.context = attrs.evolve(self.context, now=now)

    def _write_outbox(self, event: Event) -> None:
        event_id = new_event_id()
        self._outbox.append(
            NewOutboxMessage(
                event_id=event_id,
                name=event.name,
                payload=event_to_json(event, event_id),
                occurred_at=event.at,
                created_at=self.now,
            )
        )

    def flush_outbox(self) -> None:
        """Write the outbox messages recorded so far (one batch); the unit commits next.

        Messages keep the order their events were recorded in. Writing them at
        the end instead of one by one saves a statement per event on every command.
        """
        if self._outbox:
            messages, self._outbox = self._outbox, []
            self.uow.outbox.add_many(messages)

    def record(self, event: Event) -> None:
        """Record an event: outbox, hooks, its reputation, the trust inputs, then badges."""
        self.events.append(event)
        self._write_outbox(event)
        self.runtime.on_event_hook(event=event, context=self.context)
        if event.cause is not None or event.reversed_causes or event.reversed_cause_prefixes:
            apply_event_reputation(self, event)
        if event.name in TRUST_INPUT_EVENTS and self.runtime.settings.trust.enabled:
            track_trust_inputs(self, event)
        if event.name in self.runtime.badges.by_trigger:
            check_badges(self, event)

    def record_side_effect(self, event: Event) -> None:
        """Record an event the ledger produced: outbox, hooks and badges, but no reward rules."""
        self.events.append(event)
        self._write_outbox(event)
        self.runtime.on_event_hook(event=event, context=self.context)
        if event.name in self.runtime.badges.by_trigger:
            check_badges(self, event)


class Runtime:
    """Holds what every service needs and runs their units of work."""

    def __init__(
        self,
        community: Community,
        storage: Storage,
        plugin_manager: pluggy.PluginManager,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.community = community
        self.storage = storage
        self.plugins = plugin_manager
        self.settings = settings
        self.clock = clock
        self.hooks = plugin_manager.hook
        self.on_event_hook = plugin_manager.hook.socialcrm_on_event
        self.badges = BadgeCatalog.collect(plugin_manager.hook, settings)
        self._group: ContextVar[Transaction | None] = ContextVar(
            f"socialcrm_group_{id(self)}", default=None
        )

    def _signal_after_commit(self, uow: UnitOfWork, events: list[Event]) -> None:
        if events:
            community = self.community
            uow.on_commit(lambda: send_committed(community, events))

    def in_group(self) -> bool:
        """Whether a host unit of work is open in this context."""
        return self._group.get() is not None

    @contextmanager
    def command(self) -> Iterator[Transaction]:
        """Run a command in its own unit of work, or in the host's group if one is open."""
        group = self._group.get()
        if group is not None:
            if group.aborted:
                raise Conflict(
                    "an earlier command in this unit of work failed; leave the block",
                    code="unit_of_work_aborted",
                )
            group.set_time(self.clock.now())
            try:
                yield group
                # Each command's messages, so later commands of the group see them.
                group.flush_outbox()
            except BaseException:
                # Partial writes of the failed command sit in the shared transaction:
                # only rolling back the whole group keeps "rejected means unchanged".
                group.aborted = True
                raise
            return
        with self.storage.unit_of_work() as uow:
            tx = Transaction(self, uow, self.clock.now())
            yield tx
            tx.flush_outbox()
            uow.commit()
            self._signal_after_commit(uow, tx.events)

    @contextmanager
    def query(self) -> Iterator[UnitOfWork]:
        """A read-only unit (or the open group, so a host sees its own writes)."""
        group = self._group.get()
        if group is not None:
            yield group.uow
            return
        with self.storage.unit_of_work(read_only=True) as uow:
            yield uow

    @contextmanager
    def group(self) -> Iterator[None]:
        """Group every command inside the block into one unit of work."""
        if self._group.get() is not None:
            raise Conflict("units of work do not nest", code="nested_unit_of_work")
        with self.storage.unit_of_work() as uow:
            tx = Transaction(self, uow, self.clock.now())
            token = self._group.set(tx)
            try:
                yield
                if tx.aborted:
                    raise Conflict(
                        "a command in this unit of work failed; nothing was committed",
                        code="unit_of_work_aborted",
                    )
                tx.flush_outbox()
                uow.commit()
                self._signal_after_commit(uow, tx.events)
            finally:
                self._group.reset(token)


def retry_transient(method: _Method) -> _Method:
    """Re-run a command whose transaction failed transiently (deadlock, serialization).

    Adapters raise ``RetryableStorageError`` (or any ``StorageError`` with code
    ``retryable``) for them; everything the
    failed attempt wrote was rolled back, so running the command again is safe.
    Attempts stop after ``Settings.transient_retries`` retries, with jittered
    exponential backoff between them. Commands inside a host's
    ``community.unit_of_work()`` are not retried: the whole group has to be.
    """

    @functools.wraps(method)
    def run_with_retries(self: Any, *args: Any, **kwargs: Any) -> Any:
        runtime: Runtime = self._rt
        attempt = 0
        while True:
            try:
                return method(self, *args, **kwargs)
            except StorageError as error:
                if (
                    error.code != RETRYABLE
                    or runtime.in_group()
                    or attempt >= runtime.settings.transient_retries
                ):
                    raise
            delay = min(0.5, 0.005 * 2**attempt) * random.uniform(0.5, 1.5)
            time.sleep(delay)
            attempt += 1

    return run_with_retries  # type: ignore[return-value]

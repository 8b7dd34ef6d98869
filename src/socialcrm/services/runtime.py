"""Running commands: unit of work, event recording, in-transaction hooks, signals after commit.

Every command follows the same path (DESIGN.md §2): authorize → check content →
write in a unit of work → in-transaction hooks (reward rules, ``socialcrm_on_event``)
→ commit → blinker signals. A host may group several commands into one unit with
:meth:`socialcrm.Community.unit_of_work`.

Recording an event does not recurse: :meth:`Transaction.record` writes the event
to the outbox and queues it with its subscribers, the handlers that react to
its type (``socialcrm_on_event``, the reputation ledger, the trust inputs, the
badge checks), looked up in a table built once per community. The first record
of a command drains the queue in a loop; events the handlers record meanwhile
join the queue, in the order they were recorded.

Every event is also written to the transactional outbox (``uow.outbox``) the moment
it is recorded, in the command's own transaction, with a fresh UUID as its event id
(time-ordered, see :func:`~socialcrm.core.serialization.new_event_id`): a committed
command leaves exactly its events there, a rolled-back one none.
"""

from __future__ import annotations

import functools
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

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
from socialcrm.settings import Settings
from socialcrm.signals import send_committed

_Method = TypeVar("_Method", bound=Callable[..., Any])

#: What reacts to a recorded event, inside its transaction.
Handler = Callable[["Transaction", Event], None]

#: A capability's subscription: given the runtime, an event type and whether the event
#: is a side effect (recorded by a handler), the handler it adds for such events, or
#: ``None``. The community passes one per capability that reacts to events (the
#: reputation ledger, the trust inputs, the badge checks); the runtime asks each once
#: per event type and keeps the answers (see :meth:`Runtime.subscribers`).
Subscription = Callable[["Runtime", type[Event], bool], "Handler | None"]

#: Error code of failures worth retrying (``RetryableStorageError`` and its kin).
RETRYABLE = RetryableStorageError.code


class Transaction:
    """A command's view of its unit of work: the uow, the time, and the events so far."""

    __slots__ = (
        "uow",
        "now",
        "events",
        "context",
        "runtime",
        "aborted",
        "actors",
        "_outbox",
        "_queue",
        "_draining",
    )

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
        #: Recorded events whose subscribers have not run yet, oldest first.
        self._queue: deque[tuple[Event, tuple[Handler, ...]]] = deque()
        self._draining = False
        self.context = HookContext(uow=uow, settings=runtime.settings, now=now)
        self.aborted = False

    def set_time(self, now: datetime) -> None:
        """Move the transaction to a new command's time (grouped commands each have their own)."""
        self.now = now
        self.context = attrs.evolve(self.context, now=now)

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
        self._enqueue(event, self.runtime.subscribers(event.__class__, side_effect=False))

    def record_side_effect(self, event: Event) -> None:
        """Record an event the ledger produced: outbox, hooks and badges, but no reward rules."""
        self._enqueue(event, self.runtime.subscribers(event.__class__, side_effect=True))

    def _enqueue(self, event: Event, handlers: tuple[Handler, ...]) -> None:
        self.events.append(event)
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
        if handlers:
            self._queue.append((event, handlers))
        if not self._draining:
            self._drain()

    def _drain(self) -> None:
        """Run the subscribers of every queued event, oldest event first, until none is left."""
        queue = self._queue
        self._draining = True
        try:
            while queue:
                event, handlers = queue.popleft()
                for handler in handlers:
                    handler(self, event)
        finally:
            # A failing handler fails the command: what is still queued is dropped
            # with the writes the unit rolls back.
            queue.clear()
            self._draining = False


def _on_event(tx: Transaction, event: Event) -> None:
    tx.runtime.on_event_hook(event=event, context=tx.context)


class Runtime:
    """Holds what every service needs and runs their units of work."""

    def __init__(
        self,
        community: Any,
        storage: Storage,
        plugin_manager: pluggy.PluginManager,
        settings: Settings,
        clock: Clock,
        *,
        subscriptions: tuple[Subscription, ...] = (),
        badges: Any = None,
    ) -> None:
        #: The facade: the sender of the committed-event signals (the runtime never
        #: calls it; the kernel and the capabilities do not import it).
        self.community = community
        self.storage = storage
        self.plugins = plugin_manager
        self.settings = settings
        self.clock = clock
        self.hooks = plugin_manager.hook
        self.on_event_hook = plugin_manager.hook.socialcrm_on_event
        #: The badge catalog (``socialcrm.capabilities.badges.engine.BadgeCatalog``),
        #: built by the community from the plugins.
        self.badges = badges
        self._subscriptions = subscriptions
        #: Subscribers by ``(event type, side effect)``, built on first use and
        #: again after the plugins changed (see :meth:`subscribers`).
        self._subscribers: dict[tuple[type[Event], bool], tuple[Handler, ...]] = {}
        self._plugins_seen: int | None = None
        self._group: ContextVar[Transaction | None] = ContextVar(
            f"socialcrm_group_{id(self)}", default=None
        )

    def subscribers(self, event_type: type[Event], *, side_effect: bool) -> tuple[Handler, ...]:
        """The handlers an event of this type runs, in order; built once per type.

        In order: ``socialcrm_on_event`` (left out while no plugin implements it),
        then each subscription's handler in the order the community gave them
        (the reputation ledger, the trust inputs, the badge checks; each leaves out
        the types it has nothing to do for).
        """
        generation = getattr(self.plugins, "generation", None)
        if generation != self._plugins_seen or generation is None:
            self._subscribers.clear()
            self._plugins_seen = generation
        key = (event_type, side_effect)
        found = self._subscribers.get(key)
        if found is None:
            handlers: list[Handler] = []
            if generation is None or self.on_event_hook.get_hookimpls():
                handlers.append(_on_event)
            for subscription in self._subscriptions:
                handler = subscription(self, event_type, side_effect)
                if handler is not None:
                    handlers.append(handler)
            found = self._subscribers[key] = tuple(handlers)
        return found

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

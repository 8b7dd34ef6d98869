"""The outbox capability's storage port: the transactional outbox.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage


class OutboxRepository(Protocol):
    """The transactional outbox: every recorded domain event, for other systems.

    The services write one message per event in the command's own unit of work,
    so a message exists exactly when the command committed. A relay
    (``community.outbox.relay``) reads pending messages, publishes them and
    marks them delivered.

    Ordering: ``id`` is the message's position, handed out by the storage in
    increasing order as messages are added (an autoincrement key; never reused,
    even after ``purge_delivered``). Within one unit of work, messages get
    increasing positions in the order they were added. Across units, positions
    follow the order of the ``add`` calls, not of the commits: where units run
    one at a time (SQLite, memory) that is commit order, but on servers with
    concurrent writers a unit may commit a lower position after another unit's
    higher one was already read. ``pending`` returns committed messages by
    position, so such a message is delivered in a later batch, never lost.
    """

    def add(
        self,
        *,
        event_id: str,
        name: str,
        payload: str,
        occurred_at: datetime,
        created_at: datetime,
    ) -> OutboxMessage:
        """Append a pending message; ``Conflict`` (``duplicate_event_id``) if the id is taken."""
        ...

    def add_many(self, messages: Sequence[NewOutboxMessage]) -> None:
        """Append pending messages, in order (what the services call, once per unit).

        Raises ``Conflict`` (``duplicate_event_id``) if an event id is taken or
        repeated in ``messages``; the unit must then be rolled back (on PostgreSQL
        the failed batch aborts the transaction), which is what a failing command
        does anyway.
        """
        ...

    def pending(self, *, limit: int, lock: bool = False) -> builtins.list[OutboxMessage]:
        """Up to ``limit`` undelivered messages, by position ascending.

        ``lock=True`` (what relays use) locks the returned messages until the unit
        ends and passes over messages another unit holds locked, so concurrent
        relays share the work instead of publishing the same message: SQL adapters
        use ``SELECT ... FOR UPDATE SKIP LOCKED`` where the dialect has it. Where it
        has not (SQLite), the unit's write lock makes relays take turns instead.
        """
        ...

    def mark_delivered(self, ids: Collection[int], at: datetime) -> int:
        """Set ``delivered_at`` on those of the messages that are still pending; return how many."""
        ...

    def count_pending(self) -> int:
        """How many messages are not delivered yet."""
        ...

    def purge_delivered(self, *, before: datetime) -> int:
        """Delete the messages delivered before ``before``; return how many. Pending ones stay."""
        ...


__all__ = ["OutboxRepository"]

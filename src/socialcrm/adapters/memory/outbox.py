"""The transactional outbox in memory: one message per event id, until delivered and purged."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage
from socialcrm.errors import Conflict


def _undelivered(message: OutboxMessage) -> bool:
    return message.delivered_at is None


class MemoryOutbox(MemoryRepository):
    """:class:`socialcrm.ports.OutboxRepository` in memory."""

    def add(
        self,
        *,
        event_id: str,
        name: str,
        payload: str,
        occurred_at: datetime,
        created_at: datetime,
    ) -> OutboxMessage:
        """Insert a message; ``Conflict`` (``duplicate_event_id``) if the event id is taken."""
        if event_id in self._t.outbox_by_event_id:
            raise Conflict(
                f"an outbox message with event id {event_id!r} already exists",
                code="duplicate_event_id",
            )
        message = OutboxMessage(
            id=self._j.next_id("outbox"),
            event_id=event_id,
            name=name,
            payload=payload,
            occurred_at=occurred_at,
            created_at=created_at,
        )
        return self._j.insert(
            self._t.outbox, message, index=self._t.outbox_by_event_id, key=event_id
        )

    def add_many(self, messages: Sequence[NewOutboxMessage]) -> None:
        """Insert every message, or none if an event id is repeated or taken (``Conflict``)."""
        ids = [m.event_id for m in messages]
        if len(set(ids)) != len(ids) or any(i in self._t.outbox_by_event_id for i in ids):
            raise Conflict(
                "an outbox message with one of these event ids already exists",
                code="duplicate_event_id",
            )
        for m in messages:
            self.add(
                event_id=m.event_id,
                name=m.name,
                payload=m.payload,
                occurred_at=m.occurred_at,
                created_at=m.created_at,
            )

    def pending(self, *, limit: int, lock: bool = False) -> list[OutboxMessage]:
        """The oldest undelivered messages (``lock`` needs nothing: the unit holds the store)."""
        waiting = sorted(i for i, m in self._t.outbox.items() if m.delivered_at is None)
        return [self._t.outbox[i] for i in waiting[: max(limit, 0)]]

    def mark_delivered(self, ids: Collection[int], at: datetime) -> int:
        """Mark the undelivered ones of these messages delivered; how many were."""
        return sum(
            self._j.evolve_if(self._t.outbox, message_id, _undelivered, delivered_at=at)
            for message_id in set(ids)
        )

    def count_pending(self) -> int:
        """How many messages wait for delivery."""
        return sum(1 for m in self._t.outbox.values() if m.delivered_at is None)

    def purge_delivered(self, *, before: datetime) -> int:
        """Delete the messages delivered before ``before``; how many."""
        old = [
            m
            for m in self._t.outbox.values()
            if m.delivered_at is not None and m.delivered_at < before
        ]
        for message in old:
            self._j.delete(self._t.outbox, message.id)
            self._j.delete(self._t.outbox_by_event_id, message.event_id)
        return len(old)


__all__ = ["MemoryOutbox"]

"""Records of the outbox capability: messages to write and messages written."""

from __future__ import annotations

from datetime import datetime

import attrs

# Every capability's events, so that ``OutboxMessage.event`` can read any payload.
from socialcrm.capabilities import events as _every_event  # noqa: F401
from socialcrm.core.events import Event
from socialcrm.core.serialization import event_from_json


@attrs.frozen
class NewOutboxMessage:
    """An outbox message to write (:meth:`socialcrm.ports.OutboxRepository.add_many`).

    The fields of :class:`OutboxMessage` that the writer gives; the storage hands
    out the position (``id``).
    """

    event_id: str
    name: str
    payload: str
    occurred_at: datetime
    created_at: datetime


@attrs.frozen
class OutboxMessage:
    """A domain event written to the transactional outbox for other systems.

    ``id`` is the message's position: a number that grows with every message
    written (see :class:`socialcrm.ports.OutboxRepository` for exactly what its
    order promises). ``event_id`` is a UUID string given to the event when it was
    recorded, unique across the outbox: consumers de-duplicate on it, since the
    relay delivers at least once. ``payload`` is the event as JSON
    (:func:`socialcrm.core.serialization.event_to_json`); :meth:`event` turns it
    back into the event. ``delivered_at`` is ``None`` until a relay published it.
    """

    id: int
    event_id: str
    name: str
    payload: str
    occurred_at: datetime
    created_at: datetime
    delivered_at: datetime | None = None

    @property
    def is_delivered(self) -> bool:
        """True once a relay published the message."""
        return self.delivered_at is not None

    def event(self) -> Event:
        """The domain event this message carries (a registered event class)."""
        return event_from_json(self.payload)


__all__ = ["NewOutboxMessage", "OutboxMessage"]

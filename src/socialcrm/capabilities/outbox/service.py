"""The outbox relay: hand committed events to other systems, at least once.

Every command writes its events to the outbox in its own transaction (see
:mod:`socialcrm.services.runtime`). :meth:`Outbox.relay` reads the pending
messages in position order, calls ``publish`` for each and marks the published
ones delivered. docs/outbox.md explains the guarantees and a relay loop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from socialcrm.capabilities.outbox.records import OutboxMessage
from socialcrm.errors import Conflict, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient

#: The most messages one relay call takes (and holds locked while it publishes them).
MAX_BATCH = 10_000


def _positive_int(value: object, field: str, maximum: int) -> int:
    if type(value) is not int or not 1 <= value <= maximum:
        raise ValidationError(
            f"{field} must be an integer from 1 to {maximum}, got {value!r}", field=field
        )
    return value


class Outbox(PublicAPI):
    """``community.outbox``: relay recorded events to other systems and purge delivered ones."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def relay(self, publish: Callable[[OutboxMessage], object], *, batch: int = 100) -> int:
        """Publish up to ``batch`` pending messages, oldest position first; return how many.

        One call is one unit of work: it takes the pending messages and locks
        them (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and MariaDB, so
        concurrent relays take different messages; on SQLite the unit holds the
        database's write lock, so relays, and writers, wait for it), calls
        ``publish(message)`` for each in order, marks the published ones
        delivered and commits. Call it again while it returns ``batch``.

        If ``publish`` raises, the relay stops at that message: the messages
        published before it are marked delivered and committed, that message and
        the later ones stay pending for the next call, and the exception is
        raised again. Delivery is at least once: a relay that dies after
        ``publish`` returned but before its commit leaves the message pending,
        and it is published again, so consumers de-duplicate on
        ``message.event_id``. Not allowed inside ``community.unit_of_work()``
        (``Conflict``, code ``nested_unit_of_work``): events must be committed
        before anyone hears of them.
        """
        size = _positive_int(batch, "batch", MAX_BATCH)
        if not callable(publish):
            raise ValidationError("publish must be callable", field="publish")
        if self._rt.in_group():
            raise Conflict(
                "relay the outbox outside community.unit_of_work()", code="nested_unit_of_work"
            )
        with self._rt.storage.unit_of_work() as uow:
            messages = uow.outbox.pending(limit=size, lock=True)
            published: list[int] = []
            try:
                for message in messages:
                    publish(message)
                    published.append(message.id)
            finally:
                # Also when ``publish`` raised: what went out must not go out again.
                if published:
                    uow.outbox.mark_delivered(published, self._rt.clock.now())
                uow.commit()
        return len(published)

    def pending_count(self) -> int:
        """How many messages wait for a relay (committed and not yet delivered)."""
        with self._rt.query() as uow:
            return uow.outbox.count_pending()

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """The oldest ``limit`` pending messages by position, without locking or delivering them."""
        size = _positive_int(limit, "limit", MAX_BATCH)
        with self._rt.query() as uow:
            return uow.outbox.pending(limit=size)

    @retry_transient
    def purge(self, *, older_than: timedelta) -> int:
        """Delete the messages delivered more than ``older_than`` ago; return how many.

        Pending messages are never purged, however old.
        """
        if not isinstance(older_than, timedelta) or older_than < timedelta(0):
            raise ValidationError(
                f"older_than must be a timedelta of zero or more, got {older_than!r}",
                field="older_than",
            )
        with self._rt.command() as tx:
            return tx.uow.outbox.purge_delivered(before=tx.now - older_than)


__all__ = ["MAX_BATCH", "Outbox"]

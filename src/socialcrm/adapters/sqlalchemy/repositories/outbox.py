"""The transactional outbox: one row per recorded domain event, until a relay delivered it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import (
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.column_types import case_sensitive_string, long_text
from socialcrm.adapters.sqlalchemy.conventions import (
    EVENT_ID_LENGTH,
    EVENT_NAME_LENGTH,
    TableKit,
    column,
    timestamp,
)
from socialcrm.adapters.sqlalchemy.prepared import CoreStatement, DuplicateKey, StatementFactory
from socialcrm.adapters.sqlalchemy.repositories.base import SQLRepository
from socialcrm.adapters.sqlalchemy.rows import RowMapper
from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage
from socialcrm.errors import Conflict, StorageError

#: The records' row mappers; a query selects their ``columns``, in order.
OUTBOX_ROW = RowMapper(OutboxMessage)
OUTBOX_FIELDS = OUTBOX_ROW.columns


#: The columns every insert supplies (``id`` is generated, ``delivered_at`` starts NULL).
_INSERTED = OUTBOX_FIELDS[1:-1]


def add_outbox_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``outbox`` table: every recorded domain event as a JSON payload.

    Its ``id`` is the message's position (autoincrement, never reused, so purging
    delivered rows cannot hand a position out again); ``event_id`` (a UUID string)
    is unique; the index on ``(delivered_at, id)`` serves the relay's "pending by
    position" query and the purge of old delivered rows. It has no foreign keys.
    """
    kit = TableKit(metadata, prefix)
    outbox = kit.entity(
        "outbox",
        column("event_id", case_sensitive_string(EVENT_ID_LENGTH)),
        column("name", String(EVENT_NAME_LENGTH)),
        column("payload", long_text()),
        timestamp("occurred_at"),
        timestamp("created_at"),
        timestamp("delivered_at", nullable=True),
        UniqueConstraint("event_id"),
        Index(None, "delivered_at", "id"),
    )
    return {"outbox": outbox}


class OutboxStatements:
    """The outbox statements, built once per storage so the compiled cache is hit.

    The insert is on every command's path (a vote writes two messages): on
    pysqlite it runs directly on the driver connection; on PostgreSQL it is an
    ``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id``, so a duplicate
    event id needs no SAVEPOINT to leave the transaction usable.
    """

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        o = tables.outbox
        columns = [o.c[name] for name in OUTBOX_FIELDS]
        waiting = o.c.delivered_at.is_(None)
        self.returning_insert: CoreStatement | None = None
        if prepare.dialect.name == "postgresql":
            self.returning_insert = prepare.core(
                postgresql.insert(o)
                .values({name: bindparam(name) for name in _INSERTED})
                .on_conflict_do_nothing(index_elements=[o.c.event_id])
                .returning(o.c.id)
            )
        self.insert = prepare.hot(insert(o), column_keys=_INSERTED)
        self.by_event_id = prepare.core(select(o.c.id).where(o.c.event_id == bindparam("event_id")))
        pending = select(*columns).where(waiting).order_by(o.c.id).limit(bindparam("limit"))
        self.pending = prepare.core(pending)
        # Ignored by SQLite, which has no row locks (its writers take turns instead).
        self.pending_locked = prepare.core(pending.with_for_update(skip_locked=True))
        self.mark_delivered = prepare.core(
            update(o)
            .where(o.c.id.in_(bindparam("ids", expanding=True)), waiting)
            .values(delivered_at=bindparam("at"))
        )
        self.count_pending = prepare.core(select(func.count()).select_from(o).where(waiting))
        self.purge = prepare.core(
            delete(o).where(o.c.delivered_at.is_not(None), o.c.delivered_at < bindparam("before"))
        )


class SQLOutboxRepository(SQLRepository):
    """:class:`socialcrm.ports.OutboxRepository` over SQL."""

    __slots__ = ("_q",)

    def __init__(
        self, connection: Connection, statements: OutboxStatements, *, savepoints: bool
    ) -> None:
        super().__init__(connection, savepoints=savepoints)
        self._q = statements

    def _conflict(self, event_id: str) -> Conflict:
        return Conflict(
            f"an outbox message with event id {event_id!r} already exists",
            code="duplicate_event_id",
        )

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
        params = {
            "event_id": event_id,
            "name": name,
            "payload": payload,
            "occurred_at": occurred_at,
            "created_at": created_at,
        }
        if self._q.returning_insert is not None:
            message_id = self._q.returning_insert.scalar(self._conn, params)
            if message_id is None:
                raise self._conflict(event_id)
        else:
            message_id = self._insert_unique(
                self._q.insert,
                params,
                already_exists=lambda: (
                    self._q.by_event_id.first(self._conn, {"event_id": event_id}) is not None
                ),
                conflict=lambda: self._conflict(event_id),
            )
        return OutboxMessage(
            id=message_id,
            event_id=event_id,
            name=name,
            payload=payload,
            occurred_at=occurred_at,
            created_at=created_at,
        )

    def add_many(self, messages: Sequence[NewOutboxMessage]) -> None:
        """Append the messages in one ``executemany``, in order.

        A taken or repeated event id raises ``Conflict``; the unit must then be
        rolled back (PostgreSQL aborts it; no SAVEPOINT is spent on a clash that
        fresh UUIDs make practically impossible).
        """
        if not messages:
            return
        ids = [m.event_id for m in messages]
        if len(set(ids)) != len(ids):
            raise Conflict("the messages repeat an event id", code="duplicate_event_id")
        rows = [
            {
                "event_id": m.event_id,
                "name": m.name,
                "payload": m.payload,
                "occurred_at": m.occurred_at,
                "created_at": m.created_at,
            }
            for m in messages
        ]
        try:
            self._q.insert.write_many(self._conn, rows)
        except DuplicateKey as error:
            # The outbox has no foreign keys: its only integrity rule is the unique
            # event id. Where the transaction is still usable, make sure of it.
            if not self._savepoints and not any(
                self._q.by_event_id.first(self._conn, {"event_id": i}) for i in ids
            ):
                raise StorageError(f"the database refused the messages: {error}") from error
            raise Conflict(
                "an outbox message with one of these event ids already exists",
                code="duplicate_event_id",
            ) from None

    def pending(self, *, limit: int, lock: bool = False) -> list[OutboxMessage]:
        """Up to ``limit`` pending messages by position; ``lock``: ``FOR UPDATE SKIP LOCKED``."""
        statement = self._q.pending_locked if lock else self._q.pending
        rows = statement.all(self._conn, {"limit": max(limit, 0)})
        return [OUTBOX_ROW.from_row(row) for row in rows]

    def mark_delivered(self, ids: Collection[int], at: datetime) -> int:
        """Set ``delivered_at`` on those of the messages still pending; return how many."""
        if not ids:
            return 0
        return self._q.mark_delivered.write(self._conn, {"ids": sorted(set(ids)), "at": at})

    def count_pending(self) -> int:
        """How many messages are not delivered yet."""
        return int(self._q.count_pending.scalar(self._conn, {}))

    def purge_delivered(self, *, before: datetime) -> int:
        """Delete the messages delivered before ``before``; return how many."""
        return self._q.purge.write(self._conn, {"before": before})


__all__ = ["OUTBOX_FIELDS", "OutboxStatements", "SQLOutboxRepository"]

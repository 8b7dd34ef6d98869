"""Contract tests for the transactional outbox."""

from __future__ import annotations

import pytest

from socialcrm.capabilities.outbox.records import NewOutboxMessage, OutboxMessage
from socialcrm.errors import Conflict
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    T0,
    ContractBase,
    _add_message,
    _assert_utc,
    _at,
    _fresh,
)


class OutboxContract(ContractBase):
    """Outbox: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_outbox_message_round_trips_and_starts_pending(self, storage: Storage) -> None:
        payload = '{"name":"vote_cast","body":"' + _UNICODE_BODY + '"}'
        with storage.unit_of_work() as uow:
            added = _add_message(
                uow, payload=payload, name="vote_cast", occurred_at=_at(1), created_at=_at(2)
            )
            uow.commit()
        assert isinstance(added, OutboxMessage)
        assert added.id >= 1 and added.delivered_at is None and not added.is_delivered
        with storage.unit_of_work() as uow:
            (message,) = uow.outbox.pending(limit=10)
        assert message == added
        assert message.payload == payload and message.name == "vote_cast"
        for stored, expected in ((message.occurred_at, _at(1)), (message.created_at, _at(2))):
            _assert_utc(stored)
            assert stored == expected

    def test_outbox_keeps_long_payloads_whole(self, storage: Storage) -> None:
        # More than MariaDB's TEXT holds (65,535 bytes), some of it outside the BMP.
        payload = '{"body":"' + "x" * 70_000 + "👍" * 1_000 + '"}'
        with storage.unit_of_work() as uow:
            _add_message(uow, payload=payload)
            uow.commit()
        with storage.unit_of_work() as uow:
            (message,) = uow.outbox.pending(limit=1)
        assert message.payload == payload

    def test_outbox_pending_comes_by_position_with_a_limit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = [_add_message(uow) for _ in range(3)]
            uow.commit()
        with storage.unit_of_work() as uow:
            second = [_add_message(uow) for _ in range(2)]
            uow.commit()
        added = first + second
        assert [m.id for m in added] == sorted(m.id for m in added)
        assert len({m.id for m in added}) == 5
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == added
            assert uow.outbox.pending(limit=2) == added[:2]
            assert uow.outbox.pending(limit=10, lock=True) == added
            assert uow.outbox.count_pending() == 5

    def test_outbox_duplicate_event_id_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            kept = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            before = _add_message(uow)
            with pytest.raises(Conflict) as raised:
                uow.outbox.add(
                    event_id=kept.event_id,
                    name="again",
                    payload="{}",
                    occurred_at=T0,
                    created_at=T0,
                )
            assert raised.value.code == "duplicate_event_id"
            with pytest.raises(Conflict):
                uow.outbox.add(
                    event_id=before.event_id,
                    name="again",
                    payload="{}",
                    occurred_at=T0,
                    created_at=T0,
                )
            after = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [kept, before, after]

    def test_add_many_appends_in_order_after_single_adds(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = _add_message(uow)
            drafts = [
                NewOutboxMessage(
                    event_id=_fresh("event"),
                    name=f"batch_{i}",
                    payload=f'{{"n":{i}}}',
                    occurred_at=_at(i),
                    created_at=_at(10),
                )
                for i in range(3)
            ]
            uow.outbox.add_many(drafts)
            uow.outbox.add_many([])
            uow.commit()
        with storage.unit_of_work() as uow:
            pending = uow.outbox.pending(limit=10)
        assert pending[0] == first
        assert [m.event_id for m in pending[1:]] == [d.event_id for d in drafts]
        assert [m.id for m in pending] == sorted(m.id for m in pending)
        assert len({m.id for m in pending}) == 4
        for message, draft in zip(pending[1:], drafts, strict=True):
            assert (message.name, message.payload) == (draft.name, draft.payload)
            assert (message.occurred_at, message.created_at) == (draft.occurred_at, _at(10))
            assert message.delivered_at is None

    def test_add_many_refuses_taken_or_repeated_event_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            kept = _add_message(uow)
            uow.commit()

        def draft(event_id: str) -> NewOutboxMessage:
            return NewOutboxMessage(
                event_id=event_id, name="again", payload="{}", occurred_at=T0, created_at=T0
            )

        fresh = _fresh("event")
        for batch in ([draft(fresh), draft(kept.event_id)], [draft(fresh), draft(fresh)]):
            with storage.unit_of_work() as uow:
                with pytest.raises(Conflict) as raised:
                    uow.outbox.add_many(batch)
                assert raised.value.code == "duplicate_event_id"
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [kept]

    def test_mark_delivered_takes_messages_out_of_pending_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            messages = [_add_message(uow) for _ in range(4)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.mark_delivered([], _at(5)) == 0
            assert uow.outbox.mark_delivered([messages[0].id, messages[2].id, 10**9], _at(5)) == 2
            assert uow.outbox.mark_delivered([messages[0].id, messages[1].id], _at(6)) == 1
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [messages[3]]
            assert uow.outbox.count_pending() == 1

    def test_mark_delivered_left_uncommitted_leaves_the_message_pending(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            message = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.mark_delivered([message.id], _at(5)) == 1
            assert uow.outbox.pending(limit=10) == []
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [message]

    def test_purge_deletes_only_messages_delivered_before_the_cutoff(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            old, at_cutoff, recent, waiting = [_add_message(uow) for _ in range(4)]
            uow.outbox.mark_delivered([old.id], _at(1))
            uow.outbox.mark_delivered([at_cutoff.id], _at(10))
            uow.outbox.mark_delivered([recent.id], _at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(10)) == 1
        with storage.unit_of_work() as uow:
            # The purge above was not committed: the old message is still there.
            assert uow.outbox.purge_delivered(before=_at(10)) == 1
            assert uow.outbox.purge_delivered(before=_at(10)) == 0
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(30)) == 2
            assert uow.outbox.pending(limit=10) == [waiting]
            uow.commit()

    def test_outbox_positions_are_never_handed_out_again(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = [_add_message(uow) for _ in range(3)]
            uow.outbox.mark_delivered([m.id for m in first], _at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(2)) == 3
            uow.commit()
        with storage.unit_of_work() as uow:
            later = _add_message(uow)
            uow.commit()
        assert later.id > max(m.id for m in first)

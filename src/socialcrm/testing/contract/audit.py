"""Contract tests for the append-only moderation audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    ContractBase,
    _add_audit,
    _assert_utc,
    _at,
)


class AuditContract(ContractBase):
    """Audit log: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_audit_entry_round_trips_with_its_json_states(self, storage: Storage) -> None:
        before = {"roles": ["member"], "note": _UNICODE_BODY, "n": 3, "ok": True, "gone": None}
        after = {"roles": ["member", "moderator"], "nested": {"a": [1, 2.5]}}
        with storage.unit_of_work() as uow:
            added = _add_audit(
                uow,
                actor_id=7,
                action="role_granted",
                at=_at(3),
                member_id=8,
                post_id=9,
                thread_id=10,
                before=before,
                after=after,
                reason=_UNICODE_BODY,
            )
            bare = _add_audit(uow, actor_id=None, at=_at(4))
            uow.commit()
        assert type(added) is AuditEntry and added.id >= 1
        with storage.unit_of_work() as uow:
            stored = uow.audit.entries(AuditQuery(), limit=10)
        assert stored == [bare, added]
        assert dict(stored[1].before) == before and dict(stored[1].after) == after
        assert dict(stored[0].before) == {} and stored[0].actor_id is None
        assert stored[1].reason == _UNICODE_BODY
        _assert_utc(stored[1].at)
        assert stored[1].at == _at(3)
        with pytest.raises(TypeError):
            stored[1].after["roles"] = []  # type: ignore[index]

    def test_entries_filter_by_each_field_newest_first(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a = _add_audit(uow, actor_id=1, action="post_deleted", post_id=5, at=_at(1))
            b = _add_audit(uow, actor_id=2, action="role_granted", member_id=6, at=_at(2))
            c = _add_audit(uow, actor_id=1, action="thread_closed", thread_id=7, at=_at(3))
            d = _add_audit(uow, actor_id=None, action="post_deleted", member_id=6, at=_at(4))
            uow.commit()
        with storage.unit_of_work() as uow:

            def q(**filters: Any) -> list[AuditEntry]:
                return uow.audit.entries(AuditQuery(**filters), limit=10)

            assert q() == [d, c, b, a]
            assert q(actor_id=1) == [c, a]
            assert q(member_id=6) == [d, b]
            assert q(post_id=5) == [a]
            assert q(thread_id=7) == [c]
            assert q(actions=["post_deleted"]) == [d, a]
            assert q(actions=["post_deleted", "thread_closed"]) == [d, c, a]
            assert q(actions=[]) == []
            assert q(actor_id=1, actions=["post_deleted"]) == [a]
            # since is inclusive, until exclusive.
            assert q(since=_at(2), until=_at(4)) == [c, b]
            assert q(since=_at(4)) == [d]
            assert q(until=_at(1)) == []

    def test_entries_page_by_limit_offset_and_cursor(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            added = [_add_audit(uow, at=_at(i)) for i in range(5)]
            uow.commit()
        newest = list(reversed(added))
        with storage.unit_of_work() as uow:
            assert uow.audit.entries(AuditQuery(), limit=2) == newest[:2]
            assert uow.audit.entries(AuditQuery(), limit=2, offset=2) == newest[2:4]
            assert uow.audit.entries(AuditQuery(before_id=newest[1].id), limit=2) == newest[2:4]
            assert uow.audit.entries(AuditQuery(before_id=newest[-1].id), limit=2) == []

    def test_an_entry_left_uncommitted_is_gone(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            _add_audit(uow)
        with storage.unit_of_work() as uow:
            assert uow.audit.entries(AuditQuery(), limit=10) == []

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("at", {"at": datetime(2026, 1, 5, 9, 0)}),
            ("at", {"at": "2026-01-05T09:00:00+00:00"}),
            ("action", {"action": ""}),
            ("action", {"action": "x" * 65}),
            ("action", {"action": None}),
            ("before", {"before": {"when": {1, 2}}}),
            ("after", {"after": ["not", "an", "object"]}),
            ("after", {"after": {"n": float("nan")}}),
        ],
    )
    def test_bad_new_audit_entries_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # NewAuditEntry checks itself: no adapter can be handed a bad entry.
        good: dict[str, Any] = {"at": _at(0), "actor_id": 1, "action": "contract_action"}
        with pytest.raises(ValidationError) as raised:
            NewAuditEntry(**{**good, **changes})
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            kept = uow.audit.append(NewAuditEntry(**good))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.audit.entries(AuditQuery(), limit=10) == [kept]

    def test_new_audit_entry_keeps_read_only_copies_of_its_states(self, storage: Storage) -> None:
        before = {"roles": ["member"]}
        new = NewAuditEntry(at=_at(0), actor_id=1, action="role_granted", before=before)
        before["roles"] = ["admin"]
        assert dict(new.before) == {"roles": ["member"]} and dict(new.after) == {}
        with pytest.raises(TypeError):
            new.before["roles"] = []  # type: ignore[index]
        with storage.unit_of_work() as uow:
            stored = uow.audit.append(new)
            uow.commit()
        assert dict(stored.before) == {"roles": ["member"]} and dict(stored.after) == {}

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("actor_id", {"actor_id": 0}),
            ("member_id", {"member_id": "6"}),
            ("post_id", {"post_id": True}),
            ("thread_id", {"thread_id": -1}),
            ("before_id", {"before_id": 1.5}),
            ("actions", {"actions": "post_deleted"}),
            ("actions", {"actions": [None]}),
            ("actions", {"actions": 3}),
            ("since", {"since": datetime(2026, 1, 5, 9, 0)}),
            ("until", {"until": "2026-01-05"}),
            ("exclude_space_ids", {"exclude_space_ids": [0]}),
            ("exclude_space_ids", {"exclude_space_ids": 5}),
        ],
    )
    def test_bad_audit_queries_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # AuditQuery checks itself: no adapter can be handed a bad filter.
        with pytest.raises(ValidationError) as raised:
            AuditQuery(**changes)
        assert raised.value.field == field
        query = AuditQuery(actions=["a", "b", "a"], exclude_space_ids=[3, 3])
        assert query.actions == frozenset({"a", "b"}) and query.exclude_space_ids == {3}
        with storage.unit_of_work() as uow:
            assert uow.audit.entries(query, limit=10) == []

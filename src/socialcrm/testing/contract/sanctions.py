"""Contract tests for sanctions: silences, suspensions and bans, their lift and expiry."""

from __future__ import annotations

from datetime import datetime

import pytest

from socialcrm.capabilities.moderation.records import Sanction
from socialcrm.errors import NotFound, ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    T0,
    ContractBase,
    _add_member,
    _add_sanction,
    _assert_utc,
    _at,
    _new_sanction,
)


class SanctionContract(ContractBase):
    """Sanctions: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_sanction_round_trips_with_utc_datetimes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            added = _add_sanction(
                uow,
                member.id,
                moderator.id,
                kind="suspend",
                imposed_at=_at(1),
                ends_at=_at(90),
                reason=_UNICODE_BODY,
            )
            uow.commit()
        assert type(added) is Sanction and added.id >= 1
        assert (added.lifted_at, added.lifted_by, added.lift_reason) == (None, None, None)
        with storage.unit_of_work() as uow:
            stored = uow.sanctions.get(added.id)
            assert uow.sanctions.get(987654) is None
        assert stored == added
        assert stored.reason == _UNICODE_BODY and stored.kind == "suspend"
        assert stored.imposed_by == moderator.id and stored.member_id == member.id
        for value, expected in ((stored.imposed_at, _at(1)), (stored.ends_at, _at(90))):
            _assert_utc(value)
            assert value == expected

    def test_in_force_leaves_out_lifted_ended_and_other_members_sanctions(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, other, moderator = _add_member(uow), _add_member(uow), _add_member(uow)
            forever = _add_sanction(uow, member.id, moderator.id, kind="ban")
            ends_at_ten = _add_sanction(uow, member.id, moderator.id, ends_at=_at(10))
            lifted = _add_sanction(uow, member.id, moderator.id, kind="suspend")
            assert uow.sanctions.lift(lifted.id, at=_at(2), by=moderator.id, reason="ok")
            _add_sanction(uow, other.id, moderator.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.in_force(member.id, _at(5)) == [forever, ends_at_ten]
            # The end is exclusive: at its end time a sanction no longer applies.
            assert uow.sanctions.in_force(member.id, _at(10)) == [forever]
            assert uow.sanctions.in_force(987654, _at(5)) == []

    def test_lift_is_a_compare_and_set(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            sanction = _add_sanction(uow, member.id, moderator.id, ends_at=_at(60))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.lift(sanction.id, at=_at(3), by=moderator.id, reason="ok")
            assert not uow.sanctions.lift(sanction.id, at=_at(4), by=None, reason=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.sanctions.get(sanction.id)
            assert not uow.sanctions.lift(sanction.id, at=_at(5), by=None, reason=None)
        assert stored is not None
        _assert_utc(stored.lifted_at)
        assert (stored.lifted_at, stored.lifted_by, stored.lift_reason) == (
            _at(3),
            moderator.id,
            "ok",
        )
        assert stored.is_lifted and not stored.expired

    def test_lifting_an_unknown_sanction_raises_not_found(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            with pytest.raises(NotFound) as raised:
                uow.sanctions.lift(987654, at=_at(1), by=None, reason=None)
            assert raised.value.code == "sanction_not_found"

    def test_a_lift_left_uncommitted_leaves_the_sanction_in_force(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            sanction = _add_sanction(uow, member.id, moderator.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.lift(sanction.id, at=_at(1), by=moderator.id, reason="x")
        with storage.unit_of_work() as uow:
            assert uow.sanctions.in_force(member.id, _at(2)) == [sanction]

    def test_due_to_expire_comes_earliest_end_first_with_a_limit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            late = _add_sanction(uow, member.id, moderator.id, ends_at=_at(20))
            early = _add_sanction(uow, member.id, moderator.id, ends_at=_at(10))
            tie = _add_sanction(uow, member.id, moderator.id, ends_at=_at(20))
            _add_sanction(uow, member.id, moderator.id)  # no end: never due
            _add_sanction(uow, member.id, moderator.id, ends_at=_at(40))  # not yet
            lifted = _add_sanction(uow, member.id, moderator.id, ends_at=_at(5))
            uow.sanctions.lift(lifted.id, at=_at(1), by=moderator.id, reason=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.due_to_expire(_at(20), limit=10) == [early, late, tie]
            assert uow.sanctions.due_to_expire(_at(20), limit=2) == [early, late]
            assert uow.sanctions.due_to_expire(_at(19), limit=10) == [early]
            assert uow.sanctions.due_to_expire(_at(9), limit=10) == []

    def test_history_is_newest_first_and_keeps_lifted_sanctions(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            first = _add_sanction(uow, member.id, moderator.id)
            uow.sanctions.lift(first.id, at=_at(1), by=moderator.id, reason="sorry")
            second = _add_sanction(uow, member.id, moderator.id, kind="suspend", imposed_at=_at(2))
            third = _add_sanction(uow, member.id, moderator.id, kind="ban", imposed_at=_at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            history = uow.sanctions.history(member.id, limit=10)
            assert [s.id for s in history] == [third.id, second.id, first.id]
            assert history[2].lifted_at == _at(1) and history[2].lift_reason == "sorry"
            assert uow.sanctions.history(member.id, limit=1, offset=1) == [second]
            assert uow.sanctions.history(moderator.id, limit=10) == []

    def test_sanctioning_an_unknown_member_raises_not_found_and_writes_nothing(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            moderator = _add_member(uow)
            with pytest.raises(NotFound) as raised:
                _add_sanction(uow, 987654, moderator.id)
            assert raised.value.code == "member_not_found"
            kept = _add_sanction(uow, moderator.id, moderator.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.history(987654, limit=10) == []
            assert uow.sanctions.history(moderator.id, limit=10) == [kept]

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("kind", {"kind": "exile"}),
            ("imposed_at", {"imposed_at": datetime(2026, 1, 5, 9, 0)}),
            ("ends_at", {"ends_at": datetime(2026, 1, 6, 9, 0)}),
            ("ends_at", {"ends_at": T0}),
            ("ends_at", {"ends_at": _at(-1)}),
            ("imposed_at", {"imposed_at": "2026-01-05"}),
        ],
    )
    def test_bad_sanctions_are_refused_when_made_so_nothing_is_written(
        self, storage: Storage, field: str, changes: dict[str, object]
    ) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            uow.commit()
        with pytest.raises(ValidationError) as raised:
            _new_sanction(member.id, moderator.id, **changes)  # type: ignore[arg-type]
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            good = _add_sanction(uow, member.id, moderator.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.sanctions.history(member.id, limit=10) == [good]

    def test_a_naive_lift_time_raises_validation_error(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, moderator = _add_member(uow), _add_member(uow)
            sanction = _add_sanction(uow, member.id, moderator.id)
            with pytest.raises(ValidationError):
                uow.sanctions.lift(sanction.id, at=datetime(2026, 1, 5), by=None, reason=None)
            assert uow.sanctions.in_force(member.id, _at(1)) == [sanction]

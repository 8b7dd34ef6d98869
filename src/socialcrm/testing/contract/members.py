"""Contract tests for the members repository."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from socialcrm.capabilities.members.records import Member, NewMember, Profile
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    _UNICODE_BODY,
    T0,
    ContractBase,
    _add_member,
    _at,
)

#: Values ``NewMember`` refuses when it is built, by field.
_BAD_NEW_MEMBER: list[tuple[str, Any]] = [
    ("external_id", ""),
    ("external_id", 42),
    ("display_name", None),
    ("profile", {"bio": "a dict is not a Profile"}),
    ("roles", "member"),
    ("roles", frozenset({"overlord"})),
    ("roles", [["member"]]),
    ("roles", None),
    ("reputation", True),
    ("reputation", 1.5),
    ("reputation", 2**31),
    ("joined_at", datetime(2026, 1, 5, 9, 0)),
    ("joined_at", "2026-01-05T09:00:00Z"),
]


def _new_member(**changes: Any) -> NewMember:
    fields: dict[str, Any] = {
        "external_id": "ext-new",
        "display_name": "New",
        "profile": Profile(),
        "roles": frozenset({"member"}),
        "reputation": 1,
        "joined_at": T0,
    }
    return NewMember(**{**fields, **changes})


class MemberContract(ContractBase):
    """Members: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize(("field", "value"), _BAD_NEW_MEMBER)
    def test_new_member_refuses_bad_values_when_built(self, field: str, value: Any) -> None:
        # An adapter is never handed a NewMember that did not pass these checks.
        with pytest.raises(ValidationError) as raised:
            _new_member(**{field: value})
        assert raised.value.field == field

    def test_new_member_roles_become_a_frozenset(self, storage: Storage) -> None:
        new = _new_member(roles=["moderator", "member", "moderator"])
        assert new.roles == frozenset({"member", "moderator"})
        with storage.unit_of_work() as uow:
            added = uow.members.add(new)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get(added.id) == added
        assert added.roles == new.roles and added.trust_level == 0

    def test_member_round_trips_every_field(self, storage: Storage) -> None:
        profile = Profile(
            bio=_UNICODE_BODY,
            company="Acme",
            job_title="Engineer",
            country="FR",
            interests=("python", "databases", "apis"),
        )
        with storage.unit_of_work() as uow:
            added = uow.members.add(
                NewMember(
                    external_id="ext-42",
                    display_name="Ada Lövelace 🧮",
                    profile=profile,
                    roles=frozenset({"member", "moderator"}),
                    reputation=101,
                    joined_at=_at(5),
                )
            )
            uow.commit()
        assert added.external_id == "ext-42" and added.profile == profile
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(added.id)
            assert uow.members.get_by_external_id("ext-42") == loaded
        assert loaded == added
        assert loaded == Member(
            id=added.id,
            external_id="ext-42",
            display_name="Ada Lövelace 🧮",
            roles=frozenset({"member", "moderator"}),
            reputation=101,
            joined_at=_at(5),
            profile=profile,
        )

    def test_external_ids_are_case_sensitive(self, storage: Storage) -> None:
        # Host user ids are opaque strings: "Ab" and "ab" are two people.
        with storage.unit_of_work() as uow:
            upper = uow.members.add(
                NewMember(
                    external_id="User-Ab",
                    display_name="Upper",
                    profile=Profile(),
                    roles=frozenset(),
                    reputation=0,
                    joined_at=T0,
                )
            )
            lower = uow.members.add(
                NewMember(
                    external_id="user-ab",
                    display_name="Lower",
                    profile=Profile(),
                    roles=frozenset(),
                    reputation=0,
                    joined_at=T0,
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_by_external_id("User-Ab") == upper
            assert uow.members.get_by_external_id("user-ab") == lower
            assert uow.members.get_by_external_id("USER-AB") is None

    def test_roles_round_trip_as_a_frozenset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            none = _add_member(uow, roles=frozenset())
            many = _add_member(uow, roles=frozenset({"member", "staff", "admin"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded_none, loaded_many = uow.members.get(none.id), uow.members.get(many.id)
        assert loaded_none is not None and loaded_many is not None
        assert isinstance(loaded_none.roles, frozenset) and loaded_none.roles == frozenset()
        assert isinstance(loaded_many.roles, frozenset)
        assert loaded_many.roles == frozenset({"member", "staff", "admin"})

    def test_update_profile_replaces_display_name_and_profile(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, profile=Profile(bio="Old", interests=("a", "b")))
            uow.commit()
        new_profile = Profile(company="Initech", country="DE", interests=("c",))
        with storage.unit_of_work() as uow:
            uow.members.update_profile(member.id, display_name="New name", profile=new_profile)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded == attrs.evolve(member, display_name="New name", profile=new_profile)

    def test_set_roles_replaces_the_roles(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, roles=frozenset({"member", "moderator"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.members.set_roles(member.id, frozenset({"admin"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
            assert loaded is not None and loaded.roles == frozenset({"admin"})
            uow.members.set_roles(member.id, frozenset())
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded is not None and loaded.roles == frozenset()

    def test_add_reputation_adds_positive_and_negative_deltas(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=10)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.members.add_reputation(member.id, 15)
            uow.members.add_reputation(member.id, -30)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded is not None and loaded.reputation == -5

    def test_set_reputation_overwrites_the_total(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=10)
            uow.members.add_reputation(member.id, 5)
            uow.members.set_reputation(member.id, 1234)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {member.id: 1234}

    def test_lock_returns_the_current_reputation(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=40)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.lock(member.id) == 40
            uow.members.add_reputation(member.id, 2)
            assert uow.members.lock(member.id) == 42

    def test_list_orders_members_by_id_with_limit_and_offset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            members = [_add_member(uow, reputation=r) for r in (5, 50, 1, 20)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.list(limit=10) == members
            assert uow.members.list(limit=2, offset=1) == members[1:3]
            assert uow.members.list(limit=10, offset=4) == []

    def test_top_orders_by_reputation_then_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a, b, c, d, e = (_add_member(uow, reputation=r) for r in (10, 30, 10, -5, 30))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.top(limit=10) == [b, e, a, c, d]
            assert uow.members.top(limit=2, offset=1) == [e, a]
            assert uow.members.top(limit=10, exclude_ids=[a.id, e.id]) == [b, c, d]

    def test_count_above_is_strictly_greater(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            for reputation in (1, 5, 5, 9):
                _add_member(uow, reputation=reputation)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.count_above(5) == 1
            assert uow.members.count_above(4) == 3
            assert uow.members.count_above(0) == 4
            assert uow.members.count_above(9) == 0

    def test_reputations_maps_every_member(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {}
            a, b = _add_member(uow, reputation=3), _add_member(uow, reputation=0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {a.id: 3, b.id: 0}

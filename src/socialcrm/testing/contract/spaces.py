"""Contract tests for the spaces repository and space memberships."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from socialcrm.capabilities.spaces.records import NewSpace, Space
from socialcrm.errors import ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    T0,
    ContractBase,
    _add_member,
    _add_space,
    _at,
    _new_space,
)

#: Changes that make a :class:`NewSpace` invalid, and the field each is refused for.
BAD_NEW_SPACES: list[tuple[dict[str, Any], str]] = [
    ({"slug": ""}, "slug"),
    ({"slug": "Billing"}, "slug"),
    ({"slug": "-billing"}, "slug"),
    ({"slug": "billing\n"}, "slug"),
    ({"slug": None}, "slug"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"description": None}, "description"),
    ({"parent_id": 0}, "parent_id"),
    ({"parent_id": "1"}, "parent_id"),
    ({"visibility": "secret"}, "visibility"),
    ({"posting": "admins"}, "posting"),
    ({"created_at": T0.replace(tzinfo=None)}, "created_at"),
    ({"created_at": "2026-01-05"}, "created_at"),
]


class SpaceContract(ContractBase):
    """Spaces: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize(("change", "field"), BAD_NEW_SPACES)
    def test_a_bad_new_space_is_refused_when_built(
        self, change: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(_new_space("billing"), **change)
        assert raised.value.field == field

    def test_space_round_trips_every_field(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            parent = _add_space(uow)
            child = uow.spaces.add(
                NewSpace(
                    slug="billing",
                    name="Billing",
                    description="Invoices and plans",
                    parent_id=parent.id,
                    visibility="private",
                    posting="moderators",
                    created_at=_at(7),
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.get(child.id) == child
            assert uow.spaces.get_by_slug("billing") == child
        assert child == Space(
            id=child.id,
            slug="billing",
            name="Billing",
            description="Invoices and plans",
            parent_id=parent.id,
            visibility="private",
            posting="moderators",
            created_at=_at(7),
        )

    def test_spaces_list_by_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            spaces = [_add_space(uow) for _ in range(3)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.list() == spaces

    def test_space_membership_is_added_once_and_removed_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, one, two = _add_member(uow), _add_space(uow), _add_space(uow)
            assert uow.spaces.memberships(member.id) == frozenset()
            assert uow.spaces.add_member(one.id, member.id) is True
            assert uow.spaces.add_member(one.id, member.id) is False
            assert uow.spaces.add_member(two.id, member.id) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.memberships(member.id) == frozenset({one.id, two.id})
            assert uow.spaces.remove_member(one.id, member.id) is True
            assert uow.spaces.remove_member(one.id, member.id) is False
            uow.commit()
        with storage.unit_of_work() as uow:
            memberships = uow.spaces.memberships(member.id)
        assert isinstance(memberships, frozenset) and memberships == frozenset({two.id})

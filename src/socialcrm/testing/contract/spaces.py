"""Contract tests for the spaces repository and space memberships."""

from __future__ import annotations

from socialcrm.capabilities.spaces.records import Space
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_space,
    _at,
)


class SpaceContract(ContractBase):
    """Spaces: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_space_round_trips_every_field(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            parent = _add_space(uow)
            child = uow.spaces.add(
                slug="billing",
                name="Billing",
                description="Invoices and plans",
                parent_id=parent.id,
                visibility="private",
                posting="moderators",
                created_at=_at(7),
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

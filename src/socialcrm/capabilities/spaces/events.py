"""Events of the spaces capability: spaces created and explicit memberships."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class SpaceCreated(Event):
    """A space (category or subgroup) was created."""

    name: ClassVar[str] = "space_created"
    space_id: int
    slug: str
    visibility: str
    parent_id: int | None


@attrs.frozen(kw_only=True)
class _MembershipEvent(Event):
    """The fields of a change of explicit membership: which space, which member."""

    space_id: int
    member_id: int


@attrs.frozen(kw_only=True)
class SpaceMemberAdded(_MembershipEvent):
    """A member was given explicit membership of a space."""

    name: ClassVar[str] = "space_member_added"


@attrs.frozen(kw_only=True)
class SpaceMemberRemoved(_MembershipEvent):
    """A member's explicit membership of a space ended."""

    name: ClassVar[str] = "space_member_removed"


__all__ = ["SpaceCreated", "SpaceMemberAdded", "SpaceMemberRemoved"]

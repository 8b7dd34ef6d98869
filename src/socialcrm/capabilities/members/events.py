"""Events of the members capability: joining, profiles, roles and visits."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class MemberJoined(Event):
    """A member joined the community."""

    name: ClassVar[str] = "member_joined"
    member_id: int
    external_id: str
    display_name: str
    roles: frozenset[str]


@attrs.frozen(kw_only=True)
class ProfileUpdated(Event):
    """A member's display name or profile changed."""

    name: ClassVar[str] = "profile_updated"
    member_id: int


@attrs.frozen(kw_only=True)
class _RoleEvent(Event):
    """The fields of a role change: whose role, and which."""

    member_id: int
    role: str


@attrs.frozen(kw_only=True)
class RoleGranted(_RoleEvent):
    """An admin gave a member a role."""

    name: ClassVar[str] = "role_granted"


@attrs.frozen(kw_only=True)
class RoleRevoked(_RoleEvent):
    """An admin took a role from a member."""

    name: ClassVar[str] = "role_revoked"


@attrs.frozen(kw_only=True)
class MemberVisited(Event):
    """A member's visit was recorded on a UTC day not marked visited before.

    ``visited_at`` is the visit's time (its day is the one marked); only the first
    visit of each day is an event.
    """

    name: ClassVar[str] = "member_visited"
    member_id: int
    visited_at: datetime


__all__ = ["MemberJoined", "MemberVisited", "ProfileUpdated", "RoleGranted", "RoleRevoked"]

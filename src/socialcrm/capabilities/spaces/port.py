"""The spaces capability's storage port: spaces and their memberships.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.spaces.records import NewSpace, Space


class SpaceRepository(Protocol):
    """Spaces and explicit space membership."""

    def add(self, new: NewSpace) -> Space:
        """Store the space (validated when ``new`` was built).

        The storage may still refuse it: ``Conflict`` (``duplicate_slug``) if the
        slug is taken.
        """
        ...

    def get(self, space_id: int) -> Space | None:
        """The space with this id, or ``None``."""
        ...

    def get_by_slug(self, slug: str) -> Space | None:
        """The space with this slug, or ``None``."""
        ...

    def list(self) -> builtins.list[Space]:
        """Every space, by id ascending."""
        ...

    def add_member(self, space_id: int, member_id: int) -> bool:
        """Give explicit membership; ``False`` if it already existed."""
        ...

    def remove_member(self, space_id: int, member_id: int) -> bool:
        """End explicit membership; ``False`` if there was none."""
        ...

    def memberships(self, member_id: int) -> frozenset[int]:
        """Ids of the spaces the member explicitly belongs to."""
        ...


__all__ = ["SpaceRepository"]

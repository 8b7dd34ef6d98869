"""Spaces in memory: the tree of spaces and who belongs to the private ones."""

from __future__ import annotations

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import lookup
from socialcrm.capabilities.spaces.records import NewSpace, Space
from socialcrm.errors import Conflict


class MemorySpaces(MemoryRepository):
    """:class:`socialcrm.ports.SpaceRepository` in memory."""

    def add(self, new: NewSpace) -> Space:
        """Insert a space; ``Conflict`` (``duplicate_slug``) if the slug is taken."""
        if new.slug in self._t.space_by_slug:
            raise Conflict(f"a space with slug {new.slug!r} already exists", code="duplicate_slug")
        space = Space(id=self._j.next_id("spaces"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.spaces, space, index=self._t.space_by_slug, key=new.slug)

    def get(self, space_id: int) -> Space | None:
        """The space with this id, or ``None``."""
        return self._t.spaces.get(space_id)

    def get_by_slug(self, slug: str) -> Space | None:
        """The space with this slug, or ``None``."""
        return lookup(self._t.spaces, self._t.space_by_slug, slug)

    def list(self) -> list[Space]:
        """Every space by id."""
        return [self._t.spaces[i] for i in sorted(self._t.spaces)]

    def add_member(self, space_id: int, member_id: int) -> bool:
        """Add a member to the space; ``False`` if already in."""
        return self._j.set_add(self._t.space_members, (space_id, member_id))

    def remove_member(self, space_id: int, member_id: int) -> bool:
        """Remove a member from the space; ``False`` if not in."""
        return self._j.set_remove(self._t.space_members, (space_id, member_id))

    def memberships(self, member_id: int) -> frozenset[int]:
        """The ids of the spaces the member belongs to."""
        return frozenset(s for s, m in self._t.space_members if m == member_id)


__all__ = ["MemorySpaces"]

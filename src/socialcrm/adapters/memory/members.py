"""Members in memory: profiles, roles, cached reputation and trust levels."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import lookup
from socialcrm.capabilities.members.records import Member, NewMember, Profile
from socialcrm.errors import Conflict


class MemoryMembers(MemoryRepository):
    """:class:`socialcrm.ports.MemberRepository` in memory."""

    def add(self, new: NewMember) -> Member:
        """Insert a member; ``Conflict`` (``duplicate_external_id``) if the id is taken."""
        if new.external_id in self._t.member_by_external:
            raise Conflict(
                f"a member with external id {new.external_id!r} already exists",
                code="duplicate_external_id",
            )
        member = Member(id=self._j.next_id("members"), **attrs.asdict(new, recurse=False))
        return self._j.insert(
            self._t.members, member, index=self._t.member_by_external, key=new.external_id
        )

    def get(self, member_id: int) -> Member | None:
        """The member with this id, or ``None``."""
        return self._t.members.get(member_id)

    def get_many(self, member_ids: Collection[int]) -> dict[int, Member]:
        """The members with these ids that exist, keyed by id."""
        found = (self._t.members.get(i) for i in member_ids)
        return {m.id: m for m in found if m is not None}

    def get_by_external_id(self, external_id: str) -> Member | None:
        """The member with this external id, or ``None``."""
        return lookup(self._t.members, self._t.member_by_external, external_id)

    def lock(self, member_id: int) -> int | None:
        """The member's reputation (the store's lock is held for the whole unit)."""
        member = self._t.members.get(member_id)
        return None if member is None else member.reputation

    def _evolve(self, member_id: int, **changes: Any) -> None:
        self._j.evolve(self._t.members, member_id, **changes)

    def update_profile(self, member_id: int, *, display_name: str, profile: Profile) -> None:
        """Replace the display name and profile."""
        self._evolve(member_id, display_name=display_name, profile=profile)

    def set_roles(self, member_id: int, roles: frozenset[str]) -> None:
        """Replace the member's roles."""
        self._evolve(member_id, roles=frozenset(roles))

    def add_reputation(self, member_id: int, delta: int) -> None:
        """Add ``delta`` to the cached reputation total."""
        member = self._t.members.get(member_id)
        if member is not None:
            self._evolve(member_id, reputation=member.reputation + delta)

    def set_reputation(self, member_id: int, reputation: int) -> None:
        """Overwrite the cached reputation total."""
        self._evolve(member_id, reputation=reputation)

    def _listed(self) -> Iterator[Member]:
        return (m for m in self._t.members.values() if not m.is_placeholder)

    def list(self, *, limit: int, offset: int = 0) -> builtins.list[Member]:
        """Members (placeholders left out) by id ascending."""
        ordered = sorted(m.id for m in self._listed())
        return [self._t.members[i] for i in ordered[offset : offset + limit]]

    def top(
        self, *, limit: int, offset: int = 0, exclude_ids: Collection[int] = ()
    ) -> builtins.list[Member]:
        """Members by reputation descending, then id ascending."""
        excluded = set(exclude_ids)
        ranked = sorted(
            (m for m in self._listed() if m.id not in excluded),
            key=lambda m: (-m.reputation, m.id),
        )
        return ranked[offset : offset + limit]

    def count_above(self, reputation: int) -> int:
        """How many ranked members have a reputation strictly greater than ``reputation``."""
        return sum(1 for m in self._listed() if m.reputation > reputation)

    def reputations(self) -> dict[int, int]:
        """Every member's cached reputation, keyed by id."""
        return {m.id: m.reputation for m in self._t.members.values()}

    def trust_review_batch(self, *, after_id: int, limit: int) -> builtins.list[Member]:
        """Unlocked members below TL4 with an id above ``after_id``, by id."""
        found = sorted(
            m.id
            for m in self._t.members.values()
            if m.id > after_id and not m.trust_level_locked and m.trust_level < 4
        )
        return [self._t.members[i] for i in found[:limit]]

    def compare_and_set_trust_level(
        self,
        member_id: int,
        *,
        expected_level: int,
        expected_locked: bool,
        level: int,
        locked: bool,
        changed_at: datetime | None,
    ) -> bool:
        """Set the trust level if it (and its lock) are still the expected ones."""
        return self._j.evolve_if(
            self._t.members,
            member_id,
            lambda m: m.trust_level == expected_level and m.trust_level_locked == expected_locked,
            trust_level=level,
            trust_level_locked=locked,
            trust_level_changed_at=changed_at,
        )

    def ranked_reputations(self) -> dict[int, int]:
        """The reputation of every ranked (non-placeholder) member, keyed by id."""
        return {m.id: m.reputation for m in self._listed()}

    def ids_with_roles(self, roles: Collection[str]) -> frozenset[int]:
        """The ids of members holding any of ``roles``."""
        wanted = frozenset(roles)
        return frozenset(m.id for m in self._t.members.values() if not m.roles.isdisjoint(wanted))


__all__ = ["MemoryMembers"]

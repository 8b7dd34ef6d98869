"""The members capability's storage port: members and their cached reputation totals.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.members.records import Member, NewMember, Profile


class MemberRepository(Protocol):
    """Members and their cached reputation totals."""

    def add(self, new: NewMember) -> Member:
        """Store the member ``new`` describes, at trust level 0; return it with its new id.

        ``new`` was checked when it was built, so the storage does not check it
        again; it may still refuse it with ``Conflict`` (code
        ``duplicate_external_id``) when its external id is taken.
        """
        ...

    def get(self, member_id: int) -> Member | None:
        """The member with this id, or ``None``."""
        ...

    def get_many(self, member_ids: Collection[int]) -> dict[int, Member]:
        """The members with these ids that exist, keyed by id."""
        ...

    def get_by_external_id(self, external_id: str) -> Member | None:
        """The member with this external id, or ``None``."""
        ...

    def lock(self, member_id: int) -> int | None:
        """Lock the member's row until the unit ends; return its reputation (``None`` if absent).

        SQL adapters use ``SELECT ... FOR UPDATE`` where the dialect has it.
        """
        ...

    def update_profile(self, member_id: int, *, display_name: str, profile: Profile) -> None:
        """Replace the display name and profile."""
        ...

    def set_roles(self, member_id: int, roles: frozenset[str]) -> None:
        """Replace the member's roles."""
        ...

    def add_reputation(self, member_id: int, delta: int) -> None:
        """Atomically add ``delta`` to the cached reputation total."""
        ...

    def set_reputation(self, member_id: int, reputation: int) -> None:
        """Overwrite the cached reputation total (used by ``recompute``)."""
        ...

    def list(self, *, limit: int, offset: int = 0) -> builtins.list[Member]:
        """Members by id ascending, placeholder members left out."""
        ...

    def top(
        self, *, limit: int, offset: int = 0, exclude_ids: Collection[int] = ()
    ) -> builtins.list[Member]:
        """Members by reputation descending, then id ascending, placeholder members left out."""
        ...

    def count_above(self, reputation: int) -> int:
        """How many members (placeholders left out) have a reputation above ``reputation``."""
        ...

    def reputations(self) -> dict[int, int]:
        """Every member's cached reputation, keyed by id."""
        ...

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
        """Set the trust level, its lock and ``trust_level_changed_at`` only if unchanged.

        Changes nothing and returns ``False`` when the member is absent or its level
        or lock is no longer ``expected_level``/``expected_locked`` (another writer
        got there first).
        """
        ...

    def trust_review_batch(self, *, after_id: int, limit: int) -> builtins.list[Member]:
        """Up to ``limit`` members with an id above ``after_id``, by id ascending, that the
        trust review looks at: not locked, and below TL4.

        Paging by id (not by offset) keeps every batch of a large review one index seek.
        """
        ...

    def ranked_reputations(self) -> dict[int, int]:
        """The cached reputation of every ranked member (placeholders left out), by id."""
        ...

    def ids_with_roles(self, roles: Collection[str]) -> frozenset[int]:
        """Ids of the members holding at least one of ``roles`` (leaderboards leave staff out)."""
        ...


__all__ = ["MemberRepository"]

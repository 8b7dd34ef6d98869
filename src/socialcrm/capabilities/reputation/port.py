"""The reputation capability's storage port: the reputation ledger.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.reputation.records import (
        LedgerEntry,
        LedgerWindow,
        NewLedgerEntry,
    )


class LedgerRepository(Protocol):
    """The append-only reputation ledger."""

    def append(self, new: NewLedgerEntry) -> LedgerEntry:
        """Store the entry (checked when built) and return it with its id.

        An entry is undone at most once, enforced by the storage (a unique key on
        ``undoes`` in SQL): a compensating entry for an entry that already has one
        raises ``Conflict`` (code ``already_undone``) and appends nothing.
        """
        ...

    def cap_used(self, member_id: int, cap_day: date) -> int:
        """Sum of ``delta`` over the member's entries whose ``cap_day`` is ``cap_day``."""
        ...

    def active_for_causes(
        self, causes: Collection[str] = (), prefixes: Collection[str] = ()
    ) -> builtins.list[LedgerEntry]:
        """Entries not yet undone whose cause equals one of ``causes`` or starts with a prefix.

        Compensating entries (``undoes`` set) are never returned. Ordered by id.
        """
        ...

    def live_changes(self, member_id: int) -> builtins.list[tuple[int, int, int]]:
        """``(id, delta, requested)`` of the member's live entries, oldest first.

        Live: not a compensating entry and not undone by one. Undoing replays
        these to find what the member would have without the entries it undoes.
        """
        ...

    def history(
        self,
        member_id: int,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[LedgerEntry]:
        """The member's entries, newest first (id descending).

        Entries whose ``space_id`` is in ``exclude_space_ids`` are left out (before
        paging): the spaces a viewer may not see.
        """
        ...

    def totals(self) -> dict[int, int]:
        """Sum of ``delta`` per member, for members with at least one entry."""
        ...

    def gains(self, window: LedgerWindow, *, limit: int) -> builtins.list[tuple[int, int]]:
        """``(member_id, sum of delta)`` over the entries in ``window``.

        Members whose sum is 0 or less, and placeholder members, are left out.
        Highest sum first, then member id ascending; at most ``limit`` rows
        (``limit`` is paging, not part of which entries count, so it stays apart).
        """
        ...

    def rule_counts(
        self, rules: Collection[str], window: LedgerWindow, *, limit: int
    ) -> builtins.list[tuple[int, int]]:
        """``(member_id, count)`` of active entries in ``window`` whose ``rule`` is in ``rules``.

        Active: not a compensating entry and not undone by one; placeholder
        members left out. Highest count first, then member id ascending; at most
        ``limit`` rows.
        """
        ...


__all__ = ["LedgerRepository"]

"""The bounties capability's storage port: bounties.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.bounties.records import Bounty, BountyClosing


class BountyRepository(Protocol):
    """Bounties on questions; at most one open per thread (a unique key in SQL)."""

    def open(
        self,
        *,
        thread_id: int,
        offered_by: int,
        amount: int,
        started_at: datetime,
        ends_at: datetime,
    ) -> Bounty:
        """Insert an open bounty; ``Conflict`` (code ``bounty_already_open``) if one is open."""
        ...

    def get(self, bounty_id: int) -> Bounty | None:
        """The bounty with this id, or ``None``."""
        ...

    def open_for_thread(self, thread_id: int) -> Bounty | None:
        """The thread's open bounty, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> builtins.list[Bounty]:
        """Every bounty of the thread, closed ones included, by id ascending."""
        ...

    def close(self, bounty_id: int, closing: BountyClosing) -> bool:
        """Close an open bounty as ``closing`` says; a compare-and-set (``False`` if not open).

        Sets the bounty's ``status``, ``closed_at``, ``closed_by``, ``answer_id``,
        ``awarded_to`` and ``awarded_amount`` from ``closing`` (checked when
        built). Closing frees the thread for a new bounty. ``NotFound`` (code
        ``bounty_not_found``) for an unknown id.
        """
        ...

    def due(self, at: datetime, *, limit: int) -> builtins.list[Bounty]:
        """Open bounties whose ``ends_at`` is at or before ``at``, earliest end first, then id."""
        ...


__all__ = ["BountyRepository"]

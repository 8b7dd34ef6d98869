"""Events of the reputation capability: ledger entries and corrected totals."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class ReputationChanged(Event):
    """A ledger entry was appended; ``reputation`` is the member's new total."""

    name: ClassVar[str] = "reputation_changed"
    member_id: int
    entry_id: int
    delta: int
    requested: int
    rule: str
    cause: str  # type: ignore[assignment]
    reputation: int


@attrs.frozen(kw_only=True)
class ReputationRecomputed(Event):
    """``recompute()`` found a cached total that differed from the ledger and fixed it."""

    name: ClassVar[str] = "reputation_recomputed"
    member_id: int
    previous: int
    reputation: int


__all__ = ["ReputationChanged", "ReputationRecomputed"]

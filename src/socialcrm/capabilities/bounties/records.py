"""Records of the bounties capability: a bounty and how it ended (see ``policy`` for statuses)."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class Bounty:
    """A bounty on a question; ``awarded_amount`` is what the winner received."""

    id: int
    thread_id: int
    offered_by: int
    amount: int
    started_at: datetime
    ends_at: datetime
    status: str = "open"
    answer_id: int | None = None
    awarded_to: int | None = None
    awarded_amount: int = 0
    closed_at: datetime | None = None
    closed_by: int | None = None

    @property
    def is_open(self) -> bool:
        """True until it is awarded, lost or refunded."""
        return self.status == "open"


__all__ = ["Bounty"]

"""Records of the bounties capability: a bounty and how it ended (see ``policy`` for statuses)."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.capabilities.bounties.policy import check_closed_status
from socialcrm.core import validation


@attrs.frozen(kw_only=True)
class BountyClosing:
    """How an open bounty ends (:meth:`socialcrm.ports.BountyRepository.close`).

    ``status`` is one of the closed statuses
    (:data:`~socialcrm.capabilities.bounties.policy.CLOSED_BOUNTY_STATUSES`),
    ``closed_at`` and ``closed_by`` when and by whom (``None``: a host job); an
    award names the ``answer_id``, its author ``awarded_to`` and the
    ``awarded_amount`` given. Checked once, when built: ``ValidationError`` for a
    status that is not a closed one, a naive ``closed_at``, ids that are not
    positive integers and an amount that is not an integer from 0 to
    :data:`~socialcrm.core.validation.MAX_COUNT`.
    """

    status: str
    closed_at: datetime
    closed_by: int | None
    answer_id: int | None = None
    awarded_to: int | None = None
    awarded_amount: int = 0

    def __attrs_post_init__(self) -> None:
        check_closed_status(self.status)
        validation.aware(self.closed_at, "closed_at")
        for field in ("closed_by", "answer_id", "awarded_to"):
            value = getattr(self, field)
            if value is not None:
                validation.identifier(value, field)
        validation.integer(
            self.awarded_amount, "awarded_amount", minimum=0, maximum=validation.MAX_COUNT
        )


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


__all__ = ["Bounty", "BountyClosing"]

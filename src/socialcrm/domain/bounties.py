"""Bounties: moved to :mod:`socialcrm.capabilities.bounties` (``records`` and ``policy``).

This module re-exports the names it used to define.
"""

from socialcrm.capabilities.bounties.policy import (
    BOUNTY_STATUSES,
    CLOSED_BOUNTY_STATUSES,
    award_cause,
    check_closed_status,
    offer_cause,
)
from socialcrm.capabilities.bounties.records import Bounty

__all__ = [
    "BOUNTY_STATUSES",
    "CLOSED_BOUNTY_STATUSES",
    "Bounty",
    "award_cause",
    "check_closed_status",
    "offer_cause",
]

"""Bounties: moved to :mod:`socialcrm.capabilities.bounties` (``records`` and ``policy``).

This module re-exports the names it used to define.
"""

import warnings as _warnings

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

_warnings.warn(
    "socialcrm.domain.bounties is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

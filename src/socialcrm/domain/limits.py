"""Rate limits as values: moved to :mod:`socialcrm.capabilities.ratelimits`
(``records`` and ``policy``).

This module re-exports the names it used to define.
"""

from socialcrm.capabilities.ratelimits.policy import day_start, seconds_until, until_next_day
from socialcrm.capabilities.ratelimits.records import LimitBreach

__all__ = ["LimitBreach", "day_start", "seconds_until", "until_next_day"]

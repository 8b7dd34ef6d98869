"""Rate limits as values: moved to :mod:`socialcrm.capabilities.ratelimits`
(``records`` and ``policy``).

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.ratelimits.policy import day_start, seconds_until, until_next_day
from socialcrm.capabilities.ratelimits.records import LimitBreach

__all__ = ["LimitBreach", "day_start", "seconds_until", "until_next_day"]

_warnings.warn(
    "socialcrm.domain.limits is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

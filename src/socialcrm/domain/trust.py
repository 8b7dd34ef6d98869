"""Trust levels as a pure policy: moved to :mod:`socialcrm.capabilities.trust.policy`
(and its records to :mod:`socialcrm.capabilities.trust.records`).

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.trust.policy import (
    MAX_AUTOMATIC_LEVEL,
    MAX_TRUST_LEVEL,
    automatic_level,
    day_start,
    in_tl3_grace,
    keeps_tl3,
    meets_tl1,
    meets_tl2,
    meets_tl3,
    supported_level,
    tl3_posts_required,
    tl3_topics_required,
    window_start,
)
from socialcrm.capabilities.trust.records import TrustActivity, TrustReview

__all__ = [
    "MAX_AUTOMATIC_LEVEL",
    "MAX_TRUST_LEVEL",
    "TrustActivity",
    "TrustReview",
    "automatic_level",
    "day_start",
    "in_tl3_grace",
    "keeps_tl3",
    "meets_tl1",
    "meets_tl2",
    "meets_tl3",
    "supported_level",
    "tl3_posts_required",
    "tl3_topics_required",
    "window_start",
]

_warnings.warn(
    "socialcrm.domain.trust is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

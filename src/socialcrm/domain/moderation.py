"""Content moderation verdicts: moved to :mod:`socialcrm.capabilities.review.policy`.

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.review.policy import (
    ACTIONS,
    REVIEW_REASON_MAX_LENGTH,
    CombinedVerdict,
    Rewrite,
    Verdict,
    check_decision,
    check_review_item,
    combine,
)

__all__ = [
    "ACTIONS",
    "REVIEW_REASON_MAX_LENGTH",
    "CombinedVerdict",
    "Rewrite",
    "Verdict",
    "check_decision",
    "check_review_item",
    "combine",
]

_warnings.warn(
    "socialcrm.domain.moderation is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

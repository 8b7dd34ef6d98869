"""Content moderation verdicts: moved to :mod:`socialcrm.capabilities.review.policy`.

This module re-exports the names it used to define.
"""

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

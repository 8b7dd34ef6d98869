"""Flag policy: moved to :mod:`socialcrm.capabilities.flags.policy`.

This module re-exports the names it used to define.
"""

from socialcrm.capabilities.flags.policy import (
    accuracy_bonus,
    base_weight,
    flag_weight,
    open_score,
    spam_flaggers,
    trusted_spam_flag,
)

__all__ = [
    "accuracy_bonus",
    "base_weight",
    "flag_weight",
    "open_score",
    "spam_flaggers",
    "trusted_spam_flag",
]

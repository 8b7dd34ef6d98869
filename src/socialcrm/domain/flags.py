"""Flag policy: moved to :mod:`socialcrm.capabilities.flags.policy`.

This module re-exports the names it used to define.
"""

import warnings as _warnings

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

_warnings.warn(
    "socialcrm.domain.flags is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

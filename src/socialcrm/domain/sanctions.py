"""Pure rules of sanctions and the audit log: moved to
:mod:`socialcrm.capabilities.moderation.policy` and :mod:`socialcrm.capabilities.audit.policy`
(``aware`` to :mod:`socialcrm.core.validation`).

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.capabilities.audit.policy import AUDIT_ACTION_MAX_LENGTH, check_audit_entry
from socialcrm.capabilities.moderation.policy import (
    BLOCKS_EVERYTHING,
    IMPOSER_RANK,
    ROLE_RANKS,
    blocking,
    check_lift,
    check_sanction,
    describe,
    duration_until,
    end_of,
    rank,
    sanction_state,
)
from socialcrm.core.validation import aware

__all__ = [
    "AUDIT_ACTION_MAX_LENGTH",
    "BLOCKS_EVERYTHING",
    "IMPOSER_RANK",
    "ROLE_RANKS",
    "aware",
    "blocking",
    "check_audit_entry",
    "check_lift",
    "check_sanction",
    "describe",
    "duration_until",
    "end_of",
    "rank",
    "sanction_state",
]

_warnings.warn(
    "socialcrm.domain.sanctions is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

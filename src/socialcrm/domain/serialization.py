"""Domain events as JSON: moved to :mod:`socialcrm.core.serialization`.

This module re-exports the names it used to define; importing it imports every
capability's events (:mod:`socialcrm.capabilities.events`), so that every payload
can be read back.
"""

import warnings as _warnings

from socialcrm.capabilities import events as _every_event  # noqa: F401 - fills the registry
from socialcrm.core.serialization import (
    EVENTS_BY_NAME,
    RESERVED_KEYS,
    event_from_dict,
    event_from_json,
    event_id_of,
    event_to_dict,
    event_to_json,
    new_event_id,
)

__all__ = [
    "EVENTS_BY_NAME",
    "RESERVED_KEYS",
    "event_from_dict",
    "event_from_json",
    "event_id_of",
    "event_to_dict",
    "event_to_json",
    "new_event_id",
]

_warnings.warn(
    "socialcrm.domain.serialization is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

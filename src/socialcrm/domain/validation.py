"""Pure input validation: moved to :mod:`socialcrm.core.validation`.

This module re-exports the names it used to define.
"""

import warnings as _warnings

from socialcrm.core.validation import (
    EARLIEST,
    LATEST,
    MAX_COUNT,
    MAX_DURATION,
    MAX_ID,
    body,
    choice,
    display_name,
    duration,
    has_visible,
    identifier,
    integer,
    is_invisible,
    moment,
    normalize_text,
    optional_tag,
    page,
    slug,
    tags,
    text,
    title,
)

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_COUNT",
    "MAX_DURATION",
    "MAX_ID",
    "body",
    "choice",
    "display_name",
    "duration",
    "has_visible",
    "identifier",
    "integer",
    "is_invisible",
    "moment",
    "normalize_text",
    "optional_tag",
    "page",
    "slug",
    "tags",
    "text",
    "title",
]

_warnings.warn(
    "socialcrm.domain.validation is deprecated: import its names from where they live now "
    "(its docstring says where); socialcrm.domain goes in socialcrm 0.3",
    DeprecationWarning,
    stacklevel=2,
)

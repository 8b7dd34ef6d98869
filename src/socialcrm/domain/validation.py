"""Pure input validation: moved to :mod:`socialcrm.core.validation`.

This module re-exports the names it used to define.
"""

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

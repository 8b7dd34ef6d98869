"""Pure input validation: every argument a command takes is checked here first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from socialcrm.errors import ValidationError

if TYPE_CHECKING:
    from socialcrm.settings import Settings

#: The largest id any storage can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#._-]*$")


def identifier(value: object, field: str) -> int:
    """A positive integer id (``bool`` refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be an integer id, got {value!r}", field=field)
    if not 0 < value <= MAX_ID:
        raise ValidationError(f"{field} must be an id from 1 to {MAX_ID}, got {value}", field=field)
    return value


def text(value: object, field: str, *, min_length: int, max_length: int) -> str:
    """A string stripped of surrounding white space, within the length limits."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    stripped = value.strip()
    if "\x00" in stripped:
        raise ValidationError(f"{field} must not contain NUL characters", field=field)
    if len(stripped) < min_length:
        if not stripped:
            raise ValidationError(f"{field} must not be empty", field=field)
        raise ValidationError(
            f"{field} must be at least {min_length} characters, got {len(stripped)}", field=field
        )
    if len(stripped) > max_length:
        raise ValidationError(
            f"{field} must be at most {max_length} characters, got {len(stripped)}", field=field
        )
    return stripped


def title(value: object, settings: Settings) -> str:
    """A thread title within the settings' length limits."""
    return text(
        value, "title", min_length=settings.title_min_length, max_length=settings.title_max_length
    )


def body(value: object, settings: Settings) -> str:
    """A post body within the settings' length limits."""
    return text(
        value, "body", min_length=settings.body_min_length, max_length=settings.body_max_length
    )


def display_name(value: object, settings: Settings) -> str:
    """A member's display name within the settings' length limit."""
    return text(value, "display_name", min_length=1, max_length=settings.display_name_max_length)


def choice(value: object, field: str, allowed: Iterable[str]) -> str:
    """One of the allowed strings."""
    options = tuple(allowed)
    if value not in options:
        raise ValidationError(
            f"{field} must be one of {', '.join(options)}; got {value!r}", field=field
        )
    return value  # type: ignore[return-value]


def slug(value: object, *, max_length: int) -> str:
    """A lowercase slug: letters, digits and inner hyphens."""
    result = text(value, "slug", min_length=1, max_length=max_length)
    if not _SLUG.match(result):
        raise ValidationError(
            f"slug must be lowercase letters, digits and inner hyphens; got {result!r}",
            field="slug",
        )
    return result


def tags(values: object, *, max_count: int, max_length: int) -> tuple[str, ...]:
    """Normalized tags: lowercased, stripped, de-duplicated in first-seen order."""
    if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
        raise ValidationError("tags must be a list of strings", field="tags")
    seen: dict[str, None] = {}
    for raw in values:
        if not isinstance(raw, str):
            raise ValidationError(f"tags must be strings, got {raw!r}", field="tags")
        tag = raw.strip().lower().replace(" ", "-")
        if not tag:
            raise ValidationError("tags must not be empty", field="tags")
        if len(tag) > max_length:
            raise ValidationError(
                f"tag {tag!r} is longer than {max_length} characters", field="tags"
            )
        if not _TAG.match(tag):
            raise ValidationError(
                f"tag {tag!r} may hold only letters, digits and + # . _ -", field="tags"
            )
        seen[tag] = None
    if len(seen) > max_count:
        raise ValidationError(f"at most {max_count} tags, got {len(seen)}", field="tags")
    return tuple(seen)


def page(limit: object, offset: object, *, max_limit: int) -> tuple[int, int]:
    """A ``(limit, offset)`` pair: 1 ≤ limit ≤ max_limit, offset ≥ 0."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise ValidationError(f"limit must be an integer from 1 to {max_limit}", field="limit")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValidationError("offset must be a non-negative integer", field="offset")
    return limit, offset


def optional_tag(value: object) -> str | None:
    """A tag filter: ``None`` or a tag name, normalized like stored tags."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("tag must be a string", field="tag")
    return value.strip().lower().replace(" ", "-")

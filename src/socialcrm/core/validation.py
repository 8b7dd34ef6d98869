"""Pure input validation: every argument a command takes is checked here first.

:mod:`socialcrm.services.boundary` applies the type and range checks below to every
argument of every public method before the method runs; the methods then apply
their own rules (lengths, choices, settings) with the validators here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from socialcrm.errors import ValidationError

if TYPE_CHECKING:
    from socialcrm.settings import Settings

#: The largest id any storage can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: The largest count, limit, offset or stored quantity accepted (a signed 32-bit
#: integer: the SQL adapters keep counts in ``INTEGER`` columns).
MAX_COUNT = 2**31 - 1
#: Datetimes given to commands lie from ``EARLIEST`` (included) to ``LATEST`` (excluded),
#: so that adding any accepted duration to them stays a valid datetime.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
#: The longest duration accepted, either way (100 years).
MAX_DURATION = timedelta(days=36_525)

# Characters no text may hold: C0 and C1 controls but tab and newline (carriage
# returns are turned into newlines first), and lone surrogates, which no encoding
# can store (a JSON client can send "\ud800").
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Characters that draw nothing although Unicode does not class them as space or format.
_BLANK = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")
# Classes that draw nothing by themselves: controls, format characters (zero-width
# space, joiners, BOM, bidirectional overrides), separators, and combining marks
# with no base to draw on.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#._-]*$")


def identifier(value: object, field: str) -> int:
    """A positive integer id (``bool`` refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be an integer id, got {value!r}", field=field)
    if not 0 < value <= MAX_ID:
        raise ValidationError(f"{field} must be an id from 1 to {MAX_ID}, got {value}", field=field)
    return value


def integer(value: object, field: str, *, minimum: int, maximum: int) -> int:
    """An integer from ``minimum`` to ``maximum`` (``bool`` refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be an integer, got {type(value).__name__}", field=field
        )
    if not minimum <= value <= maximum:
        raise ValidationError(
            f"{field} must be an integer from {minimum} to {maximum}, got {value}", field=field
        )
    return int(value)


def normalize_text(value: object, field: str) -> str:
    """The one text normaliser: every string a public method takes goes through it.

    Carriage returns become newlines (``\\r\\n`` too); lone surrogates, NUL and the
    other control characters but newline and tab are refused; the result is in
    Unicode normal form C, so that the same text typed two ways is stored, compared
    and counted the same.
    """
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        char = ord(bad.group())
        if char == 0:
            what = "NUL characters"
        elif 0xD800 <= char <= 0xDFFF:
            what = f"lone surrogates (U+{char:04X} is not a character)"
        else:
            what = f"control characters (U+{char:04X})"
        raise ValidationError(f"{field} must not contain {what}", field=field)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return str(value)


def is_invisible(char: str) -> bool:
    """Whether a character draws nothing by itself (space, zero-width, BOM, bidi controls...)."""
    return char.isspace() or char in _BLANK or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def has_visible(value: str) -> bool:
    """Whether the text still holds something once the invisible characters are removed."""
    return not all(is_invisible(char) for char in value)


def nonblank(value: object, field: str) -> str:
    """A string holding a visible character, taken as it is (not normalised).

    Records check the text they store with it; commands use :func:`text`.
    """
    if not isinstance(value, str) or not has_visible(value):
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return value


def text(value: object, field: str, *, min_length: int, max_length: int) -> str:
    """A normalised string stripped of surrounding white space, within the length limits.

    A required text (``min_length`` ≥ 1) must hold a visible character: a name made
    only of zero-width spaces, word joiners, BOMs or a bidirectional override is empty.
    The minimum length does not count zero-width characters, BOMs or bidirectional
    controls (invisible padding); the maximum counts every character stored.
    """
    stripped = normalize_text(value, field).strip()
    if min_length >= 1 and stripped and not has_visible(stripped):
        raise ValidationError(
            f"{field} must not be empty: it has no visible characters", field=field
        )
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
    if min_length > 1 and _visible_count(stripped, up_to=min_length) < min_length:
        # Padding with zero-width characters does not make a text long enough.
        raise ValidationError(
            f"{field} must be at least {min_length} characters, not counting invisible ones",
            field=field,
        )
    return stripped


def _visible_count(value: str, *, up_to: int) -> int:
    """How many characters of ``value`` draw something or are spaces, up to ``up_to``.

    Zero-width characters, BOMs and bidirectional controls are not counted; ordinary
    white space between words is.
    """
    count = 0
    for char in value:
        if char.isspace() or not is_invisible(char):
            count += 1
            if count >= up_to:
                break
    return count


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


def is_slug(value: object) -> bool:
    """Whether ``value`` is a slug as stored: lowercase letters, digits and inner hyphens."""
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def slug(value: object, *, max_length: int) -> str:
    """A lowercase slug: letters, digits and inner hyphens."""
    result = text(value, "slug", min_length=1, max_length=max_length)
    if not is_slug(result):
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
        tag = normalize_text(raw, "tags").strip().lower().replace(" ", "-")
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
    return normalize_text(value, "tag").strip().lower().replace(" ", "-")


def moment(value: object, field: str) -> datetime:
    """A timezone-aware datetime from :data:`EARLIEST` to :data:`LATEST` (excluded)."""
    if not isinstance(value, datetime):
        raise ValidationError(
            f"{field} must be a datetime, got {type(value).__name__}", field=field
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be timezone-aware", field=field)
    try:
        inside = EARLIEST <= value < LATEST
    except OverflowError:  # an offset pushes the first or last day out of range
        inside = False
    if not inside:
        raise ValidationError(
            f"{field} must be from {EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} (UTC),"
            f" got {value.isoformat()}",
            field=field,
        )
    return value


def duration(value: object, field: str) -> timedelta:
    """A ``timedelta`` no longer than :data:`MAX_DURATION` either way."""
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"{field} must be a timedelta, got {type(value).__name__}", field=field
        )
    if not -MAX_DURATION <= value <= MAX_DURATION:
        raise ValidationError(
            f"{field} must be at most {MAX_DURATION.days} days either way, got {value}",
            field=field,
        )
    return value


def aware(value: object, field: str) -> datetime:
    """A timezone-aware datetime; naive ones and other types are refused.

    Storage adapters check the datetimes of the rows they write with it (unlike
    :func:`moment`, it sets no range).
    """
    if not isinstance(value, datetime):
        raise ValidationError(f"{field} must be a datetime, got {value!r}", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be timezone-aware, got {value!r}", field=field)
    return value

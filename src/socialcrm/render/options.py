"""The frozen options a :class:`~socialcrm.render.Renderer` is built from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from socialcrm.errors import ValidationError

#: URL schemes a link may use by default. Relative URLs (``/faq``, ``#top``, ``faq.html``)
#: have no scheme and are always allowed.
DEFAULT_URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: The default ``rel`` of every link: no ranking credit for spammers (``nofollow``), marked
#: as user-generated content (``ugc``), no ``window.opener`` for the target (``noopener``).
DEFAULT_LINK_REL = "nofollow ugc noopener"

#: Input longer than this many characters is refused by default (the default
#: ``Settings.body_max_length`` is 30,000).
DEFAULT_MAX_LENGTH = 50_000

#: Schemes that can run script or smuggle a document; no option can allow them.
FORBIDDEN_URL_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem"})

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_REL_TOKEN = re.compile(r"^[a-z][a-z0-9-]*$")


def _url_schemes(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise ValidationError(
            "url_schemes must be a collection of scheme names", field="url_schemes"
        )
    schemes = frozenset(str(scheme).strip().lower().removesuffix(":") for scheme in value)
    for scheme in sorted(schemes):
        if not _SCHEME.match(scheme):
            raise ValidationError(f"not a URL scheme: {scheme!r}", field="url_schemes")
        if scheme in FORBIDDEN_URL_SCHEMES:
            raise ValidationError(
                f"URL scheme {scheme!r} can never be allowed", field="url_schemes"
            )
    return schemes


def _link_rel(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("link_rel must be a string", field="link_rel")
    tokens = value.lower().split()
    if not tokens or not all(_REL_TOKEN.match(token) for token in tokens):
        raise ValidationError(
            f"link_rel must be space-separated link types, got {value!r}", field="link_rel"
        )
    return " ".join(dict.fromkeys(tokens))


def _check_heading_level(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 6:
        raise ValidationError(f"{attribute.name} must be from 1 to 6", field=attribute.name)


def _check_max_length(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{attribute.name} must be a positive integer or None", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class RenderOptions:
    """What a :class:`~socialcrm.render.Renderer` allows; frozen, change it with ``evolve``.

    :param images: render ``![alt](src)`` as ``<img>``. Off by default, so that new
        members cannot post images (and tracking pixels); when off, an image is shown as its
        alt text.
    :param image_src: optional ``(src) -> str | None`` applied to every image source when
        ``images`` is on: return the URL to use (for example through your image proxy) or
        ``None`` to show the alt text instead (an allowlist of hosts).
    :param top_heading_level: the HTML level of a Markdown ``#`` heading; deeper headings
        shift down with it and stop at ``<h6>``. The default ``2`` keeps ``<h1>`` for your
        page's own title.
    :param link_rel: the ``rel`` put on every link (any ``rel`` in the input is dropped).
    :param url_schemes: the schemes links (and images) may use; relative URLs are always
        allowed. ``javascript``, ``vbscript``, ``data``, ``file``, ``blob`` and
        ``filesystem`` are refused.
    :param line_breaks: turn single newlines into ``<br>`` (as GitHub comments and Discourse
        do) instead of CommonMark's soft breaks.
    :param tables: GitHub-style pipe tables.
    :param strikethrough: ``~~struck~~`` as ``<s>``.
    :param max_length: the longest input accepted, in characters; longer input raises
        ``ValidationError`` (code ``too_long``). ``None`` accepts any length.
    """

    images: bool = False
    image_src: Callable[[str], str | None] | None = None
    top_heading_level: int = attrs.field(default=2, validator=_check_heading_level)
    link_rel: str = attrs.field(default=DEFAULT_LINK_REL, converter=_link_rel)
    url_schemes: frozenset[str] = attrs.field(default=DEFAULT_URL_SCHEMES, converter=_url_schemes)
    line_breaks: bool = False
    tables: bool = True
    strikethrough: bool = True
    max_length: int | None = attrs.field(default=DEFAULT_MAX_LENGTH, validator=_check_max_length)

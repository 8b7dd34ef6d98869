"""The HTML allowlist, enforced by nh3 on everything the Markdown parser produced.

With raw HTML off the parser only emits its own tags, so the sanitizer is the second
wall: whatever a parser bug or a future option lets through, only these tags and
attributes, and only URLs with the allowed schemes, reach the page.
"""

from __future__ import annotations

import nh3

from socialcrm.render.options import RenderOptions

_BASE_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "s",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
_ALIGN_VALUES = {"align": {"left", "center", "right"}}


def allowed_tags(options: RenderOptions) -> frozenset[str]:
    """Every element ``options`` lets through."""
    headings = {f"h{level}" for level in range(options.top_heading_level, 7)}
    images = {"img"} if options.images else set()
    return _BASE_TAGS | headings | images


def allowed_attributes(options: RenderOptions) -> dict[str, frozenset[str]]:
    """The attributes allowed on each element (``rel`` on links is set, not allowed).

    ``th`` and ``td`` may also carry ``align`` with the value ``left``, ``center`` or
    ``right`` (table column alignment, since ``style`` is never allowed).
    """
    attributes = {
        "a": frozenset({"href", "title"}),
        "ol": frozenset({"start"}),
        "code": frozenset({"class"}),
    }
    if options.images:
        attributes["img"] = frozenset({"src", "alt", "title"})
    return attributes


def build_cleaner(options: RenderOptions) -> nh3.Cleaner:
    """An ``nh3.Cleaner`` for ``options``; it holds no per-call state and may be shared."""
    return nh3.Cleaner(
        tags=set(allowed_tags(options)),
        attributes={tag: set(names) for tag, names in allowed_attributes(options).items()},
        tag_attribute_values={"th": _ALIGN_VALUES, "td": _ALIGN_VALUES},
        link_rel=options.link_rel,
        url_schemes=set(options.url_schemes),
        strip_comments=True,
    )

"""The Markdown parser: CommonMark with raw HTML off, plus the rules posts need.

One ``MarkdownIt`` instance is built per :class:`~socialcrm.render.Renderer` and reused
for every call; after it is built nothing changes it, so threads may share it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from socialcrm.render.options import RenderOptions

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop these anywhere in a URL (tab, newline) or around it (other controls, space)
# before they read the scheme, so "java\tscript:" is "javascript:" to them.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")
_LANGUAGE = re.compile(r"^[\w+#.-]{1,40}$")
_ALIGN = re.compile(r"^text-align:(left|center|right)$")


def url_is_allowed(url: str, schemes: frozenset[str]) -> bool:
    """Whether ``url`` is relative or uses one of ``schemes``.

    The URL is checked as written and once more as a browser would read it after
    percent-decoding and dropping white space and control characters, so neither
    ``java%09script:`` nor ``JaVaScRiPt:`` gets through with a scheme not in the list.
    """
    for candidate in (url.strip(), _IGNORED_BY_BROWSERS.sub("", unquote(url))):
        match = _SCHEME.match(candidate)
        if match and match.group(1).lower() not in schemes:
            return False
    return True


def build_parser(options: RenderOptions) -> MarkdownIt:
    """A ``MarkdownIt`` configured by ``options``, ready to be shared."""
    md = MarkdownIt("commonmark", {"html": False, "breaks": options.line_breaks})
    extensions = [
        name
        for name, wanted in (("table", options.tables), ("strikethrough", options.strikethrough))
        if wanted
    ]
    if extensions:
        md.enable(extensions)
    schemes = options.url_schemes
    # markdown-it calls validateLink on every link and image destination (after decoding
    # entities and normalizing); a refused one is left as plain text, not made a link.
    md.validateLink = lambda url: url_is_allowed(url, schemes)  # type: ignore[method-assign]

    offset = options.top_heading_level - 1

    def adjust_tokens(state: StateCore) -> None:
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close") and offset:
                token.tag = f"h{min(6, int(token.tag[1]) + offset)}"
            elif token.type in ("th_open", "td_open"):
                _style_to_align(token)
            elif token.type == "fence":
                language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
                token.info = language if _LANGUAGE.match(language) else ""

    md.core.ruler.push("socialcrm_adjust", adjust_tokens)
    md.add_render_rule("image", _image_rule(options))
    return md


def _style_to_align(token: Token) -> None:
    # Style attributes are never allowed; the sanitizer keeps align="left|center|right".
    style = token.attrs.pop("style", None)
    match = _ALIGN.match(str(style)) if style is not None else None
    if match:
        token.attrSet("align", match.group(1))


def _image_rule(options: RenderOptions) -> Any:
    """The render rule for images: alt text only, or the image through ``image_src``."""
    image_src = options.image_src

    def render_image(
        self: RendererHTML,
        tokens: Sequence[Token],
        idx: int,
        md_options: OptionsDict,
        env: Any,
    ) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], md_options, env)
        if not options.images:
            return escapeHtml(alt)
        if image_src is not None:
            src = image_src(str(token.attrGet("src") or ""))
            if src is None:
                return escapeHtml(alt)
            token = token.copy()
            token.attrSet("src", src)
            return self.image([token], 0, md_options, env)
        return self.image(tokens, idx, md_options, env)

    return render_image

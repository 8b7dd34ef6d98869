"""Safe rendering of user content: Markdown to sanitized HTML, plain text to escaped HTML.

::

    from socialcrm.render import content_stats, render_markdown, render_plain

    html = render_markdown(post.body)                 # images shown as their alt text
    html = render_markdown(post.body, images=True)    # for members trusted with images
    stats = content_stats(post.body)                  # stats.links, stats.mentions, ...

Markdown is CommonMark (markdown-it-py) with raw HTML off, plus pipe tables and
``~~strikethrough~~``; the HTML it produces is then cleaned by an allowlist (nh3). For
other options build a :class:`Renderer` once and reuse it. See docs/rendering.md.
"""

from __future__ import annotations

from functools import lru_cache

from socialcrm.render.options import (
    DEFAULT_LINK_REL,
    DEFAULT_MAX_LENGTH,
    DEFAULT_URL_SCHEMES,
    RenderOptions,
)
from socialcrm.render.plain import render_plain
from socialcrm.render.renderer import Renderer
from socialcrm.render.safe_html import SafeHTML
from socialcrm.render.stats import MENTION, ContentStats


@lru_cache(maxsize=2)
def default_renderer(*, images: bool = False) -> Renderer:
    """The shared :class:`Renderer` with default options (and ``images`` as given)."""
    return Renderer(RenderOptions(images=images))


def render_markdown(text: str, *, images: bool = False) -> SafeHTML:
    """Render Markdown ``text`` to sanitized HTML with the default options.

    :param images: show images; off by default (new members may not post images), when
        an image is shown as its alt text.
    :raises ValidationError: ``text`` is not a string, or is longer than
        ``DEFAULT_MAX_LENGTH`` characters (code ``too_long``).
    """
    return default_renderer(images=images).render(text)


def content_stats(text: str) -> ContentStats:
    """Count the links, images and mentions in Markdown ``text`` (default options).

    :raises ValidationError: as :func:`render_markdown`.
    """
    return default_renderer().content_stats(text)


__all__ = [
    "DEFAULT_LINK_REL",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_URL_SCHEMES",
    "MENTION",
    "ContentStats",
    "RenderOptions",
    "Renderer",
    "SafeHTML",
    "content_stats",
    "default_renderer",
    "render_markdown",
    "render_plain",
]

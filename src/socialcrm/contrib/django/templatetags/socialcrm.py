"""Template filters: ``{% load socialcrm %}`` then ``{{ post.body|render_markdown }}``.

User content reaches templates only through :mod:`socialcrm.render`: the filters
return sanitized :class:`~socialcrm.render.SafeHTML`, which Django prints as HTML
without ``|safe``.
"""

from __future__ import annotations

from django import template

from socialcrm.render import SafeHTML
from socialcrm.render import render_markdown as _render_markdown
from socialcrm.render import render_plain as _render_plain

register = template.Library()


@register.filter
def render_markdown(text: object) -> SafeHTML:
    """Markdown to sanitized HTML (images shown as their alt text); ``None`` shows nothing."""
    return _render_markdown("" if text is None else str(text))


@register.filter
def render_plain(text: object) -> SafeHTML:
    """Plain text to escaped HTML, line breaks kept; ``None`` shows nothing."""
    return _render_plain("" if text is None else str(text))

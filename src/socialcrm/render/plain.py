"""Plain text as HTML: escaped, with paragraphs and line breaks kept."""

from __future__ import annotations

import html
import re

from socialcrm.errors import ValidationError
from socialcrm.render.safe_html import SafeHTML

_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def render_plain(text: str) -> SafeHTML:
    """Escape ``text`` for HTML: each run of blank lines starts a new ``<p>``, each other
    newline becomes ``<br>``. No markup is interpreted; ``@mentions`` and URLs stay text.

    :raises ValidationError: ``text`` is not a string.

    >>> render_plain("a < b\\nc\\n\\nnew paragraph")
    SafeHTML('<p>a &lt; b<br>\\nc</p>\\n<p>new paragraph</p>')
    """
    if not isinstance(text, str):
        raise ValidationError(f"text must be a string, got {type(text).__name__}", field="text")
    text = _NEWLINES.sub("\n", text).replace("\x00", "\ufffd").strip()
    if not text:
        return SafeHTML("")
    paragraphs = (
        html.escape(paragraph.strip(), quote=True).replace("\n", "<br>\n")
        for paragraph in _BLANK_LINES.split(text)
    )
    return SafeHTML("\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs))

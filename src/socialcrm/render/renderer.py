"""``Renderer``: a parser and a sanitizer configured once, shared by every request."""

from __future__ import annotations

from socialcrm.errors import ValidationError
from socialcrm.render.options import RenderOptions
from socialcrm.render.parser import build_parser
from socialcrm.render.safe_html import SafeHTML
from socialcrm.render.sanitizer import allowed_attributes, allowed_tags, build_cleaner
from socialcrm.render.stats import ContentStats


class Renderer:
    """Turns post bodies (Markdown) into sanitized HTML, by one frozen set of options.

    Build one per configuration at start-up and reuse it: the parser and the sanitizer
    are compiled once, hold no per-call state and may be used from many threads at once.
    The same text always renders to the same HTML.

    >>> Renderer().render("Hello **@ada**, see [the FAQ](/faq).")  # doctest: +ELLIPSIS
    SafeHTML('<p>Hello <strong>@ada</strong>, see <a href="/faq" rel="nofollow ugc...">...')
    """

    __slots__ = ("_cleaner", "_options", "_parser")

    def __init__(self, options: RenderOptions | None = None) -> None:
        self._options = options if options is not None else RenderOptions()
        self._parser = build_parser(self._options)
        self._cleaner = build_cleaner(self._options)

    @property
    def options(self) -> RenderOptions:
        """The options this renderer was built with."""
        return self._options

    @property
    def allowed_tags(self) -> frozenset[str]:
        """Every HTML element the output may contain."""
        return allowed_tags(self._options)

    @property
    def allowed_attributes(self) -> dict[str, frozenset[str]]:
        """The attributes the output may carry, by element (plus ``rel`` on links and
        ``align`` on table cells)."""
        return allowed_attributes(self._options)

    def render(self, text: str) -> SafeHTML:
        """``text`` as Markdown, rendered and sanitized: safe to put in a page as is.

        :raises ValidationError: ``text`` is not a string (code ``invalid``), or longer than
            ``options.max_length`` (code ``too_long``).
        """
        html = self._parser.render(self._checked(text))
        return SafeHTML(self._cleaner.clean(html))

    def content_stats(self, text: str) -> ContentStats:
        """How many links, images and mentions ``text`` holds, as this renderer parses it.

        :raises ValidationError: as :meth:`render`.
        """
        return ContentStats.from_tokens(self._parser.parse(self._checked(text)))

    def _checked(self, text: object) -> str:
        if not isinstance(text, str):
            raise ValidationError(f"text must be a string, got {type(text).__name__}", field="text")
        limit = self._options.max_length
        if limit is not None and len(text) > limit:
            raise ValidationError(
                f"text must be at most {limit} characters to render, got {len(text)}",
                field="text",
                code="too_long",
            )
        return text

    def __repr__(self) -> str:
        return f"Renderer({self._options!r})"

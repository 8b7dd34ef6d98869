"""What a post contains: links, images and mentions, counted from the parsed tokens."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from markdown_it.token import Token

#: A mention: ``@`` then a name. The ``@`` must start a run of text or follow white space
#: or one of ``( [ { " ' « “ ‘ , ; ! ?``, so ``alice@example.com`` is no mention. The name
#: is letters, digits and ``_`` (any script), with ``.`` and ``-`` allowed inside it but not
#: at its end: ``@bob.`` mentions ``bob``.
MENTION = re.compile(r"(?<![^\s(\[{\"'«“‘,;!?])@(\w(?:[\w.-]*\w)?)")


@attrs.frozen(kw_only=True)
class ContentStats:
    """Counts a content rule can limit on (Discourse: new users get 2 links, 2 mentions,
    no images).

    :param links: links in the post, every occurrence (``[text](url)``, ``<url>``
        autolinks, reference links), including links around images. Destinations with a
        scheme that is not allowed are not links (they are shown as text). Bare URLs in
        text are not links either: this release does not linkify.
    :param images: images (``![alt](src)``), counted whether or not the renderer shows them.
    :param mentions: distinct names mentioned (compared case-insensitively), outside code
        and outside link text; see :data:`MENTION` for the syntax.
    :param link_urls: each link's destination, in order, as the parser normalized it.
    :param image_urls: each image's source, in order.
    :param mentioned: the distinct names, as first written, in order.
    """

    links: int = 0
    images: int = 0
    mentions: int = 0
    link_urls: tuple[str, ...] = ()
    image_urls: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()

    @classmethod
    def from_tokens(cls, tokens: Sequence[Token]) -> ContentStats:
        """Count what the block tokens of one parsed document hold."""
        link_urls: list[str] = []
        image_urls: list[str] = []
        mentioned: dict[str, str] = {}
        for block in tokens:
            if block.type != "inline":
                continue  # code blocks and fences are block tokens: nothing counts in them
            link_depth = 0
            for token in block.children or ():
                if token.type == "link_open":
                    link_depth += 1
                    link_urls.append(str(token.attrGet("href") or ""))
                elif token.type == "link_close":
                    link_depth -= 1
                elif token.type == "image":
                    image_urls.append(str(token.attrGet("src") or ""))
                elif token.type == "text" and not link_depth:
                    for name in MENTION.findall(token.content):
                        mentioned.setdefault(name.casefold(), name)
        return cls(
            links=len(link_urls),
            images=len(image_urls),
            mentions=len(mentioned),
            link_urls=tuple(link_urls),
            image_urls=tuple(image_urls),
            mentioned=tuple(mentioned.values()),
        )

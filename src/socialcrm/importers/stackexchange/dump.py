"""Reading a Stack Exchange data dump: one ``<row>`` at a time, in constant memory.

A dump is a directory of XML files (``Users.xml``, ``Posts.xml``, ``Votes.xml``...),
each a root element holding one ``<row .../>`` per record, attributes only. Rows are
streamed with :func:`xml.etree.ElementTree.iterparse` and the root is cleared after
each row, so memory stays flat whatever the file's size. A malformed or truncated
file raises :class:`~socialcrm.errors.DumpError` naming the file and the line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import attrs

from socialcrm.errors import DumpError

#: The files of a dump, by the stage that reads them.
FILES = {
    "users": "Users.xml",
    "posts": "Posts.xml",
    "comments": "Comments.xml",
    "votes": "Votes.xml",
    "tags": "Tags.xml",
    "badges": "Badges.xml",
    "post_links": "PostLinks.xml",
}

#: Files an import cannot do without.
REQUIRED_FILES = ("Users.xml", "Posts.xml", "Votes.xml")


@attrs.frozen
class Row:
    """One ``<row>``: its 1-based position in the file, its attributes, and where it ends.

    ``offset`` is how many bytes of the file were read when the row was complete
    (parsing reads ahead in blocks, so it is approximate; good for progress bars).
    """

    file: str
    position: int
    attributes: Mapping[str, str]
    offset: int

    def text(self, name: str, default: str | None = None) -> str | None:
        """The attribute's value, or ``default``."""
        return self.attributes.get(name, default)

    def required(self, name: str) -> str:
        """The attribute's value; ``DumpError`` if the row lacks it."""
        value = self.attributes.get(name)
        if value is None:
            raise self.error(f"has no {name} attribute")
        return value

    def integer(self, name: str) -> int:
        """The attribute as an integer; ``DumpError`` if missing or not a number."""
        value = self.required(name)
        try:
            return int(value)
        except ValueError:
            raise self.error(f"{name}={value!r} is not an integer") from None

    def optional_integer(self, name: str) -> int | None:
        """The attribute as an integer, ``None`` if absent; ``DumpError`` if not a number."""
        return None if name not in self.attributes else self.integer(name)

    def time(self, name: str = "CreationDate") -> datetime:
        """The attribute as an aware UTC datetime (dumps write UTC without an offset)."""
        value = self.required(name)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(f"{name}={value!r} is not a date and time") from None
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment

    def optional_time(self, name: str) -> datetime | None:
        """The attribute as a datetime, ``None`` if absent."""
        return None if name not in self.attributes else self.time(name)

    def error(self, problem: str) -> DumpError:
        """A ``DumpError`` about this row (rows carry no line numbers; the row number is given)."""
        ident = self.attributes.get("Id", "?")
        return DumpError(f"row {self.position} (Id={ident}) {problem}", file=self.file)


def rows(directory: Path, name: str, *, required: bool = True) -> Iterator[Row]:
    """Every ``<row>`` of ``directory/name`` in file order.

    A missing file raises ``DumpError`` when ``required``, and yields nothing otherwise.
    """
    path = directory / name
    if not path.is_file():
        if required:
            raise DumpError("the file is missing from the dump", file=name)
        return
    with path.open("rb") as stream:
        position = 0
        try:
            parser = ET.iterparse(stream, events=("start", "end"))
            root = None
            for event, element in parser:
                if root is None:
                    root = element
                    continue
                if event == "end" and element.tag == "row":
                    position += 1
                    yield Row(name, position, dict(element.attrib), stream.tell())
                    root.clear()
        except ET.ParseError as error:
            line, column = error.position
            reason = str(error).split(":", 1)[0]
            raise DumpError(
                f"malformed XML after {position} complete rows ({reason}, column {column})",
                file=name,
                line=line,
                column=column,
            ) from None


def size(directory: Path, name: str) -> int:
    """The file's size in bytes, 0 if it is missing."""
    path = directory / name
    return path.stat().st_size if path.is_file() else 0


def tags_of(value: str | None) -> list[str]:
    """The tag names of a post's ``Tags`` attribute (``<a><b>`` or ``|a|b|``)."""
    if not value:
        return []
    if value.startswith("<"):
        return [tag for tag in value[1:-1].split("><") if tag]
    return [tag for tag in value.split("|") if tag]


__all__ = ["FILES", "REQUIRED_FILES", "Row", "rows", "size", "tags_of"]

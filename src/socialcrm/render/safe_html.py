"""``SafeHTML``: a string of sanitized HTML that templates know not to escape again."""

from __future__ import annotations


class SafeHTML(str):
    """A ``str`` of HTML that socialcrm has sanitized or escaped.

    It has an ``__html__`` method, the convention Jinja2 / MarkupSafe and Django's
    autoescaping both honour, so ``{{ html }}`` prints it as HTML without ``|safe``,
    ``Markup(...)`` or ``mark_safe(...)`` (which still work on it). Any string operation
    (``+``, ``%``, slicing, ``.replace``) returns a plain ``str``, which templates escape
    again: the mark does not survive being mixed with untrusted text.
    """

    __slots__ = ()

    def __html__(self) -> str:
        """This HTML, unchanged: it is already safe."""
        return self

    def __repr__(self) -> str:
        return f"SafeHTML({str.__repr__(self)})"

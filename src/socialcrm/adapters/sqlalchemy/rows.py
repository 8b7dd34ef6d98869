"""One row mapper for every record the SQL repositories read, driven by attrs fields.

A :class:`RowMapper` reads a record class's attrs fields once and derives the
column of each: the column named like the field, unless an override names
another column, a conversion, or several columns that build one field together
(``Member.profile``). Its :attr:`~RowMapper.columns` are what a query selects,
in order, and :attr:`~RowMapper.from_row` builds the record from such a row:

>>> import attrs
>>> @attrs.frozen
... class Tagged:
...     id: int
...     tags: tuple[str, ...]
...     key: str
>>> tagged = RowMapper(Tagged, {"tags": json_tuple, "key": "tag_key"})
>>> tagged.columns
('id', 'tags', 'tag_key')
>>> tagged.from_row((7, '["a", "b"]', "k"))
Tagged(id=7, tags=('a', 'b'), key='k')

Fields a query cannot read (``Poll.options`` come from a second query) are
``supplied`` by the caller as keywords: ``mapper.from_row(row, options=...)``.

Timestamps need no conversion here: :class:`~.column_types.UTCDateTime` already
returns aware UTC datetimes on every database, on both statement paths.

``from_row`` is generated once per mapper as the plain function one would write
by hand (unpack the row, convert, call the class with keywords), the way attrs
writes ``__init__`` methods: rows are mapped on the hottest paths (every vote
reads its post, thread, space and member), where a generic loop over the fields
per row would cost several times more.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

import attrs
from sqlalchemy import Column, Table

R = TypeVar("R")


@attrs.frozen
class FromColumns:
    """Where one field of a record comes from: ``columns`` of the row, through ``convert``.

    ``convert`` is called with the columns' values in order; without it the
    field takes the (single) column's value as it is.
    """

    columns: tuple[str, ...]
    convert: Callable[..., Any] | None = None

    def __attrs_post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a field must come from at least one column")
        if self.convert is None and len(self.columns) != 1:
            raise ValueError("a field built from several columns needs a conversion")


def from_columns(*names: str, convert: Callable[..., Any]) -> FromColumns:
    """A field built by ``convert`` from several columns (given their values in order)."""
    return FromColumns(tuple(names), convert)


#: How a field may be overridden: a :class:`FromColumns`, a column name (no
#: conversion), or a conversion of the column named like the field.
Override = FromColumns | str | Callable[[Any], Any]


def json_tuple(text: str) -> tuple[Any, ...]:
    """A JSON list stored as text, read as a tuple."""
    return tuple(json.loads(text))


def json_value(text: str) -> Any:
    """A JSON value stored as text."""
    return json.loads(text)


class RowMapper(Generic[R]):
    """Builds ``record`` instances from rows whose columns come in :attr:`columns` order.

    :param record: an attrs class; every field with an ``__init__`` parameter is
        read from the row unless ``supplied``.
    :param overrides: by field name, where a field's value comes from when not
        from the column of its own name unchanged (see :data:`Override`).
    :param supplied: fields the caller passes to :attr:`from_row` as keywords.
    """

    __slots__ = ("record", "columns", "from_row")

    def __init__(
        self,
        record: type[R],
        overrides: Mapping[str, Override] | None = None,
        *,
        supplied: Collection[str] = (),
    ) -> None:
        overrides = dict(overrides or {})
        fields = [field for field in attrs.fields(cast(Any, record)) if field.init]
        known = {field.name for field in fields}
        unknown = (overrides.keys() | set(supplied)) - known
        if unknown:
            raise ValueError(f"{record.__name__} has no fields {sorted(unknown)}")
        sources: list[tuple[str, FromColumns]] = []
        for field in fields:
            if field.name in supplied:
                continue
            source = _source(field.name, overrides.get(field.name))
            sources.append((field.alias or field.name, source))
        self.record = record
        #: The columns a query must select, in this order, for :attr:`from_row`.
        self.columns: tuple[str, ...] = tuple(
            name for _, source in sources for name in source.columns
        )
        #: ``from_row(row, **supplied)``: the record of one row.
        self.from_row: Callable[..., R] = _compile(
            record, sources, [_alias(record, name) for name in supplied]
        )

    def select_from(self, table: Table) -> list[Column[Any]]:
        """:attr:`columns` of ``table``, to pass to ``select``."""
        return [table.c[name] for name in self.columns]

    def __repr__(self) -> str:
        return f"RowMapper({self.record.__name__}, columns={self.columns!r})"


def _source(field: str, override: Override | None) -> FromColumns:
    if override is None:
        return FromColumns((field,))
    if isinstance(override, FromColumns):
        return override
    if isinstance(override, str):
        return FromColumns((override,))
    return FromColumns((field,), override)


def _alias(record: type[Any], name: str) -> str:
    field = getattr(attrs.fields(record), name)
    return str(field.alias or field.name)


def _compile(
    record: type[R], sources: Sequence[tuple[str, FromColumns]], supplied: Sequence[str]
) -> Callable[..., R]:
    """Write and compile ``from_row`` for one record class.

    Only generated names (``_0``, ``_1``, ``_convert_3``) and the class's own
    attrs parameter names reach the source text, never a column name or a value.
    """
    namespace: dict[str, Any] = {"_record": record}
    arguments: list[str] = []
    position = 0
    for index, (parameter, source) in enumerate(sources):
        values = [f"_{position + offset}" for offset in range(len(source.columns))]
        position += len(values)
        if source.convert is None:
            arguments.append(f"{parameter}={values[0]}")
        else:
            namespace[f"_convert_{index}"] = source.convert
            arguments.append(f"{parameter}=_convert_{index}({', '.join(values)})")
    arguments.extend(f"{name}={name}" for name in supplied)
    signature = "row, *, " + ", ".join(supplied) if supplied else "row"
    unpacked = "".join(f"_{i}, " for i in range(position))
    source_text = (
        f"def from_row({signature}):\n"
        f"    {unpacked}= row\n"
        f"    return _record({', '.join(arguments)})\n"
    )
    code = compile(source_text, f"<row mapper of {record.__qualname__}>", "exec")
    exec(code, namespace)  # noqa: S102 - see _compile's docstring
    from_row: Callable[..., R] = namespace["from_row"]
    return from_row


__all__ = ["FromColumns", "Override", "RowMapper", "from_columns", "json_tuple", "json_value"]

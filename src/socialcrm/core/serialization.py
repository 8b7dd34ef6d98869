"""Domain events as JSON: what the transactional outbox stores and other systems receive.

A payload is one flat JSON object::

    {"name": "vote_cast", "id": "0b6c5f9e-...", "at": "2026-03-02T12:00:00+00:00",
     "actor_id": 7, "vote_id": 41, "post_id": 12, ..., "value": 1}

* ``name`` is the event's ``name`` (also the blinker signal's name),
* ``id`` is the event id the outbox gave it (a UUID string; consumers
  de-duplicate on it),
* ``at`` is ISO-8601 in UTC with an explicit ``+00:00`` offset (microseconds
  only when they are not zero), and so is every other datetime field (an
  optional one, such as a sanction's ``ends_at``, may be ``null``),
* then every field of the event in declaration order: integers, strings,
  booleans and ``null`` as they are; frozensets (``roles``) as sorted lists;
  tuples (``tags``) as lists in their order.

:func:`event_from_json` turns a payload back into an equal event; keys it does
not know are ignored, so a consumer keeps working when a later socialcrm adds
a field. The codecs are built once per event class, because every vote writes
its events to the outbox. Event classes are found by name in the registry of
:mod:`socialcrm.core.events`, which the capabilities' event modules fill.
"""

from __future__ import annotations

import json
import operator
import os
import time
import typing
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from types import NoneType, UnionType
from typing import Any

import attrs

from socialcrm.core.events import EVENTS_BY_NAME, Event

_UTC = timezone.utc

#: Keys every payload has besides the event's fields; no event field may use them.
RESERVED_KEYS = frozenset({"name", "id"})

_PLAIN, _FROZENSET, _TUPLE, _DATETIME = range(4)
_JSON_SCALARS = (int, str, bool, NoneType)


def _kind_of(cls: type[Event], field: str, hint: Any) -> int:
    if hint is datetime:
        return _DATETIME
    origin = typing.get_origin(hint)
    if origin is frozenset:
        return _FROZENSET
    if origin is tuple:
        return _TUPLE
    members = typing.get_args(hint) if origin in (typing.Union, UnionType) else (hint,)
    if set(members) == {datetime, NoneType}:
        return _DATETIME  # an optional moment (a sanction's end); None stays null
    if all(member in _JSON_SCALARS for member in members):
        return _PLAIN
    raise TypeError(f"{cls.__name__}.{field}: no JSON encoding for {hint!r}")


@attrs.frozen
class _Codec:
    cls: type[Event]
    fields: tuple[tuple[str, int], ...]
    #: The payload's keys in order: ``name``, ``id``, then the fields.
    keys: tuple[str, ...]
    #: Reads every field at once (a tuple, in field order).
    read: Callable[[Event], tuple[Any, ...]]
    #: ``(index, kind)`` of the fields that need converting for JSON.
    special: tuple[tuple[int, int], ...]


_codecs: dict[type[Event], _Codec] = {}


def _is_attrs(cls: type) -> bool:
    return getattr(cls, "__attrs_attrs__", None) is not None


def _codec(cls: type[Event]) -> _Codec:
    codec = _codecs.get(cls)
    if codec is None:
        if not (isinstance(cls, type) and issubclass(cls, Event)) or not _is_attrs(cls):
            raise TypeError(f"{cls!r} is not a socialcrm event")
        hints = typing.get_type_hints(cls)
        fields = tuple((f.name, _kind_of(cls, f.name, hints[f.name])) for f in attrs.fields(cls))
        names = tuple(name for name, _ in fields)
        clash = RESERVED_KEYS.intersection(names)
        if clash:
            raise TypeError(f"{cls.__name__} has fields named like payload keys: {sorted(clash)}")
        getter = operator.attrgetter(*names)
        codec = _codecs[cls] = _Codec(
            cls=cls,
            fields=fields,
            keys=("name", "id", *names),
            read=getter if len(names) > 1 else lambda event: (getter(event),),
            special=tuple((i, kind) for i, (_, kind) in enumerate(fields) if kind != _PLAIN),
        )
    return codec


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} in an event; socialcrm uses aware UTC only")
    if value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return value.isoformat()


def event_to_dict(event: Event, event_id: str) -> dict[str, Any]:
    """The event as a JSON-ready dict: ``name``, ``id``, then every field (see the module)."""
    codec = _codecs.get(type(event)) or _codec(type(event))
    values = [event.name, event_id, *codec.read(event)]
    for index, kind in codec.special:
        value = values[index + 2]
        if value is None:
            continue
        if kind == _DATETIME:
            values[index + 2] = _iso(value)
        elif kind == _FROZENSET:
            values[index + 2] = sorted(value)
        else:
            values[index + 2] = list(value)
    return dict(zip(codec.keys, values, strict=True))


#: One encoder for every payload: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def event_to_json(event: Event, event_id: str) -> str:
    """The event's JSON payload, compact and ASCII-only (non-ASCII text is ``\\u`` escaped)."""
    return _ENCODER.encode(event_to_dict(event, event_id))


_DECODERS: dict[int, Callable[[Any], Any]] = {
    _DATETIME: lambda value: datetime.fromisoformat(value).astimezone(_UTC),
    _FROZENSET: frozenset,
    _TUPLE: tuple,
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """The event a payload dict describes; ``ValueError`` for an unknown ``name``.

    Keys that are not fields of the event are ignored.
    """
    cls = EVENTS_BY_NAME.get(data.get("name"))  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"unknown event name {data.get('name')!r}")
    arguments: dict[str, Any] = {}
    for name, kind in _codec(cls).fields:
        if name not in data:
            continue  # a field with a default, or the payload is incomplete (attrs says which)
        value = data[name]
        if kind != _PLAIN and value is not None:
            value = _DECODERS[kind](value)
        arguments[name] = value
    return cls(**arguments)


def event_from_json(payload: str) -> Event:
    """The event a JSON payload (from :func:`event_to_json`) describes."""
    data = json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("an event payload is a JSON object")
    return event_from_dict(data)


def new_event_id() -> str:
    """A fresh event id: a UUID string in the time-ordered version 7 layout (RFC 9562).

    48 bits of Unix time in milliseconds, then 74 random bits: as unique as a
    version 4 UUID for every practical purpose, but ids made one after the other
    sort close together, so the outbox's unique index on ``event_id`` grows at
    its end instead of touching a random page on every insert (on SQLite that
    saves about a third of the outbox's cost per vote). Nothing may rely on the
    order of event ids: the outbox position is the order.
    """
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76
        | (random_bits >> 62 & 0xFFF) << 64
        | 0b10 << 62
        | random_bits & 0x3FFF_FFFF_FFFF_FFFF
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def event_id_of(payload: str) -> str:
    """The event id stored in a JSON payload."""
    return str(json.loads(payload)["id"])


def build_codecs(event_types: Iterable[type[Event]]) -> None:
    """Build the codecs of ``event_types`` now (``TypeError`` for a field with no JSON form).

    :mod:`socialcrm.capabilities.events` calls it for every built-in event, so a
    field type without a JSON encoding fails at import rather than in a command.
    """
    for cls in event_types:
        _codec(cls)


__all__ = [
    "EVENTS_BY_NAME",
    "build_codecs",
    "RESERVED_KEYS",
    "event_from_dict",
    "event_from_json",
    "event_id_of",
    "event_to_dict",
    "event_to_json",
    "new_event_id",
]

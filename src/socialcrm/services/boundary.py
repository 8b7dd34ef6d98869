"""The boundary: every argument of every public method is checked before any work.

Every sub-API class (``community.members``, ``community.threads``...) derives from
:class:`PublicAPI`. When such a class is defined, each of its public methods is
wrapped so that, before the method body runs, every argument given is checked
against the parameter's annotation, and integers also against the range of the
parameter's name (:data:`INTEGER_RANGES`):

- ``int``: an ``int`` (never a ``bool``), in the name's range: ids from 1 to
  2**63 - 1, counts, limits and offsets up to 2**31 - 1;
- a member (``actor``, ``member``, ``viewer``... see :data:`MEMBER_PARAMETERS`): its
  id, or its :class:`~socialcrm.capabilities.members.records.Member` record. A record is checked
  against storage (a member with that id and the same ``external_id`` must exist,
  else ``PermissionDenied`` with code ``unknown_actor`` for the acting member and
  ``NotFound`` with code ``member_not_found`` for any other) and the method
  receives its id. Passing records is the safe way for a web app: the host's
  user id can never be taken for a member id by mistake;
- ``str``: the one text normaliser (:func:`~socialcrm.core.validation.normalize_text`):
  no lone surrogates, NUL or control characters but newline and tab; ``\\r\\n``
  becomes ``\\n``; the method receives the NFC form;
- ``bool``: ``True`` or ``False``; ``datetime``: timezone-aware, 1970 to 8999;
  ``timedelta``: at most 100 years either way; ``None`` only where annotated;
- a collection (``list[str]``, ``Iterable[str]``, ``Collection[int]``...): any
  iterable but a string, bytes or a mapping, of at most :data:`MAX_ITEMS` items,
  each checked the same way (integers in a collection are ids); the method
  receives a tuple.

Anything else raises ``ValidationError`` naming the parameter, so both storage
adapters see exactly the same, valid, input. The rules of one method (lengths,
choices, what the settings allow) stay in the method, with the validators of
:mod:`socialcrm.core.validation`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

import attrs

from socialcrm.capabilities.members.records import Member
from socialcrm.core import validation
from socialcrm.core.validation import MAX_COUNT, MAX_ID
from socialcrm.errors import NotFound, PermissionDenied, ValidationError

#: The most items a collection argument may hold (each method has its own, lower, limit).
MAX_ITEMS = 10_000

_IDS = (1, MAX_ID)
_COUNTS = (0, MAX_COUNT)

#: The range of every integer parameter, by name. A public method with an integer
#: parameter whose name is not here fails ``tests/test_fuzz_public_api.py`` until
#: the name is added (the signed 64-bit range applies meanwhile).
INTEGER_RANGES: Mapping[str, tuple[int, int]] = {
    **dict.fromkeys(
        (
            "actor",
            "answer",
            "award",
            "bounty",
            "contest",
            "cursor",
            "invitation",
            "item",
            "member",
            "member_id",
            "moderator",
            "parent",
            "poll",
            "post",
            "referred",
            "sanction",
            "space",
            "thread",
            "viewer",
        ),
        _IDS,
    ),
    # Kept in an INTEGER column without being looked up first.
    "local_id": (1, MAX_COUNT),
    "limit": (1, MAX_COUNT),
    "batch": (1, MAX_COUNT),
    **dict.fromkeys(
        (
            "amount",
            "count",
            "days",
            "level",
            "max_uses",
            "offset",
            "position",
            "posts_read",
            "seconds",
            "winners",
        ),
        _COUNTS,
    ),
    "value": (-MAX_COUNT, MAX_COUNT),
}
#: Parameters that name a member: each accepts the member's id or its ``Member``
#: record. The first ones name the member who acts (or looks): a record that does
#: not match storage is refused as ``unknown_actor``, like an unknown id.
ACTING_PARAMETERS = frozenset({"actor", "moderator", "viewer"})
MEMBER_PARAMETERS = ACTING_PARAMETERS | frozenset({"member", "member_id", "referred"})

#: Integers inside a collection argument are ids (poll options, posts read).
ITEM_RANGE = _IDS
_SIGNED_64 = (-(2**63), 2**63 - 1)

# Annotation names the boundary understands, and what each accepts.
_ATOMS = {
    "None": "none",
    "bool": "bool",
    "int": "int",
    "str": "str",
    "datetime": "datetime",
    "timedelta": "timedelta",
    "BackfillProgress": "callable",
}
_COLLECTIONS = frozenset(
    {"list", "tuple", "set", "frozenset", "Iterable", "Collection", "Sequence", "AbstractSet"}
)
_DESCRIPTIONS = {
    "int": "an integer",
    "str": "a string",
    "bool": "true or false",
    "datetime": "a timezone-aware datetime",
    "timedelta": "a timedelta",
    "callable": "a function",
    "member": "a Member",
    "none": "None",
}


@attrs.frozen
class Shape:
    """What an annotation accepts: scalar kinds, and the items of a collection if any."""

    kinds: frozenset[str]
    items: Shape | None = None

    def describe(self) -> str:
        """Say what is accepted, for error messages: ``"a string or None"``."""
        words = [_DESCRIPTIONS[kind] for kind in sorted(self.kinds - {"none"})]
        if self.items is not None:
            words.append("a list of " + " or ".join(_plural(kind) for kind in self.items.kinds))
        if "none" in self.kinds:
            words.append("None")
        return " or ".join(words)


def _plural(kind: str) -> str:
    return {"int": "integers", "str": "strings"}.get(kind, _DESCRIPTIONS[kind])


def _split_union(annotation: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(annotation[start:index].strip())
            start = index + 1
    parts.append(annotation[start:].strip())
    return parts


def parse_annotation(annotation: object) -> Shape | None:
    """The :class:`Shape` of a parameter annotation; ``None`` if the boundary does not know it."""
    if annotation is inspect.Parameter.empty:
        return None
    if not isinstance(annotation, str):
        annotation = inspect.formatannotation(annotation)
    kinds: set[str] = set()
    items: Shape | None = None
    for part in _split_union(annotation):
        name = part.split("[", 1)[0].rsplit(".", 1)[-1]
        if "[" not in part and name in _ATOMS:
            kinds.add(_ATOMS[name])
        elif name == "Callable":
            kinds.add("callable")
        elif name in _COLLECTIONS and part.endswith("]"):
            inner = part[part.index("[") + 1 : -1].removesuffix(", ...")
            shape = parse_annotation(inner)
            if shape is None or shape.items is not None:
                return None  # collections of collections: not a public argument today
            items = shape if items is None else Shape(items.kinds | shape.kinds)
        else:
            return None
    return Shape(frozenset(kinds), items)


def _is_collection(value: object) -> bool:
    return isinstance(value, Iterable) and not isinstance(
        value, (str, bytes, bytearray, memoryview, Mapping)
    )


def conform(
    value: object, shape: Shape, field: str, integers: tuple[int, int], *, item: bool = False
) -> Any:
    """``value`` as the method receives it, or ``ValidationError`` naming ``field``.

    ``item``: ``value`` is an item of the collection ``field`` (said so in messages).
    """
    kinds = shape.kinds
    if isinstance(value, Member) and "member" in kinds:
        return validation.integer(value.id, field, minimum=_IDS[0], maximum=_IDS[1])
    if value is None:
        if "none" in kinds:
            return None
    elif isinstance(value, bool):
        if "bool" in kinds:
            return value
    elif isinstance(value, int):
        if "int" in kinds:
            low, high = integers
            return validation.integer(value, field, minimum=low, maximum=high)
    elif isinstance(value, str):
        if "str" in kinds:
            return validation.normalize_text(value, field)
    elif isinstance(value, datetime):
        if "datetime" in kinds:
            return validation.moment(value, field)
    elif isinstance(value, timedelta):
        if "timedelta" in kinds:
            return validation.duration(value, field)
    elif shape.items is not None and _is_collection(value):
        items = tuple(islice(value, MAX_ITEMS + 1))  # type: ignore[call-overload]
        if len(items) > MAX_ITEMS:
            raise ValidationError(f"{field} holds more than {MAX_ITEMS} items", field=field)
        return tuple(conform(one, shape.items, field, ITEM_RANGE, item=True) for one in items)
    if "callable" in kinds and callable(value):
        return value
    what = f"the items of {field}" if item else field
    raise ValidationError(
        f"{what} must be {shape.describe()}, got {type(value).__name__}", field=field
    )


@attrs.frozen
class ArgumentPlan:
    """How the boundary checks one method's arguments (for tests and introspection).

    ``checked`` maps each parameter to its :class:`Shape`; ``unchecked`` names the
    parameters whose annotation the boundary does not know, and ``unranged`` the
    integer parameters missing from :data:`INTEGER_RANGES`. Both stay empty for
    every public method (a test sees to it).
    """

    qualname: str
    checked: Mapping[str, Shape]
    unchecked: tuple[str, ...]
    unranged: tuple[str, ...]


def _plan(function: Callable[..., Any], *, skip_first: bool) -> ArgumentPlan:
    parameters = list(inspect.signature(function).parameters.values())[int(skip_first) :]
    checked: dict[str, Shape] = {}
    unchecked: list[str] = []
    unranged: list[str] = []
    for parameter in parameters:
        shape = None
        if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            shape = parse_annotation(parameter.annotation)
        if shape is None:
            unchecked.append(parameter.name)
            continue
        if "int" in shape.kinds and parameter.name in MEMBER_PARAMETERS:
            shape = Shape(shape.kinds | {"member"}, shape.items)
        checked[parameter.name] = shape
        if "int" in shape.kinds and parameter.name not in INTEGER_RANGES:
            unranged.append(parameter.name)
    return ArgumentPlan(function.__qualname__, checked, tuple(unchecked), tuple(unranged))


def guard(function: Callable[..., Any], *, skip_first: bool = True) -> Callable[..., Any]:
    """Wrap ``function`` so that its arguments pass the boundary before it runs.

    ``skip_first`` skips ``self`` (``False`` for static methods). The wrapper keeps
    the signature and docstring, and carries its :class:`ArgumentPlan` as
    ``__socialcrm_boundary__``.
    """
    plan = _plan(function, skip_first=skip_first)
    checks = {
        name: functools.partial(
            conform, shape=shape, field=name, integers=INTEGER_RANGES.get(name, _SIGNED_64)
        )
        for name, shape in plan.checked.items()
    }
    names = [
        p.name
        for p in list(inspect.signature(function).parameters.values())[int(skip_first) :]
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    first = int(skip_first)
    parameters = list(inspect.signature(function).parameters.values())[first:]
    takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in parameters)
    keywords = frozenset(
        p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )
    required = frozenset(
        p.name
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )
    label = function.__qualname__
    members = frozenset(name for name, shape in plan.checked.items() if "member" in shape.kinds)

    def refuse_call_shape(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # A JSON client's extra or missing key is bad input like any other: a
        # ValidationError naming it, never Python's TypeError from the call itself.
        if not takes_any_keyword:
            for name in kwargs:
                if name not in keywords:
                    raise ValidationError(f"{label}() takes no argument {name!r}", field=name)
        given = set(kwargs).union(names[: max(0, len(args) - first)])
        for name in sorted(required - given):
            raise ValidationError(f"{label}() needs the argument {name!r}", field=name)

    @functools.wraps(function)
    def validated(*args: Any, **kwargs: Any) -> Any:
        if not required.issubset(kwargs) or not keywords.issuperset(kwargs):
            refuse_call_shape(args, kwargs)
        records: list[tuple[str, Member]] = []
        if len(args) > first:
            checked_args = list(args)
            for index, name in enumerate(names, start=first):
                if index >= len(args):
                    break
                check = checks.get(name)
                if check is not None:
                    if name in members and isinstance(args[index], Member):
                        records.append((name, args[index]))
                    checked_args[index] = check(args[index])
            args = tuple(checked_args)
        for name, value in kwargs.items():
            check = checks.get(name)
            if check is not None:
                if name in members and isinstance(value, Member):
                    records.append((name, value))
                kwargs[name] = check(value)
        if members:
            runtime = getattr(args[0], "_rt", None) if skip_first and args else None
            if runtime is not None:
                check_member_arguments(runtime, records, kwargs, names, args[first:])
        return function(*args, **kwargs)

    validated.__socialcrm_boundary__ = plan  # type: ignore[attr-defined]
    return validated


def check_member_arguments(
    runtime: Any,
    records: list[tuple[str, Member]],
    kwargs: Mapping[str, Any],
    names: list[str],
    positional: tuple[Any, ...],
) -> None:
    """Refuse ``Member`` records that are not the stored member of their id.

    A record from another community, another database, or of a member since
    deleted names nobody here, or worse someone else: it is refused like an
    unknown id (``unknown_actor`` for the acting member, ``member_not_found`` for
    another). Then :func:`check_raw_actor` runs on the raw ids (see
    :func:`actor_guard`).
    """
    if records:
        with runtime.query() as uow:
            for field, record in records:
                stored = uow.members.get(record.id)
                if stored is not None and stored.external_id == record.external_id:
                    continue
                if field in ACTING_PARAMETERS:
                    raise PermissionDenied(
                        f"{field}: the Member record given (id {record.id}, external id "
                        f"{record.external_id!r}) is not a member of this community",
                        code="unknown_actor",
                    )
                raise NotFound(
                    f"{field}: the Member record given (id {record.id}, external id "
                    f"{record.external_id!r}) is not a member of this community",
                    code="member_not_found",
                )
    guard_hook = _ACTOR_GUARD.get()
    if guard_hook is None:
        return
    given = {**dict(zip(names, positional, strict=False)), **kwargs}
    raw = {name for name, _ in records}
    for field in ACTING_PARAMETERS:
        value = given.get(field)
        if field not in raw and isinstance(value, int) and not isinstance(value, bool):
            guard_hook(runtime.community, field, value)


#: The guard a web integration sets for the length of a request (see :func:`actor_guard`).
_ACTOR_GUARD: ContextVar[Callable[[Any, str, int], None] | None] = ContextVar(
    "socialcrm_actor_guard", default=None
)


def set_actor_guard(check: Callable[[Any, str, int], None] | None) -> Token[Any]:
    """Set the guard of :func:`actor_guard` until :func:`reset_actor_guard` (for hooks)."""
    return _ACTOR_GUARD.set(check)


def reset_actor_guard(token: Token[Any]) -> None:
    """Put back the guard :func:`set_actor_guard` replaced."""
    _ACTOR_GUARD.reset(token)


@contextmanager
def actor_guard(check: Callable[[Any, str, int], None]) -> Iterator[None]:
    """Run ``check(community, field, actor_id)`` on every raw acting id in the block.

    The Flask and Django integrations use it for each request to refuse a raw
    ``actor=`` id that is the signed-in host user's own id while that user's member
    has another id (code ``actor_is_user_id``). A ``Member`` record is never
    checked: it cannot be mistaken.
    """
    token = _ACTOR_GUARD.set(check)
    try:
        yield
    finally:
        _ACTOR_GUARD.reset(token)


def plan_of(method: object) -> ArgumentPlan | None:
    """The :class:`ArgumentPlan` of a method that goes through the boundary, else ``None``."""
    return getattr(method, "__socialcrm_boundary__", None)


class PublicAPI:
    """Base class of every sub-API: its public methods go through the boundary.

    Subclasses need nothing else: each public method (static ones included) is
    wrapped with :func:`guard` when the class is defined, so a new method is
    validated by construction.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, attribute in list(vars(cls).items()):
            if name.startswith("_"):
                continue
            if isinstance(attribute, staticmethod):
                setattr(cls, name, staticmethod(guard(attribute.__func__, skip_first=False)))
            elif isinstance(attribute, classmethod):
                setattr(cls, name, classmethod(guard(attribute.__func__)))
            elif inspect.isfunction(attribute):
                setattr(cls, name, guard(attribute))


__all__ = [
    "ACTING_PARAMETERS",
    "INTEGER_RANGES",
    "ITEM_RANGE",
    "MEMBER_PARAMETERS",
    "MAX_ITEMS",
    "ArgumentPlan",
    "PublicAPI",
    "Shape",
    "actor_guard",
    "check_member_arguments",
    "conform",
    "guard",
    "parse_annotation",
    "plan_of",
    "reset_actor_guard",
    "set_actor_guard",
]

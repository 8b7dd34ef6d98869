"""Field helpers shared by the settings sections: converters and attrs validators.

Every validator raises :class:`socialcrm.errors.ValidationError` naming the field,
so a bad setting is refused when the settings record is built, never when a
command first reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, cast

import attrs

from socialcrm.errors import ValidationError

#: How many trust levels there are (TL0 to TL4): the length of every per-level setting.
TRUST_LEVELS = 5

#: The signature of an attrs validator.
Validator = Callable[[object, "attrs.Attribute[Any]", Any], None]


def frozen_mapping(value: Mapping[str, int]) -> Mapping[str, int]:
    """Convert a mapping to a read-only copy."""
    return MappingProxyType(dict(value))


def frozen_names(value: Iterable[str]) -> frozenset[str]:
    """Convert an iterable of names to a frozenset."""
    return frozenset(value)


def str_tuple(values: Any) -> tuple[str, ...]:
    """Convert a list of strings to a tuple; one bare string is refused."""
    if isinstance(values, str):
        raise ValidationError("give a list of strings, not one string")
    return tuple(str(v) for v in values)


def list_as_tuple(value: Any) -> Any:
    """Convert a list to a tuple, leaving anything else for the validator to judge."""
    return tuple(value) if isinstance(value, list) else value


def count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a limit: a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {value!r}", field=attribute.name
        )


def optional_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a limit that ``None`` turns off."""
    if value is not None:
        count(instance, attribute, value)


def optional_trust_level(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a trust level 0 to 4, or ``None``."""
    if value is not None and (not isinstance(value, int) or not 0 <= value <= 4):
        raise ValidationError(
            f"{attribute.name} must be a trust level 0 to 4 or None, not {value!r}",
            field=attribute.name,
        )


def switch(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a switch: ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ValidationError(f"{attribute.name} must be True or False", field=attribute.name)


def per_trust_level(kind: type | tuple[type, ...], *, positive: bool = False) -> Validator:
    """A validator for a tuple holding one non-negative (or positive) number per trust level."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or len(value) != TRUST_LEVELS:
            raise ValidationError(
                f"{attribute.name} needs one value per trust level (5), got {value!r}",
                field=attribute.name,
            )
        for item in value:
            if isinstance(item, bool) or not isinstance(item, kind):
                raise ValidationError(
                    f"{attribute.name} holds numbers, got {item!r}", field=attribute.name
                )
            number = float(cast(float, item))
            if number < 0 or (positive and number == 0):
                sign = "positive" if positive else "non-negative"
                raise ValidationError(
                    f"{attribute.name} values must be {sign}, got {item!r}", field=attribute.name
                )

    return check


__all__ = [
    "TRUST_LEVELS",
    "Validator",
    "count",
    "frozen_mapping",
    "frozen_names",
    "list_as_tuple",
    "optional_count",
    "optional_trust_level",
    "per_trust_level",
    "str_tuple",
    "switch",
]

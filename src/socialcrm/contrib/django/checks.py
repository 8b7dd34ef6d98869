"""``manage.py check``: the ``SOCIALCRM`` setting, checked before the first request.

Registered by the app config; every problem is a Django ``Error`` with an id:

- ``socialcrm.E001``: the setting is refused (not a dict, an unknown key, a
  ``DATABASE`` alias not in ``DATABASES``, a ``SETTINGS`` that is no ``Settings``);
- ``socialcrm.E002``: a key has a value of the wrong type;
- ``socialcrm.E003``: a dotted path (``PLUGINS``, ``SETTINGS``, ``CLOCK``,
  ``MEMBER_PROFILE``) does not import;
- ``socialcrm.E004``: the database cannot be used (its engine, or a private in-memory
  SQLite database).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.checks import CheckMessage, Error

from socialcrm.errors import ValidationError

#: Keys whose value must be a ``bool``.
BOOLEAN_KEYS = ("MIGRATE", "MIGRATE_WITH_DJANGO", "JOIN_ON_FIRST_USE", "JOIN_ATOMIC")

#: Keys whose value must be a ``str`` (``DATABASE_URL`` may also be ``None``).
STRING_KEYS = ("DATABASE", "TABLE_PREFIX")

#: Keys whose value may be a dotted path to import.
DOTTED_PATH_KEYS = ("PLUGINS", "SETTINGS", "CLOCK", "MEMBER_PROFILE")


def _error(message: str, number: int, hint: str | None = None) -> Error:
    return Error(message, hint=hint, obj="settings.SOCIALCRM", id=f"socialcrm.E{number:03d}")


def _type_errors(given: Mapping[str, Any]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for key in BOOLEAN_KEYS:
        if key in given and not isinstance(given[key], bool):
            errors.append(_error(f"SOCIALCRM['{key}'] must be True or False", 2))
    for key in STRING_KEYS:
        if key in given and not isinstance(given[key], str):
            errors.append(_error(f"SOCIALCRM['{key}'] must be a string", 2))
    url = given.get("DATABASE_URL")
    if url is not None and not isinstance(url, str):
        errors.append(_error("SOCIALCRM['DATABASE_URL'] must be a string or None", 2))
    if "COMMUNITY_OPTIONS" in given and not isinstance(given["COMMUNITY_OPTIONS"], Mapping):
        errors.append(_error("SOCIALCRM['COMMUNITY_OPTIONS'] must be a dict", 2))
    return errors


def _import_errors(given: Mapping[str, Any]) -> list[CheckMessage]:
    from django.utils.module_loading import import_string

    errors: list[CheckMessage] = []
    for key in DOTTED_PATH_KEYS:
        values = given.get(key)
        if isinstance(values, str) or not isinstance(values, Iterable):
            values = [values]
        for value in values:
            if not isinstance(value, str):
                continue
            try:
                import_string(value)
            except ImportError as error:
                errors.append(_error(f"SOCIALCRM['{key}']: {value!r} does not import: {error}", 3))
    return errors


def check_socialcrm_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The Django system check of the ``SOCIALCRM`` setting (see the module docstring)."""
    from django.conf import settings

    from socialcrm.contrib.django.community import community_options, configured_database_url

    given = getattr(settings, "SOCIALCRM", None) or {}
    if not isinstance(given, Mapping):
        return [_error("the SOCIALCRM setting must be a dict", 1)]
    errors = _type_errors(given) + _import_errors(given)
    if errors:
        return errors
    try:
        options = community_options()
    except ValidationError as error:
        return [_error(error.message, 1, hint="see the keys in docs/django.md")]
    try:
        configured_database_url(options)
    except ValidationError as error:
        return [_error(error.message, 4)]
    return []


__all__ = ["BOOLEAN_KEYS", "DOTTED_PATH_KEYS", "STRING_KEYS", "check_socialcrm_settings"]

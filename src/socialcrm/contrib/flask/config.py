"""The Flask extension's configuration: the ``SOCIALCRM_*`` keys, their checks and values.

:data:`CONFIG_KEYS` names every option and its config key; options given to
:class:`~socialcrm.contrib.flask.SocialCRM` win over the app's config.
"""

from __future__ import annotations

import inspect
import os
import sys
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.engine import make_url
from werkzeug.utils import import_string

#: Option name → (config key, default). Options given to :class:`SocialCRM` win over config.
CONFIG_KEYS: dict[str, tuple[str, Any]] = {
    "database_url": ("SOCIALCRM_DATABASE_URL", "sqlite:///socialcrm.db"),
    "table_prefix": ("SOCIALCRM_TABLE_PREFIX", "socialcrm_"),
    "plugins": ("SOCIALCRM_PLUGINS", ()),
    "settings": ("SOCIALCRM_SETTINGS", None),
    "clock": ("SOCIALCRM_CLOCK", None),
    "migrate": ("SOCIALCRM_MIGRATE", True),
    "share_session": ("SOCIALCRM_SHARE_SESSION", False),
    "join_on_first_use": ("SOCIALCRM_JOIN_ON_FIRST_USE", False),
    "register_error_handlers": ("SOCIALCRM_REGISTER_ERROR_HANDLERS", False),
    "commit_requests": ("SOCIALCRM_COMMIT_REQUESTS", True),
}


class UnknownSettingWarning(UserWarning):
    """A ``SOCIALCRM_*`` config key the extension does not know (most likely mistyped),
    or one it ignores (``SOCIALCRM_DATABASE_URL`` when the community shares ``db.session``).
    """


def stacklevel_outside_socialcrm() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside socialcrm."""
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn_unknown_config_keys(
    config: Mapping[str, Any], *, already: Iterable[str] = ()
) -> list[str]:
    """Warn (:class:`UnknownSettingWarning`) for every ``SOCIALCRM_*`` key that is not known.

    Returns the unknown keys; those in ``already`` were warned about before and are
    not warned again. The warning points at the host's own line and names the
    closest known key when one is close (``SOCIALCRM_DATABASE_URI`` points at
    ``SOCIALCRM_DATABASE_URL``; ``SOCIALCRM_XYZ`` gets no guess).
    """
    import difflib

    prefix = "SOCIALCRM_"
    known = [key for key, _default in CONFIG_KEYS.values()]
    names = [key[len(prefix) :] for key in known]
    unknown = sorted(k for k in config if isinstance(k, str) and k.startswith(prefix))
    unknown = [key for key in unknown if key not in known]
    seen = set(already)
    for key in unknown:
        if key in seen:
            continue
        close = difflib.get_close_matches(key[len(prefix) :], names, n=1, cutoff=0.75)
        hint = f"; did you mean {prefix}{close[0]}?" if close else ""
        warnings.warn(
            f"unknown socialcrm setting {key} is ignored{hint} (known: {', '.join(known)})",
            UnknownSettingWarning,
            stacklevel=stacklevel_outside_socialcrm(),
        )
    return unknown


def resolve_plugin(plugin: object) -> object:
    """A plugin object from an object or an import string (``"pkg.module:name"``).

    An imported class is instantiated with no arguments; a module or any other
    object is used as it is.
    """
    if isinstance(plugin, str):
        plugin = import_string(plugin)
    if inspect.isclass(plugin):
        plugin = plugin()
    return plugin


def database_url_in_instance(url: str, instance_path: str) -> str:
    """``url``, with a relative SQLite file path made relative to the instance folder.

    ``sqlite:///socialcrm.db`` becomes ``sqlite:////<instance folder>/socialcrm.db``
    (the folder is created), like Flask-SQLAlchemy does; other URLs are unchanged.
    """
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:") or os.path.isabs(database):
        return url
    os.makedirs(instance_path, exist_ok=True)
    return parsed.set(database=os.path.join(instance_path, database)).render_as_string(
        hide_password=False
    )


def app_options(config: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every option's value: ``given`` first, then the app's ``config``, then the default."""
    return {
        name: given.get(name, config.get(key, default))
        for name, (key, default) in CONFIG_KEYS.items()
    }


__all__ = [
    "CONFIG_KEYS",
    "UnknownSettingWarning",
    "app_options",
    "database_url_in_instance",
    "resolve_plugin",
    "warn_unknown_config_keys",
]

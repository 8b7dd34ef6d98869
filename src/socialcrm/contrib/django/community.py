"""One community per process, on the database of a Django ``DATABASES`` alias.

The community is made on first use from ``connections[alias].settings_dict`` (so
it follows Django's test database, which the test runner swaps in under the same
alias), kept for the life of the process and closed at exit; never per request.
"""

from __future__ import annotations

import atexit
import inspect
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from django.conf import settings as django_settings
from django.utils.module_loading import import_string
from sqlalchemy.engine import URL

from socialcrm.community import Community
from socialcrm.errors import ValidationError
from socialcrm.settings import Settings

#: Keys of the ``SOCIALCRM`` setting and their defaults (see docs/django.md).
DEFAULTS: dict[str, Any] = {
    "DATABASE": "default",
    "DATABASE_URL": None,
    "TABLE_PREFIX": "socialcrm_",
    "PLUGINS": (),
    "SETTINGS": None,
    "CLOCK": None,
    "MIGRATE": False,
    "MIGRATE_WITH_DJANGO": True,
    "JOIN_ON_FIRST_USE": False,
    "JOIN_ATOMIC": True,
    "MEMBER_PROFILE": None,
    "COMMUNITY_OPTIONS": {},
}

#: Django database engines socialcrm can use, and the SQLAlchemy driver it uses for each.
ENGINE_DRIVERS: dict[str, str] = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql+psycopg",
    "django.db.backends.mysql": "mysql+pymysql",
}

#: The URL query argument that carries a Unix socket ``HOST`` (one that starts with ``/``).
SOCKET_QUERY_KEYS: dict[str, str] = {
    "postgresql+psycopg": "host",
    "mysql+pymysql": "unix_socket",
}


@attrs.frozen
class CommunityOptions:
    """The ``SOCIALCRM`` setting, checked, with defaults filled in."""

    database: str
    database_url: str | None
    table_prefix: str
    plugins: tuple[object, ...]
    settings: Settings | None
    clock: Any
    migrate: bool
    migrate_with_django: bool
    join_on_first_use: bool
    member_profile: Any
    community_options: Mapping[str, Any]
    #: Units of work inside Django's ``atomic`` blocks join them (see :mod:`.storage`).
    join_atomic: bool = True


def resolve_object(value: object) -> object:
    """``value``, or the object a dotted path names (``"pkg.module.Name"``)."""
    if isinstance(value, str):
        return import_string(value)
    return value


def resolve_plugin(plugin: object) -> object:
    """A plugin from an object or a dotted path; a class is instantiated with no arguments."""
    plugin = resolve_object(plugin)
    if inspect.isclass(plugin):
        plugin = plugin()
    return plugin


def community_options() -> CommunityOptions:
    """The ``SOCIALCRM`` setting of this project; ``ValidationError`` names a bad key."""
    given = getattr(django_settings, "SOCIALCRM", None) or {}
    if not isinstance(given, Mapping):
        raise ValidationError("the SOCIALCRM setting must be a dict", field="SOCIALCRM")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValidationError(
            f"unknown SOCIALCRM keys: {', '.join(map(str, unknown))}", field="SOCIALCRM"
        )
    values = {**DEFAULTS, **given}
    database = values["DATABASE"]
    databases = getattr(django_settings, "DATABASES", {})
    if values["DATABASE_URL"] is None and database not in databases:
        raise ValidationError(
            f"SOCIALCRM['DATABASE'] is {database!r}, which is not in DATABASES",
            field="DATABASE",
        )
    settings = resolve_object(values["SETTINGS"])
    if settings is not None and not isinstance(settings, Settings):
        raise ValidationError(
            "SOCIALCRM['SETTINGS'] must be a socialcrm.Settings", field="SETTINGS"
        )
    plugins = values["PLUGINS"]
    if isinstance(plugins, (str, bytes)) or not isinstance(plugins, Iterable):
        plugins = [plugins]
    return CommunityOptions(
        database=str(database),
        database_url=values["DATABASE_URL"],
        table_prefix=str(values["TABLE_PREFIX"]),
        plugins=tuple(plugins),
        settings=settings,
        clock=values["CLOCK"],
        migrate=bool(values["MIGRATE"]),
        migrate_with_django=bool(values["MIGRATE_WITH_DJANGO"]),
        join_on_first_use=bool(values["JOIN_ON_FIRST_USE"]),
        member_profile=values["MEMBER_PROFILE"],
        community_options=dict(values["COMMUNITY_OPTIONS"]),
        join_atomic=bool(values["JOIN_ATOMIC"]),
    )


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """The SQLAlchemy URL of a Django ``DATABASES`` entry (its ``settings_dict``).

    SQLite files and Django's shared in-memory test databases
    (``file:memorydb_default?mode=memory&cache=shared``) map to ``sqlite``,
    PostgreSQL to ``postgresql+psycopg``, MySQL and MariaDB to ``mysql+pymysql``
    (``NAME``, ``USER``, ``PASSWORD``, ``HOST``, ``PORT``; ``OPTIONS`` are not
    carried over). A ``HOST`` that starts with ``/`` is a Unix socket: it goes in the
    query, as ``host`` (PostgreSQL's socket directory) or ``unix_socket`` (MySQL's).
    Other engines, and a plain ``:memory:`` SQLite database (one
    per connection, so socialcrm could never see Django's), raise
    ``ValidationError``: set ``SOCIALCRM["DATABASE_URL"]`` instead.
    """
    engine = str(settings_dict.get("ENGINE", ""))
    driver = ENGINE_DRIVERS.get(engine)
    if driver is None:
        raise ValidationError(
            f"socialcrm cannot use the database engine {engine!r}; "
            "set SOCIALCRM['DATABASE_URL'] to a SQLAlchemy URL",
            field="ENGINE",
        )
    name = str(settings_dict.get("NAME") or "")
    if driver == "sqlite":
        if name in ("", ":memory:"):
            raise ValidationError(
                "a private in-memory SQLite database cannot be shared with socialcrm; "
                "use a file, or set SOCIALCRM['DATABASE_URL']",
                field="NAME",
            )
        if name.startswith("file:"):
            uri = {"uri": "true"}
            return URL.create("sqlite", database=name, query=uri).render_as_string()
        return URL.create("sqlite", database=name).render_as_string()
    port = settings_dict.get("PORT")
    host = str(settings_dict.get("HOST") or "") or None
    query: dict[str, str] = {}
    if host is not None and host.startswith("/"):
        # A Unix socket directory (PostgreSQL) or file (MySQL): a query argument, not a host.
        query[SOCKET_QUERY_KEYS[driver]] = host
        host = None
    return URL.create(
        driver,
        username=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=host,
        port=int(port) if port not in (None, "") else None,
        database=name or None,
        query=query,
    ).render_as_string(hide_password=False)


def configured_database_url(options: CommunityOptions | None = None) -> str:
    """The URL the community uses now: ``DATABASE_URL``, else that of the ``DATABASE`` alias."""
    from django.db import connections

    options = options or community_options()
    if options.database_url:
        return str(options.database_url)
    return database_url(connections[options.database].settings_dict)


class CommunityHolder:
    """The process's community, made on first use and rebuilt if its database changes.

    Django's test runner renames the database of an alias after settings are read
    (``test_<name>``, or shared in-memory SQLite); the holder compares the URL it
    was built from with the alias's current one on every use, so a community made
    before the test database existed is replaced by one on the test database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._community: Community | None = None
        self._url: str | None = None
        self._options: CommunityOptions | None = None

    def get(self) -> Community:
        """The community (made, or rebuilt for a new database, here)."""
        options = self._options or community_options()
        url = configured_database_url(options)
        community = self._community
        if community is not None and url == self._url:
            return community
        with self._lock:
            if self._community is not None and url != self._url:
                self._community.close()
                self._community = None
            if self._community is None:
                self._community = make_community(url, options)
                self._url, self._options = url, options
            return self._community

    @property
    def options(self) -> CommunityOptions:
        """The options of the current community (read from settings if none yet)."""
        return self._options or community_options()

    def reset(self) -> None:
        """Close the community (if any); the next use makes a new one from settings."""
        with self._lock:
            community, self._community = self._community, None
            self._url = self._options = None
        if community is not None:
            community.close()


def make_community(url: str, options: CommunityOptions) -> Community:
    """A new community on ``url`` with the ``SOCIALCRM`` options.

    On the database of the ``DATABASE`` alias (no ``DATABASE_URL``) and with
    ``JOIN_ATOMIC`` on (the default), units of work inside a Django ``atomic``
    block (a ``TestCase`` test, ``ATOMIC_REQUESTS``) join its transaction through
    :class:`~socialcrm.contrib.django.storage.AtomicJoiningStorage`.
    """
    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
    from socialcrm.contrib.django.storage import AtomicJoiningStorage

    kwargs: dict[str, Any] = dict(options.community_options)
    storage: Any = SQLAlchemyStorage(
        url, table_prefix=options.table_prefix, migrate=options.migrate
    )
    if options.join_atomic and not options.database_url:
        storage = AtomicJoiningStorage(storage, options.database)
    try:
        return Community(
            storage,
            plugins=[resolve_plugin(p) for p in options.plugins],
            settings=options.settings,
            clock=resolve_object(options.clock),  # type: ignore[arg-type]
            **kwargs,
        )
    except BaseException:
        storage.close()
        raise


_holder = CommunityHolder()
atexit.register(_holder.reset)


def get_community() -> Community:
    """The project's :class:`~socialcrm.Community` (one per process, made on first use)."""
    return _holder.get()


def reset_community() -> None:
    """Close the community; the next :func:`get_community` builds a new one from settings.

    For tests that change ``SOCIALCRM`` or the database by hand (``override_settings``
    resets by itself).
    """
    _holder.reset()


def current_options() -> CommunityOptions:
    """The ``SOCIALCRM`` options in force for the current community."""
    return _holder.options


def migrate_database(*, verbosity: int = 1) -> tuple[str | None, str]:
    """Upgrade socialcrm's tables on the community's database to head; ``(before, after)``."""
    from socialcrm.adapters.sqlalchemy import create_storage_engine, current, upgrade

    options = community_options()
    engine = create_storage_engine(configured_database_url(options))
    try:
        before = current(engine, options.table_prefix)
        upgrade(engine, options.table_prefix)
        after = current(engine, options.table_prefix)
    finally:
        engine.dispose()
    assert after is not None
    if verbosity > 1 or (verbosity == 1 and before != after):
        print(f"socialcrm: tables {options.table_prefix}* at {after} (were {before or 'none'})")
    return before, after


__all__ = [
    "DEFAULTS",
    "ENGINE_DRIVERS",
    "SOCKET_QUERY_KEYS",
    "CommunityHolder",
    "CommunityOptions",
    "community_options",
    "configured_database_url",
    "current_options",
    "database_url",
    "get_community",
    "make_community",
    "migrate_database",
    "reset_community",
    "resolve_object",
    "resolve_plugin",
]

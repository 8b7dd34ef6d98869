"""The :class:`SocialCRM` Flask extension: one community per app, the actor per request."""

from __future__ import annotations

import inspect
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.engine import make_url
from werkzeug.local import LocalProxy
from werkzeug.utils import import_string

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, configure_sqlite_engine
from socialcrm.adapters.sqlalchemy.autogenerate import autogenerate_filters
from socialcrm.clock import Clock
from socialcrm.community import Community
from socialcrm.contrib._http import (
    no_actor_error,
    raw_actor_is_user_id,
    user_id_as_actor_error,
)
from socialcrm.contrib.flask.actors import (
    MemberProfile,
    default_member_profile,
    flask_login_actor,
    flask_login_signed_in,
)
from socialcrm.contrib.flask.errors import register_error_handlers
from socialcrm.contrib.flask.storage import SessionJoiningStorage
from socialcrm.domain.records import Member
from socialcrm.errors import NotFound, ValidationError
from socialcrm.services.boundary import reset_actor_guard, set_actor_guard
from socialcrm.settings import Settings

#: Key of the extension's state in ``app.extensions``.
EXTENSION_KEY = "socialcrm"

#: Loads the acting member's id for the current request (``None``: anonymous).
ActorLoader = Callable[[], "int | None"]

_UNSET: Any = object()

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

#: Key in ``flask.g`` that marks the request as failed: its community writes roll back
#: even if the answer is a redirect (set by the HTML error handler, or by the host).
REQUEST_FAILED_KEY = "_socialcrm_request_failed"


class UnknownSettingWarning(UserWarning):
    """A ``SOCIALCRM_*`` config key the extension does not know (most likely mistyped),
    or one it ignores (``SOCIALCRM_DATABASE_URL`` when the community shares ``db.session``).
    """


class UncommittedWritesWarning(RuntimeWarning):
    """Community writes in the host's session were dropped because nothing committed them."""


def mark_request_failed() -> None:
    """Make this request's community writes (and the host's in the shared session) roll back.

    For a view that answers a refusal with a success status (a redirect back with a
    flashed message): without it, the extension commits a request whose answer is
    below 400. The HTML error handler calls it for every socialcrm error it answers.
    """
    setattr(g, REQUEST_FAILED_KEY, True)


def _caller_outside_socialcrm() -> int:
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
            stacklevel=_caller_outside_socialcrm(),
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


class SocialCRMState:
    """What the extension keeps for one app, as ``app.extensions["socialcrm"]``.

    The community is made on first use of :attr:`community` (at ``init_app`` when
    it shares the host's session) and lives as long as the app (or until
    :meth:`close`); it is never closed per request.
    """

    def __init__(
        self,
        app: Flask,
        options: Mapping[str, Any],
        *,
        db: Any,
        actor_loader: ActorLoader | None,
        member_profile: MemberProfile,
        community_options: Mapping[str, Any],
    ) -> None:
        self.options = dict(options)
        self.db = db
        self.member_profile = member_profile
        self.community_options = dict(community_options)
        self.actor_loader: ActorLoader = actor_loader or self._load_flask_login_actor
        self._app_ref = weakref.ref(app)
        self._community: Community | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._config_checked = False
        self._unknown_keys: list[str] = []
        settings = self.options["settings"]
        if settings is not None and not isinstance(settings, Settings):
            raise ValidationError(
                "SOCIALCRM_SETTINGS must be a socialcrm.Settings", field="settings"
            )
        if self.options["share_session"] and self.db is None:
            self.db = app.extensions.get("sqlalchemy")
            if self.db is None:
                raise ValidationError(
                    "SOCIALCRM_SHARE_SESSION needs Flask-SQLAlchemy set up on the app first "
                    "(or SocialCRM(db=db))",
                    field="share_session",
                )
        if self.share_session and "SOCIALCRM_DATABASE_URL" in app.config:
            warnings.warn(
                "SOCIALCRM_DATABASE_URL is ignored: the community shares the host's "
                "Flask-SQLAlchemy session (db=) and its database",
                UnknownSettingWarning,
                stacklevel=_caller_outside_socialcrm(),
            )
        if not self.share_session:
            self.options["database_url"] = database_url_in_instance(
                str(self.options["database_url"]), app.instance_path
            )

    @property
    def share_session(self) -> bool:
        """Whether community writes join the host's Flask-SQLAlchemy session."""
        return self.db is not None

    @property
    def community(self) -> Community:
        """The app's community (made, and its schema migrated, on first use)."""
        community = self._community
        if community is not None:
            return community
        with self._lock:
            if self._community is None:
                if self._closed:
                    raise RuntimeError("this app's socialcrm community was closed")
                self._community = self._make_community()
            return self._community

    def _make_community(self) -> Community:
        options = self.options
        plugins = options["plugins"]
        if isinstance(plugins, (str, bytes)) or not isinstance(plugins, Iterable):
            plugins = [plugins]
        clock: Clock | None = options["clock"]
        kwargs: dict[str, Any] = {
            "plugins": [resolve_plugin(p) for p in plugins],
            "settings": options["settings"],
            "clock": clock,
            **self.community_options,
        }
        prefix = str(options["table_prefix"])
        if not self.share_session:
            return Community.from_url(
                str(options["database_url"]),
                table_prefix=prefix,
                migrate=bool(options["migrate"]),
                **kwargs,
            )
        app = self._app_ref()
        if app is None:  # pragma: no cover - only after the app is gone
            raise RuntimeError("the app of this socialcrm community is gone")
        with app.app_context():
            engine = self.db.engine
        pysqlite = (engine.dialect.name, engine.dialect.driver) == ("sqlite", "pysqlite")
        if pysqlite and not getattr(engine, "_socialcrm_configured", False):
            # Savepoints need pysqlite's own transaction handling off (docs/storage.md).
            configure_sqlite_engine(engine)
            engine._socialcrm_configured = True
            engine.dispose()  # pooled connections predate the new settings
        base = SQLAlchemyStorage(engine, table_prefix=prefix, migrate=bool(options["migrate"]))
        return Community(SessionJoiningStorage(base, self.db.session), **kwargs)

    def _load_flask_login_actor(self) -> int | None:
        return flask_login_actor(
            self.community,
            join=bool(self.options["join_on_first_use"]),
            profile=self.member_profile,
        )

    def start_request(self) -> None:
        """Guard the request's raw ``actor=`` ids (a ``before_request`` function).

        See :meth:`check_raw_actor`; the guard ends with the request. The first
        request also warns about ``SOCIALCRM_*`` keys set after ``init_app``.
        """
        if not self._config_checked:
            self._config_checked = True
            app = self._app_ref()
            if app is not None:
                warn_unknown_config_keys(app.config, already=self._unknown_keys)
        g._socialcrm_guard = set_actor_guard(self.check_raw_actor)

    def end_request(self, error: BaseException | None = None) -> None:
        """End the request's guard (a ``teardown_request`` function)."""
        token = g.pop("_socialcrm_guard", None)
        if token is not None:
            try:
                reset_actor_guard(token)
            except ValueError:  # pragma: no cover - torn down in another context
                set_actor_guard(None)

    def check_raw_actor(self, community: Community, field: str, value: int) -> None:
        """Refuse ``actor=<the signed-in user's id>`` when that user is another member.

        Runs, within a request, on every raw integer given to an acting parameter
        (``actor``, ``moderator``, ``viewer``) of this app's community. It refuses
        (``PermissionDenied``, code ``actor_is_user_id``) only when Flask-Login's
        signed-in user has that very id and is the member of another id: then the
        view passed the user's id where a member id belongs. A ``Member`` record is
        never checked, so a view that means to act as the member with that number
        passes its record. Without Flask-Login, or with a custom ``actor_loader``
        (whose users may map to members another way), nothing is checked.
        """
        if community is not self._community or self.actor_loader != self._load_flask_login_actor:
            return
        if not flask_login_signed_in():
            return
        from flask_login import current_user

        user_id = current_user.get_id()
        if not raw_actor_is_user_id(value, user_id):
            return
        member_id = g.get("_socialcrm_user_member", _UNSET)
        if member_id is _UNSET:
            try:
                member_id = community.members.by_external_id(str(user_id)).id
            except NotFound:
                member_id = None
            g._socialcrm_user_member = member_id
        if member_id is not None and member_id != value:
            raise user_id_as_actor_error(field, user_id, member_id)

    def _joining_storage(self) -> SessionJoiningStorage | None:
        community = self._community
        if community is not None and isinstance(community.storage, SessionJoiningStorage):
            return community.storage
        return None

    def finish_request(self, response: Response) -> Response:
        """Commit the request's shared session if it holds community writes and succeeded.

        Succeeded: the answer's status is below 400 and the request was not marked
        failed (:func:`mark_request_failed`, the HTML error handler). Otherwise the
        session rolls back. Runs as an ``after_request`` function, so a commit that
        fails is an error of the request (a 500), never a redirect to lost data.
        Does nothing when ``SOCIALCRM_COMMIT_REQUESTS`` is off.
        """
        storage = self._joining_storage()
        if storage is not None and self.options["commit_requests"]:
            succeeded = response.status_code < 400 and not g.get(REQUEST_FAILED_KEY, False)
            storage.finish(commit=succeeded)
        return response

    def release_app_context(self, error: BaseException | None = None) -> None:
        """End this app context's use of the community (the community itself stays open).

        Community writes still uncommitted in the shared session (an app context
        outside a request: a CLI command, a script, a test) are committed if the
        context ended without an error and ``SOCIALCRM_COMMIT_REQUESTS`` is on, else
        rolled back; with it off, dropping them warns (:class:`UncommittedWritesWarning`).
        """
        storage = self._joining_storage()
        if storage is None:
            return
        try:
            if storage.has_uncommitted_writes:
                if self.options["commit_requests"]:
                    storage.finish(commit=error is None and not g.get(REQUEST_FAILED_KEY, False))
                elif error is None:
                    warnings.warn(
                        "community writes in db.session were never committed and are "
                        "dropped: call db.session.commit(), or leave "
                        "SOCIALCRM_COMMIT_REQUESTS on",
                        UncommittedWritesWarning,
                        stacklevel=2,
                    )
        finally:
            storage.release()

    def close(self) -> None:
        """Close the community (idempotent); later use raises ``RuntimeError``."""
        with self._lock:
            self._closed = True
            community, self._community = self._community, None
        if community is not None:
            community.close()


class SocialCRM:
    """A socialcrm community inside a Flask app.

    ``SocialCRM(app)``, or ``ext = SocialCRM()`` then ``ext.init_app(app)`` in an
    app factory. Options given here win over the app's ``SOCIALCRM_*`` config
    (see :data:`CONFIG_KEYS` and docs/flask.md).

    :param db: the app's Flask-SQLAlchemy object: community writes then join
        ``db.session`` and commit, or roll back, with the host's own writes. A
        request that wrote to the community commits the session when it answers
        below 400, and rolls it back otherwise (``SOCIALCRM_COMMIT_REQUESTS``).
    :param actor_loader: a callable that returns the acting member's id for the
        current request, or ``None``. By default Flask-Login's ``current_user`` is
        looked up by external id (its ``get_id()``), joining on first use if
        ``join_on_first_use``.
    :param member_profile: ``user → members.join keywords`` for that join.
    :param community_options: more keywords for :class:`~socialcrm.Community`
        (``builtin_plugins``, ``entry_points``, ``leaderboard``).
    :param options: ``database_url``, ``table_prefix``, ``plugins``, ``settings``,
        ``clock``, ``migrate``, ``share_session``, ``join_on_first_use``,
        ``register_error_handlers``, ``commit_requests``.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        db: Any = None,
        actor_loader: ActorLoader | None = None,
        member_profile: MemberProfile = default_member_profile,
        community_options: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        unknown = sorted(set(options) - set(CONFIG_KEYS))
        if unknown:
            raise TypeError(f"unknown SocialCRM options: {', '.join(unknown)}")
        self.db = db
        self.actor_loader = actor_loader
        self.member_profile = member_profile
        self.community_options = dict(community_options or {})
        self.options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> SocialCRMState:
        """Set the extension up on ``app``; returns its state (``app.extensions["socialcrm"]``)."""
        unknown_keys = warn_unknown_config_keys(app.config)
        options = {
            name: self.options.get(name, app.config.get(key, default))
            for name, (key, default) in CONFIG_KEYS.items()
        }
        state = SocialCRMState(
            app,
            options,
            db=self.db,
            actor_loader=self.actor_loader,
            member_profile=self.member_profile,
            community_options=self.community_options,
        )
        state._unknown_keys = unknown_keys
        app.extensions[EXTENSION_KEY] = state
        app.before_request(state.start_request)
        app.teardown_request(state.end_request)
        app.after_request(state.finish_request)
        app.teardown_appcontext(state.release_app_context)
        if options["register_error_handlers"]:
            register_error_handlers(app)
        if state.share_session:
            # At once, not on first use: the host's engine must get socialcrm's SQLite
            # settings before it opens connections, and migrations must not wait for
            # the lock of a request's open transaction.
            state.community  # noqa: B018
        # Closes the community when the app is garbage collected or the interpreter exits.
        weakref.finalize(app, state.close)
        return state

    @staticmethod
    def state(app: Flask | None = None) -> SocialCRMState:
        """The extension's state on ``app`` (the current app by default)."""
        target = app if app is not None else current_app
        try:
            state: SocialCRMState = target.extensions[EXTENSION_KEY]
        except KeyError:
            raise RuntimeError("SocialCRM is not set up on this app (call init_app)") from None
        return state

    def community_for(self, app: Flask | None = None) -> Community:
        """The community of ``app`` (the current app by default)."""
        return self.state(app).community

    @property
    def community(self) -> Community:
        """The current app's community."""
        return self.state().community

    def close(self, app: Flask | None = None) -> None:
        """Close the community of ``app`` (the current app by default)."""
        self.state(app).close()

    def autogenerate_filters(
        self, app: Flask | None = None, **host_filters: Any
    ) -> dict[str, Callable[..., bool]]:
        """Keywords that keep ``app``'s socialcrm tables out of ``flask db migrate``.

        ``Migrate(app, db, **socialcrm.autogenerate_filters(app))``: Flask-Migrate
        passes them to Alembic, whose autogenerate then leaves every table with the
        app's ``SOCIALCRM_TABLE_PREFIX`` alone. ``host_filters`` (``include_name``,
        ``include_object``) are the host's own, still applied to its other tables.
        See :func:`socialcrm.adapters.sqlalchemy.autogenerate_filters`.
        """
        prefix = str(self.state(app).options["table_prefix"])
        return autogenerate_filters(prefix, **host_filters)


def _current_community() -> Community:
    return SocialCRM.state().community


#: The current app's :class:`~socialcrm.Community` (a proxy, like ``flask.current_app``).
current_community: Community = LocalProxy(_current_community)  # type: ignore[assignment]


def current_actor() -> int | None:
    """The acting member's id for this request (``None``: anonymous); loaded once per request."""
    key = "_socialcrm_actor"
    if key not in g:
        setattr(g, key, SocialCRM.state().actor_loader())
    actor: int | None = g.get(key)
    return actor


def current_member() -> Member | None:
    """The acting member's record for this request (``None``: anonymous, or not a member).

    Pass it as ``actor=current_member()``: the member of the signed-in user, found
    by external id, never the host's user id taken as a member id. Also for pages
    that show who is signed in (name, reputation, trust level). Loaded once per
    request (after a command in the same request, ``members.get`` reads it afresh).
    """
    key = "_socialcrm_member"
    if key not in g:
        actor = current_actor()
        member = None if actor is None else SocialCRM.state().community.members.get(actor)
        setattr(g, key, member)
    found: Member | None = g.get(key)
    return found


def require_member() -> Member:
    """The acting member's record, or ``PermissionDenied`` if there is none.

    Pass it as ``actor=require_member()`` in views that need a signed-in member;
    the codes are those of :func:`require_actor`.
    """
    member = current_member()
    if member is None:
        raise no_actor_error(signed_in=flask_login_signed_in())
    return member


def require_actor() -> int:
    """The acting member's id, or ``PermissionDenied`` if there is none.

    Code ``not_signed_in`` (HTTP 401) for an anonymous visitor; ``not_a_member``
    (HTTP 403) when Flask-Login has a signed-in user who is not a member (without
    ``SOCIALCRM_JOIN_ON_FIRST_USE`` the host calls ``members.join`` itself). With a
    custom ``actor_loader`` and no Flask-Login, no actor is ``not_signed_in``.
    """
    actor = current_actor()
    if actor is None:
        raise no_actor_error(signed_in=flask_login_signed_in())
    return actor


__all__ = [
    "CONFIG_KEYS",
    "EXTENSION_KEY",
    "REQUEST_FAILED_KEY",
    "ActorLoader",
    "SocialCRM",
    "SocialCRMState",
    "UncommittedWritesWarning",
    "UnknownSettingWarning",
    "current_actor",
    "current_community",
    "current_member",
    "database_url_in_instance",
    "mark_request_failed",
    "require_actor",
    "require_member",
    "resolve_plugin",
    "warn_unknown_config_keys",
]

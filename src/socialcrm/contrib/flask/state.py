"""The Flask extension's state per app: its community, the request's guard and transaction.

:class:`SocialCRMState` is ``app.extensions["socialcrm"]``: it makes the app's
community on first use, guards the raw ``actor=`` ids of a request, and commits
or rolls back the host's shared session at the end of a request or app context.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, current_app, g

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, configure_sqlite_engine
from socialcrm.clock import Clock
from socialcrm.community import Community
from socialcrm.contrib._http import raw_actor_is_user_id, user_id_as_actor_error
from socialcrm.contrib.flask.actors import (
    MemberProfile,
    flask_login_actor,
    flask_login_signed_in,
)
from socialcrm.contrib.flask.config import (
    UnknownSettingWarning,
    database_url_in_instance,
    resolve_plugin,
    stacklevel_outside_socialcrm,
    warn_unknown_config_keys,
)
from socialcrm.contrib.flask.storage import SessionJoiningStorage
from socialcrm.errors import NotFound, ValidationError
from socialcrm.services.boundary import reset_actor_guard, set_actor_guard
from socialcrm.settings import Settings

#: Key of the extension's state in ``app.extensions``.
EXTENSION_KEY = "socialcrm"

#: Loads the acting member's id for the current request (``None``: anonymous).
ActorLoader = Callable[[], "int | None"]

_UNSET: Any = object()

#: Key in ``flask.g`` that marks the request as failed: its community writes roll back
#: even if the answer is a redirect (set by the HTML error handler, or by the host).
REQUEST_FAILED_KEY = "_socialcrm_request_failed"


class UncommittedWritesWarning(RuntimeWarning):
    """Community writes in the host's session were dropped because nothing committed them."""


def mark_request_failed() -> None:
    """Make this request's community writes (and the host's in the shared session) roll back.

    For a view that answers a refusal with a success status (a redirect back with a
    flashed message): without it, the extension commits a request whose answer is
    below 400. The HTML error handler calls it for every socialcrm error it answers.
    """
    setattr(g, REQUEST_FAILED_KEY, True)


def app_state(app: Flask | None = None) -> SocialCRMState:
    """The extension's state on ``app`` (the current app by default)."""
    target = app if app is not None else current_app
    try:
        state: SocialCRMState = target.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("SocialCRM is not set up on this app (call init_app)") from None
    return state


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
                stacklevel=stacklevel_outside_socialcrm(),
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


__all__ = [
    "EXTENSION_KEY",
    "REQUEST_FAILED_KEY",
    "ActorLoader",
    "SocialCRMState",
    "UncommittedWritesWarning",
    "app_state",
    "mark_request_failed",
]

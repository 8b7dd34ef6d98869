"""The :class:`SocialCRM` Flask extension: one community per app, the actor per request.

The configuration is read in :mod:`socialcrm.contrib.flask.config`, the state per app
(the community, the request's guard and transaction) lives in
:mod:`socialcrm.contrib.flask.state`; their names are importable from here too.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, g
from werkzeug.local import LocalProxy

from socialcrm.adapters.sqlalchemy.autogenerate import autogenerate_filters
from socialcrm.capabilities.members.records import Member
from socialcrm.community import Community
from socialcrm.contrib._http import no_actor_error
from socialcrm.contrib.flask.actors import (
    MemberProfile,
    default_member_profile,
    flask_login_signed_in,
)
from socialcrm.contrib.flask.config import (
    CONFIG_KEYS,
    UnknownSettingWarning,
    app_options,
    database_url_in_instance,
    resolve_plugin,
    warn_unknown_config_keys,
)
from socialcrm.contrib.flask.errors import register_error_handlers
from socialcrm.contrib.flask.state import (
    EXTENSION_KEY,
    REQUEST_FAILED_KEY,
    ActorLoader,
    SocialCRMState,
    UncommittedWritesWarning,
    app_state,
    mark_request_failed,
)


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
        options = app_options(app.config, self.options)
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
        return app_state(app)

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

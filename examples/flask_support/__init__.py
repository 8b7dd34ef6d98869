"""A customer-support community inside a small Flask site (see README.md).

``create_app()`` builds the site: the host's own users and login (Flask-Login over a
fixed list of demo users), and a socialcrm community on SQLite in the instance
folder, seeded on start. Run it with ``make example-flask``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, abort, flash, redirect, render_template, request, session
from flask_login import LoginManager

from socialcrm import ContentSettings, Settings, SocialCRMError, WatchedWord
from socialcrm.contrib.flask import SocialCRM, status_for
from socialcrm.render import render_markdown

from .api import api
from .seed import seed
from .users import USERS_BY_ID
from .views import support

socialcrm = SocialCRM()
login_manager = LoginManager()
login_manager.login_view = "support.login"

#: The demo's content rules, so that the review queue has something to show: a post
#: mentioning a discount code waits for a moderator; one mentioning a chargeback is
#: published and queued for a moderator to look at.
DEMO_SETTINGS = Settings(
    content=ContentSettings(
        watched_words=(
            WatchedWord(pattern="discount code", action="require_approval"),
            WatchedWord(pattern="chargeback", action="flag"),
        )
    )
)


@login_manager.user_loader
def load_user(user_id: str):
    """The host's user lookup: here, the fixed demo list."""
    return USERS_BY_ID.get(user_id)


def create_app(
    config: Mapping[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    """The support site; ``config`` overrides the defaults (and the environment).

    :param instance_path: where ``support.db`` goes (default ``SUPPORT_INSTANCE_PATH``,
        else Flask's instance folder).
    """
    app = Flask(__name__, instance_path=instance_path or os.environ.get("SUPPORT_INSTANCE_PATH"))
    app.config.update(
        SECRET_KEY=os.environ.get("SUPPORT_SECRET_KEY") or secrets.token_hex(16),
        SOCIALCRM_DATABASE_URL=os.environ.get("SOCIALCRM_DATABASE_URL", "sqlite:///support.db"),
        SOCIALCRM_SETTINGS=DEMO_SETTINGS,
    )
    app.config.update(config or {})
    login_manager.init_app(app)
    socialcrm.init_app(app)
    app.register_blueprint(support)
    app.register_blueprint(api)  # JSON views: socialcrm errors become JSON answers there
    app.register_error_handler(SocialCRMError, show_community_error)
    app.before_request(check_csrf_token)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["csrf_token"] = csrf_token
    # Post bodies reach templates only through socialcrm.render: sanitized SafeHTML.
    app.jinja_env.globals["render_markdown"] = render_markdown
    seed(socialcrm.community_for(app))
    return app


def csrf_token() -> str:
    """This session's token for POST forms (a stand-in for Flask-WTF's CSRF protection)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    return str(session["csrf"])


def check_csrf_token() -> None:
    """Refuse a form POST without this session's token."""
    if request.method == "POST" and request.blueprint != "api":
        sent = request.form.get("csrf", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            abort(400, "missing or wrong form token; reload the page")


def show_community_error(error: SocialCRMError):
    """HTML answer to a refused command: flash it and go back, or an error page for a GET."""
    if request.method == "POST":
        flash(error.message, "error")
        back = request.referrer
        if back is None or not back.startswith(request.host_url):
            back = "/"
        return redirect(back)
    return render_template("error.html", error=error), status_for(error)

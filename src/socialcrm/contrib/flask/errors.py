"""socialcrm errors as HTTP answers: JSON for API views, pages and redirects for HTML views.

JSON answers are ``{"error": code, "message": ...}``. The status table, the body and
the friendly message are shared with the Django app (:mod:`socialcrm.contrib._http`);
this module makes Flask responses of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    render_template_string,
    request,
    url_for,
)
from jinja2 import TemplateNotFound
from werkzeug import exceptions as http

from socialcrm.contrib._http import (
    NOT_SIGNED_IN,
    STATUS_BY_ERROR,
    error_body,
    friendly_message,
    is_developer_error,
    retry_after_header,
    status_for,
)
from socialcrm.contrib.flask.state import mark_request_failed
from socialcrm.errors import NotFound, PermissionDenied, SocialCRMError

#: The template of the HTML error page (context: ``error``, ``message``, ``status``).
ERROR_TEMPLATE = "socialcrm/error.html"

#: Methods that only read: refusing one sends the visitor to the login page with
#: ``next`` the page itself; for other methods ``next`` is the page the form was on.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The page used when the app has no ``socialcrm/error.html`` template.
_BARE_ERROR_PAGE = "<!doctype html><title>{{ status }}</title><p>{{ message }}</p>"


def error_response(error: SocialCRMError) -> Response:
    """A JSON :class:`~flask.Response` for ``error``, with ``Retry-After`` when it has one.

    ``Retry-After`` is a whole number of seconds, rounded up (so a client that waits
    that long is not refused again for the same reason).
    """
    response = jsonify(error_body(error))
    response.status_code = status_for(error)
    retry_after = retry_after_header(error)
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def register_error_handlers(target: Any) -> None:
    """Answer every :class:`~socialcrm.errors.SocialCRMError` raised in ``target``'s views as JSON.

    ``target`` is a Flask app or a blueprint: register on a blueprint of JSON views
    to leave the app's HTML views to their own error pages.
    """
    target.register_error_handler(SocialCRMError, error_response)


def safe_referer() -> str | None:
    """The request's ``Referer`` if it is a page of this site, else ``None``."""
    back = request.headers.get("Referer", "")
    if not back:
        return None
    parts = urlsplit(back)
    if not parts.netloc:
        same_site = back.startswith("/") and not back.startswith("//") and not parts.scheme
    else:
        same_site = parts.netloc == request.host and parts.scheme in ("http", "https")
        if request.is_secure and parts.scheme != "https":
            same_site = False
    return back if same_site else None


def error_page(error: SocialCRMError) -> Response:
    """The ``socialcrm/error.html`` page for ``error`` with its status (a bare page without it)."""
    status = status_for(error)
    context = {"error": error, "message": friendly_message(error), "status": status}
    try:
        body = render_template(ERROR_TEMPLATE, **context)
    except TemplateNotFound:
        body = render_template_string(_BARE_ERROR_PAGE, **context)
    response = current_app.make_response((body, status))
    retry_after = retry_after_header(error)
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def _login_url(login_view: str | None, next_url: str) -> str | None:
    if login_view is None:
        manager = getattr(current_app, "login_manager", None)
        login_view = getattr(manager, "login_view", None)
    if not login_view:
        return None
    return url_for(login_view, next=next_url)


def html_error_response(error: SocialCRMError, *, login_view: str | None = None) -> Any:
    """The HTML answer to a refused command, like Django's ``CommunityErrorMiddleware``.

    - ``NotFound``: the app's 404 (its own 404 handler, if it has one);
    - ``not_signed_in``: a redirect to the login view (``login_view``, else
      Flask-Login's ``login_manager.login_view``), ``next`` being the page for a GET,
      or for a POST the page the form was on (its same-site ``Referer``), else ``/``;
      without a login view, the error page with status 401;
    - any other refusal of a POST (``ValidationError``, ``Conflict``, ``RateLimited``,
      a member's ``PermissionDenied``...) with a same-site ``Referer``: a flashed
      message (category ``"error"``) and a redirect back to that page;
    - otherwise: a ``PermissionDenied`` is the app's 403, the others the
      ``socialcrm/error.html`` page with the error's status (422, 409, 429 with
      ``Retry-After``...).

    The request is marked failed, so the shared session's writes roll back even
    when the answer is a redirect. ``StorageError`` is not answered: it is re-raised
    (a 500, logged by Flask), and so is the raw-``actor`` guard's refusal
    (``actor_is_user_id``): both are the host's bugs, not the visitor's.
    """
    if is_developer_error(error):
        raise error
    mark_request_failed()
    if isinstance(error, NotFound):
        return current_app.handle_http_exception(http.NotFound(error.message))
    back = safe_referer()
    if error.code == NOT_SIGNED_IN:
        safe = request.method in SAFE_METHODS
        next_url = request.full_path.rstrip("?") if safe else (back or "/")
        login = _login_url(login_view, next_url)
        if login is not None:
            return redirect(login)
        return error_page(error)
    if request.method not in SAFE_METHODS and back is not None:
        try:
            flash(friendly_message(error), "error")
        except RuntimeError:  # no SECRET_KEY: no session to flash into
            pass
        else:
            return redirect(back, code=303)
    if isinstance(error, PermissionDenied):
        return current_app.handle_http_exception(http.Forbidden(friendly_message(error)))
    return error_page(error)


def register_html_error_handlers(target: Any, *, login_view: str | None = None) -> None:
    """Answer every socialcrm error raised in ``target``'s views as :func:`html_error_response`.

    ``target`` is a Flask app or a blueprint. Register the JSON handlers
    (:func:`register_error_handlers`) on the blueprint of your JSON views: a
    blueprint's handler wins over the app's.
    """

    def handle(error: SocialCRMError) -> Any:
        return html_error_response(error, login_view=login_view)

    target.register_error_handler(SocialCRMError, handle)


__all__ = [
    "ERROR_TEMPLATE",
    "SAFE_METHODS",
    "STATUS_BY_ERROR",
    "error_body",
    "error_page",
    "error_response",
    "friendly_message",
    "html_error_response",
    "register_error_handlers",
    "register_html_error_handlers",
    "safe_referer",
    "status_for",
]

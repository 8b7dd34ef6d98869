"""socialcrm errors as JSON HTTP answers: ``{"error": code, "message": ...}``.

The status table and the body are shared with the Django app
(:mod:`socialcrm.contrib._http`); this module makes Flask responses of them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from socialcrm.contrib._http import STATUS_BY_ERROR, error_body, retry_after_header, status_for
from socialcrm.errors import SocialCRMError


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


__all__ = [
    "STATUS_BY_ERROR",
    "error_body",
    "error_response",
    "register_error_handlers",
    "status_for",
]

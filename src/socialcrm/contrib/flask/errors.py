"""socialcrm errors as JSON HTTP answers: ``{"error": code, "message": ...}``."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, jsonify

from socialcrm.errors import (
    Conflict,
    ContentRejected,
    NotFound,
    PermissionDenied,
    RateLimited,
    SocialCRMError,
    StorageError,
    ValidationError,
)

#: HTTP status of each error type, most specific first (``Sanctioned`` is a ``PermissionDenied``).
STATUS_BY_ERROR: tuple[tuple[type[SocialCRMError], int], ...] = (
    (NotFound, 404),
    (PermissionDenied, 403),
    (ValidationError, 422),
    (ContentRejected, 422),
    (Conflict, 409),
    (RateLimited, 429),
    (StorageError, 503),
)


def _retry_after(error: BaseException) -> float | None:
    value = getattr(error, "retry_after", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def status_for(error: SocialCRMError) -> int:
    """The HTTP status for ``error``: 404, 403, 422, 409, 429, 503, or 400 for other errors.

    ``not_signed_in`` (from :func:`~socialcrm.contrib.flask.require_actor`) is 401;
    an error of no listed type that carries a numeric ``retry_after`` is answered 429.
    """
    if error.code == "not_signed_in":
        return 401
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    if _retry_after(error) is not None:
        return 429
    return 400


def error_body(error: SocialCRMError) -> dict[str, Any]:
    """The JSON body for ``error``: ``error`` (its code) and ``message``, plus its details.

    Details, when the error has them: ``field`` (validation), ``reasons`` (content
    rejected), ``privilege`` and ``required_reputation`` (permission), ``until``
    (sanction, ISO 8601 or ``null``), ``retry_after`` (seconds).
    """
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    field = getattr(error, "field", None)
    if isinstance(error, ValidationError) and field is not None:
        body["field"] = field
    if isinstance(error, ContentRejected):
        body["reasons"] = list(error.reasons)
    if isinstance(error, PermissionDenied) and error.privilege is not None:
        body["privilege"] = error.privilege
        body["required_reputation"] = error.required_reputation
    if hasattr(error, "sanction_id"):
        until = getattr(error, "until", None)
        body["until"] = until.isoformat() if until is not None else None
    retry_after = _retry_after(error)
    if retry_after is not None:
        body["retry_after"] = retry_after
    return body


def error_response(error: SocialCRMError) -> Response:
    """A JSON :class:`~flask.Response` for ``error``, with ``Retry-After`` when it has one.

    ``Retry-After`` is a whole number of seconds, rounded up (so a client that waits
    that long is not refused again for the same reason).
    """
    response = jsonify(error_body(error))
    response.status_code = status_for(error)
    retry_after = _retry_after(error)
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
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

"""socialcrm errors as HTTP answers, for every web framework: status, JSON body, Retry-After.

Framework-neutral: :mod:`socialcrm.contrib.flask` and :mod:`socialcrm.contrib.django`
build their responses from these, so both answer the same error the same way.

>>> from socialcrm.errors import RateLimited
>>> error = RateLimited("slow down", retry_after=2.5)
>>> status_for(error), retry_after_header(error), error_body(error)["retry_after"]
(429, '3', 2.5)
"""

from __future__ import annotations

import math
from typing import Any

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

#: The error code of "nobody is signed in", answered 401 (see ``require_actor``).
NOT_SIGNED_IN = "not_signed_in"

#: The error code of "signed in, but not a member of the community", answered 403.
NOT_A_MEMBER = "not_a_member"

#: ``require_actor``'s refusals, shared by the Flask and Django integrations:
#: error code → (HTTP status, message).
NO_ACTOR: dict[str, tuple[int, str]] = {
    NOT_SIGNED_IN: (401, "sign in to do this"),
    NOT_A_MEMBER: (403, "your account is not a member of this community yet"),
}


def no_actor_error(*, signed_in: bool) -> PermissionDenied:
    """The ``PermissionDenied`` of ``require_actor`` when there is no acting member.

    ``not_a_member`` (403) for a signed-in user who is not a member (the host did
    not call ``members.join``, and joining on first use is off); ``not_signed_in``
    (401) for an anonymous visitor.
    """
    code = NOT_A_MEMBER if signed_in else NOT_SIGNED_IN
    return PermissionDenied(NO_ACTOR[code][1], code=code)


def user_id_as_actor_error(field: str, user_id: object, member_id: int) -> PermissionDenied:
    """The refusal of a raw ``actor=`` id that is the signed-in host user's own id.

    The integrations raise it (code ``actor_is_user_id``) when, within a request,
    an acting parameter gets an integer equal to the signed-in user's id while that
    user's member has another id: the view almost surely passed the host's user id.
    """
    return PermissionDenied(
        f"{field}={user_id} is the signed-in user's own id, but that user is member "
        f"{member_id}: pass the Member record (actor=current_member()), never the "
        "host's user id. To act as another member whose id happens to be the same "
        "number, pass that member's record (community.members.get(id))",
        code=ACTOR_IS_USER_ID,
    )


#: The code of :func:`user_id_as_actor_error`: a bug in the host's view, not a visitor's.
ACTOR_IS_USER_ID = "actor_is_user_id"


def is_developer_error(error: BaseException) -> bool:
    """Whether ``error`` is the host's bug, to answer as a logged 500, never to a visitor.

    Storage failures and the raw-``actor`` guard (``actor_is_user_id``) are; every
    other socialcrm error is a refusal the visitor may be told about.
    """
    from socialcrm.errors import StorageError

    return isinstance(error, StorageError) or getattr(error, "code", None) == ACTOR_IS_USER_ID


def raw_actor_is_user_id(value: int, user_id: object) -> bool:
    """Whether the integer ``value`` spells the host user's id (``1`` and ``"1"`` do)."""
    return user_id is not None and str(user_id) == str(value)


def retry_after_seconds(error: BaseException) -> float | None:
    """The error's ``retry_after`` if it is a non-negative number of seconds, else ``None``."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def retry_after_header(error: BaseException) -> str | None:
    """The ``Retry-After`` header value: whole seconds, rounded up, at least 1; or ``None``.

    Rounded up so that a client that waits that long is not refused again for the
    same reason.
    """
    seconds = retry_after_seconds(error)
    if seconds is None:
        return None
    return str(max(1, math.ceil(seconds)))


def status_for(error: SocialCRMError) -> int:
    """The HTTP status for ``error``: 404, 403, 422, 409, 429, 503, or 400 for other errors.

    The codes of ``require_actor`` have the status of :data:`NO_ACTOR`
    (``not_signed_in`` 401, ``not_a_member`` 403); an error of no listed type
    that carries a numeric ``retry_after`` is answered 429.
    """
    if isinstance(error, PermissionDenied) and error.code in NO_ACTOR:
        return NO_ACTOR[error.code][0]
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    if retry_after_seconds(error) is not None:
        return 429
    return 400


def friendly_message(error: SocialCRMError) -> str:
    """The message to show a person: a missing privilege in words, else the error's message.

    A :class:`~socialcrm.errors.RateLimited` refusal only says how long to wait:
    the setting that turns the limit off is for the site's developers, not its
    visitors, and is in the error's ``message`` (shown in logs and JSON bodies).
    """
    if isinstance(error, PermissionDenied) and error.privilege is not None:
        what = error.privilege.replace("_", " ")
        if error.required_reputation is not None:
            return f"You need {error.required_reputation} reputation to {what}."
        return f"You may not {what} yet."
    if isinstance(error, RateLimited):
        seconds = retry_after_header(error)
        if seconds is not None:
            return f"You are doing that too often: try again in {seconds} seconds."
    return error.message


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
    retry_after = retry_after_seconds(error)
    if retry_after is not None:
        body["retry_after"] = retry_after
    return body


__all__ = [
    "ACTOR_IS_USER_ID",
    "is_developer_error",
    "raw_actor_is_user_id",
    "user_id_as_actor_error",
    "NOT_A_MEMBER",
    "NOT_SIGNED_IN",
    "NO_ACTOR",
    "STATUS_BY_ERROR",
    "error_body",
    "friendly_message",
    "no_actor_error",
    "retry_after_header",
    "retry_after_seconds",
    "status_for",
]

"""socialcrm errors as JSON HTTP answers in Django views: ``{"error": code, "message": ...}``.

Same statuses and bodies as the Flask extension (:mod:`socialcrm.contrib._http`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import JsonResponse

from socialcrm.contrib._http import STATUS_BY_ERROR, error_body, retry_after_header, status_for
from socialcrm.errors import SocialCRMError

View = TypeVar("View", bound=Callable[..., Any])


def error_response(error: SocialCRMError) -> JsonResponse:
    """A :class:`~django.http.JsonResponse` for ``error``, with ``Retry-After`` when it has one."""
    response = JsonResponse(error_body(error), status=status_for(error))
    retry_after = retry_after_header(error)
    if retry_after is not None:
        response["Retry-After"] = retry_after
    return response


def json_errors(view: View) -> View:
    """View decorator: a :class:`~socialcrm.errors.SocialCRMError` the view raises becomes JSON.

    Put it on JSON views (or on a class-based view's ``as_view()`` result); HTML
    views keep the site's own error pages.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except SocialCRMError as error:
            return error_response(error)

    return wrapper  # type: ignore[return-value]


__all__ = ["STATUS_BY_ERROR", "error_body", "error_response", "json_errors", "status_for"]

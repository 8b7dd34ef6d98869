"""Refused community commands in HTML views: a 404 page, the login page, or a message.

Add ``"socialcrm.contrib.django.middleware.CommunityErrorMiddleware"`` to
``MIDDLEWARE`` (after ``AuthenticationMiddleware`` and ``MessageMiddleware``). JSON
views keep ``@json_errors``, which answers before the middleware sees the error.
See docs/django.md. Importing this module does not need Django configured.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from socialcrm.contrib._http import (
    NOT_SIGNED_IN,
    friendly_message,
    is_developer_error,
    retry_after_header,
    status_for,
)
from socialcrm.errors import NotFound, PermissionDenied, SocialCRMError

#: The template of the error page (context: ``error``, ``message``, ``status``).
ERROR_TEMPLATE = "socialcrm/error.html"

#: Methods that only read: a refusal of these sends the visitor to the login page with
#: ``next`` set to the page itself; for other methods ``next`` is the page they came from.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def safe_referer(request: HttpRequest) -> str | None:
    """The ``Referer`` of ``request`` if it is a page of this site, else ``None``."""
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return None


class CommunityErrorMiddleware:
    """Answers a :class:`~socialcrm.errors.SocialCRMError` an HTML view raises.

    - ``NotFound``: Django's 404 (``Http404``: your ``404.html``);
    - ``not_signed_in``: the login page (``LOGIN_URL``), ``next`` being the page for a
      GET, or for a POST the page the form was on (its safe ``Referer``), else ``/``;
    - any other refusal (``ValidationError``, ``Conflict``, ``RateLimited``,
      ``PermissionDenied`` of a member...) of a POST with a safe ``Referer``: a
      messages-framework error message and a redirect back to that page;
    - otherwise: a ``PermissionDenied`` is Django's 403 (``403.html``), the others the
      ``socialcrm/error.html`` page with the error's status (422, 409, 429 with
      ``Retry-After``...);
    - ``StorageError`` and every other exception: left to Django (a 500, logged).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on (the errors are handled in :meth:`process_exception`).

        For the length of the request, a raw ``actor=`` id that is the signed-in
        user's own ``pk`` while that user is another member is refused (code
        ``actor_is_user_id``, see :func:`~socialcrm.contrib.django.actors.check_raw_actor`).
        """
        from socialcrm.contrib.django.actors import check_raw_actor
        from socialcrm.services.boundary import actor_guard

        with actor_guard(functools.partial(check_raw_actor, request)):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        """Answer socialcrm errors as above; ``None`` for any other exception."""
        if not isinstance(error, SocialCRMError) or is_developer_error(error):
            return None
        if isinstance(error, NotFound):
            raise Http404(error.message) from error
        back = safe_referer(request)
        if error.code == NOT_SIGNED_IN:
            # Imported here: importing auth's views needs the app registry ready.
            from django.contrib.auth.views import redirect_to_login

            if request.method in SAFE_METHODS:
                return redirect_to_login(request.get_full_path())
            return redirect_to_login(back or "/")
        if request.method not in SAFE_METHODS and back is not None:
            try:
                messages.error(request, friendly_message(error))
            except messages.MessageFailure:  # the messages app is not installed
                pass
            else:
                return HttpResponseRedirect(back)
        if isinstance(error, PermissionDenied):
            raise DjangoPermissionDenied(friendly_message(error)) from error
        return error_page(request, error)


def error_page(request: HttpRequest, error: SocialCRMError) -> HttpResponse:
    """The ``socialcrm/error.html`` page for ``error``, with its HTTP status."""
    status = status_for(error)
    context = {"error": error, "message": friendly_message(error), "status": status}
    try:
        content = render_to_string(ERROR_TEMPLATE, context, request=request)
    except TemplateDoesNotExist:  # no app template loader: a bare page
        content = f"<!doctype html><title>{status}</title><p>{escape(context['message'])}</p>"
    response = HttpResponse(content, status=status)
    retry_after = retry_after_header(error)
    if retry_after is not None:
        response["Retry-After"] = retry_after
    return response


__all__ = [
    "ERROR_TEMPLATE",
    "SAFE_METHODS",
    "CommunityErrorMiddleware",
    "error_page",
    "friendly_message",
    "safe_referer",
]

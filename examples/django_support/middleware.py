"""HTML answers to refused community commands (the JSON views use ``json_errors``)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from socialcrm import SocialCRMError
from socialcrm.contrib.django import status_for


class CommunityErrorMiddleware:
    """A refused form POST: its message, and back to the page; a GET: an error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        """Answer socialcrm errors; leave every other exception to Django."""
        if not isinstance(error, SocialCRMError):
            return None
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        if status_for(error) == 401:  # nobody is signed in: the login page, then back
            return redirect_to_login(back or request.get_full_path())
        if request.method == "POST":
            messages.error(request, error.message)
            return redirect(back or "spaces")
        return render(
            request, "django_support/error.html", {"error": error}, status=status_for(error)
        )

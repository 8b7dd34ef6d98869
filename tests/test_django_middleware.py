"""socialcrm.contrib.django: the HTML error middleware, not_a_member, the settings check,
Unix socket URLs, the template filters on ``None`` and the logging outbox publisher."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("django")

from django_site import database_copy, setup_django  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.messages import get_messages  # noqa: E402
from django.contrib.messages.storage.cookie import CookieStorage  # noqa: E402
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import Http404  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django_support.seed import seed  # noqa: E402
from django_support.users import DEMO_PASSWORD  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from socialcrm import Community  # noqa: E402
from socialcrm.contrib import _http  # noqa: E402
from socialcrm.contrib.django import database_url, get_community, require_actor  # noqa: E402
from socialcrm.contrib.django.checks import check_socialcrm_settings  # noqa: E402
from socialcrm.contrib.django.jobs import log_publisher  # noqa: E402
from socialcrm.contrib.django.middleware import (  # noqa: E402
    CommunityErrorMiddleware,
    friendly_message,
)
from socialcrm.errors import (  # noqa: E402
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    SocialCRMError,
    StorageError,
    ValidationError,
)

BASE = {"DATABASE": "default", "TABLE_PREFIX": "socialcrm_"}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Community]:
    with database_copy(tmp_path):
        community = get_community()
        seed(community)
        yield community


def signed_in(user: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content
    return client


# ---------------------------------------------------------------- the middleware, on the example


def test_a_missing_thread_is_djangos_404_page(site: Community) -> None:
    response = Client().get("/t/999/")
    assert response.status_code == 404
    assert "There is no such page" in response.text  # the site's own 404.html


def test_an_anonymous_post_goes_to_login_and_back_to_the_page_of_the_form(
    site: Community,
) -> None:
    threads = site.threads.count(actor=None)
    response = Client().post(
        "/s/billing/ask", {"title": "Anonymous question", "body": "x"}, HTTP_REFERER="/s/billing/"
    )
    location = urlsplit(response.headers["Location"])
    assert (response.status_code, location.path) == (302, "/login/")
    assert parse_qs(location.query)["next"] == ["/s/billing/"]  # not the POST-only URL
    assert site.threads.count(actor=None) == threads


def test_an_anonymous_post_from_elsewhere_goes_to_login_then_the_site_root(
    site: Community,
) -> None:
    response = Client().post("/p/2/vote", {"value": "1"}, HTTP_REFERER="https://evil.example/")
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == ["/"]


def test_after_signing_in_from_the_login_redirect_the_user_lands_on_a_page(
    site: Community,
) -> None:
    client = Client()
    login = client.post("/t/1/answer", {"body": "Me too"}, HTTP_REFERER="/t/1/")
    landed = client.post(
        login.headers["Location"], {"username": "alice", "password": DEMO_PASSWORD}, follow=True
    )
    assert landed.status_code == 200  # not 405: "next" is the thread page
    assert landed.redirect_chain[-1][0] == "/t/1/"


def test_a_missing_form_field_is_a_message_not_a_500(site: Community) -> None:
    client = signed_in("alice")
    response = client.post("/s/billing/ask", {}, HTTP_REFERER="/s/billing/", follow=True)
    assert response.redirect_chain[-1][0] == "/s/billing/"
    assert 'role="alert">title' in response.text


def test_a_refused_post_without_a_safe_referer_is_an_error_page(site: Community) -> None:
    client = signed_in("alice")
    response = client.post("/s/billing/ask", {"title": "short", "body": "x"})
    assert response.status_code == 422
    assert "title must be at least 10 characters" in response.text


def test_a_members_refusal_without_a_referer_is_djangos_403(site: Community) -> None:
    response = signed_in("alice").post("/p/2/vote", {"value": "1"})
    assert response.status_code == 403
    assert "You need 15 reputation to vote up." in response.text
    assert site.posts.get(actor=None, post=2).score == 1


def test_a_signed_in_user_who_is_no_member_is_not_sent_to_login(site: Community) -> None:
    get_user_model().objects.create_user("newcomer", password=DEMO_PASSWORD)
    with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": False}):
        client = signed_in("newcomer")
        response = client.post("/s/billing/ask", {"title": "A question from me", "body": "x"})
        assert response.status_code == 403  # no login loop
        response = client.post("/api/posts/2/vote", {"value": 1}, content_type="application/json")
        assert (response.status_code, response.json()["error"]) == (403, "not_a_member")


# ---------------------------------------------------------------- the middleware, each rule


def _request(method: str = "post", referer: str | None = "/t/1/") -> Any:
    factory = RequestFactory()
    headers = {"HTTP_REFERER": referer} if referer is not None else {}
    request = getattr(factory, method)("/t/1/answer", **headers)
    request._messages = CookieStorage(request)
    return request


def _answer(request: Any, error: Exception) -> Any:
    return CommunityErrorMiddleware(lambda request: None).process_exception(request, error)  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("title is too short", field="title"),
        Conflict("already accepted", code="already_accepted"),
        RateLimited("slow down", retry_after=2.5),
        PermissionDenied(
            "no", code="permission_denied", privilege="vote_up", required_reputation=15
        ),
    ],
)
def test_a_refused_post_with_a_safe_referer_is_a_message_and_back(error: SocialCRMError) -> None:
    request = _request()
    response = _answer(request, error)
    assert (response.status_code, response["Location"]) == (302, "/t/1/")
    assert [str(m) for m in get_messages(request)] == [friendly_message(error)]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValidationError("title is too short", field="title"), 422),
        (Conflict("already accepted", code="already_accepted"), 409),
        (RateLimited("slow down", retry_after=2.5), 429),
    ],
)
def test_other_refusals_are_an_error_page_with_their_status(
    error: SocialCRMError, status: int
) -> None:
    for request in (_request("get"), _request("post", referer="https://evil.example/t/1/")):
        response = _answer(request, error)
        assert response.status_code == status
        assert friendly_message(error) in response.content.decode()
        assert list(get_messages(request)) == []
    assert _answer(_request("get"), RateLimited("slow", retry_after=2.5))["Retry-After"] == "3"


def test_a_rate_limit_shows_visitors_how_long_to_wait_not_the_settings() -> None:
    error = RateLimited("wait 30 seconds (set by Settings.rate_limits.x)", retry_after=2.5)
    page = _answer(_request("get"), error).content.decode()
    assert "try again in 3 seconds" in page and "Settings" not in page


def test_not_found_is_http404_and_a_members_refusal_on_get_is_djangos_403() -> None:
    with pytest.raises(Http404):
        _answer(_request("get"), NotFound("no such thread", code="thread_not_found"))
    with pytest.raises(DjangoPermissionDenied):
        _answer(_request("get"), PermissionDenied("no", code="not_a_member"))


def test_an_anonymous_get_goes_to_login_with_the_page_as_next() -> None:
    request = RequestFactory().get("/t/1/?page=2")
    response = _answer(request, PermissionDenied("sign in", code="not_signed_in"))
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["/t/1/?page=2"]


def test_other_exceptions_and_storage_errors_are_left_to_django() -> None:
    assert _answer(_request(), KeyError("body")) is None
    assert _answer(_request(), StorageError("database is down")) is None


@settings(max_examples=60, deadline=None)
@given(
    referer=st.one_of(
        st.none(),
        st.sampled_from(
            [
                "/t/1/",
                "http://testserver/t/1/",
                "https://evil.example/",
                "//evil.example/x",
                "javascript:alert(1)",
                "http://testserver.evil.example/",
            ]
        ),
        st.text(max_size=30),
    ),
    method=st.sampled_from(["get", "post"]),
    signed_in=st.booleans(),
)
def test_the_middleware_never_redirects_off_the_site(
    referer: str | None, method: str, signed_in: bool
) -> None:
    error = (
        ValidationError("bad", field="x") if signed_in else _http.no_actor_error(signed_in=False)
    )
    response = _answer(_request(method, referer=referer), error)
    if response.status_code != 302:
        return
    target = response["Location"]
    if urlsplit(target).path == "/accounts/login/" or target.startswith("/login/"):
        target = parse_qs(urlsplit(target).query)["next"][0]
    parts = urlsplit(target)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "testserver"), target


# ---------------------------------------------------------------- require_actor


def test_require_actor_tells_a_signed_in_stranger_they_are_no_member(tmp_path: Path) -> None:
    with database_copy(tmp_path):
        user = get_user_model().objects.create_user("stranger")
        request = RequestFactory().get("/")
        request.user = user
        with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": False}):
            with pytest.raises(PermissionDenied) as refused:
                require_actor(request)
    assert refused.value.code == "not_a_member"
    assert _http.status_for(refused.value) == 403


def test_both_frameworks_share_the_no_actor_table() -> None:
    assert _http.NO_ACTOR[_http.NOT_SIGNED_IN][0] == 401
    assert _http.NO_ACTOR[_http.NOT_A_MEMBER][0] == 403
    for signed_in, code in ((False, "not_signed_in"), (True, "not_a_member")):
        error = _http.no_actor_error(signed_in=signed_in)
        assert (error.code, _http.error_body(error)["error"]) == (code, code)


# ---------------------------------------------------------------- Unix sockets


def test_a_postgresql_socket_directory_goes_in_the_query() -> None:
    entry = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "db",
        "USER": "u",
        "PASSWORD": "pw",
        "HOST": "/var/run/postgresql",
        "PORT": "",
    }
    url = make_url(database_url(entry))
    assert (url.host, url.database, url.query) == (None, "db", {"host": "/var/run/postgresql"})
    args = create_engine(url).dialect.create_connect_args(url)[1]
    assert args["host"] == "/var/run/postgresql" and args["dbname"] == "db"


def test_a_mysql_socket_file_goes_in_the_query() -> None:
    entry = {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "db",
        "USER": "u",
        "HOST": "/run/mysqld/mysqld.sock",
    }
    url = make_url(database_url(entry))
    assert (url.host, url.query) == (None, {"unix_socket": "/run/mysqld/mysqld.sock"})
    args = create_engine(url).dialect.create_connect_args(url)[1]
    assert args["unix_socket"] == "/run/mysqld/mysqld.sock"


@settings(max_examples=40, deadline=None)
@given(
    engine=st.sampled_from(["django.db.backends.postgresql", "django.db.backends.mysql"]),
    socket=st.from_regex(r"/[a-zA-Z0-9_./-]{0,30}", fullmatch=True),
)
def test_every_socket_path_survives_the_url_round_trip(engine: str, socket: str) -> None:
    url = make_url(database_url({"ENGINE": engine, "NAME": "db", "HOST": socket}))
    key = "host" if "postgresql" in engine else "unix_socket"
    assert (url.host, url.query[key]) == (None, socket)


# ---------------------------------------------------------------- manage.py check


def _errors(**setting: Any) -> list[str]:
    with override_settings(SOCIALCRM=setting):
        return [error.id for error in check_socialcrm_settings()]


def test_the_check_passes_the_example_settings() -> None:
    assert check_socialcrm_settings() == []


@pytest.mark.parametrize(
    ("setting", "error_id"),
    [
        ({"JOIN_ON_FRIST_USE": True}, "socialcrm.E001"),
        ({"DATABASE": "replica"}, "socialcrm.E001"),
        ({"JOIN_ON_FIRST_USE": "yes"}, "socialcrm.E002"),
        ({"TABLE_PREFIX": 3}, "socialcrm.E002"),
        ({"COMMUNITY_OPTIONS": []}, "socialcrm.E002"),
        ({"PLUGINS": ["no_such_module.Plugin"]}, "socialcrm.E003"),
        ({"CLOCK": "socialcrm.NoSuchClock"}, "socialcrm.E003"),
    ],
)
def test_the_check_reports_bad_keys_and_values(setting: dict[str, Any], error_id: str) -> None:
    assert _errors(**setting) == [error_id]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_check_reports_a_database_socialcrm_cannot_use() -> None:
    databases = {"default": {"ENGINE": "django.db.backends.oracle", "NAME": "x"}}
    with override_settings(DATABASES=databases, SOCIALCRM=BASE):
        from django.db import connections

        entry = connections["default"].settings_dict
        before = dict(entry)
        entry.update(databases["default"])
        try:
            assert [error.id for error in check_socialcrm_settings()] == ["socialcrm.E004"]
        finally:
            entry.clear()
            entry.update(before)


def test_manage_py_check_runs_the_check() -> None:
    from django.core.management.base import SystemCheckError

    with override_settings(SOCIALCRM={"JOIN_ON_FRIST_USE": True}):
        with pytest.raises(SystemCheckError, match="socialcrm.E001.*JOIN_ON_FRIST_USE"):
            call_command("check")


# ---------------------------------------------------------------- filters and the publisher


def test_the_template_filters_show_nothing_for_none() -> None:
    from django.template import engines

    template = engines["django"].from_string(
        "{% load socialcrm %}[{{ body|render_markdown }}|{{ body|render_plain }}]"
    )
    assert template.render({"body": None}) == "[|]"
    assert template.render({"body": 0}) != "[|]"  # only None is nothing


def test_the_log_publisher_logs_every_relayed_message(
    site: Community, caplog: pytest.LogCaptureFixture
) -> None:
    pending = len(site.outbox.pending(limit=1000))
    assert pending > 0
    with caplog.at_level(logging.INFO, logger="socialcrm.outbox"):
        call_command(
            "socialcrm_jobs",
            "relay-outbox",
            "--publish",
            "socialcrm.contrib.django.jobs.log_publisher",
        )
    assert len([r for r in caplog.records if r.name == "socialcrm.outbox"]) == pending
    assert site.outbox.pending(limit=10) == []
    assert callable(log_publisher)

"""socialcrm.contrib.django: settings, the storage from DATABASES, actors, errors, commands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from django_site import database_copy, setup_django  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sqlalchemy import inspect as sa_inspect  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from socialcrm import Community, ManualClock  # noqa: E402
from socialcrm.adapters.sqlalchemy import create_storage_engine, head  # noqa: E402
from socialcrm.contrib import _http  # noqa: E402
from socialcrm.contrib.django import (  # noqa: E402
    community_options,
    configured_database_url,
    current_actor,
    database_url,
    error_response,
    get_community,
    json_errors,
    require_actor,
)
from socialcrm.errors import (  # noqa: E402
    Conflict,
    ContentRejected,
    NotFound,
    PermissionDenied,
    RateLimited,
    Sanctioned,
    SocialCRMError,
    StorageError,
    ValidationError,
)

BASE = {"DATABASE": "default", "TABLE_PREFIX": "socialcrm_"}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    with database_copy(tmp_path) as path:
        yield path


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[Path]:
    with database_copy(tmp_path, template=False) as path:
        yield path


def make_user(username: str, **fields: Any) -> Any:
    return get_user_model().objects.create_user(username, password="pw", **fields)


def request_for(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


# ---------------------------------------------------------------- the storage from DATABASES


def test_a_sqlite_file_maps_to_its_sqlalchemy_url() -> None:
    url = database_url({"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/site/db.sqlite3"})
    assert url == "sqlite:////srv/site/db.sqlite3"


def test_djangos_in_memory_test_database_is_shared_by_uri() -> None:
    name = "file:memorydb_default?mode=memory&cache=shared"
    url = make_url(database_url({"ENGINE": "django.db.backends.sqlite3", "NAME": name}))
    assert url.database == name and url.query["uri"] == "true"


def test_postgresql_and_mysql_entries_map_to_our_drivers() -> None:
    entry = {"NAME": "shop", "USER": "web", "PASSWORD": "p@ss/word", "HOST": "db", "PORT": "5433"}
    pg = make_url(database_url({**entry, "ENGINE": "django.db.backends.postgresql"}))
    assert (pg.drivername, pg.username, pg.password, pg.host, pg.port, pg.database) == (
        "postgresql+psycopg",
        "web",
        "p@ss/word",
        "db",
        5433,
        "shop",
    )
    my = make_url(database_url({**entry, "PORT": "", "ENGINE": "django.db.backends.mysql"}))
    assert (my.drivername, my.port, my.password) == ("mysql+pymysql", None, "p@ss/word")


@pytest.mark.parametrize(
    "entry",
    [
        {"ENGINE": "django.db.backends.oracle", "NAME": "x"},
        {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        {"ENGINE": "django.db.backends.sqlite3", "NAME": ""},
    ],
)
def test_databases_socialcrm_cannot_share_are_refused_by_name(entry: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        database_url(entry)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=60, deadline=None)
@given(
    engine=st.sampled_from(["django.db.backends.postgresql", "django.db.backends.mysql"]),
    name=_text,
    user=_text,
    password=_text,
    host=st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
    port=st.one_of(st.none(), st.integers(1, 65535)),
)
def test_every_server_entry_survives_the_url_round_trip(
    engine: str, name: str, user: str, password: str, host: str, port: int | None
) -> None:
    entry = {"ENGINE": engine, "NAME": name, "USER": user, "PASSWORD": password, "HOST": host}
    entry["PORT"] = "" if port is None else str(port)
    url = make_url(database_url(entry))
    assert (url.database, url.username, url.password, url.host, url.port) == (
        name,
        user,
        password,
        host,
        port,
    )


def test_the_community_uses_the_configured_alias(site: Path) -> None:
    assert configured_database_url() == f"sqlite:///{site}"
    community = get_community()
    assert get_community() is community  # one per process, not per call or request
    engine = create_storage_engine(f"sqlite:///{site}")
    try:
        names = sa_inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert "auth_user" in names and "socialcrm_members" in names  # one database, prefixed


def test_an_explicit_database_url_wins(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "community.db"
    options = {**BASE, "DATABASE_URL": f"sqlite:///{other}", "MIGRATE": True}
    with override_settings(SOCIALCRM=options):
        get_community().members.join(external_id="9", display_name="Zed")
        assert other.exists()
        assert configured_database_url() == f"sqlite:///{other}"


def test_the_community_follows_the_alias_to_the_test_database(site: Path) -> None:
    community = get_community()
    community.members.join(external_id="1", display_name="On the real database")
    connection = connections["default"]
    real = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        assert "mode=memory" in test_name
        moved = get_community()
        assert moved is not community
        assert moved.members.list() == []  # the (migrated) test database, not the real one
        moved.members.join(external_id="2", display_name="In the test database")
        assert [m.display_name for m in moved.members.list()] == ["In the test database"]
    finally:
        connection.creation.destroy_test_db(real, verbosity=0)
    assert [m.display_name for m in get_community().members.list()] == ["On the real database"]


def test_inside_djangos_write_transaction_on_the_test_database_a_command_is_refused(
    site: Path,
) -> None:
    from django.db import transaction

    connection = connections["default"]
    real = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with transaction.atomic():
            make_user("holds_the_lock")
            # Shared-cache SQLite: Django's open write transaction locks socialcrm out.
            with pytest.raises(StorageError, match="locked"):
                get_community().members.join(external_id="1", display_name="Refused")
        assert get_community().members.list() == []
        get_community().members.join(external_id="1", display_name="After the commit")
        assert len(get_community().members.list()) == 1
    finally:
        connection.creation.destroy_test_db(real, verbosity=0)


def test_changing_the_setting_in_a_test_builds_a_new_community(site: Path) -> None:
    first = get_community()
    clock = ManualClock()
    with override_settings(SOCIALCRM={**BASE, "CLOCK": clock}):
        second = get_community()
        assert second is not first and second.clock is clock
    assert get_community() is not second


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"TABLES": "x"}, "unknown SOCIALCRM keys: TABLES"),
        ({"DATABASE": "nowhere"}, "not in DATABASES"),
        ({"SETTINGS": {"daily_cap": 1}}, "must be a socialcrm.Settings"),
        ("default", "must be a dict"),
    ],
)
def test_a_bad_socialcrm_setting_is_named(setting: Any, message: str) -> None:
    with override_settings(SOCIALCRM=setting), pytest.raises(ValidationError, match=message):
        community_options()


def test_plugins_and_settings_come_from_dotted_paths(site: Path) -> None:
    options = {**BASE, "PLUGINS": ["test_django_app.RecordingPlugin"]}
    with override_settings(SOCIALCRM=options):
        community = get_community()
        assert any(isinstance(p, RecordingPlugin) for p in community.plugins.get_plugins())


class RecordingPlugin:
    """A plugin named by a dotted path in SOCIALCRM['PLUGINS'] (instantiated by the app)."""


# ---------------------------------------------------------------- actors


def test_anonymous_visitors_are_no_actor(site: Path) -> None:
    request = request_for(AnonymousUser())
    assert current_actor(request) is None
    with pytest.raises(PermissionDenied) as refused:
        require_actor(request)
    assert refused.value.code == "not_signed_in" and _http.status_for(refused.value) == 401


def test_users_are_members_by_their_primary_key(site: Path) -> None:
    user = make_user("linus", first_name="Linus", last_name="T")
    member = get_community().members.join(external_id=str(user.pk), display_name="Linus")
    assert current_actor(request_for(user)) == member.id


def test_current_member_is_the_users_member_not_the_member_with_their_pk(site: Path) -> None:
    from socialcrm.contrib.django import current_member

    community = get_community()
    for n in range(5):  # members whose ids a user's primary key could collide with
        community.members.join(external_id=f"other-{n}", display_name=f"Other {n}")
    user = make_user("grace", first_name="Grace")
    member = community.members.join(external_id=str(user.pk), display_name="Grace")
    assert member.id != user.pk
    assert current_member(request_for(user)) == community.members.get(member.id)
    assert current_member(request_for(AnonymousUser())) is None


def test_without_join_on_first_use_a_user_who_is_no_member_is_no_actor(site: Path) -> None:
    user = make_user("stranger")
    with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": False}):
        assert current_actor(request_for(user)) is None
        assert get_community().members.list() == []


def test_join_on_first_use_makes_one_member_named_after_the_user(site: Path) -> None:
    user = make_user("grace", first_name="Grace", last_name="Hopper")
    with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": True}):
        first = current_actor(request_for(user))
        again = current_actor(request_for(user))
        members = get_community().members.list()
    assert first == again
    assert [(m.external_id, m.display_name) for m in members] == [(str(user.pk), "Grace Hopper")]


def test_racing_first_requests_of_one_user_make_one_member(site: Path) -> None:
    import threading

    user = make_user("racer", first_name="Racer")
    barrier = threading.Barrier(4)
    found: list[int | None] = []

    def first_request() -> None:
        barrier.wait()
        try:
            found.append(current_actor(request_for(user)))
        finally:
            connections.close_all()

    with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": True}):
        threads = [threading.Thread(target=first_request) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        members = get_community().members.list()
    assert len(members) == 1
    assert found == [members[0].id] * 4


def test_the_actor_is_loaded_once_per_request(site: Path) -> None:
    user = make_user("ada")
    request = request_for(user)
    with override_settings(SOCIALCRM={**BASE, "JOIN_ON_FIRST_USE": True}):
        actor = current_actor(request)
        get_community().members.join(external_id="other", display_name="Other")
        request.user = AnonymousUser()  # not looked at again in the same request
        assert current_actor(request) == actor


def test_a_custom_member_profile_is_used(site: Path) -> None:
    user = make_user("bob")
    options = {**BASE, "JOIN_ON_FIRST_USE": True, "MEMBER_PROFILE": "test_django_app.profile"}
    with override_settings(SOCIALCRM=options):
        actor = current_actor(request_for(user))
        assert actor is not None
        assert get_community().members.get(actor).display_name == "Bob from the shop"


def profile(user: Any) -> dict[str, str]:
    """A MEMBER_PROFILE named by its dotted path."""
    return {"display_name": f"{user.username.title()} from the shop"}


# ---------------------------------------------------------------- errors as JSON


ERRORS: list[tuple[SocialCRMError, int]] = [
    (NotFound("no such thread", code="thread_not_found"), 404),
    (PermissionDenied("sign in to do this", code="not_signed_in"), 401),
    (PermissionDenied("vote up needs 15", privilege="vote_up", required_reputation=15), 403),
    (Sanctioned("silenced", kind="silence", until=None, reason="spam", sanction_id=3), 403),
    (ValidationError("title too short", field="title"), 422),
    (ContentRejected(["too many links"]), 422),
    (Conflict("already accepted"), 409),
    (RateLimited("slow down", retry_after=2.2), 429),
    (StorageError("database down"), 503),
    (SocialCRMError("something else"), 400),
]


@pytest.mark.parametrize(("error", "status"), ERRORS, ids=lambda e: getattr(e, "code", e))
def test_errors_are_answered_like_the_flask_extension(error: SocialCRMError, status: int) -> None:
    response = error_response(error)
    assert response.status_code == status == _http.status_for(error)
    assert json.loads(response.content) == _http.error_body(error)
    assert json.loads(response.content)["error"] == error.code
    if isinstance(error, RateLimited):
        assert response["Retry-After"] == "3"  # rounded up
    else:
        assert not response.has_header("Retry-After")


def test_the_decorator_answers_errors_and_passes_answers_through() -> None:
    @json_errors
    def refusing(request: Any) -> Any:
        raise ValidationError("body is empty", field="body")

    @json_errors
    def fine(request: Any) -> str:
        return "ok"

    response = refusing(None)
    assert response.status_code == 422
    assert json.loads(response.content) == {
        "error": "invalid",
        "message": "body is empty",
        "field": "body",
    }
    assert fine(None) == "ok"
    assert refusing.__name__ == "refusing"


def test_the_decorator_leaves_other_exceptions_alone() -> None:
    @json_errors
    def broken(request: Any) -> Any:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        broken(None)


# ---------------------------------------------------------------- template filters


def test_the_template_filters_print_only_sanitized_html() -> None:
    from django.template import engines

    template = engines["django"].from_string(
        "{% load socialcrm %}{{ body|render_markdown }}|{{ body|render_plain }}|{{ body }}"
    )
    body = "**hi** <script>alert(1)</script>\n[x](javascript:alert(2))"
    markdown, plain, raw = template.render({"body": body}).split("|")
    assert "<strong>hi</strong>" in markdown
    assert "<script" not in markdown and 'href="javascript' not in markdown
    assert plain.startswith("<p>**hi** &lt;script&gt;") and "<br>" in plain
    assert "<script" not in raw  # without a filter, Django escapes as usual


# ---------------------------------------------------------------- management commands


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_socialcrm_migrate_creates_the_tables_in_an_empty_database(empty_site: Path) -> None:
    with pytest.raises(CommandError, match="not at head"):
        run("socialcrm_migrate", "--check")
    assert f"upgraded from none to {head()}" in run("socialcrm_migrate")
    assert "already at" in run("socialcrm_migrate")
    assert run("socialcrm_migrate", "--check").strip() == f"{head()} (head is {head()})"
    get_community().members.join(external_id="1", display_name="Ada")


def test_socialcrm_migrate_reports_a_bad_setting(empty_site: Path) -> None:
    with override_settings(SOCIALCRM={"DATABASE": "nowhere"}):
        with pytest.raises(CommandError, match="not in DATABASES"):
            run("socialcrm_migrate")


def test_djangos_migrate_can_leave_socialcrm_alone(empty_site: Path) -> None:
    with override_settings(SOCIALCRM={**BASE, "MIGRATE_WITH_DJANGO": False}):
        call_command("migrate", verbosity=0)
        with pytest.raises(CommandError, match="not at head"):
            run("socialcrm_migrate", "--check")
    call_command("migrate", verbosity=0)
    assert run("socialcrm_migrate", "--check").startswith(head())


@pytest.fixture
def clocked(site: Path) -> Iterator[tuple[Community, ManualClock]]:
    clock = ManualClock()
    with override_settings(SOCIALCRM={**BASE, "CLOCK": clock}):
        yield get_community(), clock


def test_the_expire_sanctions_job(clocked: tuple[Community, ManualClock]) -> None:
    community, clock = clocked
    ada = community.members.join(external_id="1", display_name="Ada", roles=["moderator"])
    bob = community.members.join(external_id="2", display_name="Bob")
    community.moderation.silence(
        actor=ada.id, member=bob.id, reason="spam", duration=timedelta(hours=1)
    )
    assert run("socialcrm_jobs", "expire-sanctions").strip() == "sanctions expired: 0"
    clock.advance(timedelta(hours=2))
    assert run("socialcrm_jobs", "expire-sanctions").strip() == "sanctions expired: 1"
    assert community.moderation.in_force(actor=ada.id, member=bob.id) == []
    assert run("socialcrm_jobs", "expire-sanctions").strip() == "sanctions expired: 0"


def test_the_trust_review_and_serial_vote_jobs(clocked: tuple[Community, ManualClock]) -> None:
    community, _clock = clocked
    community.members.join(external_id="1", display_name="Ada")
    assert run("socialcrm_jobs", "trust-review").strip() == (
        "trust review: 1 members checked, 0 promoted, 0 demoted"
    )
    assert run("socialcrm_jobs", "reverse-serial-votes").strip() == "serial votes reversed: 0"


PUBLISHED: list[Any] = []


def publish(message: Any) -> None:
    """The relay's publish callable, named by ``--publish test_django_app.publish``."""
    PUBLISHED.append(message)


def test_the_relay_job_publishes_every_pending_message_in_batches(site: Path) -> None:
    community = get_community()
    for number in range(5):
        community.members.join(external_id=str(number), display_name=f"Member {number}")
    pending = len(community.outbox.pending())
    assert pending >= 5
    PUBLISHED.clear()
    args = ("--publish", "test_django_app.publish", "--batch", "2")
    out = run("socialcrm_jobs", "relay-outbox", *args)
    assert out.strip() == f"outbox messages published: {pending}"
    assert len(PUBLISHED) == pending
    assert len({m.event_id for m in PUBLISHED}) == pending
    assert community.outbox.pending() == []


def test_the_relay_job_stops_after_max_batches(site: Path) -> None:
    community = get_community()
    for number in range(5):
        community.members.join(external_id=str(number), display_name=f"Member {number}")
    pending = len(community.outbox.pending())
    PUBLISHED.clear()
    args = ("--publish", "test_django_app.publish", "--batch", "2", "--max-batches", "1")
    assert run("socialcrm_jobs", "relay-outbox", *args).strip() == "outbox messages published: 2"
    assert len(community.outbox.pending()) == pending - 2


def fail_on_the_third(message: Any) -> None:
    """A publish callable whose third call fails (the CRM went away)."""
    PUBLISHED.append(message)
    if len(PUBLISHED) == 3:
        raise ConnectionError("CRM unreachable")


def test_a_failing_publish_fails_the_job_and_keeps_what_was_delivered(site: Path) -> None:
    community = get_community()
    for number in range(5):
        community.members.join(external_id=str(number), display_name=f"Member {number}")
    pending = len(community.outbox.pending())
    PUBLISHED.clear()
    args = ("--publish", "test_django_app.fail_on_the_third", "--batch", "2")
    with pytest.raises(CommandError, match="failed after 2 messages were published"):
        run("socialcrm_jobs", "relay-outbox", *args)
    # The first batch committed; the failed message and the rest are still pending.
    assert len(community.outbox.pending()) == pending - 2
    assert community.outbox.pending()[0].event_id == PUBLISHED[2].event_id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "needs --publish"),
        (("--publish", "test_django_app.nothing_here"), "--publish"),
        (("--publish", "test_django_app.publish", "--batch", "0"), "batch"),
        (("--publish", "test_django_app.publish", "--max-batches", "0"), "max-batches"),
    ],
)
def test_the_relay_job_refuses_bad_options(site: Path, args: tuple[str, ...], message: str) -> None:
    pending = len(get_community().outbox.pending())
    with pytest.raises(CommandError, match=message):
        run("socialcrm_jobs", "relay-outbox", *args)
    assert len(get_community().outbox.pending()) == pending


def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        run("socialcrm_jobs", "clean-everything")


# ---------------------------------------------------------------- transactions


class Refused(Exception):
    """Rolls a Django transaction back."""


def test_community_commands_commit_by_themselves_inside_djangos_atomic(site: Path) -> None:
    from django.db import transaction

    with pytest.raises(Refused), transaction.atomic():
        get_community().members.join(external_id="1", display_name="Kept")
        raise Refused
    # socialcrm writes on its own connection: Django's rollback does not undo them.
    assert [m.display_name for m in get_community().members.list()] == ["Kept"]


def test_on_commit_ties_a_community_command_to_the_hosts_commit(site: Path) -> None:
    from django.db import transaction

    def sign_up(username: str, *, fail: bool) -> None:
        with transaction.atomic():
            user = make_user(username)
            transaction.on_commit(
                lambda: get_community().members.join(
                    external_id=str(user.pk), display_name=username
                )
            )
            if fail:
                raise Refused

    sign_up("paid", fail=False)
    with pytest.raises(Refused):
        sign_up("declined", fail=True)
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["paid"]
    assert [m.display_name for m in get_community().members.list()] == ["paid"]

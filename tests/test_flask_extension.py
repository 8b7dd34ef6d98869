"""The Flask extension: configuration, the actor, errors as HTTP answers, the host's session."""

from __future__ import annotations

import gc
import sys
import types
from datetime import datetime, timezone
from pathlib import Path

import pytest

flask = pytest.importorskip("flask")
flask_login = pytest.importorskip("flask_login")
flask_sqlalchemy = pytest.importorskip("flask_sqlalchemy")

from flask import Blueprint, Flask, jsonify  # noqa: E402
from sqlalchemy import inspect as sa_inspect  # noqa: E402

from socialcrm import (  # noqa: E402
    Conflict,
    ContentRejected,
    NotFound,
    PermissionDenied,
    RateLimited,
    Settings,
    SocialCRMError,
    ValidationError,
    hookimpl,
    signals,
)
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage  # noqa: E402
from socialcrm.clock import ManualClock  # noqa: E402
from socialcrm.contrib.flask import (  # noqa: E402
    SocialCRM,
    current_actor,
    current_community,
    error_response,
    register_error_handlers,
    require_actor,
)
from socialcrm.errors import Sanctioned, StorageError  # noqa: E402


def make_app(tmp_path: Path, **config: object) -> Flask:
    app = Flask("host", instance_path=str(tmp_path / "instance"))
    app.config.update(TESTING=True, SECRET_KEY="test", **config)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:")


# ---------------------------------------------------------------- configuration


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    ext = SocialCRM(app)
    with app.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
    ext.close(app)
    assert (tmp_path / "instance" / "socialcrm.db").exists()


def test_table_prefix_comes_from_config(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prefixed.db'}"
    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL=url, SOCIALCRM_TABLE_PREFIX="forum_")
    ext = SocialCRM(app)
    community = app.extensions["socialcrm"].community
    tables = sa_inspect(community.storage.engine).get_table_names()
    ext.close(app)
    assert "forum_members" in tables
    assert not [t for t in tables if t.startswith("socialcrm_")]


class NoShouting:
    """Reject titles in capitals."""

    @hookimpl
    def socialcrm_check_content(self, field, text):
        if field == "title" and text.isupper():
            return ["no shouting"]
        return None


def test_plugins_are_objects_or_import_strings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("host_plugins")
    module.NoShouting = NoShouting  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "host_plugins", module)
    app.config["SOCIALCRM_PLUGINS"] = ["host_plugins:NoShouting"]
    ext = SocialCRM(app)
    community = ext.community_for(app)
    ada = community.members.join(external_id="1", display_name="Ada", roles=["staff"])
    community.spaces.create(actor=ada.id, slug="help", name="Help")
    with pytest.raises(ContentRejected):
        community.threads.start(
            actor=ada.id, space="help", kind="question", title="HELP ME WITH BILLING", body="please"
        )
    ext.close(app)


def test_settings_and_clock_come_from_config(app: Flask) -> None:
    moment = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    app.config["SOCIALCRM_SETTINGS"] = Settings(reputation_start=7)
    app.config["SOCIALCRM_CLOCK"] = ManualClock(moment)
    ext = SocialCRM(app)
    member = ext.community_for(app).members.join(external_id="1", display_name="Ada")
    ext.close(app)
    assert member.reputation == 7
    assert member.joined_at == moment


def test_options_win_over_config(app: Flask) -> None:
    app.config["SOCIALCRM_SETTINGS"] = Settings(reputation_start=7)
    ext = SocialCRM(app, settings=Settings(reputation_start=3))
    member = ext.community_for(app).members.join(external_id="1", display_name="Ada")
    ext.close(app)
    assert member.reputation == 3


def test_settings_of_the_wrong_type_are_refused(app: Flask) -> None:
    app.config["SOCIALCRM_SETTINGS"] = {"reputation_start": 7}
    with pytest.raises(ValidationError):
        SocialCRM(app)


def test_unknown_options_are_refused() -> None:
    with pytest.raises(TypeError, match="databse_url"):
        SocialCRM(databse_url="sqlite://")


def test_init_app_serves_several_apps_from_one_extension(tmp_path: Path) -> None:
    ext = SocialCRM()
    first = make_app(tmp_path / "a", SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    second = make_app(tmp_path / "b", SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    ext.init_app(first)
    ext.init_app(second)
    with first.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
        assert ext.community is current_community._get_current_object()  # type: ignore[attr-defined]
    with second.app_context():
        assert current_community.members.list() == []
    ext.close(first)
    ext.close(second)


def test_current_community_outside_an_app_needs_the_extension(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        current_community.members.list()


# ---------------------------------------------------------------- lifetime


def test_the_community_lives_across_requests_and_closes_with_the_app(app: Flask) -> None:
    ext = SocialCRM(app)
    seen = []

    @app.get("/")
    def index():
        seen.append(current_community._get_current_object())  # type: ignore[attr-defined]
        return "ok"

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert seen[0] is seen[1]
    closed = []
    seen[0].storage.close = lambda: closed.append(True)
    ext.close(app)
    ext.close(app)  # idempotent
    assert closed == [True]
    with pytest.raises(RuntimeError, match="closed"):
        ext.community_for(app)


def test_an_app_that_is_garbage_collected_closes_its_community(tmp_path: Path) -> None:
    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    SocialCRM(app)
    community = app.extensions["socialcrm"].community
    closed = []
    community.storage.close = lambda: closed.append(True)
    del app
    gc.collect()
    assert closed == [True]


# ---------------------------------------------------------------- the actor


class User(flask_login.UserMixin):
    def __init__(self, user_id: str, name: str) -> None:
        self.id = user_id
        self.name = name


USERS = {"7": User("7", "Grace"), "8": User("8", "Linus")}


def login_app(app: Flask) -> Flask:
    manager = flask_login.LoginManager(app)
    manager.user_loader(USERS.get)

    @app.post("/login/<user_id>")
    def login(user_id: str):
        flask_login.login_user(USERS[user_id])
        return "ok"

    @app.get("/me")
    def me():
        return jsonify(actor=current_actor())

    return app


def test_flask_login_user_is_the_member_with_their_id_as_external_id(app: Flask) -> None:
    ext = SocialCRM(login_app(app))
    grace = ext.community_for(app).members.join(external_id="7", display_name="Grace")
    client = app.test_client()
    assert client.get("/me").json == {"actor": None}  # anonymous
    client.post("/login/7")
    assert client.get("/me").json == {"actor": grace.id}
    client.post("/login/8")  # signed in, but not a member
    assert client.get("/me").json == {"actor": None}
    ext.close(app)


def test_current_member_is_the_signed_in_users_member_not_the_member_with_their_id(
    app: Flask,
) -> None:
    from socialcrm.contrib.flask import current_member

    ext = SocialCRM(login_app(app))
    community = ext.community_for(app)
    for n in range(8):  # members 1..8 exist; member 7 is someone else
        community.members.join(external_id=f"other-{n}", display_name=f"Other {n}")
    grace = community.members.join(external_id="7", display_name="Grace")

    @app.get("/whoami")
    def whoami():
        member = current_member()
        return jsonify(name=None if member is None else member.display_name)

    client = app.test_client()
    assert client.get("/whoami").json == {"name": None}
    client.post("/login/7")
    assert grace.id != 7 and client.get("/whoami").json == {"name": "Grace"}
    ext.close(app)


def test_a_raw_actor_that_is_the_signed_in_users_id_is_refused_naming_the_fix(
    app: Flask,
) -> None:
    from socialcrm.contrib.flask import current_member, require_member

    app.config["SOCIALCRM_SETTINGS"] = Settings.for_testing()
    ext = SocialCRM(login_app(app))
    community = ext.community_for(app)
    for n in range(8):  # members 1..8 exist; member 7 is someone else
        community.members.join(external_id=f"other-{n}", display_name=f"Other {n}")
    grace = community.members.join(external_id="7", display_name="Grace")
    community.spaces.create(
        actor=community.members.join(external_id="admin", display_name="Admin", roles=["admin"]).id,
        slug="help",
        name="Help",
    )

    @app.post("/ask/<how>")
    def ask(how: str):
        from flask_login import current_user

        actor = {
            "user-id": int(current_user.get_id()),  # the mistake
            "record": require_member(),
            "member-id": require_actor(),
        }[how]
        thread = current_community.threads.start(
            actor=actor, space="help", kind="question", title="How do I pay?", body="?"
        )
        return jsonify(author=thread.author_id)

    @app.get("/member-seven")
    def member_seven():
        # Acting as the member whose id happens to be the user's: pass its record.
        other = current_community.members.get(7)
        space = current_community.spaces.get(actor=other, space="help")
        return jsonify(space=space.slug, me=current_member().id)

    client = app.test_client()
    client.post("/login/7")
    with pytest.raises(PermissionDenied) as refused:
        client.post("/ask/user-id")
    assert refused.value.code == "actor_is_user_id"
    assert "current_member()" in str(refused.value)
    assert client.post("/ask/record").json == {"author": grace.id}
    assert client.post("/ask/member-id").json == {"author": grace.id}
    assert client.get("/member-seven").json == {"space": "help", "me": grace.id}
    # Outside a request, raw ids are the host's business.
    with app.app_context():
        assert current_community.spaces.get(actor=7, space="help").slug == "help"
    # A signed-in user who is no member: nothing to compare with, nothing refused.
    client.post("/login/8")
    with app.test_request_context():
        assert current_community.spaces.get(actor=8, space="help").slug == "help"
    ext.close(app)


def test_with_a_custom_actor_loader_raw_ids_are_not_second_guessed(tmp_path: Path) -> None:
    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    ext = SocialCRM(login_app(app), actor_loader=lambda: 7)  # its own mapping
    community = ext.community_for(app)
    for n in range(8):
        community.members.join(external_id=f"other-{n}", display_name=f"Other {n}")
    # Member 9 has external id "7": the default loader would make it user 7's member.
    community.members.join(external_id="7", display_name="Not how this host maps users")
    community.spaces.create(
        actor=community.members.join(external_id="a", display_name="A", roles=["admin"]),
        slug="help",
        name="Help",
    )

    @app.get("/look")
    def look():
        return jsonify(slug=current_community.spaces.get(actor=current_actor(), space="help").slug)

    client = app.test_client()
    client.post("/login/7")
    assert client.get("/look").json == {"slug": "help"}
    ext.close(app)


def test_join_on_first_use_makes_the_signed_in_user_a_member(app: Flask) -> None:
    app.config["SOCIALCRM_JOIN_ON_FIRST_USE"] = True
    ext = SocialCRM(login_app(app))
    client = app.test_client()
    client.post("/login/8")
    actor = client.get("/me").json["actor"]
    assert client.get("/me").json["actor"] == actor
    member = ext.community_for(app).members.get(actor)
    assert (member.external_id, member.display_name, member.roles) == (
        "8",
        "Linus",
        frozenset({"member"}),
    )
    ext.close(app)


def test_member_profile_shapes_the_join(app: Flask) -> None:
    app.config["SOCIALCRM_JOIN_ON_FIRST_USE"] = True
    ext = SocialCRM(
        login_app(app), member_profile=lambda user: {"display_name": user.name, "company": "Acme"}
    )
    client = app.test_client()
    client.post("/login/7")
    actor = client.get("/me").json["actor"]
    assert ext.community_for(app).members.get(actor).profile.company == "Acme"
    ext.close(app)


def test_without_flask_login_set_up_everyone_is_anonymous(app: Flask) -> None:
    ext = SocialCRM(app)

    @app.get("/me")
    def me():
        return jsonify(actor=current_actor())

    assert app.test_client().get("/me").json == {"actor": None}
    ext.close(app)


def test_a_custom_actor_loader_is_called_once_per_request(app: Flask) -> None:
    calls = []

    def from_header() -> int | None:
        calls.append(1)
        value = flask.request.headers.get("X-Member")
        return int(value) if value else None

    ext = SocialCRM(app, actor_loader=from_header)

    @app.get("/me")
    def me():
        return jsonify(actor=current_actor(), again=current_actor())

    client = app.test_client()
    assert client.get("/me", headers={"X-Member": "5"}).json == {"actor": 5, "again": 5}
    assert client.get("/me").json == {"actor": None, "again": None}
    assert len(calls) == 2
    ext.close(app)


# ---------------------------------------------------------------- errors


ERRORS = {
    "not-found": (NotFound("no thread 9", code="thread_not_found"), 404),
    "denied": (PermissionDenied("needs vote_up", privilege="vote_up", required_reputation=15), 403),
    "sanctioned": (
        Sanctioned("you are silenced", kind="silence", until=None, reason="spam", sanction_id=1),
        403,
    ),
    "invalid": (ValidationError("title is empty", field="title"), 422),
    "rejected": (ContentRejected(["no shouting"]), 422),
    "conflict": (Conflict("already accepted", code="already_accepted"), 409),
    "limited": (RateLimited("slow down", retry_after=2.2), 429),
    "storage": (StorageError("database is down"), 503),
    "other": (SocialCRMError("odd", code="odd"), 400),
}


@pytest.fixture
def json_app(app: Flask) -> Flask:
    SocialCRM(app, register_error_handlers=True)

    @app.get("/raise/<name>")
    def raise_error(name: str):
        raise ERRORS[name][0]

    @app.get("/whoami")
    def whoami():
        return jsonify(actor=require_actor())

    return app


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_become_json_answers_with_their_status(json_app: Flask, name: str) -> None:
    error, status = ERRORS[name]
    response = json_app.test_client().get(f"/raise/{name}")
    assert response.status_code == status
    assert response.json["error"] == error.code
    assert response.json["message"] == error.message


def test_error_bodies_carry_the_details(json_app: Flask) -> None:
    client = json_app.test_client()
    assert client.get("/raise/denied").json == {
        "error": "permission_denied",
        "message": "needs vote_up",
        "privilege": "vote_up",
        "required_reputation": 15,
    }
    assert client.get("/raise/invalid").json["field"] == "title"
    assert client.get("/raise/rejected").json["reasons"] == ["no shouting"]
    sanctioned = client.get("/raise/sanctioned").json
    assert (sanctioned["error"], sanctioned["until"]) == ("silenced", None)


def test_rate_limited_answers_carry_retry_after_rounded_up(json_app: Flask) -> None:
    response = json_app.test_client().get("/raise/limited")
    assert response.headers["Retry-After"] == "3"
    assert response.json["retry_after"] == 2.2


def test_any_error_with_retry_after_is_answered_429() -> None:
    class Throttled(SocialCRMError):
        code = "throttled"

    error = Throttled("later")
    error.retry_after = 0.2  # type: ignore[attr-defined]
    app = Flask("bare")
    with app.app_context():
        response = error_response(error)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")


def test_require_actor_answers_401_when_nobody_is_signed_in(json_app: Flask) -> None:
    response = json_app.test_client().get("/whoami")
    assert (response.status_code, response.json["error"]) == (401, "not_signed_in")


def test_require_actor_answers_403_not_a_member_to_a_signed_in_stranger(app: Flask) -> None:
    SocialCRM(login_app(app), register_error_handlers=True)

    @app.get("/whoami")
    def whoami():
        return jsonify(actor=require_actor())

    client = app.test_client()
    assert client.get("/whoami").json["error"] == "not_signed_in"
    client.post("/login/8")  # signed in, not a member, no joining on first use
    response = client.get("/whoami")
    assert (response.status_code, response.json["error"]) == (403, "not_a_member")
    app.extensions["socialcrm"].close()


def test_error_handlers_are_opt_in_so_html_views_keep_their_own(app: Flask) -> None:
    SocialCRM(app)

    @app.errorhandler(NotFound)
    def html_not_found(error):
        return "<h1>Nothing here</h1>", 404

    @app.get("/raise")
    def raise_error():
        raise NotFound("gone")

    @app.get("/conflict")
    def conflict():
        raise Conflict("clash")

    app.config["TESTING"] = False  # let unhandled errors become 500 pages
    client = app.test_client()
    response = client.get("/raise")
    assert (response.status_code, response.text) == (404, "<h1>Nothing here</h1>")
    assert client.get("/conflict").status_code == 500


def test_error_handlers_can_cover_one_blueprint_of_json_views(app: Flask) -> None:
    SocialCRM(app)
    api = Blueprint("api", __name__, url_prefix="/api")
    register_error_handlers(api)

    @api.get("/thread")
    def api_thread():
        raise NotFound("no thread")

    app.register_blueprint(api)
    app.config["TESTING"] = False

    @app.get("/thread")
    def html_thread():
        raise NotFound("no thread")

    client = app.test_client()
    assert client.get("/api/thread").status_code == 404
    assert client.get("/api/thread").json["error"] == "not_found"
    assert client.get("/thread").status_code == 500


# ---------------------------------------------------------------- the host's session


@pytest.fixture
def host(tmp_path: Path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}")
    db = flask_sqlalchemy.SQLAlchemy(app)

    class Order(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        item = db.Column(db.String(50), nullable=False)

    with app.app_context():
        db.create_all()
    ext = SocialCRM(app, db=db)
    yield types.SimpleNamespace(app=app, db=db, Order=Order, ext=ext)
    ext.close(app)
    with app.app_context():
        db.engine.dispose()


def counts(host) -> tuple[int, int]:
    with host.app.app_context():
        orders = host.db.session.query(host.Order).count()
        members = len(current_community.members.list())
    return orders, members


def test_a_host_row_and_a_community_write_commit_together(host) -> None:
    with host.app.app_context():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="1", display_name="Ada")
        host.db.session.commit()
    assert counts(host) == (1, 1)


def test_a_host_row_and_a_community_write_roll_back_together(host) -> None:
    with host.app.app_context():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="1", display_name="Ada")
        host.db.session.rollback()
    assert counts(host) == (0, 0)


def test_a_request_that_succeeds_commits_its_community_writes(host) -> None:
    @host.app.post("/join")
    def join():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="1", display_name="Ada")
        return "joined, the view never commits"

    assert host.app.test_client().post("/join").status_code == 200
    assert counts(host) == (1, 1)


@pytest.mark.parametrize("status", [400, 404, 422, 500])
def test_a_request_that_answers_an_error_rolls_its_writes_back(host, status: int) -> None:
    @host.app.post("/join")
    def join():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="1", display_name="Ada")
        return "refused", status

    assert host.app.test_client().post("/join").status_code == status
    assert counts(host) == (0, 0)


def test_a_request_marked_failed_rolls_back_even_with_a_redirect(host) -> None:
    from socialcrm.contrib.flask import mark_request_failed

    @host.app.post("/join")
    def join():
        current_community.members.join(external_id="1", display_name="Ada")
        mark_request_failed()
        return flask.redirect("/")

    assert host.app.test_client().post("/join").status_code == 302
    assert counts(host) == (0, 0)


def test_an_app_context_without_error_commits_and_one_with_an_error_rolls_back(host) -> None:
    with host.app.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
    with pytest.raises(RuntimeError), host.app.app_context():
        current_community.members.join(external_id="2", display_name="Bob")
        raise RuntimeError("the script failed")
    assert counts(host) == (0, 1)


def test_with_commit_requests_off_dropped_writes_warn(host) -> None:
    from socialcrm.contrib.flask import UncommittedWritesWarning

    host.app.extensions["socialcrm"].options["commit_requests"] = False

    @host.app.post("/join")
    def join():
        current_community.members.join(external_id="1", display_name="Ada")
        return "joined, never committed"

    with pytest.warns(UncommittedWritesWarning, match="SOCIALCRM_COMMIT_REQUESTS"):
        assert host.app.test_client().post("/join").status_code == 200
    assert counts(host) == (0, 0)


def test_a_commit_that_fails_is_a_500_not_a_redirect(host) -> None:
    @host.app.post("/order")
    def order():
        host.db.session.add(host.Order(item=None))  # NOT NULL: the commit fails
        current_community.members.join(external_id="1", display_name="Ada")
        return flask.redirect("/")

    host.app.config["TESTING"] = False
    assert host.app.test_client().post("/order").status_code == 500
    assert counts(host) == (0, 0)


def test_a_rejected_command_keeps_the_host_rows(host) -> None:
    with host.app.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
        host.db.session.add(host.Order(item="invoice pack"))
        with pytest.raises(Conflict):
            current_community.members.join(external_id="1", display_name="Ada again")
        host.db.session.commit()
    assert counts(host) == (1, 1)


def test_signals_wait_for_the_host_commit(host) -> None:
    heard = []
    community = host.ext.community_for(host.app)

    def receiver(sender, event):
        heard.append(event.display_name)

    signals.member_joined.connect(receiver, sender=community)
    try:
        with host.app.app_context():
            current_community.members.join(external_id="1", display_name="Ada")
            assert heard == []
            host.db.session.commit()
            assert heard == ["Ada"]
            current_community.members.join(external_id="2", display_name="Bob")
            host.db.session.rollback()
        assert heard == ["Ada"]
    finally:
        signals.member_joined.disconnect(receiver, sender=community)


def test_requests_commit_through_the_host_session(host) -> None:
    @host.app.post("/order")
    def order():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="1", display_name="Ada")
        host.db.session.commit()
        return "ok"

    @host.app.post("/failing-order")
    def failing_order():
        host.db.session.add(host.Order(item="invoice pack"))
        current_community.members.join(external_id="2", display_name="Bob")
        raise RuntimeError("payment failed")

    client = host.app.test_client()
    assert client.post("/order").status_code == 200
    host.app.config["TESTING"] = False
    assert client.post("/failing-order").status_code == 500
    assert counts(host) == (1, 1)


def test_outside_an_app_context_commands_commit_on_their_own(host) -> None:
    community = host.ext.community_for(host.app)
    community.members.join(external_id="1", display_name="Ada")
    assert counts(host) == (0, 1)


def test_share_session_config_finds_flask_sqlalchemy(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}",
        SOCIALCRM_SHARE_SESSION=True,
    )
    db = flask_sqlalchemy.SQLAlchemy(app)
    ext = SocialCRM(app)
    assert app.extensions["socialcrm"].share_session
    with app.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
        db.session.commit()
    with app.app_context():
        assert [m.display_name for m in current_community.members.list()] == ["Ada"]
    ext.close(app)
    with app.app_context():
        db.engine.dispose()


def test_share_session_without_flask_sqlalchemy_is_refused(app: Flask) -> None:
    app.config["SOCIALCRM_SHARE_SESSION"] = True
    with pytest.raises(ValidationError, match="Flask-SQLAlchemy"):
        SocialCRM(app)


def test_a_joined_storage_must_be_on_the_same_engine(tmp_path: Path) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    storage = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'a.db'}")
    other = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    with Session(other) as session, pytest.raises(StorageError, match="engine"):
        storage.joined(session)
    storage.close()
    other.dispose()


def test_a_session_replaced_mid_request_is_joined_afresh(host) -> None:
    with host.app.app_context():
        current_community.members.join(external_id="1", display_name="Ada")
        host.db.session.remove()  # drops Ada: never committed
        current_community.members.join(external_id="2", display_name="Bob")
        host.db.session.commit()
    assert counts(host) == (0, 1)


# ---------------------------------------------------------------- unknown settings


def test_a_mistyped_setting_warns_and_names_the_right_one(tmp_path: Path) -> None:
    from socialcrm.contrib.flask import UnknownSettingWarning

    app = make_app(tmp_path, SOCIALCRM_DATABASE_URI="sqlite:///:memory:")
    with pytest.warns(UnknownSettingWarning, match="did you mean SOCIALCRM_DATABASE_URL"):
        ext = SocialCRM(app)
    ext.close(app)


def test_the_warning_points_at_the_hosts_line_and_guesses_only_close_names(
    tmp_path: Path,
) -> None:
    from socialcrm.contrib.flask import UnknownSettingWarning

    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:", SOCIALCRM_XYZ=1)
    with pytest.warns(UnknownSettingWarning) as caught:
        ext = SocialCRM(app)
    ext.close(app)
    [warning] = caught.list
    assert warning.filename == __file__
    assert "SOCIALCRM_XYZ is ignored" in str(warning.message)
    assert "did you mean" not in str(warning.message)


def test_a_setting_mistyped_after_init_app_warns_at_the_first_request(tmp_path: Path) -> None:
    from socialcrm.contrib.flask import UnknownSettingWarning

    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    ext = SocialCRM(app)
    app.config["SOCIALCRM_JOIN_ON_FIRST_US"] = True

    @app.get("/")
    def home():
        return "home"

    with pytest.warns(UnknownSettingWarning, match="did you mean SOCIALCRM_JOIN_ON_FIRST_USE"):
        assert app.test_client().get("/").status_code == 200
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert app.test_client().get("/").status_code == 200  # warned once, not per request
    ext.close(app)


def test_a_database_url_beside_a_shared_session_warns_that_it_is_ignored(
    tmp_path: Path,
) -> None:
    from socialcrm.contrib.flask import UnknownSettingWarning

    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}",
        SOCIALCRM_DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}",
    )
    db = flask_sqlalchemy.SQLAlchemy(app)
    with pytest.warns(UnknownSettingWarning, match="SOCIALCRM_DATABASE_URL is ignored"):
        ext = SocialCRM(app, db=db)
    assert not (tmp_path / "other.db").exists()
    ext.close(app)


def test_every_known_setting_is_accepted_without_a_warning(tmp_path: Path) -> None:
    import warnings

    from socialcrm.contrib.flask import CONFIG_KEYS

    app = make_app(tmp_path, SOCIALCRM_DATABASE_URL="sqlite:///:memory:")
    for _name, (key, default) in CONFIG_KEYS.items():
        app.config.setdefault(key, default)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ext = SocialCRM(app)
    ext.close(app)


# ---------------------------------------------------------------- HTML error pages


HTML_ERRORS: dict[str, SocialCRMError] = {
    "NotFound": NotFound("no thread 9"),
    "not_signed_in": PermissionDenied("sign in to do this", code="not_signed_in"),
    "ValidationError": ValidationError("title is empty", field="title"),
    "Conflict": Conflict("already accepted"),
    "RateLimited": RateLimited("slow down", retry_after=2.2),
    "PermissionDenied": PermissionDenied("needs vote_up", privilege="vote_up"),
    "StorageError": StorageError("database is down"),
    "actor_is_user_id": PermissionDenied("actor=7 is the user's id", code="actor_is_user_id"),
}


@pytest.fixture
def html_app(app: Flask) -> Flask:
    from socialcrm.contrib.flask import register_html_error_handlers

    login_manager = flask_login.LoginManager(app)
    login_manager.user_loader(lambda user_id: User(user_id, f"user {user_id}"))
    login_manager.login_view = "login"
    register_html_error_handlers(app)
    SocialCRM(app, join_on_first_use=True)

    @app.get("/login")
    def login():
        return "login page"

    @app.post("/login/<user_id>")
    def sign_in(user_id):
        flask_login.login_user(User(user_id, f"user {user_id}"))
        return "ok"

    @app.route("/raise/<name>", methods=["GET", "POST"])
    def raise_error(name):
        raise HTML_ERRORS[name]

    @app.post("/act")
    def act():
        require_actor()
        return "done"

    return app


def test_html_not_found_is_the_apps_404(html_app: Flask) -> None:
    @html_app.errorhandler(404)
    def not_found(error):
        return "our own 404 page", 404

    response = html_app.test_client().get("/raise/NotFound")
    assert (response.status_code, response.text) == (404, "our own 404 page")


def test_html_not_signed_in_redirects_to_the_login_view(html_app: Flask) -> None:
    client = html_app.test_client()
    response = client.post("/act", headers={"Referer": "http://localhost/questions/3"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "questions/3" in response.headers["Location"]
    got = client.get("/raise/not_signed_in?x=1")
    assert got.status_code == 302 and "raise/not_signed_in" in got.headers["Location"]


def test_html_refusal_of_a_form_flashes_and_goes_back(html_app: Flask) -> None:
    client = html_app.test_client()
    response = client.post("/raise/ValidationError", headers={"Referer": "/questions/3"})
    assert (response.status_code, response.headers["Location"]) == (303, "/questions/3")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", HTML_ERRORS["ValidationError"].message)]


def test_html_refusal_with_a_foreign_referer_is_an_error_page(html_app: Flask) -> None:
    client = html_app.test_client()
    response = client.post("/raise/Conflict", headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 409
    assert HTML_ERRORS["Conflict"].message in response.text
    limited = client.get("/raise/RateLimited")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"


def test_html_permission_denied_without_referer_is_the_apps_403(html_app: Flask) -> None:
    response = html_app.test_client().post("/raise/PermissionDenied")
    assert response.status_code == 403


def test_html_storage_errors_stay_500s(html_app: Flask) -> None:
    html_app.config["TESTING"] = False
    response = html_app.test_client().get("/raise/StorageError")
    assert response.status_code == 500


def test_the_raw_actor_guard_is_a_500_for_the_developer_never_a_message_to_the_visitor(
    html_app: Flask,
) -> None:
    html_app.config["TESTING"] = False
    client = html_app.test_client()
    same_site = {"Referer": "http://localhost/page"}
    for response in (
        client.get("/raise/actor_is_user_id"),
        client.post("/raise/actor_is_user_id", headers=same_site),
    ):
        assert response.status_code == 500
        assert b"user's id" not in response.data
    with client.session_transaction() as session:
        assert "_flashes" not in session


def test_a_blueprint_json_handler_wins_over_the_html_one(html_app: Flask) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    register_error_handlers(api)

    @api.get("/thing")
    def thing():
        raise NotFound("no thing")

    html_app.register_blueprint(api)
    response = html_app.test_client().get("/api/thing")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_every_socialcrm_error_type_gets_an_html_answer_not_a_500(html_app: Flask) -> None:
    import socialcrm.errors as errors_module

    error_types = [
        value
        for value in vars(errors_module).values()
        if isinstance(value, type)
        and issubclass(value, SocialCRMError)
        and not issubclass(value, StorageError)
    ]
    client = html_app.test_client()
    for error_type in error_types:
        name = f"any-{error_type.__name__}"
        try:
            HTML_ERRORS[name] = error_type("refused")
        except TypeError:
            continue  # needs more arguments: covered by ERRORS' own instances
        for method in (client.get, client.post):
            status = method(f"/raise/{name}", headers={"Referer": "/back"}).status_code
            assert status != 500, (error_type.__name__, method)

"""A fresh Flask site that shares its database with socialcrm, built as docs/flask.md says.

Writes made by views that never call ``db.session.commit()`` persist; a view that
fails rolls back; ``flask db migrate`` (Flask-Migrate) and a plain Alembic
autogenerate see no operation on socialcrm's tables once the filters are set.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import pytest

flask = pytest.importorskip("flask")
pytest.importorskip("flask_login")
flask_sqlalchemy = pytest.importorskip("flask_sqlalchemy")
flask_migrate = pytest.importorskip("flask_migrate")

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from flask import Flask, redirect, request, url_for  # noqa: E402
from flask_login import LoginManager, UserMixin, login_user  # noqa: E402

from socialcrm import HeldSubmission, Settings  # noqa: E402
from socialcrm.adapters.sqlalchemy import autogenerate_filters  # noqa: E402
from socialcrm.contrib.flask import (  # noqa: E402
    SocialCRM,
    current_community,
    register_html_error_handlers,
    require_actor,
)

# Flask-Migrate's own env.py template calls Flask-SQLAlchemy's deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


class User(UserMixin):
    def __init__(self, user_id: str, name: str) -> None:
        self.id = user_id
        self.name = name


USERS = {"1": User("1", "Ada"), "42": User("42", "Alice"), "43": User("43", "Bob")}


def make_site(tmp_path: Path, *, html_errors: bool = True):
    """The guide's site: its own users and login, Flask-SQLAlchemy, socialcrm sharing db.session."""
    app = Flask("site", instance_path=str(tmp_path / "instance"))
    app.config.update(
        SECRET_KEY="test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'site.db'}",
        SOCIALCRM_JOIN_ON_FIRST_USE=True,
        SOCIALCRM_SETTINGS=Settings.for_testing(),
    )
    login_manager = LoginManager(app)
    login_manager.user_loader(USERS.get)
    db = flask_sqlalchemy.SQLAlchemy(app)

    class Order(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        item = db.Column(db.String(80), nullable=False)

    with app.app_context():
        db.create_all()
    socialcrm = SocialCRM(app, db=db)
    if html_errors:
        register_html_error_handlers(app)

    @app.post("/login/<user_id>")
    def login(user_id):
        login_user(USERS[user_id])
        return "signed in"

    @app.get("/questions/<int:thread_id>")
    def question(thread_id):
        thread = current_community.threads.get(actor=None, thread=thread_id)
        posts = current_community.posts.list(actor=None, thread=thread_id)
        return {"title": thread.title, "posts": [p.body for p in posts]}

    @app.post("/questions")
    def ask():
        result = current_community.threads.start(
            actor=require_actor(),
            space=request.form["space"],
            kind="question",
            title=request.form["title"],
            body=request.form["body"],
        )
        if isinstance(result, HeldSubmission):
            return "held for review", 202
        return redirect(url_for("question", thread_id=result.id))

    @app.post("/questions/<int:thread_id>/answers")
    def answer(thread_id):
        db.session.add(Order(item="answered"))
        current_community.posts.reply(
            actor=require_actor(), thread=thread_id, body=request.form["body"]
        )
        return redirect(url_for("question", thread_id=thread_id))

    with app.app_context():  # the guide's start-up block; committed when the context ends
        ada = current_community.members.join(external_id="1", display_name="Ada", roles=["staff"])
        current_community.spaces.create(actor=ada.id, slug="help", name="Help")
    return app, db, Order, socialcrm


@pytest.fixture
def site(tmp_path: Path):
    app, db, order, socialcrm = make_site(tmp_path)
    yield app, db, order
    socialcrm.close(app)
    with app.app_context():
        db.engine.dispose()


def test_views_that_never_commit_keep_their_writes_across_requests(site) -> None:
    app, db, order = site
    alice = app.test_client()
    alice.post("/login/42")
    response = alice.post(
        "/questions", data={"space": "help", "title": "Reset my password?", "body": "How?"}
    )
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    assert alice.get(thread_url).json == {"title": "Reset my password?", "posts": ["How?"]}

    bob = app.test_client()
    bob.post("/login/43")
    assert (
        bob.post(f"{thread_url}/answers", data={"body": "Ask for a new link."}).status_code == 302
    )
    assert alice.get(thread_url).json["posts"] == ["How?", "Ask for a new link."]
    with app.app_context():
        names = [m.display_name for m in current_community.members.list()]
        assert names == ["Ada", "Alice", "Bob"]
        assert db.session.query(order).count() == 1


def test_a_refused_command_rolls_back_the_whole_request(site) -> None:
    app, db, order = site
    bob = app.test_client()
    bob.post("/login/43")
    # The host's row is written first, then the reply is refused: nothing stays.
    response = bob.post(
        "/questions/999/answers", data={"body": "to nowhere"}, headers={"Referer": "/"}
    )
    assert response.status_code == 404
    empty = bob.post("/questions/1/answers", data={"body": ""}, headers={"Referer": "/"})
    assert empty.status_code == 303 and empty.headers["Location"] == "/"
    with app.app_context():
        assert db.session.query(order).count() == 0


def test_a_view_that_raises_rolls_back(site) -> None:
    app, db, order = site

    @app.post("/crash")
    def crash():
        db.session.add(order(item="lost"))
        current_community.members.join(external_id="9", display_name="Grace")
        raise RuntimeError("the view failed")

    assert app.test_client().post("/crash").status_code == 500
    with app.app_context():
        assert db.session.query(order).count() == 0
        assert [m.display_name for m in current_community.members.list()] == ["Ada"]


# ---------------------------------------------------------------- autogenerate


@contextmanager
def logging_kept() -> Iterator[None]:
    """Undo what Alembic's env.py does to logging (``fileConfig`` disables every logger)."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(lg, lg.disabled, lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    root = (logging.root.level, list(logging.root.handlers))
    try:
        yield
    finally:
        for logger, disabled, level, handlers, propagate in saved:
            logger.disabled, logger.level, logger.propagate = disabled, level, propagate
            logger.handlers[:] = handlers
        logging.root.setLevel(root[0])
        logging.root.handlers[:] = root[1]


def autogenerate(tmp_path: Path, **migrate_options) -> str:
    """Run ``flask db init`` and ``flask db migrate`` on the site; the revision's text."""
    app, db, _order, socialcrm = make_site(tmp_path)
    options = {name: value(socialcrm, app) for name, value in migrate_options.items()}

    class Invoice(db.Model):  # type: ignore[name-defined]  # new: not in the database yet
        id = db.Column(db.Integer, primary_key=True)

    flask_migrate.Migrate(app, db, **(options.get("filters") or {}))
    directory = str(tmp_path / "migrations")
    try:
        with app.app_context(), redirect_stdout(io.StringIO()), logging_kept():
            flask_migrate.init(directory=directory)
            flask_migrate.migrate(directory=directory, message="host")
    finally:
        socialcrm.close(app)
        with app.app_context():
            db.engine.dispose()
    [revision] = (tmp_path / "migrations" / "versions").glob("*.py")
    return revision.read_text()


def test_flask_migrate_without_the_filters_would_drop_socialcrm_tables(tmp_path: Path) -> None:
    revision = autogenerate(tmp_path)
    assert "op.drop_table('socialcrm_members')" in revision


def test_flask_migrate_with_the_filters_leaves_socialcrm_tables_alone(tmp_path: Path) -> None:
    revision = autogenerate(
        tmp_path, filters=lambda socialcrm, app: socialcrm.autogenerate_filters(app)
    )
    assert "op.create_table('invoice'" in revision  # the host's own change is still found
    assert "socialcrm" not in revision
    assert revision.count("op.drop_table(") == 1  # the downgrade of the new table only


def test_plain_alembic_autogenerate_sees_no_socialcrm_operation(tmp_path: Path) -> None:
    app, db, _order, socialcrm = make_site(tmp_path)
    try:
        with app.app_context(), db.engine.connect() as connection:
            bare = compare_metadata(MigrationContext.configure(connection), db.metadata)
            filtered = compare_metadata(
                MigrationContext.configure(connection, opts=autogenerate_filters()),
                db.metadata,
            )
    finally:
        socialcrm.close(app)
        with app.app_context():
            db.engine.dispose()
    assert any("socialcrm_" in str(diff) for diff in bare)  # the trap, without filters
    assert filtered == []


def test_the_host_filters_still_apply_to_its_own_tables() -> None:
    filters = autogenerate_filters(
        "crm_", include_name=lambda name, type_, parents: name != "legacy"
    )
    include_name = filters["include_name"]
    assert not include_name("crm_posts", "table", {})
    assert not include_name("ix_crm_posts_title", "index", {"table_name": "crm_posts"})
    assert not include_name("legacy", "table", {})
    assert include_name("orders", "table", {})

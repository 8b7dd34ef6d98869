"""The Flask example, through Flask's test client: seeding, no-JavaScript forms, safety."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("flask_login")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
try:
    from flask_support import create_app, socialcrm
finally:
    sys.path.remove(str(ROOT / "examples"))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, instance_path=str(tmp_path))
    yield app
    socialcrm.close(app)


def token(client) -> str:
    page = client.get("/login").text
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def sign_in(client, user: str) -> str:
    csrf = token(client)
    assert client.post("/login", data={"user": user, "csrf": csrf}).status_code == 302
    return csrf


def test_seeding_runs_once(tmp_path: Path, app) -> None:
    community = socialcrm.community_for(app)
    first = [m.display_name for m in community.members.list()]
    threads = community.threads.count(actor=None)
    socialcrm.close(app)
    again = create_app({"TESTING": True}, instance_path=str(tmp_path))
    community = socialcrm.community_for(again)
    assert [m.display_name for m in community.members.list()] == first
    assert community.threads.count(actor=None) == threads == 1
    socialcrm.close(again)


def test_the_seeded_thread_is_solved_and_carol_can_vote(app) -> None:
    community = socialcrm.community_for(app)
    carol = community.members.by_external_id("carol")
    assert carol.reputation == 26
    assert community.privileges.has(carol.id, "vote_up")


def test_pages_render_for_anonymous_visitors(app) -> None:
    client = app.test_client()
    for url in ("/", "/s/getting-started", "/t/1", "/leaderboard", "/m/1", "/login"):
        assert client.get(url).status_code == 200, url
    assert client.get("/t/999").status_code == 404
    assert client.get("/audit").status_code == 401


def test_asking_is_a_post_and_a_redirect(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "alice")
    response = client.post(
        "/s/billing/ask",
        data={"csrf": csrf, "title": "Can I pay by bank transfer?", "body": "We prefer it."},
    )
    assert response.status_code == 302
    assert re.fullmatch(r"/t/\d+", response.headers["Location"])


def test_forms_without_the_token_are_refused(app) -> None:
    client = app.test_client()
    sign_in(client, "alice")
    response = client.post("/s/billing/ask", data={"title": "A question without token"})
    assert response.status_code == 400


def test_post_bodies_are_sanitized(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "alice")
    body = 'Help <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    location = client.post(
        "/s/billing/ask",
        data={"csrf": csrf, "title": "Is this page safe to show?", "body": body},
    ).headers["Location"]
    page = client.get(location).text
    article = page[page.index("<article") :]
    assert "<script" not in article  # raw HTML is shown as text, not run
    assert "<img" not in article
    assert 'href="javascript' not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article


def test_refused_commands_come_back_as_a_message(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "alice")
    response = client.post(
        "/s/billing/ask",
        data={"csrf": csrf, "title": "short", "body": "x"},
        headers={"Referer": "http://localhost/s/billing"},
        follow_redirects=True,
    )
    assert response.request.path == "/s/billing"
    assert "title must be at least 10 characters" in response.text


def test_only_moderators_see_the_audit_log(app) -> None:
    client = app.test_client()
    sign_in(client, "alice")
    assert client.get("/audit").status_code == 403
    sign_in(client, "grace")
    assert client.get("/audit").status_code == 200


def test_silencing_is_in_the_audit_log(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "grace")
    dave = socialcrm.community_for(app).members.by_external_id("dave").id
    client.post(f"/m/{dave}/silence", data={"csrf": csrf, "reason": "spam", "days": "2"})
    assert "sanction imposed" in client.get("/audit").text
    assert "Silenced until" in client.get(f"/m/{dave}").text


def test_the_json_views_answer_errors_as_json(app) -> None:
    client = app.test_client()
    assert client.get("/api/threads/999").json["error"] == "thread_not_found"
    response = client.post("/api/posts/2/vote", json={"value": 1})
    assert (response.status_code, response.json["error"]) == (401, "not_signed_in")
    sign_in(client, "alice")  # 1 reputation: may not vote up yet
    response = client.post("/api/posts/2/vote", json={"value": 1})
    assert (response.status_code, response.json["privilege"]) == (403, "vote_up")

"""The Django example, through Django's test client: the whole flow, login, CSRF, safety."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("django")

from django_site import database_copy, setup_django  # noqa: E402

setup_django()

from django.test import Client  # noqa: E402
from django_support.seed import seed  # noqa: E402
from django_support.users import DEMO_PASSWORD  # noqa: E402

from socialcrm import Community  # noqa: E402
from socialcrm.contrib.django import get_community  # noqa: E402


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Community]:
    with database_copy(tmp_path):
        community = get_community()
        seed(community)
        yield community


def signed_in(user: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    response = client.post("/login/", {"username": user, "password": DEMO_PASSWORD})
    if csrf:
        assert response.status_code == 403  # even the login form needs its token
        token = csrf_token(client, "/login/")
        response = client.post(
            "/login/", {"username": user, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302, response.content
    return client


def csrf_token(client: Client, url: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).text)
    assert match, url
    return match.group(1)


def member(community: Community, username: str) -> int:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return community.members.by_external_id(str(user.pk)).id


def test_a_question_is_asked_answered_upvoted_and_accepted(site: Community) -> None:
    alice, bob, carol = signed_in("alice"), signed_in("bob"), signed_in("carol")
    asked = alice.post(
        "/s/billing/ask",
        {"title": "Can I pay by bank transfer?", "body": "We **prefer** it to cards."},
    )
    assert asked.status_code == 302
    thread_url = asked.headers["Location"]
    assert re.fullmatch(r"/t/\d+/", thread_url)
    thread_id = int(thread_url.strip("/").rsplit("/", 1)[1])

    answered = bob.post(f"{thread_url}answer", {"body": "Yes: ask billing for our IBAN."})
    assert answered.status_code == 302
    answer = site.posts.list(actor=None, thread=thread_id)[1]
    assert answer.author_id == member(site, "bob")

    # Carol has 26 reputation from the seeded answer: enough to vote up.
    assert carol.post(f"/p/{answer.id}/vote", {"value": "1"}).status_code == 302
    assert site.posts.get(actor=None, post=answer.id).score == 1

    page = alice.get(thread_url).text
    assert "Accept this answer" in page
    assert alice.post(f"/p/{answer.id}/accept").status_code == 302
    assert site.threads.get(actor=None, thread=thread_id).accepted_answer_id == answer.id

    bob_id = member(site, "bob")
    board = Client().get("/leaderboard/").text
    row = re.search(rf'<tr data-member="{bob_id}">(.*?)</tr>', board, re.S)
    assert row, board
    assert "Bob" in row.group(1)
    assert '<td class="score">26</td>' in row.group(1)  # 1 + 10 (upvote) + 15 (accepted)
    profile = Client().get(f"/m/{bob_id}/").text
    assert '<strong class="reputation">26</strong>' in profile
    assert "answer accepted" in profile and "+15" in profile


def test_every_page_renders_for_anonymous_visitors(site: Community) -> None:
    client = Client()
    for url in ("/", "/s/getting-started/", "/t/1/", "/leaderboard/", "/m/1/", "/login/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/t/999/").status_code == 404
    assert client.get("/s/nowhere/").status_code == 404


def test_writes_need_a_signed_in_user(site: Community) -> None:
    client = Client()
    threads = site.threads.count(actor=None)
    response = client.post("/s/billing/ask", {"title": "Anonymous question here", "body": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/?next=")
    assert client.post("/p/2/vote", {"value": "1"}).headers["Location"].startswith("/login/")
    assert site.threads.count(actor=None) == threads
    assert site.posts.get(actor=None, post=2).score == 1


def test_forms_without_the_csrf_token_are_refused(site: Community) -> None:
    client = signed_in("alice", csrf=True)
    threads = site.threads.count(actor=None)
    data = {"title": "A question without a token", "body": "Will it land?"}
    assert client.post("/s/billing/ask", data).status_code == 403
    assert site.threads.count(actor=None) == threads
    data["csrfmiddlewaretoken"] = csrf_token(client, "/s/billing/")
    assert client.post("/s/billing/ask", data).status_code == 302
    assert site.threads.count(actor=None) == threads + 1


def test_post_bodies_are_sanitized(site: Community) -> None:
    client = signed_in("alice")
    body = 'Help <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    location = client.post(
        "/s/billing/ask", {"title": "Is this page safe to show?", "body": body}
    ).headers["Location"]
    page = client.get(location).text
    article = page[page.index("<article") :]
    assert "<script" not in article
    assert "<img" not in article
    assert 'href="javascript' not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article


def test_a_refused_command_comes_back_as_a_message(site: Community) -> None:
    client = signed_in("alice")
    response = client.post(
        "/s/billing/ask",
        {"title": "short", "body": "x"},
        HTTP_REFERER="http://testserver/s/billing/",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "http://testserver/s/billing/"
    assert "title must be at least 10 characters" in response.text


def test_alice_may_not_vote_up_yet(site: Community) -> None:
    client = signed_in("alice")  # 1 reputation, 15 needed
    page = client.get("/t/1/").text
    assert "voting needs 15 reputation" in page
    response = client.post("/p/2/vote", {"value": "1"}, HTTP_REFERER="/t/1/", follow=True)
    assert response.redirect_chain[-1][0] == "/t/1/"
    assert 'role="alert">You need 15 reputation to vote up.<' in response.text
    assert "member " not in response.text  # no internal ids in what people read
    assert site.posts.get(actor=None, post=2).score == 1


def test_the_json_views_answer_errors_as_json(site: Community) -> None:
    client = Client()
    response = client.get("/api/threads/999")
    assert (response.status_code, response.json()["error"]) == (404, "thread_not_found")
    response = client.post("/api/posts/2/vote", {"value": 1}, content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (401, "not_signed_in")
    alice = signed_in("alice")
    response = alice.post("/api/posts/2/vote", {"value": 1}, content_type="application/json")
    assert (response.status_code, response.json()["privilege"]) == (403, "vote_up")
    carol = signed_in("carol")
    response = carol.post("/api/posts/1/vote", {"value": 7}, content_type="application/json")
    assert response.status_code == 422
    assert carol.get("/api/threads/1").json()["posts"][0]["score"] == 0


def test_seeding_twice_changes_nothing(site: Community) -> None:
    members = [m.display_name for m in site.members.list()]
    seed(site)
    assert [m.display_name for m in site.members.list()] == members
    assert site.threads.count(actor=None) == 1


def test_support_seed_says_when_the_demo_data_was_already_there(site: Community) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("support_seed", stdout=out)
    assert out.getvalue().startswith("Demo data already there;")


def test_the_secret_key_survives_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from django_support.settings import _secret_key

    monkeypatch.delenv("SUPPORT_SECRET_KEY", raising=False)
    database = tmp_path / "instance" / "support.db"
    first = _secret_key(database)
    assert len(first) == 64 and _secret_key(database) == first  # the second "restart"
    assert (database.parent / ".secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SUPPORT_SECRET_KEY", "from the environment")
    assert _secret_key(database) == "from the environment"


def test_signed_in_users_are_the_seeded_members(site: Community) -> None:
    client = signed_in("grace")
    page = client.get("/").text
    assert "Grace (moderator)" in page
    assert len(site.members.list()) == 6  # nobody joined twice


def test_the_example_starts_on_the_port_it_is_given(tmp_path: Path) -> None:
    """``make example-django`` runs ``python -m django_support``: migrate, seed, serve."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    examples = Path(__file__).resolve().parent.parent / "examples"
    env = {
        **os.environ,
        "PORT": str(port),
        "PYTHONPATH": str(examples),
        "SUPPORT_DATABASE": str(tmp_path / "support.db"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "django_support"],
        cwd=examples,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/leaderboard/") as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        assert "Carol" in page and '<td class="score">26</td>' in page  # seeded, solved
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "support.db").exists()

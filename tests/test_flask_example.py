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


# ---------------------------------------------------------------- flags and moderation


def member(app, user: str) -> int:
    return int(socialcrm.community_for(app).members.by_external_id(user).id)


def flash_after(client, url: str, data: dict[str, str], back: str = "/t/1") -> str:
    """POST a form from page ``back``; the text of the page it leads back to."""
    response = client.post(
        url, data=data, headers={"Referer": f"http://localhost{back}"}, follow_redirects=True
    )
    assert response.status_code == 200
    return str(response.text)


def give_reputation(app, user: str, points: int) -> None:
    community = socialcrm.community_for(app)
    with community.storage.unit_of_work() as uow:  # a test shortcut, as in docs/moderation.md
        uow.members.add_reputation(member(app, user), points)
        uow.commit()


def test_seeding_lets_carol_flag_and_the_stage_runs_once(tmp_path: Path, app) -> None:
    community = socialcrm.community_for(app)
    carol = community.members.by_external_id("carol")
    assert carol.trust_level == 1
    assert community.privileges.has(carol.id, "flag")
    changed_at = carol.trust_level_changed_at
    socialcrm.close(app)
    again = create_app({"TESTING": True}, instance_path=str(tmp_path))
    carol = socialcrm.community_for(again).members.by_external_id("carol")
    assert (carol.trust_level, carol.trust_level_changed_at) == (1, changed_at)
    socialcrm.close(again)


def test_the_flag_form_is_for_signed_in_members_on_others_posts(app) -> None:
    client = app.test_client()
    assert "Flag this post" not in client.get("/t/1").text
    sign_in(client, "carol")  # wrote the answer (post 2), not the question (post 1)
    page = client.get("/t/1").text
    assert page.count("Flag this post") == 1
    assert 'action="/p/1/flag"' in page and 'action="/p/2/flag"' not in page
    for value in ("spam", "inappropriate", "off_topic", "other"):
        assert f'<option value="{value}">' in page


def test_flagging_puts_the_post_in_the_moderators_queue(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "carol")
    page = flash_after(client, "/p/1/flag", {"csrf": csrf, "reason": "off_topic"})
    assert "A moderator will look at the post you flagged" in page
    sign_in(client, "grace")
    queue = client.get("/moderation").text
    assert 'data-flagged="1"' in queue
    assert "off-topic" in queue
    assert '<strong class="flag-score">2</strong>' in queue  # a TL1 flag weighs 2
    assert 'data-flagged="2"' not in queue


def test_flag_refusals_come_back_as_messages(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "alice")  # 1 reputation
    assert "flag needs 15 reputation" in flash_after(
        client, "/p/1/flag", {"csrf": csrf, "reason": "spam"}
    )
    give_reputation(app, "bob", 20)  # enough reputation, but trust level 0
    csrf = sign_in(client, "bob")
    assert "flagging needs trust level 1" in flash_after(
        client, "/p/1/flag", {"csrf": csrf, "reason": "spam"}
    )
    csrf = sign_in(client, "carol")
    assert "text must not be empty" in flash_after(
        client, "/p/1/flag", {"csrf": csrf, "reason": "other"}
    )
    flash_after(client, "/p/1/flag", {"csrf": csrf, "reason": "other", "text": "Asked twice"})
    assert "already flagged post 1" in flash_after(
        client, "/p/1/flag", {"csrf": csrf, "reason": "spam"}
    )
    community = socialcrm.community_for(app)
    assert [f.reason for f in community.flags.for_post(actor=member(app, "grace"), post=1)] == [
        "other"
    ]


def test_the_daily_flag_limit_comes_back_as_a_message(tmp_path: Path) -> None:
    from socialcrm import FlagSettings, ManualClock, Settings

    settings = Settings(flags=FlagSettings(daily_limit=1))
    app = create_app(
        {"TESTING": True, "SOCIALCRM_SETTINGS": settings, "SOCIALCRM_CLOCK": ManualClock()},
        instance_path=str(tmp_path),
    )
    try:
        community = socialcrm.community_for(app)
        client = app.test_client()
        csrf = sign_in(client, "carol")
        flash_after(client, "/p/1/flag", {"csrf": csrf, "reason": "spam"})
        alice = member(app, "alice")
        reply = community.posts.reply(actor=alice, thread=1, body="Me too, where is it?")
        page = flash_after(client, f"/p/{reply.id}/flag", {"csrf": csrf, "reason": "spam"})
        assert "you can flag again in 1440 minutes" in page
        assert community.flags.for_post(actor=member(app, "grace"), post=reply.id) == []
    finally:
        socialcrm.close(app)


def test_flag_and_decision_forms_need_the_token(app) -> None:
    client = app.test_client()
    sign_in(client, "carol")
    assert client.post("/p/1/flag", data={"reason": "spam"}).status_code == 400
    sign_in(client, "grace")
    assert (
        client.post("/moderation/flags", data={"post": "1", "decision": "agree"}).status_code == 400
    )
    assert client.post("/moderation/review/1", data={"decision": "approve"}).status_code == 400


def test_only_moderators_see_and_use_the_moderation_page(app) -> None:
    client = app.test_client()
    assert client.get("/moderation").status_code == 401
    csrf = sign_in(client, "carol")
    assert "/moderation" not in client.get("/").text
    assert client.get("/moderation").status_code == 403
    client.post("/p/1/flag", data={"csrf": csrf, "reason": "spam"})
    response = client.post(
        "/moderation/flags", data={"csrf": csrf, "post": "1", "decision": "agree"}
    )
    assert response.status_code == 403
    assert (
        client.post("/moderation/review/1", data={"csrf": csrf, "decision": "approve"}).status_code
        == 403
    )
    [item] = socialcrm.community_for(app).flags.queue(actor=member(app, "grace"))
    assert (item.post_id, item.hidden) == (1, False)  # the refused decision changed nothing
    sign_in(client, "grace")
    assert 'href="/moderation"' in client.get("/").text
    assert client.get("/moderation").status_code == 200


def flagged_by_carol(app, post_id: int = 2) -> tuple[object, str]:
    """Carol's flag on a post of Dave's thread; a client signed in as Grace, and her token."""
    community = socialcrm.community_for(app)
    if post_id == 2:  # Carol wrote post 2: Alice answers too, and Carol flags that
        post_id = community.posts.reply(
            actor=member(app, "alice"), thread=1, body="Just e-mail everyone yourself."
        ).id
    community.flags.flag_post(actor=member(app, "carol"), post=post_id, reason="spam")
    client = app.test_client()
    return client, sign_in(client, "grace")


def test_agreeing_hides_the_post_from_everyone_but_its_author_and_moderators(app) -> None:
    client, csrf = flagged_by_carol(app)
    [item] = socialcrm.community_for(app).flags.queue(actor=member(app, "grace"))
    spam = item.post_id
    page = flash_after(
        client,
        "/moderation/flags",
        {"csrf": csrf, "post": str(spam), "decision": "agree", "reason": "spam"},
        back="/moderation",
    )
    assert "Flags agreed" in page and "No flags waiting" in page
    moderator_view = client.get("/t/1").text
    assert f'data-post="{spam}"' in moderator_view
    assert 'class="badge hidden"' in moderator_view
    bob = app.test_client()
    sign_in(bob, "bob")
    assert f'data-post="{spam}"' not in bob.get("/t/1").text
    assert f'data-post="{spam}"' not in app.test_client().get("/t/1").text
    alice = app.test_client()
    sign_in(alice, "alice")
    own = alice.get("/t/1").text
    assert f'data-post="{spam}"' in own and 'class="badge hidden"' in own
    assert "flags agreed" in client.get("/audit").text


def test_agree_and_delete_deletes_the_post(app) -> None:
    client, csrf = flagged_by_carol(app)
    [item] = socialcrm.community_for(app).flags.queue(actor=member(app, "grace"))
    page = flash_after(
        client,
        "/moderation/flags",
        {"csrf": csrf, "post": str(item.post_id), "decision": "agree_and_delete"},
        back="/moderation",
    )
    assert "the post deleted" in page
    assert f'data-post="{item.post_id}"' not in client.get("/t/1").text
    assert "post deleted" in client.get("/audit").text


def test_disagreeing_shows_a_hidden_post_again(app) -> None:
    community = socialcrm.community_for(app)
    client, csrf = flagged_by_carol(app, post_id=1)
    community.flags.flag_post(actor=member(app, "ada"), post=1, reason="spam")  # hides it
    assert app.test_client().get("/t/1").status_code == 404
    assert 'class="badge hidden"' in client.get("/moderation").text
    dave = app.test_client()
    sign_in(dave, "dave")  # the author still sees his thread, marked hidden
    own = dave.get("/t/1").text
    assert 'class="badge hidden"' in own[own.index('data-post="1"') : own.index('data-post="2"')]
    bob = app.test_client()
    sign_in(bob, "bob")
    assert bob.get("/t/1").status_code == 404
    page = flash_after(
        client,
        "/moderation/flags",
        {"csrf": csrf, "post": "1", "decision": "disagree"},
        back="/moderation",
    )
    assert "shown again" in page
    assert app.test_client().get("/t/1").status_code == 200
    assert community.flags.queue(actor=member(app, "grace")) == []


def test_deferring_closes_the_flags_and_changes_nothing_else(app) -> None:
    client, csrf = flagged_by_carol(app, post_id=1)
    page = flash_after(
        client, "/moderation/flags", {"csrf": csrf, "post": "1", "decision": "defer"}, "/moderation"
    )
    assert "Flags deferred" in page and "No flags waiting" in page
    assert 'class="badge hidden"' not in app.test_client().get("/t/1").text


def test_bad_flag_decisions_are_refused(app) -> None:
    client, csrf = flagged_by_carol(app, post_id=1)
    assert client.post("/moderation/flags", data={"csrf": csrf, "post": "1"}).status_code == 400
    both = {"csrf": csrf, "post": "1", "member": "1", "decision": "agree"}
    assert client.post("/moderation/flags", data=both).status_code == 400
    page = flash_after(
        client, "/moderation/flags", {"csrf": csrf, "post": "2", "decision": "agree"}
    )
    assert "no open flags" in page.lower()
    [item] = socialcrm.community_for(app).flags.queue(actor=member(app, "grace"))
    assert (item.post_id, item.hidden) == (1, False)


def held_reply(app, user: str = "alice", body: str = "Try the discount code SPRING24.") -> int:
    """A reply to thread 1 that the demo's watched word holds; the review item's id."""
    client = app.test_client()
    csrf = sign_in(client, user)
    page = flash_after(client, "/t/1/answer", {"csrf": csrf, "body": body})
    assert "A moderator will review your answer" in page
    [item] = socialcrm.community_for(app).review.pending(actor=member(app, user))
    return int(item.id)


def test_authors_see_their_held_reply_as_pending_review(app) -> None:
    item = held_reply(app)
    alice = app.test_client()
    sign_in(alice, "alice")
    thread = alice.get("/t/1").text
    assert f'data-review-item="{item}"' in thread and "pending review" in thread
    assert "discount code SPRING24" in thread
    profile = alice.get(f"/m/{member(app, 'alice')}").text
    assert f'data-review-item="{item}"' in profile and "pending review" in profile
    bob = app.test_client()
    sign_in(bob, "bob")
    assert "SPRING24" not in bob.get("/t/1").text
    assert "pending review" not in bob.get(f"/m/{member(app, 'alice')}").text
    grace = app.test_client()
    sign_in(grace, "grace")
    assert "SPRING24" not in grace.get("/t/1").text  # not a post yet: only in the queue
    queue = grace.get("/moderation").text
    assert f'data-review-item="{item}"' in queue and "watched words" in queue


def review(app, item: int, data: dict[str, str]) -> str:
    client = app.test_client()
    csrf = sign_in(client, "grace")
    return flash_after(client, f"/moderation/review/{item}", {"csrf": csrf, **data}, "/moderation")


def test_approving_publishes_the_held_reply(app) -> None:
    item = held_reply(app)
    assert "Approved and published" in review(app, item, {"decision": "approve"})
    assert "SPRING24" in app.test_client().get("/t/1").text
    assert socialcrm.community_for(app).review.pending(actor=member(app, "alice")) == []


def test_edit_and_approve_publishes_the_moderators_text(app) -> None:
    item = held_reply(app)
    page = review(
        app, item, {"decision": "edit_and_approve", "body": "Ask us for a discount.", "note": "x"}
    )
    assert "Edited, approved and published" in page
    thread = app.test_client().get("/t/1").text
    assert "Ask us for a discount." in thread and "SPRING24" not in thread


def test_edit_and_approve_of_a_held_question_can_change_its_title(app) -> None:
    client = app.test_client()
    csrf = sign_in(client, "alice")
    body = "Is there a discount code for schools?"
    flash_after(client, "/s/billing/ask", {"csrf": csrf, "title": "Discounts?!!", "body": body})
    [item] = socialcrm.community_for(app).review.pending(actor=member(app, "alice"))
    assert "your question “Discounts?!!”" in client.get(f"/m/{member(app, 'alice')}").text
    review(
        app,
        item.id,
        {"decision": "edit_and_approve", "title": "Discounts for schools", "body": "Any?"},
    )
    [thread] = socialcrm.community_for(app).threads.list(actor=None, space="billing")
    assert thread.title == "Discounts for schools"


def test_rejecting_keeps_the_held_reply_unpublished(app) -> None:
    item = held_reply(app)
    assert "Rejected" in review(app, item, {"decision": "reject", "note": "no codes here"})
    assert "SPRING24" not in app.test_client().get("/t/1").text
    alice = app.test_client()
    sign_in(alice, "alice")
    assert "pending review" not in alice.get("/t/1").text
    assert "already" in review(app, item, {"decision": "approve"})  # decided: a message


def rule_flagged_reply(app) -> tuple[int, int]:
    """A reply the demo's "chargeback" watched word flags: (review item id, post id)."""
    community = socialcrm.community_for(app)
    reply = community.posts.reply(
        actor=member(app, "alice"), thread=1, body="Or file a chargeback with your bank."
    )
    [item] = community.review.queue(actor=member(app, "grace"), kind="flag")
    assert item.post_id == reply.id
    return int(item.id), int(reply.id)


def test_dismissing_a_rule_flag_keeps_the_post(app) -> None:
    item, post = rule_flagged_reply(app)
    assert "Dismissed" in review(app, item, {"decision": "dismiss"})
    assert f'data-post="{post}"' in app.test_client().get("/t/1").text
    assert socialcrm.community_for(app).review.count(actor=member(app, "grace")) == 0


def test_rejecting_a_rule_flag_deletes_the_post(app) -> None:
    item, post = rule_flagged_reply(app)
    review(app, item, {"decision": "reject"})
    assert f'data-post="{post}"' not in app.test_client().get("/t/1").text


def test_an_unknown_review_decision_is_refused(app) -> None:
    item = held_reply(app)
    client = app.test_client()
    csrf = sign_in(client, "grace")
    response = client.post(f"/moderation/review/{item}", data={"csrf": csrf, "decision": "x"})
    assert response.status_code == 400
    assert [
        i.id for i in socialcrm.community_for(app).review.queue(actor=member(app, "grace"))
    ] == [item]


def test_the_profile_shows_badges_with_their_tier(app) -> None:
    client = app.test_client()
    profile = client.get(f"/m/{member(app, 'carol')}").text
    badges = profile[profile.index("<h2>Badges</h2>") : profile.index("Reputation history")]
    for slug, name in (("first_answer", "First answer"), ("teacher", "Teacher")):
        assert f'data-badge="{slug}"' in badges
        assert f'<span class="badge bronze">{name}</span>' in badges
    assert "No badges yet" in client.get(f"/m/{member(app, 'bob')}").text

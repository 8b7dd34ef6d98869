"""The content pipeline, the built-in content rules, held posts and the review queue."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcrm import (
    ContentRejected,
    HeldSubmission,
    NotFound,
    PermissionDenied,
    Post,
    Settings,
    Thread,
    ValidationError,
    Verdict,
    WatchedWord,
    hookimpl,
    signals,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.audit.records import AuditQuery
from socialcrm.capabilities.review.policy import ACTIONS, combine
from socialcrm.community import Community
from socialcrm.errors import Conflict, Sanctioned

WATCHED = (
    WatchedWord(pattern="refund", action="require_approval"),
    WatchedWord(pattern="darn", action="censor"),
    WatchedWord(pattern="casino", action="block"),
    WatchedWord(pattern="spam-bot", action="silence"),
    WatchedWord(pattern="competitorx", action="flag"),
    WatchedWord(pattern="acme", action="replace", replacement="ACME Corp"),
    WatchedWord(pattern=r"\bv\d+\.\d+\b", action="tag", regex=True, tags=("versions",)),
    WatchedWord(pattern="docs", action="link", replacement="https://example.com/docs"),
    WatchedWord(pattern="SECRET", action="block", case_sensitive=True),
)


def _settings(**content: Any) -> Settings:
    content.setdefault("watched_words", WATCHED)
    return Settings().with_content(**content)


@pytest.fixture
def world(make_community, world_of):
    return world_of(make_community(settings=_settings()))


def _snapshot(c: Community, viewer: int | None = None) -> tuple[Any, ...]:
    threads = c.threads.list(actor=viewer, limit=200)
    posts = [p.id for t in threads for p in c.posts.list(actor=viewer, thread=t.id)]
    with c.storage.unit_of_work(read_only=True) as uow:
        outbox = uow.outbox.count_pending()
        audit = len(uow.audit.entries(AuditQuery(), limit=1000))
    return (
        [t.id for t in threads],
        posts,
        c.threads.count(actor=viewer),
        outbox,
        audit,
    )


# ---------------------------------------------------------------- new-member limits


def test_a_tl0_post_with_three_links_is_refused_and_with_two_is_accepted(world):
    c = world.c
    asker = world.member("asker")
    newbie = world.member("newbie")
    thread = world.question(asker)
    three = "See [a](https://a.example) [b](https://b.example) [c](https://c.example)"
    before = _snapshot(c)
    with pytest.raises(ContentRejected) as error:
        c.posts.reply(actor=newbie, thread=thread.id, body=three)
    assert "trust level 0 may post at most 2 links; this post has 3" in error.value.reasons[0]
    assert _snapshot(c) == before
    two = "See [a](https://a.example) and [b](https://b.example)"
    post = c.posts.reply(actor=newbie, thread=thread.id, body=two)
    assert isinstance(post, Post) and post.body == two


def test_new_member_limits_follow_the_trust_level_and_spare_moderators(world):
    c = world.c
    asker = world.member("asker")
    thread = world.question(asker)
    with pytest.raises(ContentRejected, match="no images"):
        c.posts.reply(actor=asker, thread=thread.id, body="![x](https://img.example/x.png)")
    with pytest.raises(ContentRejected, match="at most 2 mentions"):
        c.posts.reply(actor=asker, thread=thread.id, body="@ann @bob @cid look")
    c.trust.grant(actor=world.admin.id, member=asker, level=1)
    assert c.members.get(asker).trust_level == 1
    post = c.posts.reply(actor=asker, thread=thread.id, body="![x](https://img.example/x.png)")
    assert isinstance(post, Post)
    mod_post = c.posts.reply(
        actor=world.mod.id, thread=thread.id, body="![y](https://img.example/y.png) @a @b @c"
    )
    assert isinstance(mod_post, Post)


# ---------------------------------------------------------------- watched words


def test_block_gives_every_reason_and_stores_nothing(world):
    c = world.c
    asker = world.member("asker")
    before = _snapshot(c)
    body = "casino SECRET [a](https://a.example) [b](https://b.example) [c](https://c.example)"
    with pytest.raises(ContentRejected) as error:
        c.threads.start(
            actor=asker, space="billing", kind="question", title="A casino question", body=body
        )
    reasons = error.value.reasons
    assert sum("'casino'" in r for r in reasons) == 2  # in the title and in the body
    assert any("'SECRET'" in r for r in reasons)
    assert any("3" in r and "links" in r for r in reasons)
    assert _snapshot(c) == before
    assert c.review.count(actor=world.mod.id) == 0
    # Case sensitivity: "secret" in lower case is fine.
    ok = c.threads.start(
        actor=asker, space="billing", kind="question", title="A secret question", body="secret"
    )
    assert isinstance(ok, Thread)


def test_censor_replace_link_and_tag_combine(world):
    c = world.c
    asker = world.member("asker")
    thread = c.threads.start(
        actor=asker,
        space="billing",
        kind="question",
        title="Upgrading acme to v2.1",
        body="darn, the acme docs for v2.1 are DARN thin",
    )
    assert isinstance(thread, Thread)
    assert thread.title == "Upgrading ACME Corp to v2.1"
    assert "versions" in thread.tags
    opening = c.posts.get(actor=None, post=thread.opening_post_id)
    assert opening.body == (
        "■■■■, the ACME Corp [docs](https://example.com/docs) for v2.1 are ■■■■ thin"
    )


def test_a_watched_require_approval_word_holds_the_post_until_approval(world):
    c = world.c
    asker, author, other = world.member("asker"), world.member("author"), world.member("other")
    thread = world.question(asker)
    seen: list[Any] = []
    signals.submission_held.connect(lambda sender, event: seen.append(event), weak=False)
    try:
        held = c.posts.reply(actor=author, thread=thread.id, body="I want a refund now")
    finally:
        signals.submission_held.receivers.clear()
    assert isinstance(held, HeldSubmission) and held.held
    assert held.item.kind == "held" and held.item.reason == "watched_words"
    assert [e.item_id for e in seen] == [held.review_item_id]
    # Invisible to everyone else: reads, lists, counts.
    for viewer in (None, other, asker, world.mod.id):
        assert [p.author_id for p in c.posts.list(actor=viewer, thread=thread.id)] == [asker]
    assert c.threads.get(actor=other, thread=thread.id).reply_count == 0
    # Its author sees it as pending; others cannot read the item.
    assert [i.id for i in c.review.pending(actor=author)] == [held.review_item_id]
    assert c.review.get(actor=author, item=held.review_item_id).status == "pending"
    with pytest.raises(NotFound):
        c.review.get(actor=other, item=held.review_item_id)
    # Moderators see it in the queue.
    [queued] = c.review.queue(actor=world.mod.id)
    assert queued.id == held.review_item_id and queued.body == "I want a refund now"
    with pytest.raises(PermissionDenied):
        c.review.queue(actor=other)
    post = c.review.approve(actor=world.mod.id, item=held.review_item_id)
    assert post.author_id == author and post.body == "I want a refund now"
    assert [p.id for p in c.posts.list(actor=other, thread=thread.id)][-1] == post.id
    assert c.threads.get(actor=other, thread=thread.id).reply_count == 1
    assert c.review.queue(actor=world.mod.id) == []
    assert c.review.pending(actor=author) == []
    [entry] = c.audit.entries(actor=world.mod.id, action=["submission_approved"])
    assert entry.post_id == post.id and entry.member_id == author
    with pytest.raises(Conflict):
        c.review.approve(actor=world.mod.id, item=held.review_item_id)


def test_a_held_thread_becomes_a_thread_at_approval_and_reject_never_publishes(world):
    c = world.c
    author, other = world.member("author"), world.member("other")
    held = c.threads.start(
        actor=author,
        space="billing",
        kind="question",
        title="Refund please",
        body="Money back",
        tags=["brand-new-tag"],
    )
    assert isinstance(held, HeldSubmission) and held.item.tags == ("brand-new-tag",)
    assert c.threads.list(actor=other) == [] and c.threads.count(actor=author) == 0
    second = c.threads.start(
        actor=author, space="billing", kind="idea", title="Another refund", body="Again"
    )
    assert isinstance(second, HeldSubmission)
    assert [i.id for i in c.review.queue(actor=world.mod.id)] == [
        held.review_item_id,
        second.review_item_id,
    ]
    assert c.review.count(actor=world.mod.id, reason="watched_words") == 2
    assert c.review.count(actor=world.mod.id, reason="premoderation") == 0
    post = c.review.edit_and_approve(
        actor=world.mod.id,
        item=held.review_item_id,
        title="Refund for order 12",
        body="Please refund",
    )
    thread = c.threads.get(actor=other, thread=post.thread_id)
    assert (thread.title, thread.author_id, thread.kind) == (
        "Refund for order 12",
        author,
        "question",
    )
    assert thread.tags == ("brand-new-tag",)
    rejected = c.review.reject(actor=world.mod.id, item=second.review_item_id, reason="Not an idea")
    assert rejected.status == "rejected" and rejected.note == "Not an idea"
    assert [t.id for t in c.threads.list(actor=other)] == [thread.id]
    assert c.review.get(actor=author, item=second.review_item_id).status == "rejected"
    [entry] = c.audit.entries(actor=world.mod.id, action=["submission_rejected"])
    assert (entry.member_id, entry.reason, entry.after["status"]) == (
        author,
        "Not an idea",
        "rejected",
    )
    [edited] = c.audit.entries(actor=world.mod.id, action=["submission_edited_and_approved"])
    assert edited.before["body"] == "Money back" and edited.post_id == post.id


def test_flag_publishes_and_queues_a_flag_item_that_can_be_dismissed_or_rejected(world):
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    thread = world.question(asker)
    post = c.posts.reply(actor=author, thread=thread.id, body="competitorx does it better")
    assert isinstance(post, Post)
    [item] = c.review.queue(actor=world.mod.id, kind="flag")
    assert item.post_id == post.id and item.reason == "watched_words"
    c.review.dismiss(actor=world.mod.id, item=item.id)
    assert c.posts.get(actor=None, post=post.id).id == post.id
    again = c.posts.reply(actor=author, thread=thread.id, body="competitorx again, really")
    [item2] = c.review.queue(actor=world.mod.id)
    c.review.reject(actor=world.mod.id, item=item2.id, reason="advertising")
    with pytest.raises(NotFound):
        c.posts.get(actor=None, post=again.id)
    actions = [e.action for e in c.audit.entries(actor=world.mod.id, post=again.id)]
    # Rejecting a flagged post deletes it: both are audited.
    assert sorted(actions) == ["post_deleted", "submission_rejected"]
    dismissed = c.audit.entries(actor=world.mod.id, action=["review_item_dismissed"])
    assert [e.post_id for e in dismissed] == [post.id]


def test_silence_holds_the_post_and_silences_the_author(world):
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    thread = world.question(asker)
    held = c.posts.reply(actor=author, thread=thread.id, body="buy from spam-bot today")
    assert isinstance(held, HeldSubmission) and held.silenced
    with pytest.raises(Sanctioned):
        c.posts.reply(actor=author, thread=thread.id, body="and again")
    assert c.moderation.in_force(actor=world.mod.id, member=author)[0].kind == "silence"


def test_edits_and_profiles_that_need_approval_are_refused_not_held(world):
    c = world.c
    asker = world.member("asker")
    thread = world.question(asker)
    with pytest.raises(ContentRejected, match="cannot wait"):
        c.posts.edit(actor=asker, post=thread.opening_post_id, body="give me a refund")
    with pytest.raises(ContentRejected, match="cannot wait"):
        c.members.update_profile(actor=asker, member=asker, bio="refund hunter")
    updated = c.members.update_profile(actor=asker, member=asker, bio="darn good")
    assert updated.profile.bio == "■■■■ good"


def test_the_queue_is_moderators_only_and_filters_by_space(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="sales", name="Sales")
    author = world.member("author")
    a = c.threads.start(
        actor=author, space="billing", kind="question", title="Refund one", body="x"
    )
    b = c.threads.start(actor=author, space="sales", kind="question", title="Refund two", body="y")
    assert isinstance(a, HeldSubmission) and isinstance(b, HeldSubmission)
    assert [i.id for i in c.review.queue(actor=world.mod.id, space="sales")] == [b.review_item_id]
    assert c.review.count(actor=world.mod.id, space="billing") == 1
    with pytest.raises(PermissionDenied):
        c.review.approve(actor=author, item=a.review_item_id)
    with pytest.raises(PermissionDenied):
        c.review.count(actor=author)


# ---------------------------------------------------------------- pre-moderation


def test_premoderation_of_a_space_first_posts_and_trust_levels(make_community, world_of):
    world = world_of(
        make_community(settings=_settings(premoderated_spaces={"billing"}, watched_words=()))
    )
    author = world.member("author")
    held = world.question(author)
    assert isinstance(held, HeldSubmission) and held.item.reason == "premoderation"
    assert isinstance(world.question(world.mod.id), Thread)  # moderators are not held

    first = world_of(make_community(settings=_settings(approve_first_posts=1, watched_words=())))
    newbie = first.member("newbie")
    one = first.question(newbie)
    assert isinstance(one, HeldSubmission)
    first.c.review.approve(actor=first.mod.id, item=one.review_item_id)
    assert isinstance(first.question(newbie, title="My second question here"), Thread)

    level = world_of(
        make_community(settings=_settings(approve_unless_trust_level=1, watched_words=()))
    )
    low = level.member("low")
    assert isinstance(level.question(low), HeldSubmission)


# ---------------------------------------------------------------- duplicates


def test_the_same_body_by_the_same_member_within_the_window_is_refused(world, clock):
    c = world.c
    asker, other = world.member("asker"), world.member("other")
    thread = world.question(asker)
    c.posts.reply(actor=other, thread=thread.id, body="Try  clearing the cache")
    with pytest.raises(ContentRejected, match="same text"):
        c.posts.reply(actor=other, thread=thread.id, body="Try clearing the cache")
    # Another member may say the same thing.
    assert isinstance(
        c.posts.reply(actor=asker, thread=thread.id, body="Try clearing the cache"), Post
    )
    clock.advance(seconds=301)
    assert isinstance(
        c.posts.reply(actor=other, thread=thread.id, body="Try clearing the cache"), Post
    )


# ---------------------------------------------------------------- terms of service


def test_attacks_on_named_competitors_are_flagged_and_alert_the_managers(make_community, world_of):
    world = world_of(
        make_community(
            settings=_settings(
                watched_words=(), competitors=("Globex",), protected_products=("Invoice Pro",)
            )
        )
    )
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    thread = world.question(asker)
    alerts: list[Any] = []
    signals.moderation_alert.connect(lambda sender, event: alerts.append(event), weak=False)
    try:
        fine = c.posts.reply(actor=author, thread=thread.id, body="Globex has a similar page")
        bad = c.posts.reply(
            actor=author, thread=thread.id, body="Invoice Pro is a total scam, avoid it"
        )
    finally:
        signals.moderation_alert.receivers.clear()
    assert isinstance(fine, Post) and isinstance(bad, Post)
    [item] = c.review.queue(actor=world.mod.id)
    assert item.post_id == bad.id and item.reason == "terms_of_service"
    [alert] = alerts
    assert alert.post_id == bad.id and alert.item_id == item.id
    assert "Invoice Pro" in alert.messages[0]


# ---------------------------------------------------------------- pipeline


def test_hook_socialcrm_moderate_content(make_community, world_of):
    calls: list[tuple[str, str]] = []

    class Shout:
        @hookimpl
        def socialcrm_moderate_content(self, field, text, operation):
            calls.append((field, operation))
            if "!!!" in text:
                return [Verdict.rewrite(lambda t: t.replace("!!!", "!"), rule="shout")]
            return None

    world = world_of(make_community(plugins=[Shout()]))
    c = world.c
    asker = world.member("asker")
    thread = c.threads.start(
        actor=asker, space="billing", kind="question", title="Help me please!!!", body="Now!!!"
    )
    assert isinstance(thread, Thread) and thread.title == "Help me please!"
    assert ("title", "create") in calls and ("body", "create") in calls
    c.posts.edit(actor=asker, post=thread.opening_post_id, body="Later!!!")
    assert ("body", "edit") in calls
    assert c.posts.get(actor=None, post=thread.opening_post_id).body == "Later!"


def test_a_rule_returning_something_else_than_verdicts_is_a_type_error(make_community, world_of):
    class Broken:
        @hookimpl
        def socialcrm_moderate_content(self):
            return "block"

    with pytest.raises(TypeError, match="expected a Verdict"):
        world_of(make_community(plugins=[Broken()]))  # joining passes the pipeline too


def test_check_content_reasons_still_block_alongside_verdicts(make_community, world_of):
    class Old:
        @hookimpl
        def socialcrm_check_content(self, text):
            return ["old rule"] if "bad" in text else None

    class New:
        @hookimpl
        def socialcrm_moderate_content(self, text):
            return Verdict.block("new rule") if "bad" in text else None

    world = world_of(make_community(plugins=[Old(), New()]))
    asker = world.member("asker")
    with pytest.raises(ContentRejected) as error:
        world.question(asker, body="a bad body")
    assert set(error.value.reasons) == {"old rule", "new rule"}


_verdicts = st.builds(
    lambda action, reason, tag: Verdict(
        action=action, reasons=[reason], tags=[tag], rule=f"rule-{reason}"
    ),
    st.sampled_from(ACTIONS),
    st.sampled_from(["r1", "r2", "r3"]),
    st.sampled_from(["t1", "t2"]),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "body"]), st.lists(_verdicts, max_size=6)))
def test_the_strictest_verdict_wins_and_tags_combine(by_field):
    texts = {field: "text" for field in by_field}
    combined = combine(by_field, texts)
    every = [v for vs in by_field.values() for v in vs]
    rank = {a: i for i, a in enumerate(ACTIONS)}
    expected = max((v.action for v in every), key=rank.__getitem__, default="allow")
    assert combined.action == expected
    assert all(rank[v.action] <= rank[combined.action] for v in every)
    assert set(combined.tags) == {t for v in every for t in v.tags}
    strictest = {r for v in every if v.action == expected for r in v.reasons}
    assert set(combined.reasons) == (strictest if expected != "allow" else set())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=4))
def test_rewrites_of_every_rule_apply_in_order(letters):
    verdicts = [
        Verdict.rewrite(lambda t, letter=letter: t + letter, rule=letter) for letter in letters
    ]
    assert combine({"body": verdicts}, {"body": ""}).texts["body"] == "".join(letters)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["plain", "refund", "competitorx"]), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_held_posts_never_appear_in_other_members_reads_lists_or_counts(steps):
    # Many posts in a moment: without the rate limits, which have their own property test.
    settings = _settings(duplicate_window_seconds=0).with_rate_limits(enabled=False)
    c = Community(MemoryStorage(), settings=settings, entry_points=False)
    admin = c.members.join(external_id="a", display_name="Admin", roles=["admin"])
    mod = c.members.join(external_id="m", display_name="Mod", roles=["moderator"])
    author = c.members.join(external_id="u", display_name="Author")
    other = c.members.join(external_id="o", display_name="Other")
    c.spaces.create(actor=admin.id, slug="help", name="Help")
    start = c.threads.start(
        actor=other.id, space="help", kind="question", title="A question to answer", body="?"
    )
    assert isinstance(start, Thread)
    published: set[int] = {start.opening_post_id or 0}
    held: list[int] = []
    for n, (word, approve) in enumerate(steps):
        result = c.posts.reply(actor=author.id, thread=start.id, body=f"{word} {n}")
        if isinstance(result, HeldSubmission):
            held.append(result.review_item_id)
            if approve:
                published.add(c.review.approve(actor=mod.id, item=result.review_item_id).id)
        else:
            published.add(result.id)
        for viewer in (None, other.id, mod.id):
            ids = {p.id for p in c.posts.list(actor=viewer, thread=start.id)}
            assert ids == published
            assert c.threads.get(actor=viewer, thread=start.id).reply_count == len(published) - 1
    approved = {h for h in held if c.review.get(actor=author.id, item=h).status == "approved"}
    assert {i.id for i in c.review.pending(actor=author.id)} == set(held) - approved
    c.close()


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "bad",
    [
        {"watched_words": [42]},
        {"watched_words": ["refund"]},
        {"max_links": {5: 1}},
        {"max_links": {0: -1}},
        {"duplicate_window_seconds": -1},
        {"approve_first_posts": "3"},
        {"approve_unless_trust_level": 7},
        {"censor_character": "**"},
        {"competitors": "Globex"},
    ],
)
def test_bad_content_settings_are_refused(bad):
    with pytest.raises(ValidationError):
        Settings().with_content(**bad)


@pytest.mark.parametrize(
    "bad",
    [
        {"pattern": "", "action": "block"},
        {"pattern": "x", "action": "shout"},
        {"pattern": "x", "action": "replace"},
        {"pattern": "x", "action": "link"},
        {"pattern": "x", "action": "tag"},
        {"pattern": "(", "action": "block", "regex": True},
    ],
)
def test_bad_watched_words_are_refused(bad):
    with pytest.raises(ValidationError):
        WatchedWord(**bad)


def test_review_commands_refuse_bad_input_and_change_nothing(world):
    c = world.c
    author = world.member("author")
    held = c.threads.start(
        actor=author, space="billing", kind="question", title="Refund me now", body="x"
    )
    assert isinstance(held, HeldSubmission)
    mod = world.mod.id
    before = _snapshot(c)
    with pytest.raises(NotFound):
        c.review.approve(actor=mod, item=987654)
    with pytest.raises(ValidationError):
        c.review.approve(actor=mod, item="one")
    with pytest.raises(ValidationError):
        c.review.dismiss(actor=mod, item=held.review_item_id)  # only flag items are dismissed
    with pytest.raises(ValidationError):
        c.review.reject(actor=mod, item=held.review_item_id, reason="x" * 5000)
    with pytest.raises(ValidationError):
        c.review.edit_and_approve(actor=mod, item=held.review_item_id)
    with pytest.raises(ValidationError):
        c.review.queue(actor=mod, kind="weird")
    with pytest.raises(NotFound):
        c.review.queue(actor=mod, space="no-such-space")
    assert _snapshot(c) == before
    assert c.review.get(actor=mod, item=held.review_item_id).is_pending

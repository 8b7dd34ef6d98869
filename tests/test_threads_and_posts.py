"""Threads and posts: kinds, validation, replies, edits, deletion, comments, accepts."""

from __future__ import annotations

import pytest

from socialcrm import Conflict, NotFound, PermissionDenied, ValidationError


def test_starting_a_thread_creates_its_opening_post_and_tags(world):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker, tags=["Invoices", "billing", "invoices"])
    assert q.tags == ("invoices", "billing")
    posts = c.posts.list(actor=None, thread=q.id)
    assert [p.id for p in posts] == [q.opening_post_id]
    assert posts[0].is_opening and posts[0].author_id == asker
    assert c.threads.list(actor=None, tag="invoices")[0].id == q.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "short"),
        ("title", "x" * 151),
        ("body", "   "),
        ("body", "y" * 30001),
        ("kind", "poll"),
        ("tags", ["ok", "not ok!"]),
        ("tags", [f"t{i}" for i in range(6)]),
        ("tags", "invoices"),
        ("space", "nowhere"),
        ("space", 0),
    ],
)
def test_bad_thread_input_is_refused_and_stores_nothing(world, field, value):
    c = world.c
    asker = world.member("asker")
    args = dict(
        actor=asker,
        space="billing",
        kind="question",
        title="A proper question title",
        body="A proper body.",
        tags=["invoices"],
    )
    args[field] = value
    with pytest.raises((ValidationError, NotFound)):
        c.threads.start(**args)
    assert c.threads.count(actor=world.admin.id) == 0


def test_announcements_need_a_moderator(world):
    with pytest.raises(PermissionDenied):
        world.question(world.member("m"), kind="announcement", title="Big news for everyone")
    t = world.question(world.mod.id, kind="announcement", title="Big news for everyone")
    assert t.kind == "announcement"


def test_moderated_space_lets_only_moderators_start_threads(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="news", name="News", posting="moderators")
    with pytest.raises(PermissionDenied):
        world.question(world.member("m"), space="news", kind="discussion")
    world.question(world.mod.id, space="news", kind="discussion")


def test_replies_count_and_closed_threads_refuse_replies(world):
    c = world.c
    asker, other = world.member("asker"), world.member("other")
    q = world.question(asker)
    c.posts.reply(actor=other, thread=q.id, body="first")
    assert c.threads.get(actor=None, thread=q.id).reply_count == 1
    c.threads.close(actor=asker, thread=q.id)
    with pytest.raises(Conflict) as info:
        c.posts.reply(actor=other, thread=q.id, body="late")
    assert info.value.code == "thread_closed"
    with pytest.raises(PermissionDenied) as denied:
        c.threads.reopen(actor=other, thread=q.id)
    assert denied.value.privilege == "close"
    assert c.threads.reopen(actor=world.mod.id, thread=q.id).status == "open"


def test_edits_keep_a_revision_history(world, clock):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker, title="Original question title")
    clock.advance(minutes=3)
    c.posts.edit(
        actor=asker, post=q.opening_post_id, body="Second body", title="Better question title"
    )
    c.posts.edit(actor=asker, post=q.opening_post_id, body="Third body")
    revisions = c.posts.revisions(actor=None, post=q.opening_post_id)
    assert [r.previous_body for r in revisions] == [
        "I cannot find the invoices page anywhere.",
        "Second body",
    ]
    assert revisions[0].previous_title == "Original question title"
    assert revisions[0].editor_id == asker and revisions[0].edited_at == clock.now()
    assert c.threads.get(actor=None, thread=q.id).title == "Better question title"
    assert c.posts.get(actor=None, post=q.opening_post_id).body == "Third body"


def test_editing_others_posts_needs_the_edit_privilege(world):
    c = world.c
    q = world.question(world.member("asker"))
    with pytest.raises(PermissionDenied) as info:
        c.posts.edit(actor=world.member("other", 1999), post=q.opening_post_id, body="hijack")
    assert info.value.privilege == "edit"
    c.posts.edit(actor=world.member("editor", 2000), post=q.opening_post_id, body="copy-edited")


def test_only_opening_posts_have_titles(world):
    c = world.c
    q = world.question(world.member("asker"))
    a = c.posts.reply(actor=world.mod.id, thread=q.id, body="answer")
    with pytest.raises(ValidationError):
        c.posts.edit(actor=world.mod.id, post=a.id, title="A title for an answer")


def test_soft_delete_by_author_or_moderator_hides_the_post(world):
    c = world.c
    asker, author = world.member("asker"), world.member("author")
    q = world.question(asker)
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    with pytest.raises(PermissionDenied):
        c.posts.delete(actor=asker, post=a.id)
    c.posts.delete(actor=world.mod.id, post=a.id)
    assert [p.id for p in c.posts.list(actor=None, thread=q.id)] == [q.opening_post_id]
    assert c.threads.get(actor=None, thread=q.id).reply_count == 0
    with pytest.raises(NotFound):
        c.posts.get(actor=None, post=a.id)


def test_deleting_the_opening_post_deletes_the_thread(world):
    c = world.c
    asker = world.member("asker")
    q = world.question(asker)
    c.posts.delete(actor=asker, post=q.opening_post_id)
    with pytest.raises(NotFound):
        c.threads.get(actor=asker, thread=q.id)
    assert c.threads.count(actor=world.admin.id) == 0
    assert c.spaces.thread_counts(actor=None) == {"billing": 0}


def test_comments_need_the_privilege_except_on_own_posts_and_own_questions(world):
    c = world.c
    asker, answerer = world.member("asker"), world.member("answerer")
    q = world.question(asker)
    a = c.posts.reply(actor=answerer, thread=q.id, body="try this")
    c.posts.comment(actor=asker, post=a.id, body="Thanks, which menu?")
    c.posts.comment(actor=answerer, post=a.id, body="The top one.")
    stranger = world.member("stranger", 49)
    with pytest.raises(PermissionDenied) as info:
        c.posts.comment(actor=stranger, post=a.id, body="+1")
    assert info.value.privilege == "comment"
    c.posts.comment(actor=world.member("regular", 50), post=a.id, body="Worked for me")
    assert [x.body for x in c.posts.comments(actor=None, post=a.id)] == [
        "Thanks, which menu?",
        "The top one.",
        "Worked for me",
    ]
    with pytest.raises(ValidationError):
        c.posts.comment(actor=asker, post=a.id, body="z" * 601)


def test_only_the_asker_or_moderators_accept_and_only_while_open(world):
    c = world.c
    asker, answerer = world.member("asker"), world.member("answerer")
    q = world.question(asker)
    a = c.posts.reply(actor=answerer, thread=q.id, body="answer")
    with pytest.raises(PermissionDenied):
        c.threads.accept(actor=answerer, answer=a.id)
    with pytest.raises(ValidationError):
        c.threads.accept(actor=asker, answer=q.opening_post_id)
    c.threads.close(actor=asker, thread=q.id)
    with pytest.raises(Conflict):
        c.threads.accept(actor=asker, answer=a.id)
    assert c.threads.accept(actor=world.mod.id, answer=a.id).accepted_answer_id == a.id
    assert c.threads.can_accept(actor=asker, thread=q.id) is False


def test_discussions_have_no_accepted_answers(world):
    c = world.c
    asker = world.member("asker")
    d = world.question(asker, kind="discussion", title="What do you use for invoicing?")
    r = c.posts.reply(actor=world.member("x"), thread=d.id, body="spreadsheets")
    with pytest.raises(ValidationError):
        c.threads.accept(actor=asker, answer=r.id)


def test_thread_lists_sort_and_filter(world, clock):
    c = world.c
    asker = world.member("asker")
    t1 = world.question(asker, title="First question here")
    clock.advance(minutes=1)
    t2 = world.question(asker, title="Second question here", kind="discussion")
    clock.advance(minutes=1)
    t3 = world.question(asker, title="Third question here")
    clock.advance(minutes=1)
    c.posts.reply(actor=world.mod.id, thread=t1.id, body="bump")
    c.votes.cast(actor=world.mod.id, post=t2.opening_post_id, value=1)
    ids = lambda threads: [t.id for t in threads]  # noqa: E731
    assert ids(c.threads.list(actor=None)) == [t1.id, t3.id, t2.id]
    assert ids(c.threads.list(actor=None, sort="newest")) == [t3.id, t2.id, t1.id]
    assert ids(c.threads.list(actor=None, sort="score"))[0] == t2.id
    assert ids(c.threads.list(actor=None, sort="unanswered")) == [t3.id]
    assert ids(c.threads.list(actor=None, kind="discussion")) == [t2.id]
    assert ids(c.threads.list(actor=None, limit=1, offset=1)) == [t3.id]
    assert c.threads.count(actor=None, kind="question") == 2
    with pytest.raises(ValidationError):
        c.threads.list(actor=None, limit=0)
    with pytest.raises(ValidationError):
        c.threads.list(actor=None, sort="random")

"""The support site's pages: server-rendered, POST forms and redirects, no JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from socialcrm import Member
from socialcrm.contrib.django import current_actor, get_community, require_actor


class Names:
    """Member names for a page, each looked up once."""

    def __init__(self) -> None:
        self._members: dict[int, Member] = {}

    def __getitem__(self, member_id: int) -> str:
        if member_id not in self._members:
            self._members[member_id] = get_community().members.get(member_id)
        return self._members[member_id].display_name


def community_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the signed-in member (``me``, or ``None``) and a name lookup."""
    actor = current_actor(request)
    me = get_community().members.get(actor) if actor is not None else None
    return {"me": me, "names": Names()}


def _thread_url(thread_id: int, post_id: int | None = None) -> str:
    url = reverse("thread", args=[thread_id])
    return f"{url}#post-{post_id}" if post_id is not None else url


# ---------------------------------------------------------------- reading


@require_GET
def spaces(request: HttpRequest) -> HttpResponse:
    """The spaces, with their thread counts and the latest threads."""
    community, actor = get_community(), current_actor(request)
    counts = community.spaces.thread_counts(actor=actor)
    rows = [(space, counts.get(space.slug, 0)) for space in community.spaces.list(actor=actor)]
    latest = community.threads.list(actor=actor, limit=10)
    return render(request, "django_support/spaces.html", {"spaces": rows, "threads": latest})


@require_GET
def space(request: HttpRequest, slug: str) -> HttpResponse:
    """One space's threads, and the form to ask a question."""
    community, actor = get_community(), current_actor(request)
    found = community.spaces.get(actor=actor, space=slug)
    threads = community.threads.list(actor=actor, space=found.id, limit=50)
    return render(request, "django_support/space.html", {"space": found, "threads": threads})


@require_GET
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A question, its answers, and the forms to answer, vote and accept."""
    community, actor = get_community(), current_actor(request)
    found = community.threads.get(actor=actor, thread=thread_id)
    posts = community.posts.list(actor=actor, thread=thread_id)
    privileges: dict[str, bool] = {}
    can_accept = False
    mine: dict[int, int] = {}
    if actor is not None:
        privileges = community.privileges.of(actor)
        can_accept = community.threads.can_accept(actor=actor, thread=thread_id)
        for post in posts:
            vote = community.votes.get(actor=actor, post=post.id)
            mine[post.id] = vote.value if vote is not None else 0
    rows = [
        {
            "post": post,
            "my_vote": mine.get(post.id, 0),
            "accepted": post.id == found.accepted_answer_id,
            "own": post.author_id == actor,
            "can_accept": can_accept and not post.is_opening,
        }
        for post in posts
    ]
    return render(
        request,
        "django_support/thread.html",
        {
            "thread": found,
            "space": community.spaces.get(actor=actor, space=found.space_id),
            "opening": rows[0],
            "answers": rows[1:],
            "can_vote_up": privileges.get("vote_up", False),
            "can_vote_down": privileges.get("vote_down", False),
            "vote_up_needs": community.privileges.required("vote_up"),
        },
    )


@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    """The most helpful members: all time and this week."""
    community, actor = get_community(), current_actor(request)
    boards = [
        ("All time", community.reputation.leaderboard(limit=20, actor=actor)),
        ("This week", community.reputation.leaderboard(period="week", limit=20, actor=actor)),
    ]
    return render(request, "django_support/leaderboard.html", {"boards": boards})


@require_GET
def member(request: HttpRequest, member_id: int) -> HttpResponse:
    """A member's profile and reputation history."""
    community, actor = get_community(), current_actor(request)
    found = community.members.get(member_id)
    history = community.reputation.history(member_id, actor=actor, limit=50)
    return render(
        request,
        "django_support/member.html",
        {
            "member": found,
            "roles": sorted(role for role in found.roles if role != "member"),
            "history": history,
            "rank": community.reputation.rank(member_id),
        },
    )


# ---------------------------------------------------------------- commands


@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask a question in a space."""
    question = get_community().threads.start(
        actor=require_actor(request),
        space=slug,
        kind="question",
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
    )
    if question.held:  # a content rule or pre-moderation held it: nothing is published yet
        messages.info(request, "Thanks! A moderator will review your question before it appears.")
        return redirect(reverse("space", args=[slug]))
    return redirect(_thread_url(question.id))


@require_POST
def answer(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Answer a question."""
    reply = get_community().posts.reply(
        actor=require_actor(request), thread=thread_id, body=request.POST.get("body", "")
    )
    if reply.held:  # a content rule or pre-moderation held it: nothing is published yet
        messages.info(request, "Thanks! A moderator will review your answer before it appears.")
        return redirect(_thread_url(thread_id))
    return redirect(_thread_url(thread_id, reply.id))


@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    """Vote a post up (``value`` 1) or down (-1), or take the vote back (0)."""
    community, actor = get_community(), require_actor(request)
    post = community.posts.get(actor=actor, post=post_id)
    value = request.POST.get("value", "")
    if value not in ("1", "-1", "0"):
        raise DjangoPermissionDenied  # not a form of this site: 403
    if value == "0":
        community.votes.retract(actor=actor, post=post_id)
    else:
        community.votes.cast(actor=actor, post=post_id, value=int(value))
    return redirect(_thread_url(post.thread_id, post_id))


@require_POST
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    """Accept an answer (the asker, or staff)."""
    found = get_community().threads.accept(actor=require_actor(request), answer=post_id)
    messages.info(request, "Answer accepted. Thank you!")
    return redirect(_thread_url(found.id, post_id))

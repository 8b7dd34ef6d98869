"""The support site's pages: server-rendered, POST forms and redirects, no JavaScript."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from socialcrm import Member
from socialcrm.contrib.flask import current_actor, current_community, require_actor

from .users import DEMO_USERS, USERS_BY_ID

support = Blueprint("support", __name__)


class Names:
    """Member names for a page, each looked up once."""

    def __init__(self) -> None:
        self._members: dict[int, Member] = {}

    def member(self, member_id: int) -> Member:
        """The member (cached for this page)."""
        if member_id not in self._members:
            self._members[member_id] = current_community.members.get(member_id)
        return self._members[member_id]

    def __call__(self, member_id: int | None) -> str:
        if member_id is None:
            return "a host job"
        return self.member(member_id).display_name


@support.app_context_processor
def community_context() -> dict[str, object]:
    """The signed-in member (or ``None``) for every template."""
    actor = current_actor()
    return {"me": current_community.members.get(actor) if actor is not None else None}


def _moderator() -> int:
    actor = require_actor()
    if not current_community.members.get(actor).is_moderator:
        abort(403)
    return actor


# ---------------------------------------------------------------- sign-in (the host's own)


@support.get("/login")
def login():
    """Pick a demo user: a stand-in for the host site's real login."""
    return render_template("login.html", users=DEMO_USERS)


@support.post("/login")
def login_as():
    """Sign in as the chosen demo user."""
    user = USERS_BY_ID.get(request.form.get("user", ""))
    if user is None:
        abort(400)
    login_user(user)
    flash(f"Signed in as {user.display_name}.", "info")
    return redirect(url_for("support.spaces"))


@support.post("/logout")
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("support.spaces"))


# ---------------------------------------------------------------- reading


@support.get("/")
def spaces():
    """The spaces, with their thread counts and the latest threads."""
    actor = current_actor()
    return render_template(
        "spaces.html",
        spaces=current_community.spaces.list(actor=actor),
        counts=current_community.spaces.thread_counts(actor=actor),
        latest=current_community.threads.list(actor=actor, limit=10),
        names=Names(),
    )


@support.get("/s/<slug>")
def space(slug: str):
    """One space's threads, and the form to ask a question."""
    actor = current_actor()
    found = current_community.spaces.get(actor=actor, space=slug)
    threads = current_community.threads.list(actor=actor, space=found.id, limit=50)
    return render_template("space.html", space=found, threads=threads, names=Names())


@support.get("/t/<int:thread_id>")
def thread(thread_id: int):
    """A question, its answers, and the forms to answer, vote, accept and delete."""
    actor = current_actor()
    found = current_community.threads.get(actor=actor, thread=thread_id)
    posts = current_community.posts.list(actor=actor, thread=thread_id)
    my_votes = {}
    can_accept = False
    privileges: dict[str, bool] = {}
    if actor is not None:
        privileges = current_community.privileges.of(actor)
        for post in posts:
            vote = current_community.votes.get(actor=actor, post=post.id)
            my_votes[post.id] = vote.value if vote is not None else 0
        can_accept = current_community.threads.can_accept(actor=actor, thread=thread_id)
    return render_template(
        "thread.html",
        thread=found,
        space=current_community.spaces.get(actor=actor, space=found.space_id),
        opening=posts[0],
        answers=posts[1:],
        my_votes=my_votes,
        can_accept=can_accept,
        can_vote_up=privileges.get("vote_up", False),
        can_vote_down=privileges.get("vote_down", False),
        vote_up_needs=current_community.privileges.required("vote_up"),
        names=Names(),
    )


@support.get("/leaderboard")
def leaderboard():
    """The most helpful members: all time and this week."""
    return render_template(
        "leaderboard.html",
        all_time=current_community.reputation.leaderboard(limit=20),
        week=current_community.reputation.leaderboard(period="week", limit=20),
    )


@support.get("/m/<int:member_id>")
def member(member_id: int):
    """A member's profile and reputation history (and sanctions, for moderators)."""
    found = current_community.members.get(member_id)
    actor = current_actor()
    sanctions = []
    if actor is not None and current_community.members.get(actor).is_moderator:
        sanctions = current_community.moderation.in_force(actor=actor, member=member_id)
    return render_template(
        "member.html",
        member=found,
        history=current_community.reputation.history(member_id, limit=50),
        rank=current_community.reputation.rank(member_id),
        sanctions=sanctions,
    )


@support.get("/audit")
def audit():
    """The audit log of moderator and staff actions; moderators only."""
    entries = current_community.audit.entries(actor=_moderator(), limit=100)
    return render_template("audit.html", entries=entries, names=Names())


# ---------------------------------------------------------------- commands


@support.post("/s/<slug>/ask")
def ask(slug: str):
    """Ask a question in a space."""
    question = current_community.threads.start(
        actor=require_actor(),
        space=slug,
        kind="question",
        title=request.form.get("title", ""),
        body=request.form.get("body", ""),
    )
    if question.held:  # a content rule or pre-moderation held it: nothing is published yet
        flash("Thanks! A moderator will review your question before it appears.", "info")
        return redirect(url_for("support.space", slug=slug))
    return redirect(url_for("support.thread", thread_id=question.id))


@support.post("/t/<int:thread_id>/answer")
def answer(thread_id: int):
    """Answer a question."""
    reply = current_community.posts.reply(
        actor=require_actor(), thread=thread_id, body=request.form.get("body", "")
    )
    if reply.held:  # a content rule or pre-moderation held it: nothing is published yet
        flash("Thanks! A moderator will review your answer before it appears.", "info")
        return redirect(url_for("support.thread", thread_id=thread_id))
    return redirect(url_for("support.thread", thread_id=thread_id, _anchor=f"post-{reply.id}"))


@support.post("/p/<int:post_id>/vote")
def vote(post_id: int):
    """Vote a post up or down, or take the vote back (``value`` 0)."""
    actor = require_actor()
    post = current_community.posts.get(actor=actor, post=post_id)
    value = request.form.get("value", type=int)
    if value == 0:
        current_community.votes.retract(actor=actor, post=post_id)
    else:
        current_community.votes.cast(actor=actor, post=post_id, value=value)
    return redirect(url_for("support.thread", thread_id=post.thread_id, _anchor=f"post-{post_id}"))


@support.post("/p/<int:post_id>/accept")
def accept(post_id: int):
    """Accept an answer (the asker, or staff)."""
    found = current_community.threads.accept(actor=require_actor(), answer=post_id)
    flash("Answer accepted. Thank you!", "info")
    return redirect(url_for("support.thread", thread_id=found.id))


@support.post("/p/<int:post_id>/delete")
def delete(post_id: int):
    """Delete (hide) a post: its author, or a moderator with a reason for the audit log."""
    actor = require_actor()
    post = current_community.posts.get(actor=actor, post=post_id)
    current_community.posts.delete(
        actor=actor, post=post_id, reason=request.form.get("reason", "").strip()
    )
    flash("Post deleted.", "info")
    if post.is_opening:
        return redirect(url_for("support.spaces"))
    return redirect(url_for("support.thread", thread_id=post.thread_id))


@support.post("/m/<int:member_id>/silence")
def silence(member_id: int):
    """Silence a member for some days (moderators); they can still read and vote."""
    days = request.form.get("days", default=1, type=int) or 1
    current_community.moderation.silence(
        actor=require_actor(),
        member=member_id,
        reason=request.form.get("reason", ""),
        duration=timedelta(days=days),
    )
    flash("Member silenced.", "info")
    return redirect(url_for("support.member", member_id=member_id))

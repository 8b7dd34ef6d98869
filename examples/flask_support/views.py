"""The support site's pages: server-rendered, POST forms and redirects, no JavaScript."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from socialcrm import Member, NotFound, RateLimited, ReviewItem
from socialcrm.contrib.flask import current_actor, current_community, require_actor

from .users import DEMO_USERS, USERS_BY_ID

#: The reasons a member may give when flagging a post, as the form lists them.
FLAG_REASONS = (
    ("spam", "Spam"),
    ("inappropriate", "Inappropriate"),
    ("off_topic", "Off-topic"),
    ("other", "Something else"),
)
#: A moderator's answers to a post's open flags (the form's ``decision`` values).
FLAG_DECISIONS = ("agree", "agree_and_delete", "disagree", "defer")
#: A moderator's answers to a review item (the form's ``decision`` values).
REVIEW_DECISIONS = ("approve", "edit_and_approve", "reject", "dismiss")

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
    pending: list[ReviewItem] = []
    can_accept = False
    privileges: dict[str, bool] = {}
    if actor is not None:
        privileges = current_community.privileges.of(actor)
        for post in posts:
            vote = current_community.votes.get(actor=actor, post=post.id)
            my_votes[post.id] = vote.value if vote is not None else 0
        can_accept = current_community.threads.can_accept(actor=actor, thread=thread_id)
        pending = [
            item
            for item in current_community.review.pending(actor=actor)
            if item.thread_id == thread_id
        ]
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
        flag_reasons=FLAG_REASONS,
        pending=pending,
        names=Names(),
    )


@support.get("/leaderboard")
def leaderboard():
    """The most helpful members: all time and this week."""
    return render_template(
        "leaderboard.html",
        all_time=current_community.reputation.leaderboard(limit=20),
        week=current_community.reputation.leaderboard(
            period="week", limit=20, actor=current_actor()
        ),
    )


@support.get("/m/<int:member_id>")
def member(member_id: int):
    """A member's profile: reputation history, badges, their own pending posts, sanctions."""
    found = current_community.members.get(member_id)
    actor = current_actor()
    sanctions = []
    pending: list[ReviewItem] = []
    if actor is not None and current_community.members.get(actor).is_moderator:
        sanctions = current_community.moderation.in_force(actor=actor, member=member_id)
    if actor == member_id:
        pending = current_community.review.pending(actor=actor)
    badges = current_community.badges
    return render_template(
        "member.html",
        member=found,
        badges=[
            (award, badges.definition(award.badge)) for award in badges.of(member_id, actor=actor)
        ],
        pending=pending,
        history=current_community.reputation.history(member_id, actor=actor, limit=50),
        rank=current_community.reputation.rank(member_id),
        sanctions=sanctions,
    )


@support.get("/moderation")
def moderation():
    """The moderators' queues: flagged posts and members, and the review queue."""
    actor = _moderator()
    flagged = []
    for item in current_community.flags.queue(actor=actor, limit=50):
        post = None
        if item.post_id is not None:
            post = current_community.posts.get(actor=actor, post=item.post_id)
        flagged.append((item, post))
    return render_template(
        "moderation.html",
        flagged=flagged,
        review=current_community.review.queue(actor=actor, limit=50),
        names=Names(),
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


@support.post("/p/<int:post_id>/flag")
def flag(post_id: int):
    """Flag a post for the moderators, with a reason (and a note for "other")."""
    actor = require_actor()
    post = current_community.posts.get(actor=actor, post=post_id)
    back = url_for("support.thread", thread_id=post.thread_id, _anchor=f"post-{post_id}")
    try:
        current_community.flags.flag_post(
            actor=actor,
            post=post_id,
            reason=request.form.get("reason", ""),
            text=request.form.get("text", "").strip(),
        )
    except RateLimited as error:  # the daily flag limit: say when flagging works again
        minutes = max(1, math.ceil(error.retry_after / 60))
        flash(f"You have flagged a lot today: you can flag again in {minutes} minutes.", "error")
        return redirect(back)
    flash("Thanks! A moderator will look at the post you flagged.", "info")
    try:  # the flag may have hidden the post (and, for an opening post, its thread)
        current_community.threads.get(actor=actor, thread=post.thread_id)
    except NotFound:
        return redirect(url_for("support.spaces"))
    return redirect(back)


@support.post("/moderation/flags")
def decide_flags():
    """Decide on a flagged post's (or member's) open flags: agree, disagree or defer."""
    actor = _moderator()
    decision = request.form.get("decision", "")
    if decision not in FLAG_DECISIONS:
        abort(400, f"decision must be one of {', '.join(FLAG_DECISIONS)}")
    subject: dict[str, int] = {}
    for field in ("post", "member"):
        value = request.form.get(field, type=int)
        if value is not None:
            subject[field] = value
    if len(subject) != 1:
        abort(400, "name one post or one member")
    flags, reason = current_community.flags, request.form.get("reason", "").strip()
    if decision == "agree":
        flags.agree(actor=actor, reason=reason, **subject)
        flash("Flags agreed: the post stays hidden.", "info")
    elif decision == "agree_and_delete":
        flags.agree(actor=actor, reason=reason, delete=True, **subject)
        flash("Flags agreed and the post deleted.", "info")
    elif decision == "disagree":
        flags.disagree(actor=actor, reason=reason, **subject)
        flash("Flags disagreed: the post is shown again.", "info")
    else:
        flags.defer(actor=actor, reason=reason, **subject)
        flash("Flags deferred.", "info")
    return redirect(url_for("support.moderation"))


@support.post("/moderation/review/<int:item_id>")
def decide_review(item_id: int):
    """Approve (as is, or edited), reject or dismiss an item of the review queue."""
    actor = _moderator()
    decision = request.form.get("decision", "")
    note = request.form.get("note", "").strip()
    review = current_community.review
    if decision == "approve":
        review.approve(actor=actor, item=item_id, note=note)
        flash("Approved and published.", "info")
    elif decision == "edit_and_approve":
        title = request.form.get("title")
        review.edit_and_approve(
            actor=actor,
            item=item_id,
            body=request.form.get("body"),
            title=title if title else None,
            note=note,
        )
        flash("Edited, approved and published.", "info")
    elif decision == "reject":
        review.reject(actor=actor, item=item_id, reason=note)
        flash("Rejected.", "info")
    elif decision == "dismiss":
        review.dismiss(actor=actor, item=item_id, note=note)
        flash("Dismissed: the post stays.", "info")
    else:
        abort(400, f"decision must be one of {', '.join(REVIEW_DECISIONS)}")
    return redirect(url_for("support.moderation"))

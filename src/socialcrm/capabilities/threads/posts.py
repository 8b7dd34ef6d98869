"""Posts: replies, edits with revision history, soft deletion, comments."""

from __future__ import annotations

import builtins

import attrs

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.bounties.events import BountyRefunded
from socialcrm.capabilities.bounties.records import BountyClosing
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.members.service import check_content
from socialcrm.capabilities.moderation.held import (
    HOLDING,
    HeldSubmission,
    after_publish,
    hold,
    merge_rule_tags,
)
from socialcrm.capabilities.moderation.pipeline import moderate
from socialcrm.capabilities.ratelimits.service import enforce_rate_limits
from socialcrm.capabilities.spaces.access import (
    optional_viewer,
    require_actor,
    require_privilege,
    sees_hidden,
    visible_post,
    visible_thread,
)
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.events import (
    CommentAdded,
    PostDeleted,
    PostEdited,
    ReplyPosted,
)
from socialcrm.capabilities.threads.locking import (
    live_post_under_thread_lock,
    lock_live_post,
    lock_live_thread,
)
from socialcrm.capabilities.threads.records import Comment, NewPost, Post, Revision, Thread
from socialcrm.capabilities.threads.service import ensure_tags, withdraw_acceptance
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient


def delete_post(
    tx: Transaction, acting: Member, found: Post, thread: Thread, space: Space, why: str
) -> Post:
    """Soft-delete ``found`` in the command ``tx``; the caller checked ``acting``'s rights.

    Unaccepts it (or its thread's answer) first, takes the thread with an opening
    post (closing its open bounty as ``refunded``, with ``BountyRefunded``), records
    ``PostDeleted`` and audits a deletion of someone else's post.
    Locks the thread, then the post, and acts on them as committed now: a
    deletion that lost a race with another deletion of the post (or its thread)
    raises ``NotFound`` and changes nothing.
    """
    found, thread = lock_live_post(tx, found.id, thread.id)
    if thread.accepted_answer_id is not None and (
        found.is_opening or thread.accepted_answer_id == found.id
    ):
        withdraw_acceptance(tx, acting.id, thread, space)
    if not tx.uow.posts.mark_deleted(found.id, by=acting.id, at=tx.now) or (
        found.is_opening and not tx.uow.threads.mark_deleted(thread.id, tx.now)
    ):
        # Not reached while every deletion holds the thread's lock; kept as the guard.
        raise NotFound(f"no post {found.id}", code="post_not_found")
    if not found.is_opening and found.hidden_at is None:
        # A hidden reply already left the count when it was hidden.
        tx.uow.threads.record_reply(thread.id, delta=-1, at=None)
    bounty = tx.uow.bounties.open_for_thread(thread.id) if found.is_opening else None
    refund = BountyClosing(status="refunded", closed_at=tx.now, closed_by=acting.id)
    if bounty is not None and not tx.uow.bounties.close(bounty.id, refund):
        bounty = None  # not reached under the thread's exclusive lock
    tx.record(
        PostDeleted(
            at=tx.now,
            actor_id=acting.id,
            post_id=found.id,
            thread_id=thread.id,
            space_id=space.id,
            author_id=found.author_id,
            was_opening=found.is_opening,
        )
    )
    if bounty is not None:
        # The deletion above already gave the offer back (its entry is under the
        # thread); this closes the bounty and tells receivers, and reverses nothing.
        tx.record(
            BountyRefunded(
                at=tx.now,
                actor_id=acting.id,
                bounty_id=bounty.id,
                thread_id=thread.id,
                space_id=space.id,
                offered_by=bounty.offered_by,
                amount=bounty.amount,
                reason="question deleted",
            )
        )
    if found.author_id != acting.id:
        record_audit(
            tx,
            actor_id=acting.id,
            action="post_deleted",
            reason=why,
            member_id=found.author_id,
            post_id=found.id,
            thread_id=thread.id,
            before={"deleted": False, "was_opening": found.is_opening},
            after={"deleted": True, "was_opening": found.is_opening},
        )
    return attrs.evolve(found, deleted_at=tx.now, deleted_by=acting.id)


class Posts(PublicAPI):
    """``community.posts``: reply, edit, delete, comment, and read posts."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    @retry_transient
    def reply(
        self, *, actor: int, thread: int, body: str, community_wiki: bool = False
    ) -> Post | HeldSubmission:
        """Reply to an open thread (an answer, for questions).

        ``community_wiki`` makes it a community-wiki post, which earns its author
        no reputation. Returns the :class:`Post`, or a
        :class:`~socialcrm.capabilities.moderation.held.HeldSubmission` when a content rule or the
        pre-moderation settings held it for review (nothing is published then).
        """
        settings = self._rt.settings
        body = validation.body(body, settings)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            found, space = visible_thread(tx.uow, acting, thread)
            # The thread first (lock order), exclusive since the reply counts on it.
            found = lock_live_thread(tx, found.id)
            if found.status != "open":
                raise Conflict("the thread is closed", code="thread_closed")
            enforce_rate_limits(tx, acting, "reply", thread=found)
            decision = moderate(tx, acting, {"body": body}, space, holdable=True)
            body = decision.texts["body"]
            if decision.action in HOLDING:
                return hold(
                    tx,
                    acting,
                    decision,
                    space,
                    thread_id=found.id,
                    thread_kind=None,
                    title=None,
                    body=body,
                    tags=(),
                    community_wiki=bool(community_wiki),
                )
            if decision.tags:
                tags = merge_rule_tags(tx, found.tags, decision.tags)
                if tags != found.tags:
                    tx.uow.threads.set_title_and_tags(found.id, title=found.title, tags=tags)
            # The thread's counter first: the post's foreign-key check would take a
            # shared lock on the thread row that concurrent repliers (on MariaDB)
            # could not both upgrade; the exclusive lock first orders them.
            tx.uow.threads.record_reply(found.id, delta=1, at=tx.now)
            post = tx.uow.posts.add(
                NewPost(
                    thread_id=found.id,
                    author_id=acting.id,
                    body=body,
                    is_opening=False,
                    created_at=tx.now,
                    community_wiki=bool(community_wiki),
                )
            )
            tx.record(
                ReplyPosted(
                    at=tx.now,
                    actor_id=acting.id,
                    post_id=post.id,
                    thread_id=found.id,
                    space_id=space.id,
                    author_id=acting.id,
                    thread_kind=found.kind,
                )
            )
            after_publish(
                tx, acting, decision, space, post_id=post.id, thread_id=found.id, body=body
            )
            return post

    @retry_transient
    def edit(
        self,
        *,
        actor: int,
        post: int,
        body: str | None = None,
        title: str | None = None,
        tags: list[str] | None = None,
    ) -> Post:
        """Edit a post, keeping the previous body (and title) as a revision.

        The author may edit; others need the ``edit`` privilege. ``title`` and
        ``tags`` apply to opening posts only. An edit unlocks votes cast before it.
        """
        settings = self._rt.settings
        if body is None and title is None and tags is None:
            raise ValidationError("nothing to change: give body, title or tags", field="body")
        new_body = None
        if body is not None:
            new_body = validation.body(body, settings)
        new_title = None
        if title is not None:
            new_title = validation.title(title, settings)
        new_tags = None
        if tags is not None:
            new_tags = validation.tags(
                tags, max_count=settings.max_tags, max_length=settings.tag_max_length
            )
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            found, thread, space = visible_post(tx.uow, acting, post)
            # Thread then post before anything locks a member (a vote holds the post
            # and then locks its author: the other order deadlocked). Exclusive on
            # the thread only when the edit may write its title and tags.
            found, thread = lock_live_post(
                tx, found.id, thread.id, shared_thread=not found.is_opening
            )
            if found.author_id != acting.id:
                require_privilege(self._rt, tx, acting, "edit")
            if (new_title is not None or new_tags is not None) and not found.is_opening:
                raise ValidationError("only an opening post has a title and tags", field="title")
            body_changed = new_body is not None and new_body != found.body
            title_changed = new_title is not None and new_title != thread.title
            tags_changed = new_tags is not None and new_tags != thread.tags
            if not (body_changed or title_changed or tags_changed):
                return found
            fields: dict[str, str] = {}
            if body_changed and new_body is not None:
                fields["body"] = new_body
            if title_changed and new_title is not None:
                fields["title"] = new_title
            decision = moderate(tx, acting, fields, space, holdable=False, operation="edit")
            if body_changed:
                new_body = decision.texts["body"]
            if title_changed:
                new_title = decision.texts["title"]
            if tags_changed:
                ensure_tags(tx, acting, new_tags)  # type: ignore[arg-type]
            if decision.tags and found.is_opening:
                new_tags = merge_rule_tags(
                    tx, new_tags if new_tags is not None else thread.tags, decision.tags
                )
                tags_changed = new_tags != thread.tags
            revision = tx.uow.posts.add_revision(
                post_id=found.id,
                editor_id=acting.id,
                edited_at=tx.now,
                previous_body=found.body,
                previous_title=thread.title if found.is_opening else None,
            )
            final_body = new_body if body_changed and new_body is not None else found.body
            tx.uow.posts.update_body(found.id, body=final_body, edited_at=tx.now)
            if title_changed or tags_changed:
                tx.uow.threads.set_title_and_tags(
                    thread.id,
                    title=new_title if title_changed else thread.title,  # type: ignore[arg-type]
                    tags=new_tags if tags_changed else thread.tags,  # type: ignore[arg-type]
                )
            tx.record(
                PostEdited(
                    at=tx.now,
                    actor_id=acting.id,
                    post_id=found.id,
                    thread_id=thread.id,
                    space_id=space.id,
                    revision_id=revision.id,
                )
            )
            if acting.is_moderator and found.author_id != acting.id:
                changed = [
                    name
                    for name, did in (
                        ("body", body_changed),
                        ("title", title_changed),
                        ("tags", tags_changed),
                    )
                    if did
                ]
                # Bodies stay in the revision history; the log names the revision.
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="post_edited",
                    member_id=found.author_id,
                    post_id=found.id,
                    thread_id=thread.id,
                    before={"changed": changed, "revision_id": revision.id},
                    after={"changed": changed, "edited_at": tx.now.isoformat()},
                )
            after_publish(
                tx, acting, decision, space, post_id=found.id, thread_id=thread.id, body=final_body
            )
            return attrs.evolve(found, body=final_body, edited_at=tx.now)

    @retry_transient
    def delete(self, *, actor: int, post: int, reason: str = "") -> Post:
        """Soft-delete a post: its author or a moderator.

        Deleting an opening post deletes the thread. Reputation the post (or the
        thread) earned is taken back; a deleted accepted answer is unaccepted first.
        A moderator deleting someone else's post is written to the audit log, with
        ``reason``.
        """
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, thread, space = visible_post(tx.uow, acting, post)
            if found.author_id != acting.id and not acting.is_moderator:
                raise PermissionDenied(
                    "only the author or a moderator may delete a post", code="not_the_author"
                )
            return delete_post(tx, acting, found, thread, space, why)

    @retry_transient
    def comment(self, *, actor: int, post: int, body: str) -> Comment:
        """Comment under a post.

        Needs the ``comment`` privilege, except on one's own posts and on answers in
        one's own question.
        """
        settings = self._rt.settings
        body = validation.text(
            body,
            "comment",
            min_length=settings.comment_min_length,
            max_length=settings.comment_max_length,
        )
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            found, thread, space = visible_post(tx.uow, acting, post)
            found, thread = live_post_under_thread_lock(tx, found.id, thread.id)
            if acting.id not in (found.author_id, thread.author_id):
                require_privilege(self._rt, tx, acting, "comment")
            body = check_content(tx, acting, {"comment": body}, space)["comment"]
            comment = tx.uow.posts.add_comment(
                post_id=found.id, author_id=acting.id, body=body, created_at=tx.now
            )
            tx.record(
                CommentAdded(
                    at=tx.now,
                    actor_id=acting.id,
                    comment_id=comment.id,
                    post_id=found.id,
                    thread_id=thread.id,
                    space_id=space.id,
                )
            )
            return comment

    # ------------------------------------------------------------ queries

    def get(self, *, actor: int | None, post: int) -> Post:
        """A post ``actor`` may see (not deleted)."""
        with self._rt.query() as uow:
            return visible_post(uow, optional_viewer(uow, actor), post)[0]

    def list(self, *, actor: int | None, thread: int) -> list[Post]:
        """A thread's posts that are not deleted: the opening post, then replies oldest first.

        Hidden posts are listed (with ``hidden_at`` set) only for their author and
        moderators.
        """
        with self._rt.query() as uow:
            viewer = optional_viewer(uow, actor)
            found, _ = visible_thread(uow, viewer, thread)
            return [
                p
                for p in uow.posts.list_for_thread(found.id)
                if p.hidden_at is None or sees_hidden(viewer, p.author_id)
            ]

    def revisions(self, *, actor: int | None, post: int) -> builtins.list[Revision]:
        """The post's earlier versions, oldest first."""
        with self._rt.query() as uow:
            found = visible_post(uow, optional_viewer(uow, actor), post)[0]
            return uow.posts.revisions(found.id)

    def comments(self, *, actor: int | None, post: int) -> builtins.list[Comment]:
        """The comments under a post, oldest first."""
        with self._rt.query() as uow:
            found = visible_post(uow, optional_viewer(uow, actor), post)[0]
            return uow.posts.comments(found.id)

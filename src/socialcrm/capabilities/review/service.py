"""The review queue: moderators approve, edit and approve, reject or dismiss its items."""

from __future__ import annotations

import builtins
from datetime import datetime

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.flags.service import FlagQueueItem, flag_queue_items
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.review.events import (
    ReviewItemDismissed,
    SubmissionApproved,
    SubmissionRejected,
)
from socialcrm.capabilities.review.records import REVIEW_KINDS, ReviewDecision, ReviewItem
from socialcrm.capabilities.spaces.access import (
    readable_spaces,
    require_actor,
    require_moderator,
    require_viewer,
    resolve_space,
)
from socialcrm.capabilities.spaces.tree import space_and_descendants
from socialcrm.capabilities.threads.events import ReplyPosted, ThreadStarted
from socialcrm.capabilities.threads.posts import delete_post
from socialcrm.capabilities.threads.records import NewPost, NewThread, Post
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient


def _item(tx: Transaction, acting: Member, item_id: object, kind: str | None = None) -> ReviewItem:
    iid = validation.identifier(item_id, "item")
    found = tx.uow.review.get(iid)
    if found is None or found.space_id not in readable_spaces(tx.uow, acting):
        raise NotFound(f"no review item {iid}", code="review_item_not_found")
    if kind is not None and found.kind != kind:
        raise ValidationError(f"review item {iid} is a {found.kind!r} item", field="item")
    if not found.is_pending:
        raise Conflict(f"review item {iid} was {found.status} already", code="already_decided")
    return found


def _decide(tx: Transaction, item: ReviewItem, decision: ReviewDecision) -> None:
    """Record ``decision`` on the pending ``item``; ``Conflict`` if another unit decided it."""
    if not tx.uow.review.decide(item.id, decision):
        raise Conflict(f"review item {item.id} was decided meanwhile", code="already_decided")


def _audit_decision(
    tx: Transaction,
    acting_id: int,
    item: ReviewItem,
    action: str,
    status: str,
    why: str,
    *,
    post_id: int | None = None,
    thread_id: int | None = None,
    before: dict[str, object] | None = None,
) -> None:
    """Audit a moderator's decision on ``item``: pending, then ``status``.

    ``post_id``/``thread_id`` default to the item's (an approval names what it published);
    ``before`` adds to the pending state (the text an edit replaced).
    """
    record_audit(
        tx,
        actor_id=acting_id,
        action=action,
        reason=why,
        member_id=item.author_id,
        post_id=item.post_id if post_id is None else post_id,
        thread_id=item.thread_id if thread_id is None else thread_id,
        space_id=item.space_id,
        before={"review_item_id": item.id, "status": "pending"} | (before or {}),
        after={"review_item_id": item.id, "status": status},
    )


class Review(PublicAPI):
    """``community.review``: the moderators' queue of held submissions and flagged posts."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ queries

    def queue(
        self,
        *,
        actor: int,
        space: str | int | None = None,
        reason: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[ReviewItem]:
        """Pending items, oldest first; moderators only.

        ``space`` keeps that space and its subgroups; ``reason`` the items a rule
        asked for (``"watched_words"``, ``"premoderation"``...); ``kind`` ``held``
        or ``flag``. Only spaces the moderator may read are listed.
        """
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            require_moderator(acting, "read the review queue")
            space_ids = self._spaces(uow, acting, space)
            return uow.review.pending(
                space_ids=space_ids,
                reason=self._reason(reason),
                kind=self._kind(kind),
                limit=limit,
                offset=offset,
            )

    def count(
        self,
        *,
        actor: int,
        space: str | int | None = None,
        reason: str | None = None,
        kind: str | None = None,
    ) -> int:
        """How many items :meth:`queue` would list; moderators only."""
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            require_moderator(acting, "read the review queue")
            return uow.review.count_pending(
                space_ids=self._spaces(uow, acting, space),
                reason=self._reason(reason),
                kind=self._kind(kind),
            )

    def pending(self, *, actor: int, limit: int = 50) -> builtins.list[ReviewItem]:
        """The actor's own held submissions still waiting for approval, oldest first."""
        limit, _ = validation.page(limit, 0, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            items = uow.review.by_author(acting.id, status="pending", limit=limit)
            return [i for i in items if i.kind == "held"]

    def get(self, *, actor: int, item: int) -> ReviewItem:
        """An item: for moderators, and for the author of a held submission."""
        iid = validation.identifier(item, "item")
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            found = uow.review.get(iid)
            allowed = found is not None and (
                (acting.is_moderator and found.space_id in readable_spaces(uow, acting))
                or (found.kind == "held" and found.author_id == acting.id)
            )
            if found is None or not allowed:
                raise NotFound(f"no review item {iid}", code="review_item_not_found")
            return found

    def all_queues(
        self,
        *,
        actor: int,
        space: str | int | None = None,
        reason: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[ReviewItem | FlagQueueItem]:
        """Everything waiting for a moderator, oldest first: one list of the review
        queue (held submissions and rule flags, :class:`ReviewItem`) and the member
        flag queue (flagged posts and members, :class:`FlagQueueItem`); moderators only.

        Ordered by when each item started waiting (``created_at`` of a review item,
        ``queued_at`` of a flag item; review items first on a tie). ``space`` keeps
        that space and its subgroups (member flags, which have no space, are left
        out then); ``reason`` keeps review items a rule of that name asked for and
        flag items with an open flag of that reason (``"spam"``...). Decide review
        items here (:meth:`approve`, :meth:`reject`...) and flag items with
        ``community.flags`` (``agree``, ``disagree``, ``defer``). Reads at most
        ``offset + limit`` review items and the flag queue's scan limit
        (``FlagSettings.queue_scan_limit``).
        """
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        wanted = None if reason is None else self._reason(reason)
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            require_moderator(acting, "read the review queue")
            held = uow.review.pending(
                space_ids=self._spaces(uow, acting, space),
                reason=wanted,
                kind=None,
                limit=offset + limit,
                offset=0,
            )
            flagged = flag_queue_items(uow, acting, self._rt, space=space, reason=wanted)
        merged: builtins.list[tuple[datetime, int, int, ReviewItem | FlagQueueItem]] = [
            (item.created_at, 0, index, item) for index, item in enumerate(held)
        ]
        merged += [(item.queued_at, 1, index, item) for index, item in enumerate(flagged)]
        merged.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in merged[offset : offset + limit]]

    @staticmethod
    def _spaces(uow: object, acting: Member, space: str | int | None) -> list[int]:
        visible = readable_spaces(uow, acting)  # type: ignore[arg-type]
        if space is None:
            return list(visible)
        root = resolve_space(uow, acting, space)  # type: ignore[arg-type]
        return space_and_descendants(visible, root.id)

    @staticmethod
    def _reason(reason: str | None) -> str | None:
        if reason is not None and (not isinstance(reason, str) or not reason.strip()):
            raise ValidationError("reason must be a rule name", field="reason")
        return None if reason is None else reason.strip()

    @staticmethod
    def _kind(kind: str | None) -> str | None:
        return None if kind is None else validation.choice(kind, "kind", REVIEW_KINDS)

    # ------------------------------------------------------------ decisions

    @retry_transient
    def approve(self, *, actor: int, item: int, note: str = "") -> Post:
        """Publish a held submission as its author's thread or reply; return the post.

        The usual ``thread_started`` or ``reply_posted`` event is recorded at
        approval time (and the post is dated then), with ``submission_approved``.
        A reply whose thread was deleted or closed meanwhile raises ``Conflict``
        (reject it instead).
        """
        return self._approve(actor, item, note, body=None, title=None)

    @retry_transient
    def edit_and_approve(
        self,
        *,
        actor: int,
        item: int,
        body: str | None = None,
        title: str | None = None,
        note: str = "",
    ) -> Post:
        """Approve a held submission after changing its body (and, for a thread, title).

        The moderator's text is checked for length only; the author's original is
        kept in the audit entry's ``before``.
        """
        settings = self._rt.settings
        new_body = None if body is None else validation.body(body, settings)
        new_title = None if title is None else validation.title(title, settings)
        if new_body is None and new_title is None:
            raise ValidationError("nothing to change: give body or title", field="body")
        return self._approve(actor, item, note, body=new_body, title=new_title)

    def _approve(
        self, actor: int, item: int, note: str, *, body: str | None, title: str | None
    ) -> Post:
        why = reason_text(note, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "approve submissions")
            found = _item(tx, acting, item, kind="held")
            if title is not None and found.thread_id is not None:
                raise ValidationError("a reply has no title", field="title")
            final_body = body if body is not None else found.body
            post = self._publish(tx, found, final_body, title or found.title)
            approval = ReviewDecision(
                status="approved",
                at=tx.now,
                by=acting.id,
                note=why,
                post_id=post.id,
                body=body,
                title=title,
            )
            _decide(tx, found, approval)
            edited = body is not None or title is not None
            tx.record(
                SubmissionApproved(
                    at=tx.now,
                    actor_id=acting.id,
                    item_id=found.id,
                    post_id=post.id,
                    thread_id=post.thread_id,
                    space_id=found.space_id,
                    author_id=found.author_id,
                    edited=edited,
                )
            )
            _audit_decision(
                tx,
                acting.id,
                found,
                "submission_edited_and_approved" if edited else "submission_approved",
                "approved",
                why,
                post_id=post.id,
                thread_id=post.thread_id,
                before={"body": found.body, "title": found.title} if edited else None,
            )
            return post

    def _publish(self, tx: Transaction, item: ReviewItem, body: str, title: str | None) -> Post:
        author = item.author_id
        if item.thread_id is None:
            thread = tx.uow.threads.add(
                NewThread(
                    space_id=item.space_id,
                    kind=item.thread_kind or "discussion",
                    title=title or "",
                    tags=item.tags,
                    author_id=author,
                    created_at=tx.now,
                )
            )
            post = tx.uow.posts.add(
                NewPost(
                    thread_id=thread.id,
                    author_id=author,
                    body=body,
                    is_opening=True,
                    created_at=tx.now,
                    community_wiki=item.community_wiki,
                )
            )
            tx.uow.threads.set_opening_post(thread.id, post.id)
            tx.record(
                ThreadStarted(
                    at=tx.now,
                    actor_id=author,
                    thread_id=thread.id,
                    space_id=item.space_id,
                    kind=thread.kind,
                    author_id=author,
                    opening_post_id=post.id,
                    tags=item.tags,
                )
            )
            return post
        target = tx.uow.threads.get(item.thread_id)
        if target is None or target.deleted_at is not None:
            raise Conflict("the thread replied to was deleted", code="thread_deleted")
        thread = target
        if thread.status != "open":
            raise Conflict("the thread replied to is closed", code="thread_closed")
        tx.uow.threads.record_reply(thread.id, delta=1, at=tx.now)
        post = tx.uow.posts.add(
            NewPost(
                thread_id=thread.id,
                author_id=author,
                body=body,
                is_opening=False,
                created_at=tx.now,
                community_wiki=item.community_wiki,
            )
        )
        tx.record(
            ReplyPosted(
                at=tx.now,
                actor_id=author,
                post_id=post.id,
                thread_id=thread.id,
                space_id=thread.space_id,
                author_id=author,
                thread_kind=thread.kind,
            )
        )
        return post

    @retry_transient
    def reject(self, *, actor: int, item: int, reason: str = "") -> ReviewItem:
        """Reject an item: a held submission is kept for the record and never published;
        a flagged post is deleted. Moderators only."""
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "reject submissions")
            found = _item(tx, acting, item)
            if found.kind == "flag" and found.post_id is not None:
                located = tx.uow.posts.locate(found.post_id)
                if located is not None and located[0].deleted_at is None:
                    delete_post(tx, acting, *located, why)
            _decide(tx, found, ReviewDecision(status="rejected", at=tx.now, by=acting.id, note=why))
            tx.record(
                SubmissionRejected(
                    at=tx.now,
                    actor_id=acting.id,
                    item_id=found.id,
                    author_id=found.author_id,
                    space_id=found.space_id,
                    post_id=found.post_id,
                    reason=why,
                )
            )
            _audit_decision(tx, acting.id, found, "submission_rejected", "rejected", why)
            return tx.uow.review.get(found.id) or found

    @retry_transient
    def dismiss(self, *, actor: int, item: int, note: str = "") -> ReviewItem:
        """Close a flag item and keep the post as it is. Moderators only."""
        why = reason_text(note, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "dismiss flags")
            found = _item(tx, acting, item, kind="flag")
            _decide(
                tx, found, ReviewDecision(status="dismissed", at=tx.now, by=acting.id, note=why)
            )
            tx.record(
                ReviewItemDismissed(
                    at=tx.now,
                    actor_id=acting.id,
                    item_id=found.id,
                    post_id=found.post_id or 0,
                    space_id=found.space_id,
                    author_id=found.author_id,
                )
            )
            _audit_decision(tx, acting.id, found, "review_item_dismissed", "dismissed", why)
            return tx.uow.review.get(found.id) or found


__all__ = ["Review"]

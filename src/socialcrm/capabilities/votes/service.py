"""Votes: cast, change and retract; one per member and post, enforced by storage."""

from __future__ import annotations

from datetime import timedelta

import attrs

from socialcrm.capabilities.contests.service import refuse_vote_outside_voting_window
from socialcrm.capabilities.ratelimits.service import enforce_rate_limits
from socialcrm.capabilities.spaces.access import (
    require_actor,
    require_moderator,
    require_privilege,
    require_viewer,
    visible_post,
)
from socialcrm.capabilities.threads.locking import lock_live_thread
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.capabilities.votes.events import VoteCast, VoteChanged, VoteRetracted
from socialcrm.capabilities.votes.records import Vote
from socialcrm.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RetryableStorageError,
    ValidationError,
)
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

_PRIVILEGE_FOR = {1: "vote_up", -1: "vote_down"}


def post_kind(thread: Thread, post: Post) -> str:
    """``question``/``answer`` in question threads, ``opening``/``reply`` elsewhere."""
    if thread.kind == "question":
        return "question" if post.is_opening else "answer"
    return "opening" if post.is_opening else "reply"


class Votes(PublicAPI):
    """``community.votes``: vote posts up or down, change or retract the vote."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _locked(self, tx: Transaction, vote: Vote, post: Post) -> bool:
        lock = self._rt.settings.vote_lock_seconds
        if lock <= 0 or tx.now - vote.cast_at < timedelta(seconds=lock):
            return False
        return post.edited_at is None or post.edited_at <= vote.cast_at

    @retry_transient
    def cast(self, *, actor: int, post: int, value: int) -> Vote:
        """Vote +1 or -1 on a post; casting the other value changes the vote.

        Never on one's own post. Upvotes need ``vote_up``, downvotes ``vote_down``.
        A vote is locked ``vote_lock_seconds`` after it was cast unless the post
        was edited since. Casting the value already cast changes nothing. On the
        replies of a contest thread, votes are accepted only in the contest's
        voting window (``Conflict`` ``contest_voting_closed``).
        """
        if type(value) is not int or value not in (1, -1):
            raise ValidationError(f"value must be 1 or -1, got {value!r}", field="value")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, thread, space = visible_post(tx.uow, acting, post)
            if found.author_id == acting.id:
                raise PermissionDenied("members cannot vote on their own posts", code="own_post")
            # Shared: votes on the thread run side by side, its deletion waits for
            # them (and they for it); the post's own deletion is caught by add_score.
            lock_live_thread(tx, thread.id, shared=True, post_id=found.id)
            existing = tx.uow.votes.get(found.id, acting.id)
            if existing is not None and existing.value == value:
                return existing
            refuse_vote_outside_voting_window(tx, thread, found)
            require_privilege(self._rt, tx, acting, _PRIVILEGE_FOR[value])
            if existing is not None and self._locked(tx, existing, found):
                raise Conflict(
                    "the vote is locked; it can change only after the post is edited",
                    code="vote_locked",
                )
            enforce_rate_limits(tx, acting, "vote", value=value, previous=existing)
            kind = post_kind(thread, found)
            if existing is None:
                # The score first: on MariaDB the vote row's foreign-key check takes a
                # shared lock on the post, and two units holding it could not both
                # upgrade it for the score (a deadlock); holding the post's exclusive
                # lock first orders every voter on it.
                score = tx.uow.posts.add_score(found.id, value)
                if score is None:
                    raise NotFound(f"no post {found.id}", code="post_not_found")
                try:
                    vote = tx.uow.votes.add(
                        post_id=found.id, member_id=acting.id, value=value, cast_at=tx.now
                    )
                except Conflict as clash:
                    # Another worker cast this member's vote between our read and our
                    # insert; a fresh attempt sees it and treats this cast as a change.
                    raise RetryableStorageError(
                        "a concurrent request voted on the same post"
                    ) from clash
                tx.record(
                    VoteCast(
                        at=tx.now,
                        actor_id=acting.id,
                        vote_id=vote.id,
                        post_id=found.id,
                        thread_id=thread.id,
                        space_id=space.id,
                        post_author_id=found.author_id,
                        post_kind=kind,
                        value=value,
                        post_wiki=found.community_wiki,
                        post_score=score,
                    )
                )
                return vote
            if not tx.uow.votes.change(existing.id, value=value, cast_at=tx.now):
                # A concurrent request changed or retracted it first; a fresh attempt
                # sees the vote as it is now.
                raise RetryableStorageError("a concurrent request changed the same vote")
            score = tx.uow.posts.add_score(found.id, value - existing.value)
            if score is None:
                raise NotFound(f"no post {found.id}", code="post_not_found")
            tx.record(
                VoteChanged(
                    at=tx.now,
                    actor_id=acting.id,
                    vote_id=existing.id,
                    post_id=found.id,
                    thread_id=thread.id,
                    space_id=space.id,
                    post_author_id=found.author_id,
                    post_kind=kind,
                    value=value,
                    previous_value=existing.value,
                    post_wiki=found.community_wiki,
                    post_score=score,
                )
            )
            return attrs.evolve(existing, value=value, cast_at=tx.now)

    @retry_transient
    def retract(self, *, actor: int, post: int) -> None:
        """Take back one's vote (subject to the vote lock); ``NotFound`` if there is none.

        On a contest's replies, only in its voting window (``contest_voting_closed``).
        """
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, thread, space = visible_post(tx.uow, acting, post)
            lock_live_thread(tx, thread.id, shared=True, post_id=found.id)
            existing = tx.uow.votes.get(found.id, acting.id)
            if existing is None:
                raise NotFound(f"member {acting.id} has no vote on post {found.id}", code="no_vote")
            refuse_vote_outside_voting_window(tx, thread, found)
            if self._locked(tx, existing, found):
                raise Conflict(
                    "the vote is locked; it can change only after the post is edited",
                    code="vote_locked",
                )
            if not tx.uow.votes.remove(existing.id, value=existing.value):
                # A concurrent request retracted or changed it since we read it; a
                # fresh attempt sees the vote as it is now (taking ``existing.value``
                # off the score after a change would count the change twice).
                raise RetryableStorageError("a concurrent request changed the same vote")
            if tx.uow.posts.add_score(found.id, -existing.value) is None:
                raise NotFound(f"no post {found.id}", code="post_not_found")
            tx.record(
                VoteRetracted(
                    at=tx.now,
                    actor_id=acting.id,
                    vote_id=existing.id,
                    post_id=found.id,
                    thread_id=thread.id,
                    space_id=space.id,
                    post_author_id=found.author_id,
                    post_kind=post_kind(thread, found),
                    value=0,
                    previous_value=existing.value,
                    post_wiki=found.community_wiki,
                )
            )

    def get(self, *, actor: int, post: int) -> Vote | None:
        """``actor``'s vote on the post, or ``None``."""
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            found = visible_post(uow, acting, post)[0]
            return uow.votes.get(found.id, acting.id)

    def for_post(self, *, actor: int, post: int) -> list[Vote]:
        """Every vote on a post; moderators only, since who voted is private."""
        with self._rt.query() as uow:
            acting = require_viewer(uow, actor)
            require_moderator(acting, "see who voted")
            found = visible_post(uow, acting, post)[0]
            return uow.votes.for_post(found.id)

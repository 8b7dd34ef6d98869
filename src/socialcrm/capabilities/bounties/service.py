"""``community.bounties``: offer reputation on a question, award it, or let the job settle it.

The offer is a ledger entry of its own (rule ``bounty_offered``, cause
``thread:<id>:bounty:<id>``) written when the bounty opens; the award another
(``bounty_awarded``, cause ``thread:<id>:post:<answer>:bounty:<id>``). Both come
from the reward rules (``socialcrm_reputation_changes`` on ``BountyOffered`` and
``BountyAwarded``) and neither counts against the daily cap. Deleting the question
refunds the offer (and takes back an award); deleting the awarded answer takes
back the award, like everything else the post earned.
"""

from __future__ import annotations

import builtins
from datetime import timedelta

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.bounties.events import (
    BountyAwarded,
    BountyExpired,
    BountyOffered,
    BountyRefunded,
)
from socialcrm.capabilities.bounties.records import Bounty, BountyClosing
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.spaces.access import (
    can_read_space,
    optional_viewer,
    require_actor,
    require_moderator,
    require_privilege,
    visible_on_thread,
    visible_post,
    visible_thread,
)
from socialcrm.capabilities.threads.locking import live_post_under_thread_lock, lock_live_thread
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient


def visible_bounty(uow: UnitOfWork, member: Member | None, bounty: object) -> tuple[Bounty, Thread]:
    """A bounty on a thread ``member`` may see, with the thread.

    A bounty on a thread the member cannot see answers exactly like a missing
    one: ``NotFound`` with code ``bounty_not_found``.
    """
    bounty_id = validation.identifier(bounty, "bounty")
    return visible_on_thread(
        uow,
        member,
        uow.bounties.get(bounty_id),
        lambda found: found.thread_id,
        NotFound(f"no bounty {bounty_id}", code="bounty_not_found"),
    )


def _question(thread: Thread) -> None:
    if thread.kind != "question":
        raise ValidationError("bounties are offered on questions only", field="thread")


def award_bounty(
    tx: Transaction,
    bounty: Bounty,
    answer: Post,
    space_id: int,
    *,
    amount: int,
    automatic: bool,
    actor_id: int | None,
) -> Bounty:
    """Close an open bounty in favour of ``answer`` and record ``BountyAwarded``.

    The caller checked that ``answer`` qualifies. ``Conflict`` (code
    ``bounty_closed``) if another unit closed the bounty first.
    """
    status = "auto_awarded" if automatic else "awarded"
    award = BountyClosing(
        status=status,
        closed_at=tx.now,
        closed_by=actor_id,
        answer_id=answer.id,
        awarded_to=answer.author_id,
        awarded_amount=amount,
    )
    if not tx.uow.bounties.close(bounty.id, award):
        raise Conflict(f"bounty {bounty.id} is closed already", code="bounty_closed")
    tx.record(
        BountyAwarded(
            at=tx.now,
            actor_id=actor_id,
            bounty_id=bounty.id,
            thread_id=bounty.thread_id,
            space_id=space_id,
            answer_id=answer.id,
            answer_author_id=answer.author_id,
            offered_by=bounty.offered_by,
            amount=amount,
            automatic=automatic,
        )
    )
    closed = tx.uow.bounties.get(bounty.id)
    assert closed is not None
    return closed


def expire_bounty(tx: Transaction, bounty: Bounty, space_id: int) -> None:
    """Close an open bounty as ``lost`` (by no one) and record ``BountyExpired``."""
    tx.uow.bounties.close(bounty.id, BountyClosing(status="lost", closed_at=tx.now, closed_by=None))
    tx.record(
        BountyExpired(
            at=tx.now,
            actor_id=None,
            bounty_id=bounty.id,
            thread_id=bounty.thread_id,
            space_id=space_id,
            offered_by=bounty.offered_by,
            amount=bounty.amount,
        )
    )


def top_answer_since(tx: Transaction, bounty: Bounty, *, min_score: int) -> Post | None:
    """The live answer posted at or after the bounty's start with the highest score.

    Only answers scored at least ``min_score`` and not by the offerer qualify;
    ties go to the earliest answer (lowest id).
    """
    best: Post | None = None
    for post in tx.uow.posts.list_for_thread(bounty.thread_id):
        if (
            post.is_opening
            or post.deleted_at is not None
            or post.created_at < bounty.started_at
            or post.author_id == bounty.offered_by
            or post.score < min_score
        ):
            continue
        if best is None or post.score > best.score:
            best = post
    return best


def close_from_history(
    runtime: Runtime, *, post: int, amount: int | None, actor_id: int | None
) -> str:
    """Replay a history's "bounty closed" record (the Stack Exchange importer's path).

    ``post`` is the awarded answer, or the question itself when nothing was awarded
    (``amount`` ``None``). The open bounty of its thread is closed: awarded
    ``amount`` (the full offer: chosen; less: automatic), else lost. The history
    decided, so neither the deadline nor the expiry rules are applied. Returns
    the outcome (``"awarded"``, ``"auto_awarded"``, ``"lost"``, ``"no open bounty"``).
    """
    with runtime.command() as tx:
        located = tx.uow.posts.locate(post)
        if located is None:
            raise NotFound(f"no post {post}", code="post_not_found")
        found, thread, space = located
        bounty = tx.uow.bounties.open_for_thread(thread.id)
        if bounty is None:
            return "no open bounty"
        if found.is_opening or not amount:
            expire_bounty(tx, bounty, space.id)
            return "lost"
        automatic = amount < bounty.amount
        award_bounty(
            tx, bounty, found, space.id, amount=amount, automatic=automatic, actor_id=actor_id
        )
        return "auto_awarded" if automatic else "awarded"


class Bounties(PublicAPI):
    """``community.bounties``: offer, award, refund, the expiry job, and reading them."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _amount(self, amount: object) -> int:
        rules = self._rt.settings.bounties
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"amount must be an integer, got {amount!r}", field="amount")
        if not rules.min_amount <= amount <= rules.max_amount:
            raise ValidationError(
                f"a bounty is {rules.min_amount} to {rules.max_amount} reputation, got {amount}",
                field="amount",
            )
        return amount

    def _days(self, days: object) -> int:
        rules = self._rt.settings.bounties
        if days is None:
            return rules.default_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= rules.max_days:
            raise ValidationError(
                f"days must be an integer from 1 to {rules.max_days}, got {days!r}", field="days"
            )
        return days

    @retry_transient
    def offer(self, *, actor: int, thread: int, amount: int, days: int | None = None) -> Bounty:
        """Offer ``amount`` of one's reputation on a question, open for ``days`` days.

        Needs the ``set_bounty`` privilege (and, with ``Settings.bounties.asker_only``,
        to be the asker). The amount is deducted at once and must leave the offerer
        at or above the reputation floor. One open bounty per question: ``Conflict``
        (code ``bounty_already_open``) otherwise. Closed questions take no bounty.
        """
        amount = self._amount(amount)
        duration = self._days(days)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found, space = visible_thread(tx.uow, acting, thread)
            _question(found)
            # The question stays live until the offer commits (its deletion, which
            # refunds offers, waits); re-checked on the row the lock returns.
            found = lock_live_thread(tx, found.id, shared=True)
            if found.status != "open":
                raise Conflict("the question is closed", code="thread_closed")
            rules = self._rt.settings.bounties
            if rules.asker_only and found.author_id != acting.id:
                raise PermissionDenied(
                    "only the asker may offer a bounty on this question", code="not_the_asker"
                )
            require_privilege(self._rt, tx, acting, "set_bounty")
            if tx.uow.bounties.open_for_thread(found.id) is not None:
                raise Conflict(
                    f"thread {found.id} has an open bounty already", code="bounty_already_open"
                )
            # Read under the member's lock so that two offers at once cannot both spend it.
            current = tx.uow.members.lock(acting.id)
            floor = self._rt.settings.reputation_floor
            if current is None or (rules.require_reputation and current - amount < floor):
                raise ValidationError(
                    f"offering {amount} would leave member {acting.id} below {floor} reputation",
                    field="amount",
                )
            bounty = tx.uow.bounties.open(
                thread_id=found.id,
                offered_by=acting.id,
                amount=amount,
                started_at=tx.now,
                ends_at=tx.now + timedelta(days=duration),
            )
            tx.record(
                BountyOffered(
                    at=tx.now,
                    actor_id=acting.id,
                    bounty_id=bounty.id,
                    thread_id=found.id,
                    space_id=space.id,
                    offered_by=acting.id,
                    amount=amount,
                    ends_at=bounty.ends_at,
                )
            )
            return bounty

    @retry_transient
    def award(self, *, actor: int, answer: int, reason: str = "") -> Bounty:
        """Award the open bounty of the answer's question to it, before the bounty ends.

        The offerer awards it (a moderator may too, audited as ``bounty_awarded``);
        never to the offerer's own answer. The answer's author receives the full amount.
        """
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            post, thread, space = visible_post(tx.uow, acting, answer)
            # The answer and its question stay live until the award commits (their
            # deletion takes the award back, and waits); re-read under the lock.
            post, thread = live_post_under_thread_lock(tx, post.id, thread.id)
            if post.is_opening or thread.kind != "question":
                raise ValidationError("a bounty is awarded to an answer", field="answer")
            bounty = tx.uow.bounties.open_for_thread(thread.id)
            if bounty is None:
                raise NotFound(f"thread {thread.id} has no open bounty", code="no_open_bounty")
            if acting.id != bounty.offered_by:
                if not acting.is_moderator:
                    raise PermissionDenied(
                        "only the member who offered the bounty may award it",
                        code="not_the_offerer",
                    )
            if post.author_id == bounty.offered_by:
                raise PermissionDenied(
                    "a bounty cannot go to the offerer's own answer", code="own_answer"
                )
            if tx.now >= bounty.ends_at:
                raise Conflict("the bounty has ended", code="bounty_ended")
            closed = award_bounty(
                tx,
                bounty,
                post,
                space.id,
                amount=bounty.amount,
                automatic=False,
                actor_id=acting.id,
            )
            if acting.id != bounty.offered_by:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="bounty_awarded",
                    reason=why,
                    member_id=post.author_id,
                    post_id=post.id,
                    thread_id=thread.id,
                    after={"bounty": bounty.id, "amount": bounty.amount},
                )
            return closed

    @retry_transient
    def refund(self, *, actor: int, bounty: int, reason: str) -> Bounty:
        """Cancel an open bounty and refund the offer (moderators; audited ``bounty_refunded``).

        The question must be visible to the moderator: a bounty in a private space
        they are not a member of answers ``bounty_not_found``, like a missing id.
        """
        bounty_id = validation.identifier(bounty, "bounty")
        why = reason_text(reason, self._rt, required=True)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_moderator(acting, "refund bounties")
            found = tx.uow.bounties.get(bounty_id)
            thread = None if found is None else tx.uow.threads.get(found.thread_id)
            space = None if thread is None else tx.uow.spaces.get(thread.space_id)
            # A bounty in a space the moderator cannot see answers like a missing one.
            # (A deleted question's bounty stays refundable: only the space is checked.)
            if found is None or space is None or not can_read_space(tx.uow, acting, space):
                raise NotFound(f"no bounty {bounty_id}", code="bounty_not_found")
            thread = tx.uow.threads.lock(found.thread_id, shared=True)
            assert thread is not None
            refund = BountyClosing(status="refunded", closed_at=tx.now, closed_by=acting.id)
            if not tx.uow.bounties.close(found.id, refund):
                raise Conflict(f"bounty {found.id} is closed already", code="bounty_closed")
            record_audit(
                tx,
                actor_id=acting.id,
                action="bounty_refunded",
                reason=why,
                member_id=found.offered_by,
                thread_id=found.thread_id,
                before={"bounty": found.id, "amount": found.amount, "status": "open"},
                after={"status": "refunded"},
            )
            tx.record(
                BountyRefunded(
                    at=tx.now,
                    actor_id=acting.id,
                    bounty_id=found.id,
                    thread_id=found.thread_id,
                    space_id=thread.space_id,
                    offered_by=found.offered_by,
                    amount=found.amount,
                    reason=why,
                )
            )
            refunded = tx.uow.bounties.get(found.id)
            assert refunded is not None
            return refunded

    def close_expired(self, *, limit: int | None = None) -> list[Bounty]:
        """The periodic job: settle every open bounty whose end has passed; return them.

        Each goes ``auto_awarded`` at ``Settings.bounties.auto_award_percent`` percent
        (rounded down) to the top-scoring answer posted after it started with a
        score of at least ``auto_award_min_score`` (not the offerer's), else
        ``lost``. One unit of work per bounty; running it again settles nothing twice.
        """
        batch = self._rt.settings.bounties.expire_batch if limit is None else limit
        batch, _ = validation.page(batch, 0, max_limit=max(batch, 1))
        with self._rt.query() as uow:
            due = uow.bounties.due(self._rt.clock.now(), limit=batch)
        settled = []
        for bounty in due:
            closed = self._settle(bounty.id)
            if closed is not None:
                settled.append(closed)
        return settled

    @retry_transient
    def close_from_history(self, *, post: int, amount: int | None = None) -> str:
        """Close a question's open bounty as another site's history recorded it (importers).

        ``post`` is the answer the history awarded ``amount`` to (the full offer: a
        chosen award; less: the automatic one), or the question itself, or any post
        with ``amount`` ``None``, when the bounty was lost. Trusted, like a job: no
        actor, and neither the deadline nor the expiry rules apply (the history
        decided). Returns ``"awarded"``, ``"auto_awarded"``, ``"lost"`` or ``"no open
        bounty"``. The Stack Exchange importer replays bounty closes with it.
        """
        return close_from_history(self._rt, post=post, amount=amount, actor_id=None)

    @retry_transient
    def _settle(self, bounty_id: int) -> Bounty | None:
        rules = self._rt.settings.bounties
        with self._rt.command() as tx:
            bounty = tx.uow.bounties.get(bounty_id)
            if bounty is None or not bounty.is_open or bounty.ends_at > tx.now:
                return None
            # Shared: the question's deletion (which takes awards back) waits, or
            # has committed and is seen here.
            thread = tx.uow.threads.lock(bounty.thread_id, shared=True)
            assert thread is not None
            best = None
            if thread.deleted_at is None:
                best = top_answer_since(tx, bounty, min_score=rules.auto_award_min_score)
            if best is not None:
                amount = bounty.amount * rules.auto_award_percent // 100
                return award_bounty(
                    tx, bounty, best, thread.space_id, amount=amount, automatic=True, actor_id=None
                )
            expire_bounty(tx, bounty, thread.space_id)
            return tx.uow.bounties.get(bounty.id)

    # ------------------------------------------------------------ queries

    def open_on(self, *, actor: int | None, thread: int) -> Bounty | None:
        """The question's open bounty, or ``None`` (the thread must be visible to ``actor``)."""
        with self._rt.query() as uow:
            found = visible_thread(uow, optional_viewer(uow, actor), thread)[0]
            return uow.bounties.open_for_thread(found.id)

    def for_thread(self, *, actor: int | None, thread: int) -> builtins.list[Bounty]:
        """Every bounty of the question, closed ones included, oldest first."""
        with self._rt.query() as uow:
            found = visible_thread(uow, optional_viewer(uow, actor), thread)[0]
            return uow.bounties.for_thread(found.id)


__all__ = [
    "Bounties",
    "award_bounty",
    "close_from_history",
    "expire_bounty",
    "top_answer_since",
    "visible_bounty",
]

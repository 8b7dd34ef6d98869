"""What a submitting command does with the pipeline's decision: hold, flag, alert, silence.

``threads.start`` and ``posts.reply`` call :func:`hold` when the decision is
``require_approval`` or ``silence`` (and return its :class:`HeldSubmission`
instead of a thread or post), and :func:`after_publish` once they published.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.auto_sanctions import impose_automatic_silence
from socialcrm.capabilities.review.events import ContentFlagged, ModerationAlert, SubmissionHeld
from socialcrm.capabilities.review.policy import CombinedVerdict
from socialcrm.capabilities.review.records import NewReviewItem, ReviewItem
from socialcrm.capabilities.spaces.records import Space
from socialcrm.core import validation
from socialcrm.services.runtime import Transaction

#: Decisions that hold a submission instead of publishing it.
HOLDING = ("require_approval", "silence")


@attrs.frozen(kw_only=True)
class HeldSubmission:
    """Returned by ``threads.start`` and ``posts.reply`` when the submission was held.

    Nothing was published: the submission waits in the review queue as ``item``
    (a :class:`~socialcrm.capabilities.review.records.ReviewItem` of kind ``held``) until a
    moderator approves it. Tell its author it is pending; ``reasons`` say why
    (they come from the rules and are meant for moderators, show them with care).
    Test for it with ``isinstance(result, HeldSubmission)`` or ``result.held``.

    It has no ``id``: ``result.id`` used to be the review item's id, which a view
    then took for the new thread's or post's id and sent the author to someone
    else's thread. Reading ``.id`` now raises ``AttributeError`` saying so; the
    review item's id is :attr:`review_item_id`.
    """

    item: ReviewItem
    silenced: bool = False

    #: Always ``True``; ``Thread.held`` and ``Post.held`` are ``False``.
    held = True

    @property
    def review_item_id(self) -> int:
        """The id of the review item that holds the submission (not a thread or post id)."""
        return self.item.id

    @property
    def id(self) -> int:
        """Not available: raises ``AttributeError`` (nothing was published, so no id)."""
        raise AttributeError(
            "a HeldSubmission has no .id: nothing was published, the submission waits "
            "for review; check isinstance(result, HeldSubmission) (or result.held) "
            "before using result.id, and use .review_item_id for the review item"
        )

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it was held."""
        return self.item.reasons


def review_reason(combined: CombinedVerdict) -> str:
    """The queue reason of a decision: the first rule that asked for it."""
    return combined.rules[0] if combined.rules else combined.action


def merge_rule_tags(
    tx: Transaction, given: tuple[str, ...], extra: Iterable[str]
) -> tuple[str, ...]:
    """``given`` plus the rules' tags (valid ones, up to ``max_tags`` in all), created if new.

    Tags a rule adds are created without the ``create_tags`` privilege: the
    rule, not the member, asked for them.
    """
    settings = tx.runtime.settings
    wanted = list(given)
    for tag in extra:
        try:
            [clean] = validation.tags([tag], max_count=1, max_length=settings.tag_max_length)
        except Exception:  # noqa: BLE001 - a rule's bad tag is dropped, not fatal
            continue
        if clean not in wanted and len(wanted) < settings.max_tags:
            wanted.append(clean)
    added = set(wanted) - set(given)
    if added:
        new = added - tx.uow.threads.known_tags(sorted(added))
        if new:
            tx.uow.threads.add_tags(sorted(new), tx.now)
    return tuple(wanted)


def _alert(
    tx: Transaction,
    acting: Member,
    combined: CombinedVerdict,
    space: Space,
    *,
    item_id: int | None,
    post_id: int | None,
) -> None:
    if combined.alerts:
        tx.record(
            ModerationAlert(
                at=tx.now,
                actor_id=acting.id,
                author_id=acting.id,
                space_id=space.id,
                messages=combined.alerts,
                item_id=item_id,
                post_id=post_id,
            )
        )


def hold(
    tx: Transaction,
    acting: Member,
    combined: CombinedVerdict,
    space: Space,
    *,
    thread_id: int | None,
    thread_kind: str | None,
    title: str | None,
    body: str,
    tags: tuple[str, ...],
    community_wiki: bool,
) -> HeldSubmission:
    """Queue the submission as a ``held`` item; silence its author if the decision says so."""
    item = tx.uow.review.add(
        NewReviewItem(
            kind="held",
            reason=review_reason(combined),
            reasons=combined.reasons,
            rules=combined.rules,
            author_id=acting.id,
            space_id=space.id,
            thread_id=thread_id,
            post_id=None,
            thread_kind=thread_kind,
            title=title,
            body=body,
            tags=tags,
            community_wiki=community_wiki,
            created_at=tx.now,
        )
    )
    tx.record(
        SubmissionHeld(
            at=tx.now,
            actor_id=acting.id,
            item_id=item.id,
            author_id=acting.id,
            space_id=space.id,
            thread_id=thread_id,
            reason=item.reason,
            reasons=item.reasons,
        )
    )
    _alert(tx, acting, combined, space, item_id=item.id, post_id=None)
    silenced = combined.action == "silence"
    if silenced:
        _silence(tx, acting, combined, item)
    return HeldSubmission(item=item, silenced=silenced)


def _silence(tx: Transaction, acting: Member, combined: CombinedVerdict, item: ReviewItem) -> None:
    # The rule acted on the member's own submission, so the sanction names them as
    # its imposer; the audit entry (actor None) says it was a rule.
    impose_automatic_silence(
        tx,
        member_id=acting.id,
        imposed_by=acting.id,
        reason="automatic: " + "; ".join(combined.reasons or ("a content rule",)),
        before={"in_force": []},
        after={"kind": "silence", "review_item_id": item.id},
    )


def after_publish(
    tx: Transaction,
    acting: Member,
    combined: CombinedVerdict,
    space: Space,
    *,
    post_id: int,
    thread_id: int,
    body: str,
) -> None:
    """Queue a ``flag`` item for a flagged post and send the rules' alerts."""
    item_id = None
    if combined.action == "flag":
        item = tx.uow.review.add(
            NewReviewItem(
                kind="flag",
                reason=review_reason(combined),
                reasons=combined.reasons,
                rules=combined.rules,
                author_id=acting.id,
                space_id=space.id,
                thread_id=thread_id,
                post_id=post_id,
                thread_kind=None,
                title=None,
                body=body,
                tags=(),
                community_wiki=False,
                created_at=tx.now,
            )
        )
        item_id = item.id
        tx.record(
            ContentFlagged(
                at=tx.now,
                actor_id=acting.id,
                item_id=item.id,
                post_id=post_id,
                thread_id=thread_id,
                space_id=space.id,
                author_id=acting.id,
                reason=item.reason,
                reasons=item.reasons,
            )
        )
    _alert(tx, acting, combined, space, item_id=item_id, post_id=post_id)


__all__ = ["HOLDING", "HeldSubmission", "after_publish", "hold", "merge_rule_tags", "review_reason"]

"""Records of the review capability: items of the review queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from socialcrm.core import validation
from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError

#: Kinds of review-queue items: ``held`` (a submission waiting for approval, not
#: published) and ``flag`` (a published post a content rule flagged). Member flags
#: are meant to become a third kind.
REVIEW_KINDS = ("held", "flag")

#: Review item statuses; ``pending`` items are in the queue, the others are decided.
REVIEW_STATUSES = ("pending", "approved", "rejected", "dismissed")

#: The longest review reason (a rule name) storage keeps.
REVIEW_REASON_MAX_LENGTH = 64


def check_review_item(*, kind: object, reason: object, created_at: object) -> None:
    """Refuse a review item storage must not keep (``ValidationError``).

    An unknown kind, a ``reason`` that is not 1 to :data:`REVIEW_REASON_MAX_LENGTH`
    characters, or a naive ``created_at``. :class:`NewReviewItem` calls it.
    """
    if kind not in REVIEW_KINDS:
        raise ValidationError(f"unknown review item kind {kind!r}", field="kind")
    if not isinstance(reason, str) or not reason or len(reason) > REVIEW_REASON_MAX_LENGTH:
        raise ValidationError(
            f"a review reason is 1 to {REVIEW_REASON_MAX_LENGTH} characters", field="reason"
        )
    aware(created_at, "created_at")


def check_decision(*, status: object, at: object) -> None:
    """Refuse a decision storage must not record (``ValidationError``).

    A ``status`` that is ``pending`` or unknown, or a naive ``at``.
    :class:`ReviewDecision` calls it.
    """
    if status == "pending" or status not in REVIEW_STATUSES:
        raise ValidationError(f"{status!r} is not a decision", field="status")
    aware(at, "at")


def _optional_text(value: object, field: str) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {value!r}", field=field)


def _as_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` as a tuple; a bare string or a non-iterable is left to :func:`_strings`."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values  # type: ignore[return-value]
    return tuple(values)


def _strings(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Refuse anything but a tuple of strings (``ValidationError`` naming the field)."""
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            f"{attribute.name} must be a list of strings, got {value!r}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class NewReviewItem:
    """A review item to queue (:meth:`socialcrm.ports.ReviewRepository.add`).

    The fields of :class:`ReviewItem` that the caller gives; the storage hands out
    the id and stores the item ``pending``. ``reasons``, ``rules`` and ``tags``
    take any iterable of strings (kept as tuples), ``community_wiki`` any truth
    value. Construction refuses, with ``ValidationError``, what storage must not
    keep (:func:`check_review_item`: an unknown kind, an empty or over-long
    ``reason``, a naive ``created_at``) and lists that are not lists of strings,
    so no adapter is ever handed a bad item.
    """

    kind: str
    reason: str
    reasons: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_strings)
    rules: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_strings)
    author_id: int
    space_id: int
    thread_id: int | None
    post_id: int | None
    thread_kind: str | None
    title: str | None
    body: str
    tags: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_strings)
    community_wiki: bool = attrs.field(converter=bool)
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        check_review_item(kind=self.kind, reason=self.reason, created_at=self.created_at)


@attrs.frozen(kw_only=True)
class ReviewDecision:
    """A decision on a pending item (:meth:`socialcrm.ports.ReviewRepository.decide`).

    ``status`` is what the item becomes (any of :data:`REVIEW_STATUSES` but
    ``pending``), ``at`` and ``by`` when and by whom, ``note`` the moderator's
    note. ``post_id`` (the published post), ``body`` and ``title`` (the edited
    text) are set on the item only when given. Checked once, when built
    (:func:`check_decision`): ``ValidationError`` for a ``pending`` or unknown
    status, a naive ``at``, ids that are not positive integers and a ``note``,
    ``body`` or ``title`` that is not a string.
    """

    status: str
    at: datetime
    by: int
    note: str = ""
    post_id: int | None = None
    body: str | None = None
    title: str | None = None

    def __attrs_post_init__(self) -> None:
        check_decision(status=self.status, at=self.at)
        validation.identifier(self.by, "by")
        if self.post_id is not None:
            validation.identifier(self.post_id, "post_id")
        if not isinstance(self.note, str):
            raise ValidationError(f"note must be a string, got {self.note!r}", field="note")
        _optional_text(self.body, "body")
        _optional_text(self.title, "title")

    def changes(self) -> dict[str, Any]:
        """The item's fields this decision sets, by name (what every adapter writes).

        Always ``status``, ``decided_at``, ``decided_by`` and ``note``; ``post_id``,
        ``body`` and ``title`` only when given.
        """
        changes: dict[str, Any] = {
            "status": self.status,
            "decided_at": self.at,
            "decided_by": self.by,
            "note": self.note,
        }
        given = {"post_id": self.post_id, "body": self.body, "title": self.title}
        changes.update((name, value) for name, value in given.items() if value is not None)
        return changes


@attrs.frozen(kw_only=True)
class ReviewItem:
    """An item of the review queue.

    A ``held`` item is a submission that is not a post yet: a new thread
    (``thread_id`` ``None``; ``title``, ``thread_kind`` and ``tags`` given) or a
    reply to ``thread_id``. It becomes a post when a moderator approves it
    (``post_id`` then names the post). A ``flag`` item names the published
    ``post_id`` a rule flagged. ``reason`` is the name of the rule that asked for
    the review (``watched_words``, ``premoderation``...); ``reasons`` are the rules'
    messages and ``rules`` every rule that asked.
    """

    id: int
    kind: str
    status: str
    reason: str
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    author_id: int
    space_id: int
    thread_id: int | None
    post_id: int | None
    thread_kind: str | None
    title: str | None
    body: str
    tags: tuple[str, ...]
    community_wiki: bool
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = None
    note: str = ""

    @property
    def is_pending(self) -> bool:
        """Whether the item still waits for a decision."""
        return self.status == "pending"


__all__ = [
    "REVIEW_KINDS",
    "REVIEW_REASON_MAX_LENGTH",
    "REVIEW_STATUSES",
    "NewReviewItem",
    "ReviewDecision",
    "ReviewItem",
    "check_decision",
    "check_review_item",
]

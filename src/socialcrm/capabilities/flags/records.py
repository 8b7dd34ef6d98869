"""Records of the flags capability: members' reports of posts and members."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core.validation import aware, choice

#: Why a member flags a post or a member (``other`` needs a text).
FLAG_REASONS = ("spam", "inappropriate", "off_topic", "other")
#: A flag's state: ``open`` until a moderator agrees, disagrees or defers.
FLAG_STATUSES = ("open", "agreed", "disagreed", "deferred")


def check_flag(*, reason: object, created_at: object) -> None:
    """Refuse a flag storage must not keep (``ValidationError``).

    A ``reason`` not in :data:`FLAG_REASONS`, or a naive ``created_at``;
    :class:`NewFlag` calls it.
    """
    choice(reason, "reason", FLAG_REASONS)
    aware(created_at, "created_at")


@attrs.frozen(kw_only=True)
class NewFlag:
    """A flag to raise (:meth:`socialcrm.ports.FlagRepository.add`).

    The fields of :class:`Flag` that the flagger's command gives (``post_id``,
    ``thread_id`` and ``space_id`` ``None`` for a member flag); the storage hands
    out the id and stores the flag ``open``. Construction refuses, with
    ``ValidationError``, what :func:`check_flag` refuses: an unknown ``reason`` or
    a naive ``created_at``.
    """

    flagger_id: int
    member_id: int
    post_id: int | None
    thread_id: int | None
    space_id: int | None
    reason: str
    text: str
    weight: int
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        check_flag(reason=self.reason, created_at=self.created_at)


@attrs.frozen
class Flag:
    """A member's report of a post (``post_id`` set) or of a member (``post_id`` ``None``).

    ``member_id`` is the member reported: the post's author, or the flagged
    member. ``weight`` is the flag's score, fixed when it was raised (see
    ``docs/moderation.md``, "Flags"); ``space_id`` and ``thread_id`` are the
    post's at that time (``None`` for member flags). ``status`` is one of
    :data:`FLAG_STATUSES`; ``decided_by``/``decided_at`` say who closed it, when.
    """

    id: int
    flagger_id: int
    member_id: int
    post_id: int | None
    thread_id: int | None
    space_id: int | None
    reason: str
    text: str
    weight: int
    created_at: datetime
    status: str = "open"
    decided_by: int | None = None
    decided_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until a moderator decided on the flag."""
        return self.status == "open"


@attrs.frozen
class FlagAccuracy:
    """How many of a member's flags moderators agreed and disagreed with."""

    agreed: int = 0
    disagreed: int = 0


__all__ = ["FLAG_REASONS", "FLAG_STATUSES", "Flag", "FlagAccuracy", "NewFlag", "check_flag"]

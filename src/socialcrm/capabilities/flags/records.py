"""Records of the flags capability: members' reports of posts and members."""

from __future__ import annotations

from datetime import datetime

import attrs

#: Why a member flags a post or a member (``other`` needs a text).
FLAG_REASONS = ("spam", "inappropriate", "off_topic", "other")
#: A flag's state: ``open`` until a moderator agrees, disagrees or defers.
FLAG_STATUSES = ("open", "agreed", "disagreed", "deferred")


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


__all__ = ["FLAG_REASONS", "FLAG_STATUSES", "Flag", "FlagAccuracy"]

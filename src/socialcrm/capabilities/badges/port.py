"""The badges capability's storage port: badge awards and the facts badges are computed from.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.badges.records import AuthoredPost, BadgeAward, NewBadgeAward


class BadgeRepository(Protocol):
    """Badge awards, unique per badge, member and subject, and what badge checks read.

    ``(badge, member_id, subject)`` is unique (a unique constraint in SQL): an award
    is stored at most once, revoked or not, whatever the number of concurrent units.
    """

    def award(self, new: NewBadgeAward) -> BadgeAward | None:
        """Store ``new`` and return it with its id; ``None`` if its key exists.

        ``new`` was checked when it was made (:class:`NewBadgeAward`). An existing
        ``(badge, member_id, subject)`` is not an error: nothing is written and the
        unit stays usable. The storage refuses an unknown member with ``NotFound``
        (code ``member_not_found``).
        """
        ...

    def held(self, badge: str, member_id: int, subject: str) -> bool:
        """Whether an award with that key exists (revoked ones included)."""
        ...

    def get(self, award_id: int) -> BadgeAward | None:
        """The award with this id, or ``None``."""
        ...

    def for_member(
        self, member_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[BadgeAward]:
        """The member's awards not revoked, oldest first (id ascending).

        Awards whose ``space_id`` is in ``exclude_space_ids`` are left out.
        """
        ...

    def holders(
        self,
        badge: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[BadgeAward]:
        """Awards of the badge not revoked, to members who are not placeholders, by id.

        Awards whose ``space_id`` is in ``exclude_space_ids`` are left out (before paging).
        """
        ...

    def count_holders(self, badge: str, *, exclude_space_ids: Collection[int] = ()) -> int:
        """How many awards :meth:`holders` would list without a limit."""
        ...

    def revoke(self, award_id: int, *, at: datetime, by: int | None) -> bool:
        """Mark the award revoked; a compare-and-set (``False`` if it was revoked already).

        ``NotFound`` (code ``badge_award_not_found``) for an unknown id.
        """
        ...

    def accepted_answers(self, member_id: int) -> int:
        """Answers by the member accepted in live threads asked by someone else."""
        ...

    def authored_posts(self, member_id: int) -> builtins.list[AuthoredPost]:
        """The member's posts that are live in live threads, by post id, with thread views."""
        ...

    def votes_given(self, member_id: int) -> tuple[int, int]:
        """``(upvotes, downvotes)`` the member holds on posts now."""
        ...


__all__ = ["BadgeRepository"]

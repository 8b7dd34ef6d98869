"""The flags capability's storage port: flags on posts and members.

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
    from socialcrm.capabilities.flags.records import Flag, FlagAccuracy, NewFlag


class FlagRepository(Protocol):
    """Members' flags on posts and on members, and moderators' decisions on them.

    One flag per flagger and subject (a post, or a member when ``post_id`` is
    ``None``) is enforced by storage. A flag is ``open`` until :meth:`decide`
    closes it; weights never change after :meth:`add`.
    """

    def add(self, new: NewFlag) -> Flag:
        """Store ``new`` as an ``open`` flag and return it with its id.

        ``new`` was checked when it was made (:class:`NewFlag`); the storage still
        refuses a second flag by the same flagger on the same post (or, with
        ``post_id`` ``None``, the same member) with ``Conflict`` (code
        ``duplicate_flag``), leaving the unit usable.
        """
        ...

    def get(self, flag_id: int) -> Flag | None:
        """The flag with this id, or ``None``."""
        ...

    def for_post(self, post_id: int) -> builtins.list[Flag]:
        """Every flag on the post, decided ones too, by id ascending."""
        ...

    def about_member(self, member_id: int) -> builtins.list[Flag]:
        """Every flag whose ``member_id`` is the member (flags on their posts and on
        them), by id ascending."""
        ...

    def member_flags(self, member_id: int) -> builtins.list[Flag]:
        """The flags on the member themself (``post_id`` ``None``), by id ascending."""
        ...

    def open_flags(self, *, limit: int) -> builtins.list[Flag]:
        """Up to ``limit`` open flags, oldest first (``created_at``, then id)."""
        ...

    def count_open(self) -> int:
        """How many flags are open."""
        ...

    def decide(self, flag_ids: Collection[int], *, status: str, by: int, at: datetime) -> int:
        """Close those of the flags that are still open with ``status`` (``agreed``,
        ``disagreed`` or ``deferred``), by ``by`` at ``at``; return how many.

        A compare-and-set: flags already decided are left alone.
        """
        ...

    def accuracy(self, flagger_id: int, *, exclude_space_ids: Collection[int] = ()) -> FlagAccuracy:
        """How many of the member's flags were agreed and disagreed with.

        Flags whose ``space_id`` is in ``exclude_space_ids`` do not count.
        """
        ...

    def raised_since(self, flagger_id: int, since: datetime) -> tuple[int, datetime | None]:
        """``(count, earliest created_at)`` of the member's flags raised after ``since``
        (strictly); ``(0, None)`` when there is none."""
        ...

    def decided(
        self, *, since: datetime, until: datetime, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[Flag]:
        """Flags decided in ``since <= decided_at < until``, by ``decided_at`` then id.

        Flags whose ``space_id`` is in ``exclude_space_ids`` are left out.
        """
        ...

    def agreed_posts(self, member_id: int, *, since: datetime) -> int:
        """How many distinct posts of the member have an agreed flag raised at or
        after ``since``."""
        ...


__all__ = ["FlagRepository"]

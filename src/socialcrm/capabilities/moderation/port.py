"""The moderation capability's storage port: sanctions.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.moderation.records import NewSanction, Sanction


class SanctionRepository(Protocol):
    """Silences, suspensions and bans of members.

    A sanction to write is a :class:`~socialcrm.capabilities.moderation.records.NewSanction`,
    checked when it is made; :meth:`lift` checks its time with
    :func:`socialcrm.capabilities.moderation.policy.check_lift` before touching
    storage. A bad row raises ``ValidationError`` and writes nothing.
    """

    def add(self, new: NewSanction) -> Sanction:
        """Store ``new``, in force from ``imposed_at``; return it with its id.

        ``new`` was checked when it was made (:class:`NewSanction` refuses a bad
        kind or times); the storage still refuses an unknown member with
        ``NotFound`` (code ``member_not_found``), writing nothing.
        """
        ...

    def get(self, sanction_id: int) -> Sanction | None:
        """The sanction with this id, or ``None``."""
        ...

    def in_force(self, member_id: int, at: datetime) -> builtins.list[Sanction]:
        """The member's sanctions not lifted and not ended at ``at``, by id ascending.

        Every command reads this for its actor, so SQL adapters answer it from an
        index on ``(member_id, id)``.
        """
        ...

    def lift(self, sanction_id: int, *, at: datetime, by: int | None, reason: str | None) -> bool:
        """Mark the sanction lifted at ``at`` by ``by`` (``None``: it expired).

        A compare-and-set: returns ``False`` and changes nothing when it was already
        lifted (another writer got there first). ``NotFound`` (code
        ``sanction_not_found``) for an unknown id.
        """
        ...

    def due_to_expire(self, at: datetime, *, limit: int) -> builtins.list[Sanction]:
        """Sanctions not lifted whose ``ends_at`` is at or before ``at``, earliest end first.

        Ties by id ascending; at most ``limit``.
        """
        ...

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> builtins.list[Sanction]:
        """Every sanction of the member, lifted ones included, newest first (id descending)."""
        ...


__all__ = ["SanctionRepository"]

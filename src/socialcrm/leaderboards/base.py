"""The leaderboard backend protocol: who answers ``community.reputation.leaderboard`` and ``rank``.

A backend answers the queries it supports and returns ``None`` for the others;
:class:`~socialcrm.services.reputation.Reputation` then asks the storage (the
default backend, :class:`~socialcrm.leaderboards.storage.StorageLeaderboard`).
Visibility, validation, display names and rank numbering stay in the service, so
every backend gives the same :class:`~socialcrm.domain.records.LeaderboardRow`
records: a backend only returns ``(member_id, score)`` pairs in board order.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from socialcrm.ports import UnitOfWork

if TYPE_CHECKING:
    from socialcrm.community import Community

#: ``(member_id, score)`` in board order: score descending, then member id ascending.
Scored = list[tuple[int, int]]


class LeaderboardBackend(Protocol):
    """What ``Community(..., leaderboard=...)`` accepts."""

    def attach(self, community: Community) -> None:
        """Start serving ``community`` (called once by its constructor)."""
        ...

    def top(
        self,
        uow: UnitOfWork,
        *,
        period: str,
        since: datetime | None,
        space_ids: Collection[int] | None,
        limit: int,
    ) -> Scored | None:
        """The board's first ``limit`` members, or ``None`` if this query is not supported.

        ``period`` is ``all`` (total reputation when ``space_ids`` is ``None``) or
        ``day``/``week``/``month``/``year``, whose UTC calendar period started at
        ``since``. ``space_ids`` (``None``: everywhere) are the spaces whose reputation
        counts, already filtered to those the viewer can see. A period board for a
        viewer who cannot see every space is never asked of a backend (it would need
        per-space counters): the storage answers it. Period and space boards
        leave out members whose gain is 0 or less; the all-time board lists everyone.
        Ties are ordered by member id ascending. ``uow`` is the query's unit of work,
        for backends that answer from storage; others may ignore it.
        """
        ...

    def rank(self, member_id: int) -> int | None:
        """The member's all-time rank (1 + members with strictly more reputation).

        ``None`` if the backend cannot answer (for any reason, an unknown member
        included): the storage answers instead.
        """
        ...

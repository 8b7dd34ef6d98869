"""The default leaderboard backend: answer from the community's storage."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from socialcrm.capabilities.reputation.records import LedgerWindow
from socialcrm.leaderboards.base import LeaderboardSource, Scored
from socialcrm.ports import UnitOfWork


class StorageLeaderboard:
    """Leaderboards and ranks straight from storage (what socialcrm does without a backend).

    All-time: ``members.top`` (the ``(reputation, id)`` index in SQL) and
    ``members.count_above``; periods and spaces: ``ledger.gains``, a sum over the
    period's ledger entries. It supports every query.
    """

    def __init__(self) -> None:
        self._source: LeaderboardSource | None = None

    def attach(self, source: LeaderboardSource) -> None:
        """Remember where to read (``rank`` opens its own query unit on ``source``)."""
        self._source = source

    def top(
        self,
        uow: UnitOfWork,
        *,
        period: str,
        since: datetime | None,
        space_ids: Collection[int] | None,
        limit: int,
    ) -> Scored:
        """See :meth:`LeaderboardBackend.top`; never ``None``."""
        if period == "all" and space_ids is None:
            return [(m.id, m.reputation) for m in uow.members.top(limit=limit)]
        window = LedgerWindow(since=since, until=None, space_ids=space_ids)
        return uow.ledger.gains(window, limit=limit)

    def rank_in(self, uow: UnitOfWork, member_id: int) -> int | None:
        """The member's rank read through ``uow``; ``None`` for an unknown member."""
        found = uow.members.get(member_id)
        if found is None:
            return None
        return uow.members.count_above(found.reputation) + 1

    def rank(self, member_id: int) -> int | None:
        """See :meth:`LeaderboardBackend.rank`; ``None`` only for an unknown member."""
        if self._source is None:
            raise RuntimeError("StorageLeaderboard.rank needs attach(source) first")
        with self._source.query() as uow:
            return self.rank_in(uow, member_id)

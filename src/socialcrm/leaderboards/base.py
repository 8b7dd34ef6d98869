"""The leaderboard backend protocol: who answers ``community.reputation.leaderboard`` and ``rank``.

A backend answers the queries it supports and returns ``None`` for the others;
:class:`~socialcrm.capabilities.reputation.service.Reputation` then asks the storage (the
default backend, :class:`~socialcrm.leaderboards.storage.StorageLeaderboard`).
Visibility, validation, display names and rank numbering stay in the service, so
every backend gives the same :class:`~socialcrm.capabilities.reputation.records.LeaderboardRow`
records: a backend only returns ``(member_id, score)`` pairs in board order.

A backend never sees the ``Community``: ``Community(..., leaderboard=...)`` hands it a
:class:`LeaderboardSource`, the few reads and the signal subscription it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from socialcrm.ports import UnitOfWork

if TYPE_CHECKING:
    from blinker import Signal

    from socialcrm.settings import Settings

#: ``(member_id, score)`` in board order: score descending, then member id ascending.
Scored = list[tuple[int, int]]


class LeaderboardSource(Protocol):
    """What a leaderboard backend may use of the community it serves.

    ``Community(..., leaderboard=...)`` passes one to the backend's ``attach``.
    """

    @property
    def settings(self) -> Settings:
        """The community's settings (``reputation_start`` is a new member's score)."""
        ...

    def now(self) -> datetime:
        """The community clock's current time (aware UTC)."""
        ...

    def query(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work on the community's storage.

        Inside a host's ``community.unit_of_work()`` block it is that block's unit,
        so reads see the block's own uncommitted writes.
        """
        ...

    def subscribe(self, signal: Signal, receiver: Callable[..., None]) -> Callable[[], None]:
        """Connect ``receiver`` to ``signal`` for this community only; return the disconnect.

        ``signal`` is one of :mod:`socialcrm.signals`: the receiver hears committed
        events, as ``receiver(sender, event=event)``. Blinker keeps a weak reference
        to the receiver, as ``signal.connect`` does.
        """
        ...


class LeaderboardBackend(Protocol):
    """What ``Community(..., leaderboard=...)`` accepts."""

    def attach(self, source: LeaderboardSource) -> None:
        """Start serving the community ``source`` reads from (called once by its constructor)."""
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

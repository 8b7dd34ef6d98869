"""The polls capability's storage port: polls and their ballots.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.polls.records import NewPoll, Poll


class PollRepository(Protocol):
    """Polls on threads (one per thread), their options and ballots.

    A ballot is the set of options one member chose; storage keeps at most one
    row per ``(poll, member, option)``. Callers serialize a member's ballot
    changes (``members.lock``) so a single-choice ballot never holds two options.
    """

    def add(self, new: NewPoll) -> Poll:
        """Store the poll (validated when ``new`` was built) with its options in order, open.

        The storage may still refuse it: ``Conflict`` (``duplicate_poll``) if the
        thread carries a poll already.
        """
        ...

    def get(self, poll_id: int) -> Poll | None:
        """The poll with its options, or ``None``."""
        ...

    def for_thread(self, thread_id: int) -> Poll | None:
        """The thread's poll, or ``None``."""
        ...

    def close(self, poll_id: int, *, at: datetime) -> bool:
        """Set ``closed_at`` if not set; ``False`` if already closed or unknown."""
        ...

    def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...]:
        """The option ids the member chose, ascending (empty: no ballot)."""
        ...

    def set_ballot(
        self, poll_id: int, member_id: int, option_ids: Collection[int], *, cast_at: datetime
    ) -> None:
        """Replace the member's ballot by ``option_ids`` (empty: withdraw it)."""
        ...

    def tallies(self, poll_id: int) -> dict[int, int]:
        """Ballots per option id, every option of the poll included (0 when none)."""
        ...

    def voters(self, poll_id: int) -> int:
        """How many members hold a ballot."""
        ...


__all__ = ["PollRepository"]

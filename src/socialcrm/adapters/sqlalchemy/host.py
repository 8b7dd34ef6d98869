"""Joining a transaction the host application already holds (a Connection or a Session).

In this mode socialcrm never commits: each unit of work is a SAVEPOINT inside the
host's transaction, so a rejected command undoes only its own writes while
everything it committed commits, or rolls back, with the host's own writes.
Signals (the units' ``on_commit`` callbacks) wait for the host's commit and are
dropped if the host rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

_PENDING_KEY = "socialcrm_after_commit"


class HostTransaction:
    """Where a joined storage finds its connection and defers its callbacks."""

    def __init__(self, target: Connection | Session) -> None:
        self.target = target
        self.pending: list[Callable[[], None]] = []
        if isinstance(target, Session):
            event.listen(target, "after_commit", self._committed)
            event.listen(target, "after_rollback", self._rolled_back)
        else:
            # Core has no after-commit event: "commit" fires as the host commits its
            # outermost transaction, just before the database confirms it.
            event.listen(target, "commit", self._committed_connection)
            event.listen(target, "rollback", self._rolled_back_connection)

    @property
    def engine(self) -> Engine:
        """The engine behind the host's connection or session."""
        bind = self.target.get_bind() if isinstance(self.target, Session) else self.target
        return bind.engine

    def connection(self) -> Connection:
        """The host's connection (a session's is begun if needed)."""
        if isinstance(self.target, Session):
            return self.target.connection()
        return self.target

    def defer(self, callbacks: list[Callable[[], None]]) -> None:
        """Run ``callbacks`` when the host commits; forget them if it rolls back."""
        self.pending.extend(callbacks)

    def _run_pending(self) -> None:
        callbacks, self.pending = self.pending, []
        for callback in callbacks:
            callback()

    def _committed(self, session: Any) -> None:
        self._run_pending()

    def _rolled_back(self, session: Any) -> None:
        self.pending = []

    def _committed_connection(self, connection: Any) -> None:
        self._run_pending()

    def _rolled_back_connection(self, connection: Any) -> None:
        self.pending = []

    def detach(self) -> None:
        """Stop listening to the host's transaction events."""
        if isinstance(self.target, Session):
            event.remove(self.target, "after_commit", self._committed)
            event.remove(self.target, "after_rollback", self._rolled_back)
        else:
            event.remove(self.target, "commit", self._committed_connection)
            event.remove(self.target, "rollback", self._rolled_back_connection)


__all__ = ["HostTransaction"]

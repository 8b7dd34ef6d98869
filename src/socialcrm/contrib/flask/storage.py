"""A storage whose units join the host's Flask-SQLAlchemy session inside an app context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, SQLAlchemyUnitOfWork


class _Joined:
    """One app context's joined storage, and whether it holds uncommitted writes."""

    def __init__(self, session: Any, storage: SQLAlchemyStorage) -> None:
        self.session = session
        self.storage = storage
        #: True from a community write until the session commits or rolls back.
        self.uncommitted = False
        self._listening = isinstance(session, Session)
        if self._listening:
            event.listen(session, "after_commit", self._settled)
            event.listen(session, "after_rollback", self._settled)

    def _settled(self, session: Any) -> None:
        self.uncommitted = False

    def close(self) -> None:
        if self._listening:
            event.remove(self.session, "after_commit", self._settled)
            event.remove(self.session, "after_rollback", self._settled)
            self._listening = False
        self.storage.close()


class SessionJoiningStorage:
    """:class:`socialcrm.ports.Storage` that follows the host's ``db.session``.

    One long-lived :class:`~socialcrm.Community` (its plugins, its signals' sender)
    sits on this storage; what changes per request is only where units of work run:

    * inside an app context (a request, a CLI command, a test), each unit is a
      SAVEPOINT in the transaction of that context's ``db.session``, through a
      joined :class:`~socialcrm.adapters.sqlalchemy.SQLAlchemyStorage` made on first
      use and closed when the context ends. The :class:`~socialcrm.contrib.flask.SocialCRM`
      extension commits that session at the end of a request that succeeded (see
      :meth:`finish`), and signals wait for the commit;
    * outside any app context (a worker thread, a script), units run in
      transactions of their own on ``base``, on the same engine.

    :param base: the storage on the host's engine (it also ran the migrations).
    :param session: a callable returning the current context's session, e.g.
        Flask-SQLAlchemy's ``db.session`` (a scoped session).
    """

    def __init__(self, base: SQLAlchemyStorage, session: Any) -> None:
        self.base = base
        self._session = session
        self._key = f"_socialcrm_joined_storage_{id(self)}"

    def _current(self) -> _Joined | None:
        if not has_app_context():
            return None
        current: _Joined | None = g.get(self._key)
        return current

    def joined(self) -> SQLAlchemyStorage | None:
        """The storage joined to this app context's session (``None`` outside a context).

        If the host replaced the context's session (``db.session.remove()`` in the
        middle of a request), the next unit joins the new one.
        """
        if not has_app_context():
            return None
        session = self._session()
        current = self._current()
        if current is not None:
            if current.session is session:
                return current.storage
            current.close()
        current = _Joined(session, self.base.joined(session))
        setattr(g, self._key, current)
        return current.storage

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[SQLAlchemyUnitOfWork]:
        """A unit in the host's session if an app context is active, else one of its own."""
        storage = self.joined() or self.base
        with storage.unit_of_work(read_only=read_only) as uow:
            yield uow
        if not read_only and storage is not self.base:
            current = self._current()
            if current is not None and current.storage is storage:
                current.uncommitted = True

    @property
    def has_uncommitted_writes(self) -> bool:
        """Whether this app context's session holds community writes not yet committed."""
        current = self._current()
        return current is not None and current.uncommitted

    def finish(self, *, commit: bool) -> bool:
        """Commit (or roll back) this context's session if it holds community writes.

        Returns whether there was anything to finish. Called by the extension at
        the end of each request and app context; a commit that fails raises (and
        the session is rolled back).
        """
        current = self._current()
        if current is None or not current.uncommitted:
            return False
        session = current.session
        if commit:
            try:
                session.commit()
            except BaseException:
                session.rollback()
                raise
        else:
            session.rollback()
        current.uncommitted = False
        return True

    def release(self) -> None:
        """Stop following this app context's session (called when the context ends).

        Signals of community writes the host never committed are dropped.
        """
        if has_app_context():
            current: _Joined | None = g.pop(self._key, None)
            if current is not None:
                current.close()

    @property
    def engine(self) -> Any:
        """The host's engine."""
        return self.base.engine

    def close(self) -> None:
        """Close the base storage (the host's engine is left to the host)."""
        self.base.close()


__all__ = ["SessionJoiningStorage"]

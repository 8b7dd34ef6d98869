"""A storage whose units join the host's Flask-SQLAlchemy session inside an app context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g, has_app_context

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, SQLAlchemyUnitOfWork


class SessionJoiningStorage:
    """:class:`socialcrm.ports.Storage` that follows the host's ``db.session``.

    One long-lived :class:`~socialcrm.Community` (its plugins, its signals' sender)
    sits on this storage; what changes per request is only where units of work run:

    * inside an app context (a request, a CLI command, a test), each unit is a
      SAVEPOINT in the transaction of that context's ``db.session``, through a
      joined :class:`~socialcrm.adapters.sqlalchemy.SQLAlchemyStorage` made on first
      use and closed when the context ends. Nothing is committed until the host
      calls ``db.session.commit()``, and signals wait for that commit;
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

    def joined(self) -> SQLAlchemyStorage | None:
        """The storage joined to this app context's session (``None`` outside a context).

        If the host replaced the context's session (``db.session.remove()`` in the
        middle of a request), the next unit joins the new one.
        """
        if not has_app_context():
            return None
        session = self._session()
        current: tuple[Any, SQLAlchemyStorage] | None = g.get(self._key)
        if current is not None:
            if current[0] is session:
                return current[1]
            current[1].close()
        joined = self.base.joined(session)
        setattr(g, self._key, (session, joined))
        return joined

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[SQLAlchemyUnitOfWork]:
        """A unit in the host's session if an app context is active, else one of its own."""
        storage = self.joined() or self.base
        with storage.unit_of_work(read_only=read_only) as uow:
            yield uow

    def release(self) -> None:
        """Stop following this app context's session (called when the context ends).

        Signals of community writes the host never committed are dropped.
        """
        if has_app_context():
            current: tuple[Any, SQLAlchemyStorage] | None = g.pop(self._key, None)
            if current is not None:
                current[1].close()

    @property
    def engine(self) -> Any:
        """The host's engine."""
        return self.base.engine

    def close(self) -> None:
        """Close the base storage (the host's engine is left to the host)."""
        self.base.close()


__all__ = ["SessionJoiningStorage"]

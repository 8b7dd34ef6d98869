"""The audit capability's storage port: the audit log.

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
    from socialcrm.capabilities.audit.records import AuditEntry, NewAuditEntry


class AuditRepository(Protocol):
    """The append-only log of moderator and admin actions.

    Entries are never changed or deleted. ``before`` and ``after`` are small JSON
    objects (stored as JSON text by SQL adapters) and come back as read-only
    mappings equal to what was given.
    """

    def append(self, new: NewAuditEntry) -> AuditEntry:
        """Store the entry (checked when built) and return it with its id.

        The storage refuses nothing more: :class:`NewAuditEntry` has already
        refused a naive ``at``, a bad action and ``before``/``after`` that are not
        JSON objects, with ``ValidationError``.
        """
        ...

    def entries(
        self,
        *,
        actor_id: int | None = None,
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        actions: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        exclude_space_ids: Collection[int] = (),
        limit: int,
        offset: int = 0,
    ) -> builtins.list[AuditEntry]:
        """Entries matching every filter given, newest first (id descending).

        ``since <= at < until`` (``None`` bounds are open); ``actions`` ``None``
        means any action; ``before_id`` keeps only entries with a smaller id (a
        cursor: pass the last id of the previous page). Entries whose
        ``space_id`` is in ``exclude_space_ids`` are left out (before paging).
        """
        ...


__all__ = ["AuditRepository"]

"""The audit capability's storage port: the audit log.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.audit.records import AuditEntry


class AuditRepository(Protocol):
    """The append-only log of moderator and admin actions.

    Entries are never changed or deleted. ``before`` and ``after`` are small JSON
    objects (stored as JSON text by SQL adapters) and come back as read-only
    mappings equal to what was given.
    """

    def append(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        reason: str = "",
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        space_id: int | None = None,
    ) -> AuditEntry:
        """Append an entry and return it with its id.

        ``ValidationError`` (nothing written) for a naive ``at``, an empty action or
        one longer than 64 characters, or ``before``/``after`` that are not JSON
        objects.
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

"""The audit capability's storage port: the audit log.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry


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
        self, query: AuditQuery, *, limit: int, offset: int = 0
    ) -> builtins.list[AuditEntry]:
        """One page of the entries ``query`` matches, newest first (id descending).

        ``query`` (checked when built) holds the filters, :class:`AuditQuery`
        says what each keeps; entries of the spaces it excludes are left out
        before paging. ``limit`` and ``offset`` stay apart from it: they choose a
        page of one question rather than ask another, so a caller walks the pages
        of one query by changing only ``offset`` (or the query's ``before_id``).
        """
        ...


__all__ = ["AuditRepository"]

"""The imports capability's storage port: import state: source ids mapped to local ids, checkpoints.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

from typing import Protocol


class ImportRepository(Protocol):
    """What a history import remembers, so that re-running or resuming it is safe.

    ``source`` names one imported community (``"stackexchange:<site>"``); ``kind``
    the sort of row (``"user"``, ``"post"``). Checkpoints hold how far each stage
    of the import got; they commit with the rows they count.
    """

    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        """Record that the source's ``external_id`` became ``local_id``.

        ``Conflict`` (code ``duplicate_import_id``) if that external id is mapped already.
        """
        ...

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        """Every mapped id of ``kind`` in ``source``: external id to local id."""
        ...

    def checkpoint(self, *, source: str, stage: str) -> int:
        """The position saved for ``stage`` of ``source``; 0 if none was saved."""
        ...

    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        """Save ``position`` for ``stage`` of ``source``, replacing any earlier one."""
        ...


__all__ = ["ImportRepository"]

"""Import state: what a history import already did, kept in the community's storage.

Importers (:mod:`socialcrm.importers`) write it inside the same units of work as
the rows it describes, so a crash leaves state and rows in step: re-running an
import skips exactly what was committed. It records no domain events.
"""

from __future__ import annotations

from socialcrm.core import validation
from socialcrm.errors import ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient

_KEY_LENGTH = 191


def _key(value: object, field: str) -> str:
    return validation.text(value, field, min_length=1, max_length=_KEY_LENGTH)


class ImportState(PublicAPI):
    """``community.imports``: id mappings and checkpoints of history imports."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    @retry_transient
    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        """Record that ``source``'s ``kind`` row ``external_id`` became ``local_id``.

        ``Conflict`` (``duplicate_import_id``) if it was mapped already.
        """
        src, knd, ext = _key(source, "source"), _key(kind, "kind"), _key(external_id, "external_id")
        local = validation.identifier(local_id, "local_id")
        with self._rt.command() as tx:
            tx.uow.imports.map_id(source=src, kind=knd, external_id=ext, local_id=local)

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        """Every mapped id of ``kind`` in ``source``: external id to local id."""
        src, knd = _key(source, "source"), _key(kind, "kind")
        with self._rt.query() as uow:
            return uow.imports.local_ids(source=src, kind=knd)

    def checkpoint(self, *, source: str, stage: str) -> int:
        """How far ``stage`` of ``source`` got (0 if it never committed anything)."""
        src, stg = _key(source, "source"), _key(stage, "stage")
        with self._rt.query() as uow:
            return uow.imports.checkpoint(source=src, stage=stg)

    @retry_transient
    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        """Save how far ``stage`` of ``source`` got (a non-negative position)."""
        src, stg = _key(source, "source"), _key(stage, "stage")
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise ValidationError("position must be a non-negative integer", field="position")
        with self._rt.command() as tx:
            tx.uow.imports.set_checkpoint(source=src, stage=stg, position=position)


__all__ = ["ImportState"]

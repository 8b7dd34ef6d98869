"""What hooks receive: the transaction's unit of work, the settings and the command's time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from socialcrm.ports import UnitOfWork
    from socialcrm.settings import Settings


@attrs.frozen
class HookContext:
    """Handed to every hook call.

    ``uow`` reads (and, in ``socialcrm_on_event``, writes) storage inside the
    current transaction; ``settings`` are the community's settings; ``now`` is the
    command's time from the community clock. A hook gets no handle on the
    ``Community``: everything it may touch goes through ``uow``.
    """

    uow: UnitOfWork
    settings: Settings
    now: datetime


__all__ = ["HookContext"]

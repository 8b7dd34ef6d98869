"""What hooks receive: the transaction in progress and the community's configuration."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from socialcrm.community import Community
    from socialcrm.ports import UnitOfWork
    from socialcrm.settings import Settings


@attrs.frozen
class HookContext:
    """Handed to every hook call.

    ``uow`` reads (and, in ``socialcrm_on_event``, writes) storage inside the
    current transaction; ``now`` is the command's time from the community clock.
    """

    uow: UnitOfWork
    settings: Settings
    now: datetime
    community: Community

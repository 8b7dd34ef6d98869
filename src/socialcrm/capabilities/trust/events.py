"""Events of the trust capability: trust levels and their locks."""

from __future__ import annotations

from typing import ClassVar

import attrs

from socialcrm.core.events import Event

#: Why a trust level (or its lock) changed.
TRUST_REASONS = ("promoted", "demoted", "granted", "locked", "unlocked")


@attrs.frozen(kw_only=True)
class TrustLevelChanged(Event):
    """A member's trust level or its lock changed.

    ``reason`` is ``promoted`` or ``demoted`` for automatic changes, ``granted``
    when staff set the level by hand, ``locked`` or ``unlocked`` when staff
    changed only the lock (then ``previous_level == level``).
    """

    name: ClassVar[str] = "trust_level_changed"
    member_id: int
    previous_level: int
    level: int
    reason: str
    locked: bool


__all__ = ["TRUST_REASONS", "TrustLevelChanged"]

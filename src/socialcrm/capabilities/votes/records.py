"""Records of the votes capability."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class Vote:
    """A member's vote (+1 or -1) on a post; ``cast_at`` moves when it is changed."""

    id: int
    post_id: int
    member_id: int
    value: int
    cast_at: datetime


__all__ = ["Vote"]

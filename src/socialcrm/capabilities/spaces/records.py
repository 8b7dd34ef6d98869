"""Records of the spaces capability: categories of threads and who may see and post in them."""

from __future__ import annotations

from datetime import datetime

import attrs

VISIBILITIES = ("public", "members", "private")
POSTING_POLICIES = ("members", "moderators")


@attrs.frozen
class Space:
    """A category of threads; ``parent_id`` makes it a subgroup of another space."""

    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    visibility: str
    posting: str
    created_at: datetime


__all__ = ["POSTING_POLICIES", "VISIBILITIES", "Space"]

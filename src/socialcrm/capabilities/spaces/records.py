"""Records of the spaces capability: categories of threads and who may see and post in them."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core.validation import aware, choice, identifier, is_slug, nonblank
from socialcrm.errors import ValidationError

VISIBILITIES = ("public", "members", "private")
POSTING_POLICIES = ("members", "moderators")


@attrs.frozen
class NewSpace:
    """A space to store (:meth:`socialcrm.ports.SpaceRepository.add`).

    The fields of :class:`Space` the caller gives; the storage hands out the
    ``id``. Built only valid, so no adapter checks it again: ``slug`` is lowercase
    letters, digits and inner hyphens, ``name`` is not blank, ``description`` is a
    string, ``parent_id`` is ``None`` or a positive id, ``visibility`` is one of
    :data:`VISIBILITIES`, ``posting`` one of :data:`POSTING_POLICIES`, and
    ``created_at`` is timezone-aware. Anything else raises ``ValidationError``
    naming the field.
    """

    slug: str
    name: str
    description: str
    parent_id: int | None
    visibility: str
    posting: str
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        if not is_slug(self.slug):
            raise ValidationError(
                f"slug must be lowercase letters, digits and inner hyphens; got {self.slug!r}",
                field="slug",
            )
        nonblank(self.name, "name")
        if not isinstance(self.description, str):
            raise ValidationError("description must be a string", field="description")
        if self.parent_id is not None:
            identifier(self.parent_id, "parent_id")
        choice(self.visibility, "visibility", VISIBILITIES)
        choice(self.posting, "posting", POSTING_POLICIES)
        aware(self.created_at, "created_at")


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


__all__ = ["POSTING_POLICIES", "VISIBILITIES", "NewSpace", "Space"]

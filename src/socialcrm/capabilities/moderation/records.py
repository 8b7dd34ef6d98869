"""Records of the moderation capability: sanctions on members."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError

#: Sanction kinds, mildest first: ``silence`` stops posting, ``suspend`` and ``ban`` every command.
SANCTION_KINDS = ("silence", "suspend", "ban")


def check_sanction(*, kind: object, imposed_at: object, ends_at: object) -> None:
    """Refuse an unknown kind, a naive datetime, or an end not after the start.

    :class:`NewSanction` calls it, so storage is never handed such a sanction.
    """
    if kind not in SANCTION_KINDS:
        raise ValidationError(
            f"kind must be one of {', '.join(SANCTION_KINDS)}; got {kind!r}", field="kind"
        )
    start = aware(imposed_at, "imposed_at")
    if ends_at is not None and aware(ends_at, "ends_at") <= start:
        raise ValidationError("a sanction must end after it starts", field="ends_at")


@attrs.frozen(kw_only=True)
class NewSanction:
    """A sanction to impose (:meth:`socialcrm.ports.SanctionRepository.add`).

    The fields of :class:`Sanction` that the moderator (or rule) gives; the storage
    hands out the id, and the sanction starts unlifted. Construction refuses, with
    ``ValidationError``, what :func:`check_sanction` refuses: an unknown kind, a
    naive datetime, an ``ends_at`` (``None``: until lifted) not after ``imposed_at``.
    """

    member_id: int
    kind: str
    reason: str
    imposed_by: int
    imposed_at: datetime
    ends_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        check_sanction(kind=self.kind, imposed_at=self.imposed_at, ends_at=self.ends_at)


@attrs.frozen
class Sanction:
    """A moderator's sanction on a member: a silence, a suspension or a ban.

    It applies from ``imposed_at`` until ``ends_at`` (``None``: until lifted) unless
    it was lifted: ``lifted_at`` is when it stopped applying, ``lifted_by`` who
    lifted it early (``None`` when it simply expired and
    ``community.moderation.expire_sanctions()`` recorded that), ``lift_reason``
    why. An expired sanction no longer applies even before that job has run:
    use :meth:`applies_at`, never ``lifted_at is None``, to decide.
    """

    id: int
    member_id: int
    kind: str
    reason: str
    imposed_by: int
    imposed_at: datetime
    ends_at: datetime | None = None
    lifted_at: datetime | None = None
    lifted_by: int | None = None
    lift_reason: str | None = None

    def applies_at(self, moment: datetime) -> bool:
        """Whether the sanction is in force at ``moment`` (not lifted, not yet ended)."""
        if self.lifted_at is not None and self.lifted_at <= moment:
            return False
        if moment < self.imposed_at:
            return False
        return self.ends_at is None or moment < self.ends_at

    @property
    def is_lifted(self) -> bool:
        """True once the sanction was lifted early or its expiry was recorded."""
        return self.lifted_at is not None

    @property
    def expired(self) -> bool:
        """True when it ended at ``ends_at`` by itself rather than lifted by a moderator."""
        return self.lifted_at is not None and self.lifted_by is None


__all__ = ["SANCTION_KINDS", "NewSanction", "Sanction", "check_sanction"]

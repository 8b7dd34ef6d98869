"""Events of the bounties capability: bounties offered, awarded, expired and refunded."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.capabilities.bounties.policy import award_cause, offer_cause
from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class _BountyEvent(Event):
    """The fields every bounty event starts with: the bounty and its question."""

    bounty_id: int
    thread_id: int
    space_id: int


@attrs.frozen(kw_only=True)
class _OfferEvent(_BountyEvent):
    """The fields of an event about the offer itself: who offered it, how much."""

    offered_by: int
    amount: int


@attrs.frozen(kw_only=True)
class BountyOffered(_OfferEvent):
    """A member offered a bounty on a question; ``amount`` is deducted from them at once."""

    name: ClassVar[str] = "bounty_offered"
    ends_at: datetime

    @property
    def cause(self) -> str | None:
        return offer_cause(self.thread_id, self.bounty_id)


@attrs.frozen(kw_only=True)
class BountyAwarded(_BountyEvent):
    """A bounty went to an answer: chosen (``automatic`` false) or by the expiry job.

    ``amount`` is what the answer's author receives (half the offer, by default,
    when automatic).
    """

    name: ClassVar[str] = "bounty_awarded"
    answer_id: int
    answer_author_id: int
    offered_by: int
    amount: int
    automatic: bool = False

    @property
    def cause(self) -> str | None:
        return award_cause(self.thread_id, self.answer_id, self.bounty_id)


@attrs.frozen(kw_only=True)
class BountyExpired(_OfferEvent):
    """A bounty ended with no qualifying answer: the offer is lost."""

    name: ClassVar[str] = "bounty_expired"


@attrs.frozen(kw_only=True)
class BountyRefunded(_OfferEvent):
    """A moderator cancelled an open bounty; the offer's entry is compensated."""

    name: ClassVar[str] = "bounty_refunded"
    reason: str = ""

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        return (offer_cause(self.thread_id, self.bounty_id),)


__all__ = ["BountyAwarded", "BountyExpired", "BountyOffered", "BountyRefunded"]

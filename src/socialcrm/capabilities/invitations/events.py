"""Events of the invitations capability: invite codes, referrals and referral rewards."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class InvitationCreated(Event):
    """A member created an invite code (``max_uses`` ``None``: unlimited)."""

    name: ClassVar[str] = "invitation_created"
    invitation_id: int
    space_id: int | None
    max_uses: int | None
    expires_at: datetime | None = None


@attrs.frozen(kw_only=True)
class InvitationRevoked(Event):
    """An invite code was revoked: it is refused from now on."""

    name: ClassVar[str] = "invitation_revoked"
    invitation_id: int
    inviter_id: int


@attrs.frozen(kw_only=True)
class InvitationRedeemed(Event):
    """A member used an invite code (at join, or later to enter the code's space)."""

    name: ClassVar[str] = "invitation_redeemed"
    invitation_id: int
    member_id: int
    inviter_id: int
    space_id: int | None


@attrs.frozen(kw_only=True)
class ReferralConverted(Event):
    """The host reported that a referred member became a paying customer (once per referral)."""

    name: ClassVar[str] = "referral_converted"
    referral_id: int
    referrer_id: int
    referred_id: int
    conversions: int


@attrs.frozen(kw_only=True)
class ReferralRewardEarned(Event):
    """A referral reward rule granted a reward, exactly once per reward key.

    ``kind`` is ``reputation``, ``badge`` or ``credit``; a ``credit`` is for the
    host to deliver (``amount`` in the host's units): socialcrm never handles money.
    """

    name: ClassVar[str] = "referral_reward_earned"
    referral_id: int
    member_id: int
    kind: str
    rule: str
    key: str
    amount: int = 0
    badge: str | None = None


__all__ = [
    "InvitationCreated",
    "InvitationRedeemed",
    "InvitationRevoked",
    "ReferralConverted",
    "ReferralRewardEarned",
]

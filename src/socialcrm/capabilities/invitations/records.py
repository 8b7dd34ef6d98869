"""Records of the invitations capability: invite codes, referrals and referral rewards."""

from __future__ import annotations

import hashlib
from datetime import datetime

import attrs

#: What a referral reward can be. ``credit`` is host-side (a discount, store
#: credit): socialcrm never handles money, it only tells the host once, through
#: the ``referral_reward_earned`` signal.
REFERRAL_REWARD_KINDS = ("reputation", "badge", "credit")


def hash_invite_code(code: str) -> str:
    """The SHA-256 hex digest under which an invite code is stored (never the code itself)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@attrs.frozen
class Invitation:
    """An invite code's stored state (the code itself is only ever shown once, at creation).

    ``max_uses`` ``None`` means unlimited; ``space_id`` gives whoever redeems the
    code explicit membership of that (invitation-only) space.
    """

    id: int
    code_hash: str
    inviter_id: int
    space_id: int | None
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    created_at: datetime
    revoked_at: datetime | None = None

    def usable_at(self, at: datetime) -> bool:
        """Whether a redemption at ``at`` would be accepted."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or at < self.expires_at)
            and (self.max_uses is None or self.uses < self.max_uses)
        )


@attrs.frozen
class IssuedInvitation:
    """What ``invitations.create`` returns: the stored invitation and its one-time code."""

    invitation: Invitation
    code: str


@attrs.frozen
class Referral:
    """``referrer_id`` brought ``referred_id`` in (one referral per referred member)."""

    id: int
    referrer_id: int
    referred_id: int
    invitation_id: int | None
    joined_at: datetime
    converted_at: datetime | None = None


@attrs.frozen
class ReferralReward:
    """What a referral reward rule grants (``socialcrm_referral_rewards`` returns these).

    ``key`` names the reward uniquely across the community: storage keeps one
    reward per key, so a rule that fires twice (a repeated or concurrent
    conversion) rewards once. ``kind`` is ``reputation`` (``amount`` points go to
    the ledger), ``badge`` (``badge`` names it; handed to the badge service) or
    ``credit`` (``amount`` in the host's units, e.g. cents; delivered only through
    the ``referral_reward_earned`` signal).
    """

    member_id: int
    kind: str
    rule: str
    key: str
    amount: int = 0
    badge: str | None = None


@attrs.frozen
class ReferralConversion:
    """The outcome of ``referrals.converted``.

    ``newly_converted`` is ``False`` when the referral had converted already (then
    ``rewards`` is empty: nothing was granted again).
    """

    referral: Referral
    newly_converted: bool
    rewards: tuple[ReferralReward, ...] = ()


__all__ = [
    "REFERRAL_REWARD_KINDS",
    "Invitation",
    "IssuedInvitation",
    "Referral",
    "ReferralConversion",
    "ReferralReward",
    "hash_invite_code",
]

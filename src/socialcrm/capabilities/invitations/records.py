"""Records of the invitations capability: invite codes, referrals and referral rewards."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import attrs

from socialcrm.core.validation import MAX_COUNT, aware, identifier, integer
from socialcrm.errors import ValidationError

#: What a referral reward can be. ``credit`` is host-side (a discount, store
#: credit): socialcrm never handles money, it only tells the host once, through
#: the ``referral_reward_earned`` signal.
REFERRAL_REWARD_KINDS = ("reputation", "badge", "credit")


#: What a stored code hash looks like: a SHA-256 digest in lowercase hex.
_CODE_HASH = re.compile("[0-9a-f]{64}")


def hash_invite_code(code: str) -> str:
    """The SHA-256 hex digest under which an invite code is stored (never the code itself)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@attrs.frozen
class NewInvitation:
    """An invitation to store (:meth:`socialcrm.ports.InvitationRepository.add`).

    The fields of :class:`Invitation` the caller gives; the storage hands out the
    ``id``, with no uses and not revoked. Built only valid, so no adapter checks it
    again: ``code_hash`` is a SHA-256 hex digest (:func:`hash_invite_code`, never
    the code itself), the ids are positive (``space_id`` may be ``None``),
    ``max_uses`` is ``None`` (unlimited) or at least 1, the datetimes are
    timezone-aware and ``expires_at`` (if any) is after ``created_at``. Anything
    else raises ``ValidationError`` naming the field.
    """

    code_hash: str
    inviter_id: int
    space_id: int | None
    max_uses: int | None
    expires_at: datetime | None
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.code_hash, str) or not _CODE_HASH.fullmatch(self.code_hash):
            raise ValidationError(
                "code_hash must be a SHA-256 digest in lowercase hex", field="code_hash"
            )
        identifier(self.inviter_id, "inviter_id")
        if self.space_id is not None:
            identifier(self.space_id, "space_id")
        if self.max_uses is not None:
            integer(self.max_uses, "max_uses", minimum=1, maximum=MAX_COUNT)
        created = aware(self.created_at, "created_at")
        if self.expires_at is not None and aware(self.expires_at, "expires_at") <= created:
            raise ValidationError(
                "an invitation must expire after it is created", field="expires_at"
            )


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
    "NewInvitation",
    "Referral",
    "ReferralConversion",
    "ReferralReward",
    "hash_invite_code",
]

"""The invitations capability's storage port: invitations and referrals.

Part of the storage port that :mod:`socialcrm.ports` composes into
:class:`socialcrm.ports.UnitOfWork`; the rules every adapter follows are
documented there.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialcrm.capabilities.invitations.records import (
        Invitation,
        NewInvitation,
        Referral,
        ReferralReward,
    )


class InvitationRepository(Protocol):
    """Invite codes, stored by the SHA-256 hash of the code (unique)."""

    def add(self, new: NewInvitation) -> Invitation:
        """Store the invitation (validated when ``new`` was built) with 0 uses, not revoked.

        The storage may still refuse it: ``Conflict`` (``duplicate_invite_code``) if
        the code hash is taken.
        """
        ...

    def get(self, invitation_id: int) -> Invitation | None:
        """The invitation with this id, or ``None``."""
        ...

    def get_by_code_hash(self, code_hash: str) -> Invitation | None:
        """The invitation whose code hashes to ``code_hash``, or ``None``."""
        ...

    def use(self, invitation_id: int, *, at: datetime) -> bool:
        """Count one use, only if the invitation is usable at ``at``.

        A compare-and-set in one statement: not revoked, ``at < expires_at`` (if
        set), ``uses < max_uses`` (if set). Returns ``False`` and changes nothing
        otherwise, so concurrent redemptions never exceed ``max_uses``.
        """
        ...

    def revoke(self, invitation_id: int, *, at: datetime) -> bool:
        """Set ``revoked_at`` if not revoked yet; ``False`` if it already was or is unknown."""
        ...

    def by_inviter(
        self, inviter_id: int, *, limit: int, offset: int = 0
    ) -> builtins.list[Invitation]:
        """The member's invitations, newest first (id descending)."""
        ...


class ReferralRepository(Protocol):
    """Who referred whom, conversions, and the rewards granted (one per reward key)."""

    def add(
        self, *, referrer_id: int, referred_id: int, invitation_id: int | None, joined_at: datetime
    ) -> Referral:
        """Record a referral; ``Conflict`` (``duplicate_referral``) if the member has one."""
        ...

    def get(self, referral_id: int) -> Referral | None:
        """The referral with this id, or ``None``."""
        ...

    def for_referred(self, referred_id: int) -> Referral | None:
        """The referral that brought ``referred_id`` in, or ``None``."""
        ...

    def mark_converted(self, referral_id: int, *, at: datetime) -> bool:
        """Set ``converted_at`` only if it is not set; ``False`` (nothing changed) otherwise.

        Of two concurrent units converting the same referral exactly one gets ``True``.
        """
        ...

    def count_converted(self, referrer_id: int) -> int:
        """How many of the referrer's referrals have converted."""
        ...

    def by_referrer(
        self, referrer_id: int, *, limit: int, offset: int = 0
    ) -> builtins.list[Referral]:
        """The referrer's referrals, newest first (id descending)."""
        ...

    def add_reward(self, *, referral_id: int, reward: ReferralReward, at: datetime) -> bool:
        """Record a granted reward; ``False`` (nothing written) if its ``key`` is taken.

        The unique key is what makes a reward exactly-once, also across
        concurrent units (the later one waits for the earlier and gets ``False``).
        """
        ...

    def rewards_for(self, member_id: int) -> builtins.list[ReferralReward]:
        """The rewards granted to the member, oldest first."""
        ...


__all__ = ["InvitationRepository", "ReferralRepository"]

"""Invitations and referrals in memory: invite codes (stored hashed) and who brought whom."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import EngagementRepository
from socialcrm.adapters.memory.queries import lookup, newest_first
from socialcrm.capabilities.invitations.records import (
    Invitation,
    NewInvitation,
    Referral,
    ReferralReward,
)
from socialcrm.errors import Conflict


class MemoryInvitations(EngagementRepository):
    """:class:`socialcrm.ports.InvitationRepository` in memory."""

    def add(self, new: NewInvitation) -> Invitation:
        """Insert an invitation; ``Conflict`` if the code hash is taken."""
        if new.code_hash in self._e.invitation_by_hash:
            raise Conflict("that invite code exists already", code="duplicate_invite_code")
        invitation = Invitation(
            id=self._j.next_id("invitations"), uses=0, **attrs.asdict(new, recurse=False)
        )
        return self._j.insert(
            self._e.invitations, invitation, index=self._e.invitation_by_hash, key=new.code_hash
        )

    def get(self, invitation_id: int) -> Invitation | None:
        """The invitation with this id, or ``None``."""
        return self._e.invitations.get(invitation_id)

    def get_by_code_hash(self, code_hash: str) -> Invitation | None:
        """The invitation stored under this hash, or ``None``."""
        return lookup(self._e.invitations, self._e.invitation_by_hash, code_hash)

    def use(self, invitation_id: int, *, at: datetime) -> bool:
        """Count a use if the invitation is usable at ``at``."""
        invitation = self._e.invitations.get(invitation_id)
        if invitation is None or not invitation.usable_at(at):
            return False
        self._j.evolve(self._e.invitations, invitation_id, uses=invitation.uses + 1)
        return True

    def revoke(self, invitation_id: int, *, at: datetime) -> bool:
        """Revoke once; ``False`` if already revoked or unknown."""
        return self._j.evolve_if(
            self._e.invitations, invitation_id, lambda i: i.revoked_at is None, revoked_at=at
        )

    def by_inviter(self, inviter_id: int, *, limit: int, offset: int = 0) -> list[Invitation]:
        """The member's invitations, newest first."""
        mine = (i for i in self._e.invitations.values() if i.inviter_id == inviter_id)
        return newest_first(mine, limit=limit, offset=offset)


class MemoryReferrals(EngagementRepository):
    """:class:`socialcrm.ports.ReferralRepository` in memory."""

    def add(
        self, *, referrer_id: int, referred_id: int, invitation_id: int | None, joined_at: datetime
    ) -> Referral:
        """Record a referral; ``Conflict`` if the member was referred already."""
        if referred_id in self._e.referral_by_referred:
            raise Conflict(f"member {referred_id} was referred already", code="duplicate_referral")
        referral = Referral(
            id=self._j.next_id("referrals"),
            referrer_id=referrer_id,
            referred_id=referred_id,
            invitation_id=invitation_id,
            joined_at=joined_at,
        )
        return self._j.insert(
            self._e.referrals, referral, index=self._e.referral_by_referred, key=referred_id
        )

    def get(self, referral_id: int) -> Referral | None:
        """The referral with this id, or ``None``."""
        return self._e.referrals.get(referral_id)

    def for_referred(self, referred_id: int) -> Referral | None:
        """The referral that brought the member in, or ``None``."""
        return lookup(self._e.referrals, self._e.referral_by_referred, referred_id)

    def mark_converted(self, referral_id: int, *, at: datetime) -> bool:
        """Set ``converted_at`` once."""
        return self._j.evolve_if(
            self._e.referrals, referral_id, lambda r: r.converted_at is None, converted_at=at
        )

    def count_converted(self, referrer_id: int) -> int:
        """How many of the referrer's referrals converted."""
        return sum(
            1
            for r in self._e.referrals.values()
            if r.referrer_id == referrer_id and r.converted_at is not None
        )

    def by_referrer(self, referrer_id: int, *, limit: int, offset: int = 0) -> list[Referral]:
        """The referrer's referrals, newest first."""
        mine = (r for r in self._e.referrals.values() if r.referrer_id == referrer_id)
        return newest_first(mine, limit=limit, offset=offset)

    def add_reward(self, *, referral_id: int, reward: ReferralReward, at: datetime) -> bool:
        """Record a reward under its unique key; ``False`` if the key is taken."""
        if reward.key in self._e.rewards:
            return False
        order = self._j.next_id("referral_rewards")
        self._j.put(self._e.rewards, reward.key, (order, referral_id, reward))
        return True

    def rewards_for(self, member_id: int) -> list[ReferralReward]:
        """The member's rewards, oldest first."""
        found = sorted(
            (order, reward)
            for order, _, reward in self._e.rewards.values()
            if reward.member_id == member_id
        )
        return [reward for _, reward in found]


__all__ = ["MemoryInvitations", "MemoryReferrals"]

"""Referrals: who brought whom, the host's "became a paying customer" call, exactly-once rewards.

``community.referrals.converted(referred=...)`` marks the referral converted
with a compare-and-set, so only the first call (of any number, concurrent ones
included) converts it and runs the reward rules (``socialcrm_referral_rewards``);
each reward is stored under a unique key before it is applied, so a reward that
two conversions both produce (the three-referral challenge reached by two at
once) is granted once. Every granted reward is announced once by the
``referral_reward_earned`` signal after commit; the library never handles
money, a ``credit`` is for the host to deliver.
"""

from __future__ import annotations

from socialcrm.capabilities.invitations.events import ReferralConverted, ReferralRewardEarned
from socialcrm.capabilities.invitations.records import (
    REFERRAL_REWARD_KINDS,
    Referral,
    ReferralConversion,
    ReferralReward,
)
from socialcrm.capabilities.reputation.ledger import apply_change
from socialcrm.capabilities.reputation.records import ReputationChange
from socialcrm.capabilities.spaces.access import ALL_SPACES_ROLES, require_viewer
from socialcrm.core import validation
from socialcrm.core.events import Event
from socialcrm.errors import NotFound, PermissionDenied
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

#: Longest reward key and rule name a reward rule may use (the storage columns' sizes).
REWARD_KEY_MAX_LENGTH = 191
REWARD_RULE_MAX_LENGTH = 64


def grant_badge_reward(tx: Transaction, *, member_id: int, badge: str, cause: str) -> None:
    """Award a referral reward's badge in the conversion's unit of work.

    The badge must be in the community's catalog (the built-in
    ``socialcrm.badges.engagement`` plugin defines ``referral_challenge``, the
    default ``ReferralSettings.challenge_badge``); an unknown slug raises
    ``NotFound`` (``badge_not_found``) and the conversion changes nothing. A badge
    the member holds already is not awarded again.
    """
    from socialcrm.capabilities.badges.engine import award_badge

    award_badge(tx, badge, member_id, subject=cause, actor_id=None)


def _checked(reward: object) -> ReferralReward:
    if not isinstance(reward, ReferralReward):
        raise TypeError(f"referral reward rules must return ReferralReward records, got {reward!r}")
    if reward.kind not in REFERRAL_REWARD_KINDS:
        raise ValueError(f"unknown referral reward kind {reward.kind!r}")
    if not reward.key or len(reward.key) > REWARD_KEY_MAX_LENGTH:
        raise ValueError(f"a reward key must have 1 to {REWARD_KEY_MAX_LENGTH} characters")
    if not reward.rule or len(reward.rule) > REWARD_RULE_MAX_LENGTH:
        raise ValueError(f"a reward rule must have 1 to {REWARD_RULE_MAX_LENGTH} characters")
    if reward.kind == "badge" and not reward.badge:
        raise ValueError("a badge reward must name its badge")
    return reward


def _grant(tx: Transaction, event: Event, referral: Referral, reward: ReferralReward) -> None:
    cause = f"referral:{referral.id}:{reward.key}"
    if reward.kind == "reputation" and reward.amount:
        apply_change(
            tx, event, ReputationChange(reward.member_id, reward.amount, reward.rule), cause
        )
    elif reward.kind == "badge" and reward.badge is not None:
        grant_badge_reward(tx, member_id=reward.member_id, badge=reward.badge, cause=cause)
    tx.record(
        ReferralRewardEarned(
            at=tx.now,
            actor_id=None,
            referral_id=referral.id,
            member_id=reward.member_id,
            kind=reward.kind,
            rule=reward.rule,
            key=reward.key,
            amount=reward.amount,
            badge=reward.badge,
        )
    )


class Referrals(PublicAPI):
    """``community.referrals``: conversions reported by the host, and who referred whom."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    @retry_transient
    def converted(self, *, referred: int) -> ReferralConversion | None:
        """The host reports that ``referred`` became a paying customer (trusted host call).

        Returns ``None`` when the member joined without a referral. The first call
        for a referral converts it and grants what the reward rules give; any
        later call (or a concurrent one that lost) returns ``newly_converted=False``
        and grants nothing, so every reward is signalled exactly once.
        ``NotFound`` for an unknown member.
        """
        member_id = validation.identifier(referred, "referred")
        with self._rt.command() as tx:
            if tx.uow.members.get(member_id) is None:
                raise NotFound(f"no member {member_id}", code="member_not_found")
            referral = tx.uow.referrals.for_referred(member_id)
            if referral is None:
                return None
            if not tx.uow.referrals.mark_converted(referral.id, at=tx.now):
                current = tx.uow.referrals.get(referral.id) or referral
                return ReferralConversion(referral=current, newly_converted=False)
            converted = Referral(
                id=referral.id,
                referrer_id=referral.referrer_id,
                referred_id=referral.referred_id,
                invitation_id=referral.invitation_id,
                joined_at=referral.joined_at,
                converted_at=tx.now,
            )
            conversions = tx.uow.referrals.count_converted(referral.referrer_id)
            event = ReferralConverted(
                at=tx.now,
                actor_id=None,
                referral_id=referral.id,
                referrer_id=referral.referrer_id,
                referred_id=member_id,
                conversions=conversions,
            )
            tx.record(event)
            granted: list[ReferralReward] = []
            results = self._rt.hooks.socialcrm_referral_rewards(
                referral=converted, conversions=conversions, context=tx.context
            )
            for rewards in results:
                for reward in rewards or ():
                    checked = _checked(reward)
                    if tx.uow.members.get(checked.member_id) is None:
                        raise NotFound(
                            f"referral reward {checked.key!r} names unknown member "
                            f"{checked.member_id}",
                            code="member_not_found",
                        )
                    if tx.uow.referrals.add_reward(
                        referral_id=referral.id, reward=checked, at=tx.now
                    ):
                        _grant(tx, event, converted, checked)
                        granted.append(checked)
            return ReferralConversion(
                referral=converted, newly_converted=True, rewards=tuple(granted)
            )

    def of(self, *, actor: int, member: int | None = None) -> list[Referral]:
        """The referrals ``member`` made (default: the actor's own), newest first.

        Another member's referrals only for staff and admins (``NotFound`` otherwise).
        At most ``Settings.page_size_limit``.
        """
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            target = viewer.id if member is None else validation.identifier(member, "member")
            if target != viewer.id and viewer.roles.isdisjoint(ALL_SPACES_ROLES):
                raise PermissionDenied(
                    "only staff and admins see other members' referrals", code="role_required"
                )
            return uow.referrals.by_referrer(target, limit=self._rt.settings.page_size_limit)

    def referrer_of(self, *, actor: int, member: int) -> int | None:
        """Who referred ``member`` (``None``: nobody); the member themself, staff or admins."""
        target = validation.identifier(member, "member")
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            if target != viewer.id and viewer.roles.isdisjoint(ALL_SPACES_ROLES):
                raise PermissionDenied(
                    "only staff and admins see who referred another member", code="role_required"
                )
            referral = uow.referrals.for_referred(target)
            return None if referral is None else referral.referrer_id


__all__ = ["REWARD_KEY_MAX_LENGTH", "REWARD_RULE_MAX_LENGTH", "Referrals", "grant_badge_reward"]

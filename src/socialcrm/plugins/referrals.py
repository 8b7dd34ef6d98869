"""Built-in referral reward rules, amounts from ``Settings.referrals``.

* **referral converted**: when a referred member becomes a paying customer, the
  referrer earns a host-side credit of ``converted_credit`` (the host's units,
  e.g. cents: "$20 when your referral subscribes") and ``converted_reputation``
  reputation, each when not zero;
* **referral challenge**: once ``challenge_conversions`` of a member's referrals
  have converted ("refer three friends"), the referrer earns the
  ``challenge_badge`` badge and a ``challenge_credit`` credit, each once.

Reward keys make each reward once-only: the credit of a referral is keyed by the
referral, the challenge by the referrer. Replace or unregister this plugin
(``socialcrm.referrals``) to change the rules.
"""

from __future__ import annotations

from socialcrm.capabilities.invitations.records import Referral, ReferralReward
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl


class ReferralRewards:
    """The built-in referral reward rules; registered as ``socialcrm.referrals``."""

    @hookimpl
    def socialcrm_referral_rewards(
        self, referral: Referral, conversions: int, context: HookContext
    ) -> list[ReferralReward] | None:
        """A credit (and reputation) per conversion; a badge (and credit) at the challenge."""
        rules = context.settings.referrals
        referrer = referral.referrer_id
        rewards: list[ReferralReward] = []
        if rules.converted_credit:
            rewards.append(
                ReferralReward(
                    member_id=referrer,
                    kind="credit",
                    rule="referral_converted",
                    key=f"referral:{referral.id}:credit",
                    amount=rules.converted_credit,
                )
            )
        if rules.converted_reputation:
            rewards.append(
                ReferralReward(
                    member_id=referrer,
                    kind="reputation",
                    rule="referral_converted",
                    key=f"referral:{referral.id}:reputation",
                    amount=rules.converted_reputation,
                )
            )
        target = rules.challenge_conversions
        if target > 0 and conversions >= target:
            challenge = f"referrer:{referrer}:challenge:{target}"
            if rules.challenge_badge:
                rewards.append(
                    ReferralReward(
                        member_id=referrer,
                        kind="badge",
                        rule="referral_challenge",
                        key=f"{challenge}:badge",
                        badge=rules.challenge_badge,
                    )
                )
            if rules.challenge_credit:
                rewards.append(
                    ReferralReward(
                        member_id=referrer,
                        kind="credit",
                        rule="referral_challenge",
                        key=f"{challenge}:credit",
                        amount=rules.challenge_credit,
                    )
                )
        return rewards or None

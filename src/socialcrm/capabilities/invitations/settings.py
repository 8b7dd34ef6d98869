"""The invitations capability's settings: the built-in referral reward rules."""

from __future__ import annotations

import attrs


@attrs.frozen
class ReferralSettings:
    """The built-in referral reward rules (plugin ``socialcrm.referrals``).

    Credits are in the host's units (cents, points): socialcrm only signals them.
    A zero amount turns that part of a rule off.
    """

    converted_credit: int = 2000
    converted_reputation: int = 0
    challenge_conversions: int = 3
    challenge_badge: str = "referral_challenge"
    challenge_credit: int = 0


__all__ = ["ReferralSettings"]

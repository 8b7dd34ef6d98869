"""The bounties capability's settings (Stack Exchange's rules by default)."""

from __future__ import annotations

import attrs


@attrs.frozen
class BountySettings:
    """Bounties (Stack Exchange's rules by default).

    A member holding the ``set_bounty`` privilege offers ``min_amount`` to
    ``max_amount`` reputation (only on their own questions if ``asker_only``), open
    ``default_days`` days unless they choose 1 to ``max_days``. Unawarded at the
    end, ``auto_award_percent`` percent goes to the top-scoring answer posted after
    the bounty started with a score of at least ``auto_award_min_score``; otherwise
    it is lost. ``expire_batch`` bounties per run of ``bounties.close_expired``.
    ``require_reputation``: the offer must leave the offerer at or above the
    reputation floor (history imports turn it off: dumps lack the association
    bonus, so the floor then limits what the offer takes).
    """

    min_amount: int = 50
    max_amount: int = 500
    default_days: int = 7
    max_days: int = 30
    asker_only: bool = False
    auto_award_percent: int = 50
    auto_award_min_score: int = 2
    expire_batch: int = 500
    require_reputation: bool = True


__all__ = ["BountySettings"]

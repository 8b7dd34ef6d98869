"""The flags capability's settings: who may flag, how flags weigh, when they hide posts."""

from __future__ import annotations

import attrs


@attrs.frozen
class FlagSettings:
    """Flags: who may flag, how flags are scored, when they hide posts and silence authors.

    A flag's weight is ``1 + trust level`` (``staff_weight`` for moderators,
    staff and admins) plus the flagger's accuracy bonus, never below 1: with
    ``a`` agreed and ``d`` disagreed flags and ``a + d >=
    accuracy_min_decisions``, the bonus is ``accuracy_bonus_max * (a - d) /
    (a + d)`` rounded towards zero, so it lies within ``±accuracy_bonus_max``
    (0 below that many decisions). See ``docs/moderation.md``, "Flags".
    """

    #: Trust level needed to flag (besides the ``flag`` reputation privilege).
    min_trust_level: int = 1
    #: Flags one member may raise in any 24 hours (``RateLimited`` beyond).
    daily_limit: int = 20
    #: A post is hidden once the weights of its open flags add up to this.
    hide_threshold: int = 5
    #: The weight of a flag by a moderator, staff member or admin (before the bonus).
    staff_weight: int = 5
    #: The largest accuracy bonus (and, negated, the largest malus).
    accuracy_bonus_max: int = 3
    #: Decided flags a member needs before the accuracy bonus applies.
    accuracy_min_decisions: int = 5
    #: A spam flag from this trust level or higher on a TL0 author's post hides it at once.
    instant_hide_trust_level: int = 3
    #: Distinct members whose spam flags silence a TL0 author (and hide all their posts).
    spam_silence_flaggers: int = 3
    #: Longest text of a flag (required for the ``other`` reason), in code points.
    text_max_length: int = 500
    #: Open flags the moderators' queue reads at most in one call.
    queue_scan_limit: int = 5000


__all__ = ["FlagSettings"]

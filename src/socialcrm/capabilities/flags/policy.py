"""Flag policy: how much a flag weighs and when flags hide a post. Pure functions.

The rules (``docs/moderation.md``, "Flags"; settings in
:class:`socialcrm.settings.FlagSettings`):

* a flag weighs ``1 + trust level`` (``staff_weight`` for moderators, staff and
  admins) plus the flagger's accuracy bonus, and never less than 1;
* the accuracy bonus, with ``a`` agreed and ``d`` disagreed flags, is 0 until
  ``a + d >= accuracy_min_decisions``, then ``accuracy_bonus_max * (a - d) / (a + d)``
  rounded towards zero: between ``-accuracy_bonus_max`` and ``+accuracy_bonus_max``;
* a post's score is the sum of the weights of its open flags; it is hidden once
  the score reaches ``hide_threshold``.
"""

from __future__ import annotations

from socialcrm.capabilities.flags.records import Flag, FlagAccuracy
from socialcrm.capabilities.members.records import Member
from socialcrm.settings import FlagSettings


def accuracy_bonus(accuracy: FlagAccuracy, settings: FlagSettings) -> int:
    """The bonus (or malus) a flagger's history of decided flags earns, within the bound."""
    decided = accuracy.agreed + accuracy.disagreed
    if decided == 0 or decided < settings.accuracy_min_decisions:
        return 0
    numerator = settings.accuracy_bonus_max * (accuracy.agreed - accuracy.disagreed)
    magnitude = abs(numerator) // decided
    return magnitude if numerator >= 0 else -magnitude


def base_weight(flagger: Member, settings: FlagSettings) -> int:
    """``staff_weight`` for moderators, staff and admins; ``1 + trust level`` for others."""
    return settings.staff_weight if flagger.is_moderator else 1 + flagger.trust_level


def flag_weight(flagger: Member, accuracy: FlagAccuracy, settings: FlagSettings) -> int:
    """The weight a new flag by ``flagger`` gets: base plus accuracy bonus, at least 1."""
    return max(1, base_weight(flagger, settings) + accuracy_bonus(accuracy, settings))


def open_score(flags: list[Flag]) -> int:
    """The sum of the weights of the open flags among ``flags``."""
    return sum(f.weight for f in flags if f.is_open)


def trusted_spam_flag(flagger: Member, author: Member, reason: str, settings: FlagSettings) -> bool:
    """Whether this flag hides the post at once: spam, by TL3+ (or staff), on a TL0 author."""
    trusted = flagger.is_moderator or flagger.trust_level >= settings.instant_hide_trust_level
    return reason == "spam" and trusted and author.trust_level == 0 and not author.is_moderator


def spam_flaggers(flags: list[Flag]) -> frozenset[int]:
    """Distinct members whose spam flags on posts stand (open or agreed) among ``flags``."""
    return frozenset(
        f.flagger_id
        for f in flags
        if f.reason == "spam" and f.post_id is not None and f.status in ("open", "agreed")
    )


__all__ = [
    "accuracy_bonus",
    "base_weight",
    "flag_weight",
    "open_score",
    "spam_flaggers",
    "trusted_spam_flag",
]

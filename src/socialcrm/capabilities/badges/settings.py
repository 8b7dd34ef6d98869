"""The badges capability's settings: thresholds of the built-in badges."""

from __future__ import annotations

import attrs


@attrs.frozen
class BadgeSettings:
    """Thresholds of the built-in badges (Stack Exchange's where it has them).

    ``enthusiast_days`` consecutive UTC days visited (recorded by
    ``members.record_visit``, which needs ``trust.enabled``); ``popular_question_views``
    views of a question (recorded by ``threads.record_views``); the score thresholds
    of nice, good and great posts; ``teacher_score`` for an answer; and the accepted
    answers (self-solved ones not counted) for the three "accepted" badges.
    ``backfill_batch_size`` members per unit of work in ``badges.backfill``;
    ``held_cache_size`` award keys each community remembers as held, so that the
    vote path skips re-reading them (cleared when full).
    """

    enthusiast_days: int = 30
    popular_question_views: int = 1000
    nice_score: int = 10
    good_score: int = 25
    great_score: int = 100
    teacher_score: int = 1
    accepted_bronze: int = 10
    accepted_silver: int = 50
    accepted_gold: int = 150
    backfill_batch_size: int = 200
    held_cache_size: int = 100_000


__all__ = ["BadgeSettings"]

"""Community settings: every threshold socialcrm applies, with Stack Exchange defaults.

Settings are a frozen attrs record; derive a variant with :func:`attrs.evolve` or
``Settings.with_privileges``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

#: Reputation needed for each privilege (DESIGN.md §3, Stack Exchange defaults).
DEFAULT_PRIVILEGES: Mapping[str, int] = MappingProxyType(
    {
        "vote_up": 15,
        "flag": 15,
        "comment": 50,
        "set_bounty": 75,
        "vote_down": 125,
        "create_tags": 300,
        "review": 500,
        "edit": 2000,
        "close": 3000,
        "moderate": 10000,
    }
)


def _frozen_mapping(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen
class RewardSettings:
    """Reputation amounts used by the built-in Stack Exchange reward rules."""

    question_upvote: int = 10
    answer_upvote: int = 10
    post_upvote: int = 10
    downvote_received: int = -2
    answer_downvote_cost: int = -1
    accepted_answer: int = 15
    accepter: int = 2


@attrs.frozen
class TrustSettings:
    """Trust levels: Discourse's default promotion requirements and the bounds on activity.

    TL1 and TL2 count activity since the member joined; TL3 counts it over the
    last ``tl3_window_days`` UTC days (today included) and is lost below
    ``tl3_keep_percent`` percent of a requirement, never within
    ``tl3_grace_days`` days of reaching TL3. TL4 is only ever given by hand.
    """

    enabled: bool = True
    tl1_topics_entered: int = 5
    tl1_posts_read: int = 30
    tl1_reading_seconds: int = 600
    tl2_topics_entered: int = 20
    tl2_posts_read: int = 100
    tl2_reading_seconds: int = 3600
    tl2_days_visited: int = 15
    tl2_likes_given: int = 1
    tl2_likes_received: int = 1
    tl2_topics_replied_to: int = 3
    tl3_window_days: int = 100
    tl3_days_visited: int = 50
    tl3_topics_replied_to: int = 10
    tl3_topics_entered_percent: int = 25
    tl3_topics_entered_cap: int = 500
    tl3_posts_read_percent: int = 25
    tl3_posts_read_cap: int = 20000
    tl3_likes_given: int = 30
    tl3_likes_received: int = 20
    tl3_max_flagged_posts: int = 5
    tl3_keep_percent: int = 90
    tl3_grace_days: int = 14
    max_reading_seconds_per_read: int = 3600
    max_posts_per_read: int = 1000
    review_batch_size: int = 500


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


@attrs.frozen
class Settings:
    """Every tunable number of a community. All have documented defaults.

    Limits on text are counted in Unicode code points after stripping surrounding
    white space.
    """

    reputation_start: int = 1
    reputation_floor: int = 1
    daily_reputation_cap: int = 200
    privileges: Mapping[str, int] = attrs.field(
        default=DEFAULT_PRIVILEGES, converter=_frozen_mapping
    )
    rewards: RewardSettings = attrs.field(factory=RewardSettings)
    trust: TrustSettings = attrs.field(factory=TrustSettings)
    badges: BadgeSettings = attrs.field(factory=BadgeSettings)
    bounties: BountySettings = attrs.field(factory=BountySettings)
    vote_lock_seconds: int = 300
    title_min_length: int = 10
    title_max_length: int = 150
    body_min_length: int = 1
    body_max_length: int = 30000
    comment_min_length: int = 1
    comment_max_length: int = 600
    display_name_max_length: int = 80
    external_id_max_length: int = 255
    profile_field_max_length: int = 500
    max_interests: int = 20
    max_tags: int = 5
    tag_max_length: int = 35
    slug_max_length: int = 64
    space_name_max_length: int = 100
    new_tags_need_privilege: bool = False
    page_size_limit: int = 200
    transient_retries: int = 8
    moderation_reason_max_length: int = 1000
    sanction_max_days: int | None = None
    expire_sanctions_batch: int = 500
    serial_vote_threshold: int = 10
    serial_vote_window_seconds: int = 86_400
    serial_vote_lookback_days: int = 7

    def with_privileges(self, **thresholds: int) -> Settings:
        """Return a copy with some privilege thresholds changed or added."""
        merged = dict(self.privileges)
        merged.update(thresholds)
        return attrs.evolve(self, privileges=merged)

    def with_rewards(self, **amounts: Any) -> Settings:
        """Return a copy with some reward amounts changed."""
        return attrs.evolve(self, rewards=attrs.evolve(self.rewards, **amounts))

    def with_badges(self, **thresholds: Any) -> Settings:
        """Return a copy with some badge thresholds changed."""
        return attrs.evolve(self, badges=attrs.evolve(self.badges, **thresholds))

    def with_bounties(self, **rules: Any) -> Settings:
        """Return a copy with some bounty settings changed."""
        return attrs.evolve(self, bounties=attrs.evolve(self.bounties, **rules))

    def with_trust(self, **thresholds: Any) -> Settings:
        """Return a copy with some trust-level settings changed."""
        return attrs.evolve(self, trust=attrs.evolve(self.trust, **thresholds))


__all__ = [
    "DEFAULT_PRIVILEGES",
    "BadgeSettings",
    "BountySettings",
    "RewardSettings",
    "Settings",
    "TrustSettings",
]

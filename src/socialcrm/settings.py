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


@attrs.frozen
class WorkloadSettings:
    """Moderation workload: what a decision costs and the weekly budget it is held to."""

    #: Estimated minutes of moderator time one decision takes.
    minutes_per_decision: float = 3.0
    #: Moderator hours a week the community means to spend (``None``: no budget).
    budget_hours_per_week: float | None = 50.0


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
    flags: FlagSettings = attrs.field(factory=FlagSettings)
    workload: WorkloadSettings = attrs.field(factory=WorkloadSettings)

    def with_privileges(self, **thresholds: int) -> Settings:
        """Return a copy with some privilege thresholds changed or added."""
        merged = dict(self.privileges)
        merged.update(thresholds)
        return attrs.evolve(self, privileges=merged)

    def with_rewards(self, **amounts: Any) -> Settings:
        """Return a copy with some reward amounts changed."""
        return attrs.evolve(self, rewards=attrs.evolve(self.rewards, **amounts))

    def with_trust(self, **thresholds: Any) -> Settings:
        """Return a copy with some trust-level settings changed."""
        return attrs.evolve(self, trust=attrs.evolve(self.trust, **thresholds))

    def with_flags(self, **values: Any) -> Settings:
        """Return a copy with some flag settings changed."""
        return attrs.evolve(self, flags=attrs.evolve(self.flags, **values))

    def with_workload(self, **values: Any) -> Settings:
        """Return a copy with some workload settings changed."""
        return attrs.evolve(self, workload=attrs.evolve(self.workload, **values))


__all__ = [
    "DEFAULT_PRIVILEGES",
    "FlagSettings",
    "RewardSettings",
    "Settings",
    "TrustSettings",
    "WorkloadSettings",
]

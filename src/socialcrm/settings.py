"""Community settings: every threshold socialcrm applies, with Stack Exchange defaults.

Settings are a frozen attrs record; derive a variant with :func:`attrs.evolve` or
``Settings.with_privileges``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

import attrs

from socialcrm.errors import ValidationError

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


#: How many trust levels there are (TL0 to TL4): the length of every per-level setting.
TRUST_LEVELS = 5


def _per_level(kind: type | tuple[type, ...], *, positive: bool = False) -> Any:
    """A validator for a tuple holding one non-negative (or positive) number per trust level."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or len(value) != TRUST_LEVELS:
            raise ValidationError(
                f"{attribute.name} needs one value per trust level (5), got {value!r}",
                field=attribute.name,
            )
        for item in value:
            if isinstance(item, bool) or not isinstance(item, kind):
                raise ValidationError(
                    f"{attribute.name} holds numbers, got {item!r}", field=attribute.name
                )
            number = float(cast(float, item))
            if number < 0 or (positive and number == 0):
                sign = "positive" if positive else "non-negative"
                raise ValidationError(
                    f"{attribute.name} values must be {sign}, got {item!r}", field=attribute.name
                )

    return check


def _count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a limit: a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {value!r}", field=attribute.name
        )


def _optional_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a limit that ``None`` turns off."""
    if value is not None:
        _count(instance, attribute, value)


def _flag(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a switch: ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ValidationError(f"{attribute.name} must be True or False", field=attribute.name)


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class RateLimitSettings:
    """Rate limits and new-user count limits (Discourse's defaults; see docs/moderation.md).

    Per-level settings are tuples indexed by trust level (TL0 to TL4). A "day" is a
    UTC day, as for the daily reputation cap. ``None`` turns a daily limit off.
    Moderators, staff and admins are exempt from all of them.
    """

    #: ``False`` turns every limit below off (tests, imports, trusted batch jobs).
    enabled: bool = attrs.field(default=True, validator=_flag)
    #: Seconds a member waits between two posts (threads or replies), by trust level.
    seconds_between_posts: tuple[int, ...] = attrs.field(
        default=(30, 5, 5, 5, 5), converter=_as_tuple, validator=_per_level(int)
    )
    #: How long a TL0 member counts as new after joining, in hours.
    new_user_hours: int = attrs.field(default=24, validator=_count)
    #: Threads a new TL0 member may start in their first ``new_user_hours``.
    new_user_max_topics: int = attrs.field(default=3, validator=_count)
    #: Replies a new TL0 member may post in their first ``new_user_hours``.
    new_user_max_replies: int = attrs.field(default=10, validator=_count)
    #: Replies a TL0 member may post in one thread until someone else posts there.
    new_user_max_replies_per_topic: int | None = attrs.field(default=3, validator=_optional_count)
    #: Threads any member may start in a UTC day.
    max_topics_per_day: int | None = attrs.field(default=20, validator=_optional_count)
    #: Upvotes ("likes") a TL0 member may cast in a UTC day; times ``likes_multipliers``.
    max_likes_per_day: int | None = attrs.field(default=50, validator=_optional_count)
    #: The daily likes multiplier of each trust level (the result is rounded down).
    likes_multipliers: tuple[float, ...] = attrs.field(
        default=(1, 1, 1.5, 2, 3),
        converter=_as_tuple,
        validator=_per_level((int, float), positive=True),
    )
    #: Votes, up and down, a member may cast or change in a UTC day (Stack Exchange: 40).
    max_votes_per_day: int | None = attrs.field(default=None, validator=_optional_count)

    def likes_per_day(self, trust_level: int) -> int | None:
        """The daily likes limit at ``trust_level`` (``None``: no limit)."""
        if self.max_likes_per_day is None:
            return None
        return int(self.max_likes_per_day * self.likes_multipliers[trust_level])


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
    rate_limits: RateLimitSettings = attrs.field(factory=RateLimitSettings)
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

    def with_trust(self, **thresholds: Any) -> Settings:
        """Return a copy with some trust-level settings changed."""
        return attrs.evolve(self, trust=attrs.evolve(self.trust, **thresholds))

    def with_rate_limits(self, **limits: Any) -> Settings:
        """Return a copy with some rate-limit settings changed (``enabled=False``: none)."""
        return attrs.evolve(self, rate_limits=attrs.evolve(self.rate_limits, **limits))


__all__ = [
    "DEFAULT_PRIVILEGES",
    "TRUST_LEVELS",
    "RateLimitSettings",
    "RewardSettings",
    "Settings",
    "TrustSettings",
]

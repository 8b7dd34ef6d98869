"""The rate-limits capability's settings: rate limits and new-user count limits."""

from __future__ import annotations

import attrs

from socialcrm.core.settings_fields import (
    count,
    list_as_tuple,
    optional_count,
    per_trust_level,
    switch,
)


@attrs.frozen
class RateLimitSettings:
    """Rate limits and new-user count limits (Discourse's defaults; see docs/moderation.md).

    Per-level settings are tuples indexed by trust level (TL0 to TL4). A "day" is a
    UTC day, as for the daily reputation cap. ``None`` turns a daily limit off.
    Moderators, staff and admins are exempt from all of them.
    """

    #: ``False`` turns every limit below off (tests, imports, trusted batch jobs).
    enabled: bool = attrs.field(default=True, validator=switch)
    #: Seconds a member waits between two posts (threads or replies), by trust level.
    seconds_between_posts: tuple[int, ...] = attrs.field(
        default=(30, 5, 5, 5, 5), converter=list_as_tuple, validator=per_trust_level(int)
    )
    #: How long a TL0 member counts as new after joining, in hours.
    new_user_hours: int = attrs.field(default=24, validator=count)
    #: Threads a new TL0 member may start in their first ``new_user_hours``.
    new_user_max_topics: int = attrs.field(default=3, validator=count)
    #: Replies a new TL0 member may post in their first ``new_user_hours``.
    new_user_max_replies: int = attrs.field(default=10, validator=count)
    #: Replies a TL0 member may post in one thread until someone else posts there.
    new_user_max_replies_per_topic: int | None = attrs.field(default=3, validator=optional_count)
    #: Threads any member may start in a UTC day.
    max_topics_per_day: int | None = attrs.field(default=20, validator=optional_count)
    #: Upvotes ("likes") a TL0 member may cast in a UTC day; times ``likes_multipliers``.
    max_likes_per_day: int | None = attrs.field(default=50, validator=optional_count)
    #: The daily likes multiplier of each trust level (the result is rounded down).
    likes_multipliers: tuple[float, ...] = attrs.field(
        default=(1, 1, 1.5, 2, 3),
        converter=list_as_tuple,
        validator=per_trust_level((int, float), positive=True),
    )
    #: Votes, up and down, a member may cast or change in a UTC day (Stack Exchange: 40).
    max_votes_per_day: int | None = attrs.field(default=None, validator=optional_count)

    def likes_per_day(self, trust_level: int) -> int | None:
        """The daily likes limit at ``trust_level`` (``None``: no limit)."""
        if self.max_likes_per_day is None:
            return None
        return int(self.max_likes_per_day * self.likes_multipliers[trust_level])


__all__ = ["RateLimitSettings"]

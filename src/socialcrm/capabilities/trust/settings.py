"""The trust capability's settings: promotion requirements and the bounds on activity."""

from __future__ import annotations

import attrs


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


__all__ = ["TrustSettings"]

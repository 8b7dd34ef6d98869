"""Trust levels as a pure policy: which level a member's recorded activity supports.

Discourse's defaults (``lib/promotion.rb``, ``lib/trust_level3_requirements.rb``),
all taken from :class:`socialcrm.settings.TrustSettings`:

* TL1 and TL2 are earned with activity since joining; once earned they are never
  taken back automatically.
* TL3 is earned with activity over a rolling window of UTC days and lost when any
  window figure falls below ``tl3_keep_percent`` percent of its requirement (or the
  flagged posts pass the maximum), but never within ``tl3_grace_days`` of the
  change that made the member TL3.
* TL4 is only given by hand; a locked level never changes automatically.

Levels are cumulative: a member supports TL2 only when they meet TL1's
requirements too, TL3 only when they meet TL1's and TL2's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.trust.records import ActivityTotals, TrustActivity
from socialcrm.settings import TrustSettings

#: The highest level; only staff give it.
MAX_TRUST_LEVEL = 4
#: The highest level automatic promotion reaches.
MAX_AUTOMATIC_LEVEL = 3


def window_start(now: datetime, settings: TrustSettings) -> date:
    """The first UTC day of the TL3 window that ends today (today included)."""
    return now.astimezone(timezone.utc).date() - timedelta(days=settings.tl3_window_days - 1)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def _percent_of(count: int, percent: int, cap: int) -> int:
    # Ruby's round (half away from zero) as Discourse computes it, in integers.
    return min((count * percent + 50) // 100, cap)


def tl3_topics_required(settings: TrustSettings, topics_created: int) -> int:
    """Topics a member must have entered in the window: a percentage, capped."""
    return _percent_of(
        topics_created, settings.tl3_topics_entered_percent, settings.tl3_topics_entered_cap
    )


def tl3_posts_required(settings: TrustSettings, posts_created: int) -> int:
    """Posts a member must have read in the window: a percentage, capped."""
    return _percent_of(posts_created, settings.tl3_posts_read_percent, settings.tl3_posts_read_cap)


def meets_tl1(totals: ActivityTotals, settings: TrustSettings) -> bool:
    """TL1: topics entered, posts read and reading time since joining."""
    return (
        totals.topics_entered >= settings.tl1_topics_entered
        and totals.posts_read >= settings.tl1_posts_read
        and totals.reading_seconds >= settings.tl1_reading_seconds
    )


def meets_tl2(totals: ActivityTotals, settings: TrustSettings) -> bool:
    """TL2: more reading, days visited, a like given and received, replies in topics."""
    return (
        totals.topics_entered >= settings.tl2_topics_entered
        and totals.posts_read >= settings.tl2_posts_read
        and totals.reading_seconds >= settings.tl2_reading_seconds
        and totals.days_visited >= settings.tl2_days_visited
        and totals.likes_given >= settings.tl2_likes_given
        and totals.likes_received >= settings.tl2_likes_received
        and totals.topics_replied_to >= settings.tl2_topics_replied_to
    )


def _tl3_figures(activity: TrustActivity, settings: TrustSettings) -> list[tuple[int, int]]:
    """``(value, required)`` of every TL3 minimum, or ``[]`` if the window is unknown."""
    topics, posts = activity.topics_created_in_window, activity.posts_created_in_window
    if topics is None or posts is None:
        return []
    w = activity.window
    return [
        (w.days_visited, settings.tl3_days_visited),
        (w.topics_replied_to, settings.tl3_topics_replied_to),
        (w.topics_entered, tl3_topics_required(settings, topics)),
        (w.posts_read, tl3_posts_required(settings, posts)),
        (w.likes_given, settings.tl3_likes_given),
        (w.likes_received, settings.tl3_likes_received),
    ]


def meets_tl3(activity: TrustActivity, settings: TrustSettings) -> bool:
    """TL3: every window figure at its requirement, flagged posts at most the maximum."""
    figures = _tl3_figures(activity, settings)
    if not figures:
        return False
    return (
        all(value >= required for value, required in figures)
        and activity.window.flagged_posts <= settings.tl3_max_flagged_posts
    )


def keeps_tl3(activity: TrustActivity, settings: TrustSettings) -> bool:
    """Whether a TL3 member keeps TL3: no figure below ``tl3_keep_percent`` of its requirement.

    ``True`` when the window is unknown: nothing is taken away without looking.
    """
    figures = _tl3_figures(activity, settings)
    if not figures:
        return True
    keep = settings.tl3_keep_percent
    return (
        all(value * 100 >= required * keep for value, required in figures)
        and activity.window.flagged_posts <= settings.tl3_max_flagged_posts
    )


def supported_level(activity: TrustActivity, settings: TrustSettings) -> int:
    """The highest level (0 to 3) whose requirements, and those below it, are all met."""
    if not meets_tl1(activity.all_time, settings):
        return 0
    if not meets_tl2(activity.all_time, settings):
        return 1
    if not meets_tl3(activity, settings):
        return 2
    return 3


def in_tl3_grace(member: Member, now: datetime, settings: TrustSettings) -> bool:
    """Whether the member reached their level less than ``tl3_grace_days`` ago."""
    changed = member.trust_level_changed_at
    return changed is not None and now < changed + timedelta(days=settings.tl3_grace_days)


def automatic_level(
    member: Member, activity: TrustActivity, settings: TrustSettings, now: datetime
) -> int:
    """The level automatic promotion and demotion would give the member now.

    Locked members and TL4 keep their level. Members below TL3 rise to the level
    their activity supports and never fall. A TL3 member falls to TL2 only when
    the window is known, the grace period is over and a figure dropped below the
    keep percentage.
    """
    current = member.trust_level
    if member.trust_level_locked or current >= MAX_TRUST_LEVEL:
        return current
    if current < MAX_AUTOMATIC_LEVEL:
        return max(current, supported_level(activity, settings))
    if in_tl3_grace(member, now, settings) or keeps_tl3(activity, settings):
        return current
    return MAX_AUTOMATIC_LEVEL - 1


__all__ = [
    "MAX_AUTOMATIC_LEVEL",
    "MAX_TRUST_LEVEL",
    "automatic_level",
    "day_start",
    "in_tl3_grace",
    "keeps_tl3",
    "meets_tl1",
    "meets_tl2",
    "meets_tl3",
    "supported_level",
    "tl3_posts_required",
    "tl3_topics_required",
    "window_start",
]

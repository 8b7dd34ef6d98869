"""Built-in rate limits and new-user count limits, one plugin each (Discourse's defaults).

Every rule implements ``socialcrm_rate_limits`` and reads its figures from
``Settings.rate_limits`` (:class:`~socialcrm.settings.RateLimitSettings`). The
counts come from storage inside the command's transaction, so a refused or
rolled-back command leaves nothing counted (see docs/moderation.md, "Rate limits").
"""

from __future__ import annotations

from datetime import timedelta

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.ratelimits.policy import (
    POSTING_ACTIONS,
    day_start,
    seconds_until,
    until_next_day,
)
from socialcrm.capabilities.ratelimits.records import LimitBreach
from socialcrm.capabilities.threads.records import Thread
from socialcrm.capabilities.votes.records import Vote
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class PostInterval:
    """``seconds_between_posts``: a member waits between two posts; ``socialcrm.post_interval``."""

    @hookimpl
    def socialcrm_rate_limits(
        self, actor: Member, action: str, context: HookContext
    ) -> LimitBreach | None:
        """Refuse a post sooner than the actor's level allows after their previous one."""
        if action not in POSTING_ACTIONS:
            return None
        wait = context.settings.rate_limits.seconds_between_posts[actor.trust_level]
        if wait <= 0:
            return None
        last = context.uow.posts.last_authored_at(actor.id)
        if last is None:
            return None
        allowed_at = last + timedelta(seconds=wait)
        if context.now >= allowed_at:
            return None
        return LimitBreach(
            "seconds_between_posts",
            f"members at trust level {actor.trust_level} wait {_plural(wait, 'second')} "
            "between posts",
            seconds_until(allowed_at, context.now),
        )


class NewUserPostCounts:
    """TL0 count limits: topics and replies in the first hours, replies per topic.

    Registered as ``socialcrm.new_user_counts``.
    """

    @hookimpl
    def socialcrm_rate_limits(
        self, actor: Member, action: str, context: HookContext, thread: Thread | None
    ) -> LimitBreach | None:
        """Refuse a TL0 member's post past ``new_user_max_*``."""
        if action not in POSTING_ACTIONS or actor.trust_level != 0:
            return None
        limits = context.settings.rate_limits
        if action == "reply" and thread is not None:
            per_topic = limits.new_user_max_replies_per_topic
            if (
                per_topic is not None
                and context.uow.posts.trailing_replies(thread.id, actor.id) >= per_topic
            ):
                return LimitBreach(
                    "new_user_max_replies_per_topic",
                    f"new members may post {_plural(per_topic, 'reply')} in a row in a "
                    "thread; wait until someone else posts in it",
                )
        new_until = actor.joined_at + timedelta(hours=limits.new_user_hours)
        if context.now >= new_until:
            return None
        topics, replies = context.uow.posts.count_authored_since(actor.id, actor.joined_at)
        if action == "start_thread":
            name, limit, used, noun = (
                "new_user_max_topics",
                limits.new_user_max_topics,
                topics,
                "thread",
            )
        else:
            name, limit, used, noun = (
                "new_user_max_replies",
                limits.new_user_max_replies,
                replies,
                "reply",
            )
        if used < limit:
            return None
        return LimitBreach(
            name,
            f"new members may post {_plural(limit, noun)} in their first "
            f"{_plural(limits.new_user_hours, 'hour')}",
            seconds_until(new_until, context.now),
        )


class DailyTopics:
    """``max_topics_per_day``: threads a member may start in a UTC day.

    Registered as ``socialcrm.daily_topics``.
    """

    @hookimpl
    def socialcrm_rate_limits(
        self, actor: Member, action: str, context: HookContext
    ) -> LimitBreach | None:
        """Refuse a thread past the day's limit."""
        limit = context.settings.rate_limits.max_topics_per_day
        if action != "start_thread" or limit is None:
            return None
        topics, _ = context.uow.posts.count_authored_since(actor.id, day_start(context.now))
        if topics < limit:
            return None
        return LimitBreach(
            "max_topics_per_day",
            f"members may start {_plural(limit, 'thread')} a day (UTC)",
            until_next_day(context.now),
        )


class DailyVotes:
    """Daily likes by trust level and daily votes; registered as ``socialcrm.daily_votes``.

    A vote counts on the UTC day it was cast or last changed. Casting a new vote
    uses one vote (and one like if it is an upvote); changing a vote cast on an
    earlier day uses one vote; changing a vote to an upvote uses one like.
    """

    @hookimpl
    def socialcrm_rate_limits(
        self,
        actor: Member,
        action: str,
        context: HookContext,
        value: int | None,
        previous: Vote | None,
    ) -> LimitBreach | None:
        """Refuse a vote past ``max_votes_per_day`` or the level's likes a day."""
        if action != "vote" or value is None:
            return None
        limits = context.settings.rate_limits
        likes_limit = limits.likes_per_day(actor.trust_level)
        votes_limit = limits.max_votes_per_day
        start = day_start(context.now)
        adds_vote = previous is None or previous.cast_at < start
        adds_like = value > 0
        if not ((adds_vote and votes_limit is not None) or (adds_like and likes_limit is not None)):
            return None
        votes, likes = context.uow.votes.count_cast_since(actor.id, start)
        if adds_vote and votes_limit is not None and votes >= votes_limit:
            return LimitBreach(
                "max_votes_per_day",
                f"members may vote {_plural(votes_limit, 'time')} a day (UTC)",
                until_next_day(context.now),
            )
        if adds_like and likes_limit is not None and likes >= likes_limit:
            return LimitBreach(
                "max_likes_per_day",
                f"members at trust level {actor.trust_level} may upvote "
                f"{_plural(likes_limit, 'time')} a day (UTC)",
                until_next_day(context.now),
            )
        return None


__all__ = ["POSTING_ACTIONS", "DailyTopics", "DailyVotes", "NewUserPostCounts", "PostInterval"]

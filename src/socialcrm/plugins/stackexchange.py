"""The Stack Exchange preset: reward rules and privileges as Stack Exchange applies them.

The built-in ``socialcrm.rewards`` plugin already follows Stack Exchange's current
rules (DESIGN.md §3). This preset adds what depends on *when* a vote was cast, so
that a replayed history (see :mod:`socialcrm.importers.stackexchange`) earns what
it earned at the time:

* question upvote: +5 for votes cast before 2019-11-13 (UTC), +10 from then on
  (:data:`QUESTION_UPVOTE_CHANGED_ON`); answer upvote +10; downvote received −2;
  downvoting an answer costs the voter −1; accepted answer +15 to its author and
  +2 to the asker, exempt from the 200-a-day cap; nothing for self-accepts;
* community-wiki posts earn their author nothing;
* bounties: not applied. socialcrm has no bounties yet (a future rewards issue);
  an import counts them and says so in its report;
* the privilege thresholds of :data:`PRIVILEGES` and 40 votes a UTC day
  (:func:`stackexchange_settings`).

Enable it *instead of* the built-in rules, or every vote would be rewarded twice::

    from socialcrm import Community
    from socialcrm.plugins.stackexchange import StackExchangePreset, stackexchange_settings

    community = Community(
        storage,
        builtin_plugins=["socialcrm.staff"],  # everything but socialcrm.rewards
        plugins=[StackExchangePreset()],
        settings=stackexchange_settings(),
    )
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

import attrs

from socialcrm.capabilities.votes.events import VoteCast, VoteChanged
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.rewards import StackExchangeRewards
from socialcrm.settings import DEFAULT_PRIVILEGES, Settings

#: The first UTC day on which a question upvote was worth +10 instead of +5.
QUESTION_UPVOTE_CHANGED_ON = date(2019, 11, 13)

#: What a question upvote was worth before :data:`QUESTION_UPVOTE_CHANGED_ON`.
OLD_QUESTION_UPVOTE = 5

#: Stack Exchange's privilege thresholds (the same as socialcrm's defaults).
PRIVILEGES: Mapping[str, int] = MappingProxyType(dict(DEFAULT_PRIVILEGES))

#: Votes, up and down, a member may cast in a UTC day on Stack Exchange.
VOTES_PER_DAY = 40

#: The name a host registers the preset under (see the module docstring).
PLUGIN_NAME = "socialcrm.stackexchange"


class StackExchangePreset(StackExchangeRewards):
    """Stack Exchange's reward rules, with the question upvote's value by the vote's date.

    :param old_question_upvote: a question upvote's value before ``changed_on``.
    :param changed_on: the first UTC day of the current value
        (``Settings.rewards.question_upvote``).
    """

    def __init__(
        self,
        *,
        old_question_upvote: int = OLD_QUESTION_UPVOTE,
        changed_on: date = QUESTION_UPVOTE_CHANGED_ON,
    ) -> None:
        self.old_question_upvote = old_question_upvote
        self.changed_on = changed_on

    def upvote_amount(
        self, event: VoteCast | VoteChanged, amount: int, context: HookContext
    ) -> int:
        """A question upvote cast before ``changed_on`` is worth ``old_question_upvote``."""
        if event.post_kind == "question" and event.at.date() < self.changed_on:
            return self.old_question_upvote
        return amount


def stackexchange_settings(base: Settings | None = None) -> Settings:
    """``base`` (default settings otherwise) with Stack Exchange's thresholds and cap.

    Start 1, floor 1, 200 reputation a UTC day from votes, the privileges of
    :data:`PRIVILEGES`, a 5-minute vote lock and :data:`VOTES_PER_DAY` votes a UTC
    day (up and down; ``Settings.rate_limits.max_votes_per_day``); reward amounts and
    the other rate limits stay ``base``'s.
    """
    settings = (base or Settings()).with_rate_limits(max_votes_per_day=VOTES_PER_DAY)
    return attrs.evolve(
        settings.with_privileges(**PRIVILEGES),
        reputation_start=1,
        reputation_floor=1,
        daily_reputation_cap=200,
        vote_lock_seconds=300,
    )


__all__ = [
    "OLD_QUESTION_UPVOTE",
    "PLUGIN_NAME",
    "PRIVILEGES",
    "QUESTION_UPVOTE_CHANGED_ON",
    "VOTES_PER_DAY",
    "StackExchangePreset",
    "stackexchange_settings",
]

"""The reputation capability's settings: reward amounts and the champion ranking."""

from __future__ import annotations

import attrs

from socialcrm.core.settings_fields import frozen_names


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


#: Privileges the champion role holds whatever the member's reputation.
DEFAULT_CHAMPION_PRIVILEGES = frozenset(
    {"vote_up", "flag", "comment", "vote_down", "create_tags", "review", "edit"}
)


@attrs.frozen
class ChampionSettings:
    """How ``champions.find`` ranks members, and what the champion role may do.

    ``champion_score = accepted_weight × accepted answers + score_weight × score
    + post_weight × posts`` over the period.
    """

    accepted_weight: int = 15
    score_weight: int = 10
    post_weight: int = 2
    privileges: frozenset[str] = attrs.field(
        default=DEFAULT_CHAMPION_PRIVILEGES, converter=frozen_names
    )


__all__ = ["DEFAULT_CHAMPION_PRIVILEGES", "ChampionSettings", "RewardSettings"]

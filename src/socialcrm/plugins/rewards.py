"""The built-in reward rules: Stack Exchange's (DESIGN.md §3), amounts from ``Settings.rewards``.

* upvote received: +10 (question, answer or any other post), counted against the
  daily cap;
* downvote received: −2; downvoting an answer costs the voter −1;
* accepted answer: +15 to its author and +2 to the asker, exempt from the cap;
  nothing for accepting one's own answer;
* community-wiki posts earn their author nothing (votes and acceptance); the
  voter's downvote cost and the accepter's +2 still apply;
* bounty: the offerer pays the amount when offering, the answer's author receives
  what was awarded; both exempt from the cap.

Undoing a vote or an accept is not a rule: the core writes compensating entries
equal to what was applied. Replace this plugin to change how reputation is earned.
"""

from __future__ import annotations

from socialcrm.capabilities.bounties.events import BountyAwarded, BountyOffered
from socialcrm.capabilities.reputation.records import ReputationChange
from socialcrm.capabilities.threads.events import AnswerAccepted
from socialcrm.capabilities.votes.events import VoteCast, VoteChanged
from socialcrm.core.events import Event
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl

_UPVOTE_RULES = {
    "question": ("question_upvote", "question_upvoted"),
    "answer": ("answer_upvote", "answer_upvoted"),
}


class StackExchangeRewards:
    """Reward rules of Stack Exchange; registered as ``socialcrm.rewards``."""

    @hookimpl
    def socialcrm_reputation_changes(
        self, event: Event, context: HookContext
    ) -> list[ReputationChange] | None:
        """Reputation for votes, accepted answers and bounties."""
        rewards = context.settings.rewards
        if isinstance(event, (VoteCast, VoteChanged)):
            if event.value > 0:
                if event.post_wiki:
                    return None
                setting, rule = _UPVOTE_RULES.get(event.post_kind, ("post_upvote", "post_upvoted"))
                amount = self.upvote_amount(event, getattr(rewards, setting), context)
                return [ReputationChange(event.post_author_id, amount, rule, capped=True)]
            changes = []
            if not event.post_wiki:
                changes.append(
                    ReputationChange(event.post_author_id, rewards.downvote_received, "downvoted")
                )
            if event.post_kind == "answer" and event.actor_id is not None:
                changes.append(
                    ReputationChange(event.actor_id, rewards.answer_downvote_cost, "downvote_cost")
                )
            return changes
        if isinstance(event, AnswerAccepted):
            if event.answer_author_id == event.asker_id:
                return None
            accepted = [ReputationChange(event.asker_id, rewards.accepter, "accepted_an_answer")]
            if not event.answer_wiki:
                accepted.insert(
                    0,
                    ReputationChange(
                        event.answer_author_id, rewards.accepted_answer, "answer_accepted"
                    ),
                )
            return accepted
        if isinstance(event, BountyOffered):
            return [ReputationChange(event.offered_by, -event.amount, "bounty_offered")]
        if isinstance(event, BountyAwarded):
            return [ReputationChange(event.answer_author_id, event.amount, "bounty_awarded")]
        return None

    def upvote_amount(
        self, event: VoteCast | VoteChanged, amount: int, context: HookContext
    ) -> int:
        """What an upvote is worth; the setting's ``amount`` here (presets override it)."""
        return amount

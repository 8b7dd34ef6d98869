"""acme_rewards: an example socialcrm plugin with one reward rule and one badge.

* Reward rule: an accepted answer in the ``billing`` space earns its author a bonus
  (``BILLING_BONUS``) on top of the built-in +15, because billing questions are the
  ones that cost Acme's support team the most.
* Badge: ``acme_commentator`` (bronze), for a member's first comment.

Installed, the package registers ``plugin`` under the ``socialcrm`` entry-point
group (see pyproject.toml), so ``Community(...)`` loads it by itself.
"""

from __future__ import annotations

from socialcrm import BadgeDefinition, BadgeGrant, ReputationChange, hookimpl
from socialcrm.capabilities.threads.events import AnswerAccepted, CommentAdded

#: What an accepted answer in the billing space earns on top of the built-in rules.
BILLING_BONUS = 5
#: The space whose accepted answers earn the bonus.
BILLING_SPACE = "billing"


class AcmeRewards:
    """The plugin: implements ``socialcrm_reputation_changes`` and ``socialcrm_badges``."""

    @hookimpl
    def socialcrm_reputation_changes(self, event, context):
        """The billing bonus for accepted answers (never for accepting one's own answer)."""
        if not isinstance(event, AnswerAccepted) or event.answer_author_id == event.asker_id:
            return None
        space = context.uow.spaces.get(event.space_id)
        if space is None or space.slug != BILLING_SPACE:
            return None
        # Not ``capped``: like the accept itself, the bonus is exempt from the daily cap.
        return [ReputationChange(event.answer_author_id, BILLING_BONUS, "acme_billing_bonus")]

    @hookimpl
    def socialcrm_badges(self, settings):
        """The ``acme_commentator`` badge."""

        def first_comment(event, context):
            assert isinstance(event, CommentAdded)
            return [BadgeGrant(member_id=event.actor_id)]

        def backfill(member, context):
            # No port query lists a member's comments, so existing comments are not
            # backfilled; the badge counts from the day the plugin is installed.
            return None

        return [
            BadgeDefinition(
                slug="acme_commentator",
                name="Commentator",
                description="Left a first comment.",
                tier="bronze",
                triggers={"comment_added"},
                check=first_comment,
                backfill=backfill,
            )
        ]


#: The object the entry point names.
plugin = AcmeRewards()

__all__ = ["BILLING_BONUS", "BILLING_SPACE", "AcmeRewards", "plugin"]

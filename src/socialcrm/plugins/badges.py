"""The built-in badges, one plugin per family (leave any of them out with ``builtin_plugins``).

Thresholds come from ``Settings.badges``. Every check reads at most one row per
event (the post's score, or the member's count of accepted answers), shared by
the badges of its family through :func:`_per_event`; awards already known to be
held cost nothing more (see :class:`~socialcrm.capabilities.badges.engine.BadgeCatalog`).

=========================  ======  ===========================================
family (plugin name)       tier    badges
=========================  ======  ===========================================
``socialcrm.badges.first_posts``   first question, first answer (bronze)
``socialcrm.badges.accepted``      first accepted answer; 10 (bronze), 50 (silver),
                                   150 (gold) accepted answers, self-solved not counted
``socialcrm.badges.post_score``    nice/good/great answer and question (score 10/25/100,
                                   once per post), teacher (an answer scored 1 or more)
``socialcrm.badges.votes``         supporter (first upvote), critic (first downvote)
``socialcrm.badges.trust``         trust levels 1 to 4 reached
``socialcrm.badges.enthusiast``    visited 30 consecutive UTC days (silver)
``socialcrm.badges.popular``       popular question (1000 views, once per question)
=========================  ======  ===========================================
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from socialcrm.capabilities.badges.definitions import BadgeDefinition, BadgeGrant, post_subject
from socialcrm.capabilities.members.events import MemberVisited
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.threads.events import (
    AnswerAccepted,
    ReplyPosted,
    ThreadStarted,
    ThreadViewed,
)
from socialcrm.capabilities.trust.events import TrustLevelChanged
from socialcrm.capabilities.votes.events import VoteCast, VoteChanged
from socialcrm.core.events import Event
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl
from socialcrm.settings import Settings

_T = TypeVar("_T")
_memo = threading.local()


def _per_event(event: Event, what: str, read: Callable[[], _T]) -> _T:
    """``read()`` once per event and ``what``: the badges of a family share one query."""
    key = (id(event), what)
    cached = getattr(_memo, "value", None)
    if cached is not None and cached[0] == key and cached[1] is event:
        return cached[2]  # type: ignore[no-any-return]
    value = read()
    _memo.value = (key, event, value)
    return value


def _grants(*members: int | None) -> list[BadgeGrant]:
    return [BadgeGrant(member_id=m) for m in members if m is not None]


# ---------------------------------------------------------------- first posts


class FirstPostBadges:
    """First question and first answer; registered as ``socialcrm.badges.first_posts``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """The two definitions."""

        def first_question(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, ThreadStarted)
            return _grants(event.author_id) if event.kind == "question" else []

        def first_answer(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, ReplyPosted)
            return _grants(event.author_id) if event.thread_kind == "question" else []

        def backfill_for(kind: str) -> Callable[[Member, HookContext], list[BadgeGrant]]:
            def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
                posts = context.uow.badges.authored_posts(member.id)
                return _grants(member.id) if any(p.kind == kind for p in posts) else []

            return backfill

        return [
            BadgeDefinition(
                slug="first_question",
                name="First question",
                description="Asked a first question.",
                tier="bronze",
                triggers={"thread_started"},
                check=first_question,
                backfill=backfill_for("question"),
            ),
            BadgeDefinition(
                slug="first_answer",
                name="First answer",
                description="Answered a question for the first time.",
                tier="bronze",
                triggers={"reply_posted"},
                check=first_answer,
                backfill=backfill_for("answer"),
            ),
        ]


# ---------------------------------------------------------------- accepted answers


class AcceptedAnswerBadges:
    """Accepted-answer badges (self-solved not counted); ``socialcrm.badges.accepted``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """First accepted answer and the 10/50/150 milestones."""
        b = settings.badges
        levels = (
            ("first_accepted_answer", "First accepted answer", "bronze", 1),
            ("accepted_answers_bronze", "Helpful", "bronze", b.accepted_bronze),
            ("accepted_answers_silver", "Problem solver", "silver", b.accepted_silver),
            ("accepted_answers_gold", "Expert", "gold", b.accepted_gold),
        )
        return [self._definition(slug, name, tier, needed) for slug, name, tier, needed in levels]

    @staticmethod
    def _definition(slug: str, name: str, tier: str, needed: int) -> BadgeDefinition:
        def check(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, AnswerAccepted)
            if event.answer_author_id == event.asker_id:
                return []
            author = event.answer_author_id
            if needed > 1:
                count = _per_event(
                    event, "accepted", lambda: context.uow.badges.accepted_answers(author)
                )
                if count < needed:
                    return []
            return _grants(author)

        def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
            enough = context.uow.badges.accepted_answers(member.id) >= needed
            return _grants(member.id) if enough else []

        what = "an answer" if needed == 1 else f"{needed} answers"
        return BadgeDefinition(
            slug=slug,
            name=name,
            description=f"Had {what} accepted by the asker (answers to one's own questions "
            "do not count).",
            tier=tier,
            triggers={"answer_accepted"},
            check=check,
            backfill=backfill,
        )


# ---------------------------------------------------------------- post score


class PostScoreBadges:
    """Nice/good/great answers and questions, and teacher; ``socialcrm.badges.post_score``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """Seven definitions over one read of the post's score per upvote."""
        b = settings.badges
        found = [
            self._definition(f"{level}_{kind}", f"{level.title()} {kind}", tier, kind, score)
            for kind in ("answer", "question")
            for level, tier, score in (
                ("nice", "bronze", b.nice_score),
                ("good", "silver", b.good_score),
                ("great", "gold", b.great_score),
            )
        ]
        found.append(
            self._definition("teacher", "Teacher", "bronze", "answer", b.teacher_score, once=True)
        )
        return found

    @staticmethod
    def _definition(
        slug: str, name: str, tier: str, kind: str, score: int, *, once: bool = False
    ) -> BadgeDefinition:
        def grant(member_id: int, post_id: int) -> BadgeGrant:
            if once:
                return BadgeGrant(member_id=member_id, post_id=post_id)
            return BadgeGrant(member_id=member_id, subject=post_subject(post_id), post_id=post_id)

        def check(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, (VoteCast, VoteChanged))
            if event.value <= 0 or event.post_kind != kind or event.post_wiki:
                return []
            current = event.post_score
            if current is None:
                post = _per_event(event, "post", lambda: context.uow.posts.get(event.post_id))
                current = None if post is None else post.score
            if current is None or current < score:
                return []
            return [grant(event.post_author_id, event.post_id)]

        def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
            posts = context.uow.badges.authored_posts(member.id)
            earned = [p for p in posts if p.kind == kind and p.score >= score]
            if once:
                earned = earned[:1]
            return [grant(member.id, p.post_id) for p in earned]

        what = "an answer" if once else f"a {kind}"
        return BadgeDefinition(
            slug=slug,
            name=name,
            description=f"Wrote {what} with a score of {score} or more"
            + ("." if once else f" (once per {kind})."),
            tier=tier,
            triggers={"vote_cast", "vote_changed"},
            check=check,
            repeatable=not once,
            backfill=backfill,
        )


# ---------------------------------------------------------------- votes given


class VoteBadges:
    """Supporter (first upvote) and critic (first downvote); ``socialcrm.badges.votes``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """The two definitions."""

        def definition(slug: str, name: str, up: bool) -> BadgeDefinition:
            def check(event: Event, context: HookContext) -> list[BadgeGrant]:
                assert isinstance(event, (VoteCast, VoteChanged))
                return _grants(event.actor_id) if (event.value > 0) == up else []

            def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
                ups, downs = context.uow.badges.votes_given(member.id)
                return _grants(member.id) if (ups if up else downs) > 0 else []

            return BadgeDefinition(
                slug=slug,
                name=name,
                description=f"Cast a first {'upvote' if up else 'downvote'}.",
                tier="bronze",
                triggers={"vote_cast", "vote_changed"},
                check=check,
                backfill=backfill,
            )

        return [definition("supporter", "Supporter", True), definition("critic", "Critic", False)]


# ---------------------------------------------------------------- trust levels

_TRUST_BADGES: tuple[tuple[int, str, str], ...] = (
    (1, "Basic", "bronze"),
    (2, "Member", "bronze"),
    (3, "Regular", "silver"),
    (4, "Leader", "gold"),
)


class TrustLevelBadges:
    """A badge for each trust level reached, 1 to 4; ``socialcrm.badges.trust``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """``trust_level_1`` ... ``trust_level_4``."""

        def definition(level: int, name: str, tier: str) -> BadgeDefinition:
            def check(event: Event, context: HookContext) -> list[BadgeGrant]:
                assert isinstance(event, TrustLevelChanged)
                return _grants(event.member_id) if event.level >= level else []

            def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
                return _grants(member.id) if member.trust_level >= level else []

            return BadgeDefinition(
                slug=f"trust_level_{level}",
                name=name,
                description=f"Reached trust level {level}.",
                tier=tier,
                triggers={"trust_level_changed"},
                check=check,
                backfill=backfill,
            )

        return [definition(level, name, tier) for level, name, tier in _TRUST_BADGES]


# ---------------------------------------------------------------- visits


class EnthusiastBadge:
    """Visited ``enthusiast_days`` consecutive UTC days; ``socialcrm.badges.enthusiast``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """The definition."""
        days = settings.badges.enthusiast_days

        def streak_reached(member_id: int, context: HookContext, moment: Any) -> bool:
            # Every day of the window visited, the last one being ``moment``'s day.
            since = moment.date() - timedelta(days=days - 1)
            visited = context.uow.activity.activity(member_id, since=since).recent.days_visited
            return visited >= days

        def check(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, MemberVisited)
            reached = streak_reached(event.member_id, context, event.visited_at)
            return _grants(event.member_id) if reached else []

        def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
            return _grants(member.id) if streak_reached(member.id, context, context.now) else []

        return [
            BadgeDefinition(
                slug="enthusiast",
                name="Enthusiast",
                description=f"Visited the community {days} days in a row.",
                tier="silver",
                triggers={"member_visited"},
                check=check,
                backfill=backfill,
            )
        ]


# ---------------------------------------------------------------- views


class PopularQuestionBadge:
    """A question viewed ``popular_question_views`` times; ``socialcrm.badges.popular``."""

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """The definition."""
        views = settings.badges.popular_question_views

        def check(event: Event, context: HookContext) -> list[BadgeGrant]:
            assert isinstance(event, ThreadViewed)
            if event.thread_kind != "question" or event.views < views:
                return []
            return [BadgeGrant(member_id=event.author_id, subject=f"thread:{event.thread_id}")]

        def backfill(member: Member, context: HookContext) -> list[BadgeGrant]:
            return [
                BadgeGrant(member_id=member.id, subject=f"thread:{p.thread_id}")
                for p in context.uow.badges.authored_posts(member.id)
                if p.kind == "question" and p.views >= views
            ]

        return [
            BadgeDefinition(
                slug="popular_question",
                name="Popular question",
                description=f"Asked a question viewed {views} times (once per question).",
                tier="bronze",
                triggers={"thread_viewed"},
                check=check,
                repeatable=True,
                backfill=backfill,
            )
        ]


class EngagementBadges:
    """Badges other features award: the referral challenge and contest wins;
    ``socialcrm.badges.engagement``.

    Nothing triggers them from events: ``community.referrals.converted`` awards
    ``ReferralSettings.challenge_badge`` (default ``referral_challenge``) when the
    built-in referral rule grants it, and deciding a contest awards
    ``contest_winner`` (once per contest) to each winner.
    """

    @hookimpl
    def socialcrm_badges(self, settings: Settings) -> list[BadgeDefinition]:
        """The definitions."""

        def nothing(event: Event, context: HookContext) -> list[BadgeGrant]:
            return []

        definitions = [
            BadgeDefinition(
                slug="contest_winner",
                name="Contest winner",
                description="Placed in a contest (once per contest).",
                tier="gold",
                triggers=(),
                check=nothing,
                repeatable=True,
            )
        ]
        challenge = settings.referrals.challenge_badge
        if challenge and challenge != "contest_winner":
            definitions.append(
                BadgeDefinition(
                    slug=challenge,
                    name="Referral challenge",
                    description=(
                        f"Referred {settings.referrals.challenge_conversions} members who "
                        "became customers."
                    ),
                    tier="silver",
                    triggers=(),
                    check=nothing,
                )
            )
        return definitions


#: The built-in badge plugins, by the name they are registered under.
BADGE_PLUGINS: tuple[tuple[str, type], ...] = (
    ("socialcrm.badges.first_posts", FirstPostBadges),
    ("socialcrm.badges.accepted", AcceptedAnswerBadges),
    ("socialcrm.badges.post_score", PostScoreBadges),
    ("socialcrm.badges.votes", VoteBadges),
    ("socialcrm.badges.trust", TrustLevelBadges),
    ("socialcrm.badges.enthusiast", EnthusiastBadge),
    ("socialcrm.badges.popular", PopularQuestionBadge),
    ("socialcrm.badges.engagement", EngagementBadges),
)

__all__ = [
    "BADGE_PLUGINS",
    "AcceptedAnswerBadges",
    "EngagementBadges",
    "EnthusiastBadge",
    "FirstPostBadges",
    "PopularQuestionBadge",
    "PostScoreBadges",
    "TrustLevelBadges",
    "VoteBadges",
]

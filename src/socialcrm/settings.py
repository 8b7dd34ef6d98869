"""Community settings: every threshold socialcrm applies, with Stack Exchange defaults.

Settings are a frozen attrs record; derive a variant with :func:`attrs.evolve` or
``Settings.with_privileges``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
        "invite": 1,
        "find_champions": 10000,
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


def _frozen_names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


#: Privileges the champion role holds whatever the member's reputation.
DEFAULT_CHAMPION_PRIVILEGES = frozenset(
    {"vote_up", "flag", "comment", "vote_down", "create_tags", "review", "edit"}
)


@attrs.frozen
class ReferralSettings:
    """The built-in referral reward rules (plugin ``socialcrm.referrals``).

    Credits are in the host's units (cents, points): socialcrm only signals them.
    A zero amount turns that part of a rule off.
    """

    converted_credit: int = 2000
    converted_reputation: int = 0
    challenge_conversions: int = 3
    challenge_badge: str = "referral_challenge"
    challenge_credit: int = 0


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
        default=DEFAULT_CHAMPION_PRIVILEGES, converter=_frozen_names
    )


#: Watched-word actions (Discourse's): see :class:`WatchedWord`.
WATCHED_WORD_ACTIONS: tuple[str, ...] = (
    "block",
    "censor",
    "require_approval",
    "flag",
    "replace",
    "tag",
    "silence",
    "link",
)


def _check_action(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in WATCHED_WORD_ACTIONS:
        raise ValidationError(
            f"watched word action {value!r} is not one of {', '.join(WATCHED_WORD_ACTIONS)}"
        )


def _str_tuple(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        raise ValidationError("give a list of strings, not one string")
    return tuple(str(v) for v in values)


@attrs.frozen(kw_only=True)
class WatchedWord:
    """A word, phrase or regular expression the ``watched_words`` rule acts on.

    :param pattern: the word or phrase (or, with ``regex=True``, a Python regular
        expression).
    :param action: one of :data:`WATCHED_WORD_ACTIONS`.
    :param regex: treat ``pattern`` as a regular expression.
    :param case_sensitive: match case exactly (default: ignore case).
    :param whole_word: match only whole words (ignored for regexes, which say it
        themselves with ``\\b``).
    :param replacement: the text that replaces a match (``replace``) or the URL a
        match links to (``link``).
    :param tags: the tags added to the thread (``tag``).
    """

    pattern: str
    action: str = attrs.field(validator=_check_action)
    regex: bool = False
    case_sensitive: bool = False
    whole_word: bool = True
    replacement: str = ""
    tags: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.pattern or not self.pattern.strip():
            raise ValidationError("a watched word needs a non-empty pattern")
        if self.action in ("replace", "link") and not self.replacement:
            raise ValidationError(f"a {self.action!r} watched word needs a replacement")
        if self.action == "tag" and not self.tags:
            raise ValidationError("a 'tag' watched word needs tags")
        if self.regex:
            import re

            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValidationError(
                    f"bad watched word regex {self.pattern!r}: {error}", field="watched_words"
                ) from None


def _level_limits(value: Mapping[int, int]) -> Mapping[int, int]:
    checked = {}
    for level, limit in dict(value).items():
        if not isinstance(level, int) or not 0 <= level <= 4:
            raise ValidationError(f"trust level {level!r} is not 0 to 4")
        if not isinstance(limit, int) or limit < 0:
            raise ValidationError(
                f"limit {limit!r} for TL{level} is not a non-negative integer", field="content"
            )
        checked[level] = limit
    return MappingProxyType(checked)


def _count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator for a limit: a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {value!r}", field=attribute.name
        )


def _optional_level(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, int) or not 0 <= value <= 4):
        raise ValidationError(
            f"{attribute.name} must be a trust level 0 to 4 or None, not {value!r}",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ContentSettings:
    """The built-in content rules' settings (see docs/moderation.md).

    Per-level limits map a trust level to the most a member at that level may put
    in one text; levels not in the mapping have no limit.
    """

    watched_words: tuple[WatchedWord, ...] = attrs.field(default=(), converter=tuple)
    censor_character: str = "\u25a0"
    max_links: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 2}), converter=_level_limits
    )
    max_mentions: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 2}), converter=_level_limits
    )
    max_images: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 0}), converter=_level_limits
    )
    duplicate_window_seconds: int = attrs.field(default=300, validator=_count)
    premoderated_spaces: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    approve_first_posts: int = attrs.field(default=0, validator=_count)
    approve_unless_trust_level: int | None = attrs.field(default=None, validator=_optional_level)
    competitors: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    protected_products: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    attack_words: tuple[str, ...] = attrs.field(
        default=(
            "sucks",
            "scam",
            "garbage",
            "rubbish",
            "crap",
            "worst",
            "terrible",
            "awful",
            "useless",
            "rip-off",
            "ripoff",
            "fraud",
        ),
        converter=_str_tuple,
    )
    terms_window_words: int = attrs.field(default=6, validator=_count)

    def __attrs_post_init__(self) -> None:
        if len(self.censor_character) != 1:
            raise ValidationError("censor_character must be one character")
        for word in self.watched_words:
            if not isinstance(word, WatchedWord):
                raise ValidationError(f"watched_words holds {word!r}, not a WatchedWord")


@attrs.frozen
class FlagSettings:
    """Flags: who may flag, how flags are scored, when they hide posts and silence authors.

    A flag's weight is ``1 + trust level`` (``staff_weight`` for moderators,
    staff and admins) plus the flagger's accuracy bonus, never below 1: with
    ``a`` agreed and ``d`` disagreed flags and ``a + d >=
    accuracy_min_decisions``, the bonus is ``accuracy_bonus_max * (a - d) /
    (a + d)`` rounded towards zero, so it lies within ``±accuracy_bonus_max``
    (0 below that many decisions). See ``docs/moderation.md``, "Flags".
    """

    #: Trust level needed to flag (besides the ``flag`` reputation privilege).
    min_trust_level: int = 1
    #: Flags one member may raise in any 24 hours (``RateLimited`` beyond).
    daily_limit: int = 20
    #: A post is hidden once the weights of its open flags add up to this.
    hide_threshold: int = 5
    #: The weight of a flag by a moderator, staff member or admin (before the bonus).
    staff_weight: int = 5
    #: The largest accuracy bonus (and, negated, the largest malus).
    accuracy_bonus_max: int = 3
    #: Decided flags a member needs before the accuracy bonus applies.
    accuracy_min_decisions: int = 5
    #: A spam flag from this trust level or higher on a TL0 author's post hides it at once.
    instant_hide_trust_level: int = 3
    #: Distinct members whose spam flags silence a TL0 author (and hide all their posts).
    spam_silence_flaggers: int = 3
    #: Longest text of a flag (required for the ``other`` reason), in code points.
    text_max_length: int = 500
    #: Open flags the moderators' queue reads at most in one call.
    queue_scan_limit: int = 5000


@attrs.frozen
class WorkloadSettings:
    """Moderation workload: what a decision costs and the weekly budget it is held to."""

    #: Estimated minutes of moderator time one decision takes.
    minutes_per_decision: float = 3.0
    #: Moderator hours a week the community means to spend (``None``: no budget).
    budget_hours_per_week: float | None = 50.0


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
class BadgeSettings:
    """Thresholds of the built-in badges (Stack Exchange's where it has them).

    ``enthusiast_days`` consecutive UTC days visited (recorded by
    ``members.record_visit``, which needs ``trust.enabled``); ``popular_question_views``
    views of a question (recorded by ``threads.record_views``); the score thresholds
    of nice, good and great posts; ``teacher_score`` for an answer; and the accepted
    answers (self-solved ones not counted) for the three "accepted" badges.
    ``backfill_batch_size`` members per unit of work in ``badges.backfill``;
    ``held_cache_size`` award keys each community remembers as held, so that the
    vote path skips re-reading them (cleared when full).
    """

    enthusiast_days: int = 30
    popular_question_views: int = 1000
    nice_score: int = 10
    good_score: int = 25
    great_score: int = 100
    teacher_score: int = 1
    accepted_bronze: int = 10
    accepted_silver: int = 50
    accepted_gold: int = 150
    backfill_batch_size: int = 200
    held_cache_size: int = 100_000


@attrs.frozen
class BountySettings:
    """Bounties (Stack Exchange's rules by default).

    A member holding the ``set_bounty`` privilege offers ``min_amount`` to
    ``max_amount`` reputation (only on their own questions if ``asker_only``), open
    ``default_days`` days unless they choose 1 to ``max_days``. Unawarded at the
    end, ``auto_award_percent`` percent goes to the top-scoring answer posted after
    the bounty started with a score of at least ``auto_award_min_score``; otherwise
    it is lost. ``expire_batch`` bounties per run of ``bounties.close_expired``.
    ``require_reputation``: the offer must leave the offerer at or above the
    reputation floor (history imports turn it off: dumps lack the association
    bonus, so the floor then limits what the offer takes).
    """

    min_amount: int = 50
    max_amount: int = 500
    default_days: int = 7
    max_days: int = 30
    asker_only: bool = False
    auto_award_percent: int = 50
    auto_award_min_score: int = 2
    expire_batch: int = 500
    require_reputation: bool = True


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
    referrals: ReferralSettings = attrs.field(factory=ReferralSettings)
    champions: ChampionSettings = attrs.field(factory=ChampionSettings)
    content: ContentSettings = attrs.field(factory=ContentSettings)
    rate_limits: RateLimitSettings = attrs.field(factory=RateLimitSettings)
    badges: BadgeSettings = attrs.field(factory=BadgeSettings)
    bounties: BountySettings = attrs.field(factory=BountySettings)
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
    invitation_default_days: int = 14
    invitation_max_days: int = 90
    invitation_max_uses: int = 1000
    poll_max_options: int = 20
    poll_option_max_length: int = 200
    poll_question_max_length: int = 300
    poll_max_days: int = 365
    leaderboard_exclude_staff: bool = False
    contest_max_winners: int = 10
    contest_max_days: int = 365
    flags: FlagSettings = attrs.field(factory=FlagSettings)
    workload: WorkloadSettings = attrs.field(factory=WorkloadSettings)

    @classmethod
    def for_testing(cls, **changes: Any) -> Settings:
        """Settings for tests, scripted flows and demos: no waits and no new-member limits.

        The defaults with every rate limit off (the 30 seconds between a new
        member's posts, the first-day topic and reply counts, daily vote and like
        limits), no per-trust-level link, mention and image limits, flagging from
        trust level 0 with no daily flag limit, and no duplicate-post window.
        Reputation privileges, reward amounts and content checks stay as in
        production, so a test still sees a new member refused ``vote_up``.
        ``changes`` are further ``Settings`` fields. Never use it in production.
        """
        base = cls(
            rate_limits=RateLimitSettings(enabled=False),
            content=ContentSettings(
                max_links={}, max_mentions={}, max_images={}, duplicate_window_seconds=0
            ),
            flags=FlagSettings(min_trust_level=0, daily_limit=1_000_000),
        )
        return attrs.evolve(base, **changes) if changes else base

    def with_privileges(self, **thresholds: int) -> Settings:
        """Return a copy with some privilege thresholds changed or added."""
        merged = dict(self.privileges)
        merged.update(thresholds)
        return attrs.evolve(self, privileges=merged)

    def with_rewards(self, **amounts: Any) -> Settings:
        """Return a copy with some reward amounts changed."""
        return attrs.evolve(self, rewards=attrs.evolve(self.rewards, **amounts))

    def with_badges(self, **thresholds: Any) -> Settings:
        """Return a copy with some badge thresholds changed."""
        return attrs.evolve(self, badges=attrs.evolve(self.badges, **thresholds))

    def with_bounties(self, **rules: Any) -> Settings:
        """Return a copy with some bounty settings changed."""
        return attrs.evolve(self, bounties=attrs.evolve(self.bounties, **rules))

    def with_trust(self, **thresholds: Any) -> Settings:
        """Return a copy with some trust-level settings changed."""
        return attrs.evolve(self, trust=attrs.evolve(self.trust, **thresholds))

    def with_content(self, **changes: Any) -> Settings:
        """Return a copy with some content-rule settings changed."""
        return attrs.evolve(self, content=attrs.evolve(self.content, **changes))

    def with_flags(self, **values: Any) -> Settings:
        """Return a copy with some flag settings changed."""
        return attrs.evolve(self, flags=attrs.evolve(self.flags, **values))

    def with_workload(self, **values: Any) -> Settings:
        """Return a copy with some workload settings changed."""
        return attrs.evolve(self, workload=attrs.evolve(self.workload, **values))

    def with_rate_limits(self, **limits: Any) -> Settings:
        """Return a copy with some rate-limit settings changed (``enabled=False``: none)."""
        return attrs.evolve(self, rate_limits=attrs.evolve(self.rate_limits, **limits))


__all__ = [
    "BadgeSettings",
    "BountySettings",
    "ChampionSettings",
    "ContentSettings",
    "DEFAULT_CHAMPION_PRIVILEGES",
    "DEFAULT_PRIVILEGES",
    "FlagSettings",
    "RateLimitSettings",
    "ReferralSettings",
    "RewardSettings",
    "Settings",
    "TRUST_LEVELS",
    "TrustSettings",
    "WATCHED_WORD_ACTIONS",
    "WatchedWord",
    "WorkloadSettings",
]

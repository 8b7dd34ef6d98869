"""Community settings: every threshold socialcrm applies, with Stack Exchange defaults.

Settings are a frozen attrs record; derive a variant with :meth:`Settings.with_`
(one section), :func:`attrs.evolve` (top-level fields) or the ``with_*`` shortcuts
such as ``Settings.with_privileges``.

Each section class lives with its capability, in
``socialcrm/capabilities/<capability>/settings.py``; this module composes them into
:class:`Settings` and re-exports every one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from socialcrm.capabilities.badges.settings import BadgeSettings
from socialcrm.capabilities.bounties.settings import BountySettings
from socialcrm.capabilities.flags.settings import FlagSettings
from socialcrm.capabilities.invitations.settings import ReferralSettings
from socialcrm.capabilities.moderation.settings import (
    WATCHED_WORD_ACTIONS,
    ContentSettings,
    WatchedWord,
    WorkloadSettings,
)
from socialcrm.capabilities.ratelimits.settings import RateLimitSettings
from socialcrm.capabilities.reputation.settings import (
    DEFAULT_CHAMPION_PRIVILEGES,
    ChampionSettings,
    RewardSettings,
)
from socialcrm.capabilities.trust.settings import TrustSettings
from socialcrm.core.settings_fields import TRUST_LEVELS, frozen_mapping
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
        default=DEFAULT_PRIVILEGES, converter=frozen_mapping
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

    def with_(self, section: str, /, **changes: Any) -> Settings:
        """Return a copy with some fields of one section changed.

        ``section`` is the name of a section field (see :data:`SETTINGS_SECTIONS`):
        ``settings.with_("flags", hide_threshold=8)`` changes
        ``settings.flags.hide_threshold`` and leaves every other setting as it was.
        For ``"privileges"`` the changes are thresholds merged into the mapping, so
        a new privilege name adds it. The changed section is validated as when it
        is built.

        :raises ValidationError: ``section`` is not a section
            (``unknown_settings_section``), a name in ``changes`` is not a field of
            it (``unknown_setting``), or a new value is refused by the section's
            own validation.
        """
        if section not in SETTINGS_SECTIONS:
            raise ValidationError(
                f"{section!r} is not a settings section; one of "
                f"{', '.join(SETTINGS_SECTIONS)} (change top-level fields with attrs.evolve)",
                field=section,
                code="unknown_settings_section",
            )
        if section == "privileges":
            merged = dict(self.privileges)
            merged.update(changes)
            return attrs.evolve(self, privileges=merged)
        current = getattr(self, section)
        known = attrs.fields_dict(type(current))
        unknown = sorted(name for name in changes if name not in known)
        if unknown:
            raise ValidationError(
                f"{type(current).__name__} has no field {', '.join(map(repr, unknown))}",
                field=f"{section}.{unknown[0]}",
                code="unknown_setting",
            )
        return attrs.evolve(self, **{section: attrs.evolve(current, **changes)})

    def with_privileges(self, **thresholds: int) -> Settings:
        """Return a copy with some privilege thresholds changed or added."""
        return self.with_("privileges", **thresholds)

    def with_rewards(self, **amounts: Any) -> Settings:
        """Return a copy with some reward amounts changed."""
        return self.with_("rewards", **amounts)

    def with_badges(self, **thresholds: Any) -> Settings:
        """Return a copy with some badge thresholds changed."""
        return self.with_("badges", **thresholds)

    def with_bounties(self, **rules: Any) -> Settings:
        """Return a copy with some bounty settings changed."""
        return self.with_("bounties", **rules)

    def with_trust(self, **thresholds: Any) -> Settings:
        """Return a copy with some trust-level settings changed."""
        return self.with_("trust", **thresholds)

    def with_content(self, **changes: Any) -> Settings:
        """Return a copy with some content-rule settings changed."""
        return self.with_("content", **changes)

    def with_flags(self, **values: Any) -> Settings:
        """Return a copy with some flag settings changed."""
        return self.with_("flags", **values)

    def with_workload(self, **values: Any) -> Settings:
        """Return a copy with some workload settings changed."""
        return self.with_("workload", **values)

    def with_rate_limits(self, **limits: Any) -> Settings:
        """Return a copy with some rate-limit settings changed (``enabled=False``: none)."""
        return self.with_("rate_limits", **limits)


#: The names :meth:`Settings.with_` accepts: ``privileges`` and every field of
#: :class:`Settings` that holds a section record.
SETTINGS_SECTIONS: tuple[str, ...] = (
    "privileges",
    *(
        name
        for name, value in attrs.asdict(Settings(), recurse=False).items()
        if attrs.has(type(value))
    ),
)


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
    "SETTINGS_SECTIONS",
    "Settings",
    "TRUST_LEVELS",
    "TrustSettings",
    "WATCHED_WORD_ACTIONS",
    "WatchedWord",
    "WorkloadSettings",
]

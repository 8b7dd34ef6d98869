"""``Settings.with_`` and the settings sections that live in their capability packages."""

from __future__ import annotations

import importlib
from typing import Any

import attrs
import pytest

from socialcrm import ValidationError
from socialcrm import ports as ports_module
from socialcrm import settings as settings_module
from socialcrm.settings import SETTINGS_SECTIONS, Settings


def test_with_changes_one_field_of_one_section() -> None:
    base = Settings()
    changed = base.with_("flags", hide_threshold=8, daily_limit=3)
    assert changed.flags.hide_threshold == 8
    assert changed.flags.daily_limit == 3
    assert changed.flags.staff_weight == base.flags.staff_weight
    assert attrs.evolve(changed, flags=base.flags) == base
    assert base.flags.hide_threshold == 5  # the original is untouched


@pytest.mark.parametrize(
    ("wrapper", "section", "changes"),
    [
        ("with_rewards", "rewards", {"accepted_answer": 25}),
        ("with_trust", "trust", {"tl3_grace_days": 7}),
        ("with_content", "content", {"max_links": {0: 5}}),
        ("with_rate_limits", "rate_limits", {"new_user_hours": 2}),
        ("with_badges", "badges", {"nice_score": 3}),
        ("with_bounties", "bounties", {"max_days": 10}),
        ("with_flags", "flags", {"hide_threshold": 8}),
        ("with_workload", "workload", {"budget_hours_per_week": None}),
        ("with_privileges", "privileges", {"vote_up": 1, "new_privilege": 7}),
    ],
)
def test_every_with_shortcut_is_with_of_its_section(
    wrapper: str, section: str, changes: dict[str, Any]
) -> None:
    base = Settings.for_testing()
    via_wrapper = getattr(base, wrapper)(**changes)
    assert via_wrapper == base.with_(section, **changes)
    assert via_wrapper != base


def test_privileges_are_merged_not_replaced() -> None:
    changed = Settings().with_("privileges", vote_up=1, brand_new=42)
    assert changed.privileges["vote_up"] == 1
    assert changed.privileges["brand_new"] == 42
    assert changed.privileges["edit"] == Settings().privileges["edit"]


def test_sections_without_a_shortcut_are_reachable() -> None:
    changed = (
        Settings().with_("referrals", converted_credit=0).with_("champions", privileges=["edit"])
    )
    assert changed.referrals.converted_credit == 0
    assert changed.champions.privileges == frozenset({"edit"})


@pytest.mark.parametrize("section", ["nope", "daily_reputation_cap", "max_tags", ""])
def test_unknown_section_is_refused(section: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings().with_(section, anything=1)
    assert refused.value.code == "unknown_settings_section"
    assert refused.value.field == section


def test_unknown_field_is_refused_by_with_and_by_the_shortcuts() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings().with_("flags", hide_threshold=8, hide_treshold=9)
    assert refused.value.code == "unknown_setting"
    assert refused.value.field == "flags.hide_treshold"
    assert "hide_treshold" in refused.value.message
    with pytest.raises(ValidationError) as again:
        Settings().with_rate_limits(enable=False)
    assert again.value.code == "unknown_setting"
    assert again.value.field == "rate_limits.enable"


def test_new_values_are_validated_as_when_the_section_is_built() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings().with_("rate_limits", new_user_hours=-1)
    assert refused.value.field == "new_user_hours"
    with pytest.raises(ValidationError):
        Settings().with_("content", censor_character="**")
    with pytest.raises(ValidationError):
        Settings().with_rate_limits(seconds_between_posts=(1, 2))


def test_sections_are_exactly_the_record_fields_and_privileges() -> None:
    records = [
        field.name
        for field in attrs.fields(Settings)
        if attrs.has(type(getattr(Settings(), field.name)))
    ]
    assert SETTINGS_SECTIONS == ("privileges", *records)
    assert {"flags", "rate_limits", "content", "workload", "referrals"} <= set(records)


def test_settings_module_re_exports_the_capability_sections() -> None:
    moved = {
        "BadgeSettings": "badges",
        "BountySettings": "bounties",
        "ChampionSettings": "reputation",
        "ContentSettings": "moderation",
        "DEFAULT_CHAMPION_PRIVILEGES": "reputation",
        "FlagSettings": "flags",
        "RateLimitSettings": "ratelimits",
        "ReferralSettings": "invitations",
        "RewardSettings": "reputation",
        "TrustSettings": "trust",
        "WATCHED_WORD_ACTIONS": "moderation",
        "WatchedWord": "moderation",
        "WorkloadSettings": "moderation",
    }
    for name, capability in moved.items():
        home = importlib.import_module(f"socialcrm.capabilities.{capability}.settings")
        assert getattr(settings_module, name) is getattr(home, name)
    for name in settings_module.__all__:
        assert hasattr(settings_module, name), name


def test_ports_module_re_exports_every_repository() -> None:
    for name in ports_module.__all__:
        protocol = getattr(ports_module, name)
        if name.endswith("Repository"):
            assert protocol.__module__.startswith("socialcrm.capabilities.")
            assert protocol.__module__.endswith(".port")
    assert len(ports_module.__all__) == 21

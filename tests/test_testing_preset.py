"""``Settings.for_testing()``: scripted flows run without waits; limits name their setting."""

from __future__ import annotations

import pytest

from socialcrm import Community, PermissionDenied, RateLimited, Settings
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.clock import ManualClock


def _forum(settings: Settings) -> tuple[Community, int, int]:
    c = Community(MemoryStorage(), settings=settings, clock=ManualClock(), entry_points=False)
    staff = c.members.join(external_id="s", display_name="Staff", roles=["staff"])
    newcomer = c.members.join(external_id="n", display_name="Newcomer")
    c.spaces.create(actor=staff.id, slug="help", name="Help")
    return c, staff.id, newcomer.id


def _ask(c: Community, actor: int, n: int, body: str = "How?") -> object:
    return c.threads.start(
        actor=actor, space="help", kind="question", title=f"Question number {n}", body=body
    )


def test_a_new_member_posts_at_once_and_often_with_the_testing_preset() -> None:
    c, _staff, newcomer = _forum(Settings.for_testing())
    for n in range(6):  # past the 30-second wait and the 3 first-day topics
        _ask(c, newcomer, n, body=f"See https://a.example/{n} https://b.example https://c.example")
    thread = _ask(c, newcomer, 99)
    for n in range(12):  # past 3 replies in a row and 10 first-day replies
        c.posts.reply(actor=newcomer, thread=thread.id, body=f"More detail {n}")
    c.close()


def test_the_preset_keeps_privileges_and_accepts_more_changes() -> None:
    settings = Settings.for_testing(vote_lock_seconds=0)
    assert settings.vote_lock_seconds == 0
    assert settings.privileges == Settings().privileges
    assert settings.rewards == Settings().rewards
    assert not settings.rate_limits.enabled
    assert Settings().rate_limits.enabled  # production defaults are untouched


def test_a_rate_limit_names_the_setting_and_the_testing_preset() -> None:
    c, _staff, newcomer = _forum(Settings())
    _ask(c, newcomer, 1)
    with pytest.raises(RateLimited) as refused:
        _ask(c, newcomer, 2)
    message = refused.value.message
    assert "Settings.rate_limits.seconds_between_posts" in message
    assert "Settings.for_testing()" in message
    c.close()


def test_a_lasting_new_member_limit_names_the_setting_too() -> None:
    settings = Settings().with_rate_limits(seconds_between_posts=(0, 0, 0, 0, 0))
    c, _staff, newcomer = _forum(settings)
    thread = _ask(c, newcomer, 1)
    with pytest.raises((RateLimited, PermissionDenied)) as refused:
        for n in range(20):
            c.posts.reply(actor=newcomer, thread=thread.id, body=f"Reply {n}")
    assert "Settings.rate_limits." in refused.value.message
    assert "Settings.for_testing()" in refused.value.message
    c.close()


def test_sqlites_table_is_locked_names_the_django_fix() -> None:
    from socialcrm.adapters.sqlalchemy.prepared import storage_error

    error = storage_error(RuntimeError("database table is locked: socialcrm_members"))
    assert "TransactionTestCase" in error.message and "docs/django.md" in error.message
    busy = storage_error(RuntimeError("database is locked"))
    assert "TransactionTestCase" not in busy.message

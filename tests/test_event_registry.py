"""The event registry: filled by the event classes themselves, complete, and compatible.

Stored outbox payloads and audit rows name their event; every name the former
hand-kept list had must still resolve to a class with the same fields in the same
order, so that those rows keep loading.
"""

from __future__ import annotations

import gc
import importlib
import json
import pkgutil
import subprocess
import sys
import typing
from collections.abc import Iterator
from datetime import datetime, timezone
from types import NoneType, UnionType
from typing import Any, ClassVar

import attrs
import pytest

import socialcrm
import socialcrm.capabilities
from socialcrm.capabilities.events import EVENT_TYPES
from socialcrm.core.events import EVENTS_BY_NAME, Event, event_types
from socialcrm.core.serialization import event_from_json, event_to_json

#: The name and the fields after ``at`` and ``actor_id``, in payload order, of every
#: event of the former hand-kept ``EVENT_TYPES`` (``socialcrm/domain/events.py``
#: before the capability layout).
FORMER_EVENTS: dict[str, str] = {
    "member_joined": "member_id external_id display_name roles",
    "profile_updated": "member_id",
    "role_granted": "member_id role",
    "role_revoked": "member_id role",
    "space_created": "space_id slug visibility parent_id",
    "space_member_added": "space_id member_id",
    "space_member_removed": "space_id member_id",
    "thread_started": "thread_id space_id kind author_id opening_post_id tags",
    "thread_closed": "thread_id space_id",
    "thread_reopened": "thread_id space_id",
    "reply_posted": "post_id thread_id space_id author_id thread_kind",
    "post_edited": "post_id thread_id space_id revision_id",
    "post_deleted": "post_id thread_id space_id author_id was_opening",
    "comment_added": "comment_id post_id thread_id space_id",
    "vote_cast": (
        "vote_id post_id thread_id space_id post_author_id post_kind value post_wiki post_score"
    ),
    "vote_changed": (
        "vote_id post_id thread_id space_id post_author_id post_kind value post_wiki"
        " post_score previous_value"
    ),
    "vote_retracted": (
        "vote_id post_id thread_id space_id post_author_id post_kind value post_wiki"
        " post_score previous_value"
    ),
    "vote_reversed": (
        "vote_id post_id thread_id space_id post_author_id post_kind value post_wiki"
        " post_score voter_id previous_value"
    ),
    "answer_accepted": (
        "thread_id space_id answer_id answer_author_id asker_id previous_answer_id answer_wiki"
    ),
    "answer_unaccepted": "thread_id space_id answer_id answer_author_id asker_id",
    "reputation_changed": "member_id entry_id delta requested rule cause reputation",
    "reputation_recomputed": "member_id previous reputation",
    "trust_level_changed": "member_id previous_level level reason locked",
    "sanction_imposed": "sanction_id member_id kind reason ends_at",
    "sanction_lifted": "sanction_id member_id kind expired ended_at reason",
    "invitation_created": "invitation_id space_id max_uses expires_at",
    "invitation_revoked": "invitation_id inviter_id",
    "invitation_redeemed": "invitation_id member_id inviter_id space_id",
    "referral_converted": "referral_id referrer_id referred_id conversions",
    "referral_reward_earned": "referral_id member_id kind rule key amount badge",
    "poll_created": "poll_id thread_id space_id closes_at",
    "poll_voted": "poll_id thread_id space_id member_id option_ids changed",
    "poll_closed": "poll_id thread_id space_id",
    "contest_created": "contest_id thread_id space_id submission_ends_at voting_ends_at",
    "contest_decided": "contest_id thread_id space_id winner_post_ids winner_member_ids",
    "submission_held": "item_id author_id space_id thread_id reason reasons",
    "content_flagged": "item_id post_id thread_id space_id author_id reason reasons",
    "submission_approved": "item_id post_id thread_id space_id author_id edited",
    "submission_rejected": "item_id author_id space_id post_id reason",
    "review_item_dismissed": "item_id post_id space_id author_id",
    "moderation_alert": "author_id space_id messages item_id post_id",
    "flag_raised": "flag_id flagger_id member_id reason weight score post_id thread_id space_id",
    "post_hidden": "post_id thread_id space_id author_id trigger score",
    "post_unhidden": "post_id thread_id space_id author_id",
    "flag_decided": "flag_id flagger_id member_id decision raised_at post_id",
    "moderation_budget_exceeded": "week_start decisions estimated_minutes budget_minutes",
    "member_visited": "member_id visited_at",
    "thread_viewed": "thread_id space_id thread_kind author_id count views",
    "badge_awarded": "award_id badge tier member_id subject post_id",
    "badge_revoked": "award_id badge member_id subject reason",
    "bounty_offered": "bounty_id thread_id space_id offered_by amount ends_at",
    "bounty_awarded": (
        "bounty_id thread_id space_id answer_id answer_author_id offered_by amount automatic"
    ),
    "bounty_expired": "bounty_id thread_id space_id offered_by amount",
    "bounty_refunded": "bounty_id thread_id space_id offered_by amount reason",
}


def _import_every_capability_module() -> None:
    for module in pkgutil.walk_packages(
        socialcrm.capabilities.__path__, prefix="socialcrm.capabilities."
    ):
        importlib.import_module(module.name)


def _subclasses(cls: type[Event]) -> Iterator[type[Event]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _event_classes() -> list[type[Event]]:
    """Every subclass of ``Event`` reachable from ``socialcrm`` (capability modules included)."""
    _import_every_capability_module()
    gc.collect()  # attrs replaces each slotted class: let the replaced ones go
    return [cls for cls in _subclasses(Event) if cls.__module__.startswith("socialcrm.")]


def _concrete(classes: list[type[Event]]) -> list[type[Event]]:
    return [cls for cls in classes if "name" in cls.__dict__]


_MOMENT = datetime(2026, 3, 2, 12, 30, 5, 123, tzinfo=timezone.utc)


def _sample(hint: Any) -> Any:
    if hint is datetime:
        return _MOMENT
    origin = typing.get_origin(hint)
    if origin is frozenset:
        return frozenset({"b", "a"})
    if origin is tuple:
        return ("z\u00e9", "a") if typing.get_args(hint)[0] is str else (3, 1)
    if origin in (typing.Union, UnionType):
        return _sample(next(arg for arg in typing.get_args(hint) if arg is not NoneType))
    return {int: 7, str: "caf\u00e9", bool: True}[hint]


def _example(cls: type[Event]) -> Event:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _sample(hints[f.name]) for f in attrs.fields(cls)})


def test_every_event_class_of_socialcrm_is_registered_under_its_own_unique_name() -> None:
    concrete = _concrete(_event_classes())
    names = [cls.name for cls in concrete]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for cls in concrete:
        assert EVENTS_BY_NAME[cls.name] is cls
    assert set(EVENT_TYPES) == set(concrete)
    assert set(EVENT_TYPES) <= set(event_types())


def test_bases_that_only_share_fields_are_not_registered() -> None:
    bases = [cls for cls in _event_classes() if "name" not in cls.__dict__]
    assert bases, "capabilities share leading fields through private bases"
    registered = set(EVENTS_BY_NAME.values())
    assert not registered.intersection(bases)
    assert Event not in registered


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda cls: cls.name)
def test_every_registered_event_round_trips_through_json(cls: type[Event]) -> None:
    event = _example(cls)
    payload = event_to_json(event, "event-1")
    decoded = event_from_json(payload)
    assert type(decoded) is cls
    assert decoded == event
    assert list(json.loads(payload)) == ["name", "id", *(f.name for f in attrs.fields(cls))]


def test_every_name_of_the_former_registry_is_registered_with_the_same_fields() -> None:
    for name, fields in FORMER_EVENTS.items():
        cls = EVENTS_BY_NAME[name]
        assert [f.name for f in attrs.fields(cls)] == ["at", "actor_id", *fields.split()], name
    assert set(FORMER_EVENTS) == {cls.name for cls in EVENT_TYPES}


def test_a_stored_payload_of_the_former_layout_loads() -> None:
    payload = (
        '{"name":"vote_cast","id":"0b6c5f9e","at":"2026-03-02T12:00:00+00:00","actor_id":7,'
        '"vote_id":41,"post_id":12,"thread_id":3,"space_id":1,"post_author_id":9,'
        '"post_kind":"answer","value":1,"post_wiki":false,"post_score":4}'
    )
    event = event_from_json(payload)
    assert event == EVENTS_BY_NAME["vote_cast"](
        at=datetime(2026, 3, 2, 12, tzinfo=timezone.utc),
        actor_id=7,
        vote_id=41,
        post_id=12,
        thread_id=3,
        space_id=1,
        post_author_id=9,
        post_kind="answer",
        value=1,
        post_score=4,
    )
    assert event_to_json(event, "0b6c5f9e") == payload


def test_the_former_module_paths_give_the_registered_classes() -> None:
    from socialcrm.domain import events, serialization

    assert events.EVENT_TYPES == EVENT_TYPES
    assert serialization.EVENTS_BY_NAME is EVENTS_BY_NAME
    for cls in EVENT_TYPES:
        assert getattr(events, cls.__name__) is cls


@pytest.fixture
def registry_restored() -> Iterator[None]:
    saved = dict(EVENTS_BY_NAME)
    yield
    EVENTS_BY_NAME.clear()
    EVENTS_BY_NAME.update(saved)


@pytest.mark.usefixtures("registry_restored")
def test_a_new_event_class_registers_itself_and_round_trips() -> None:
    @attrs.frozen(kw_only=True)
    class ProbeRaised(Event):
        name: ClassVar[str] = "probe_raised"
        probe_id: int

    assert EVENTS_BY_NAME["probe_raised"] is ProbeRaised
    # mypy's attrs plugin misses the inherited fields of a class defined in a function
    event = ProbeRaised(at=_MOMENT, actor_id=None, probe_id=3)  # type: ignore[call-arg]
    assert event_from_json(event_to_json(event, "x")) == event


@pytest.mark.usefixtures("registry_restored")
def test_an_event_name_already_taken_is_refused_when_the_class_is_defined() -> None:
    with pytest.raises(TypeError, match="'vote_cast'.*already taken"):

        @attrs.frozen(kw_only=True)
        class AnotherVoteCast(Event):
            name: ClassVar[str] = "vote_cast"

    assert EVENTS_BY_NAME["vote_cast"].__module__ == "socialcrm.capabilities.votes.events"


@pytest.mark.parametrize(
    "module", ["socialcrm.capabilities.outbox.records", "socialcrm.domain.serialization"]
)
def test_importing_a_reader_of_stored_payloads_completes_the_registry(module: str) -> None:
    code = (
        f"import {module}\n"
        "from socialcrm.core.events import EVENTS_BY_NAME\n"
        "print(' '.join(sorted(EVENTS_BY_NAME)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert set(result.stdout.split()) == set(FORMER_EVENTS)


def test_every_event_type_has_its_signal_and_every_signal_its_event() -> None:
    from socialcrm import signals
    from socialcrm.capabilities.events import EVENT_TYPES

    assert {cls.name for cls in EVENT_TYPES} == set(signals.SIGNALS)
    assert len(signals.SIGNALS) >= 54

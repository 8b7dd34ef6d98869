"""Events to JSON and back: every event type round-trips, whatever its field values."""

from __future__ import annotations

import json
import typing
import uuid
from datetime import datetime, timedelta, timezone
from types import NoneType, UnionType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcrm.capabilities.events import EVENT_TYPES
from socialcrm.capabilities.members.events import MemberJoined
from socialcrm.capabilities.threads.events import ThreadStarted
from socialcrm.core.events import Event
from socialcrm.core.serialization import (
    event_from_dict,
    event_from_json,
    event_id_of,
    event_to_dict,
    event_to_json,
    new_event_id,
)

_SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    int: st.integers(),
    str: st.text(),
    bool: st.booleans(),
    NoneType: st.none(),
}

_MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
)


def _strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    if hint is datetime:
        return _MOMENTS
    origin = typing.get_origin(hint)
    if origin is frozenset:
        return st.frozensets(st.text())
    if origin is tuple:
        return st.lists(st.text()).map(tuple)
    if origin in (typing.Union, UnionType):
        return st.one_of(*(_strategy_for(arg) for arg in typing.get_args(hint)))
    return _SCALARS[hint]


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: _strategy_for(hints[f.name]) for f in attrs.fields(cls)})


any_event = st.one_of(*(events_of(cls) for cls in EVENT_TYPES))


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda cls: cls.name)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_event_type_round_trips(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(events_of(cls))
    event_id = str(uuid.uuid4())
    payload = event_to_json(event, event_id)
    assert payload.isascii()
    decoded = event_from_json(payload)
    assert type(decoded) is cls
    assert decoded == event
    assert event_id_of(payload) == event_id
    parsed = json.loads(payload)
    assert list(parsed)[:3] == ["name", "id", "at"]
    assert parsed["name"] == cls.name
    assert datetime.fromisoformat(parsed["at"]).utcoffset() == timedelta(0)


@settings(max_examples=100, deadline=None)
@given(event=any_event)
def test_the_dict_form_is_plain_json_and_round_trips(event: Event) -> None:
    data = event_to_dict(event, "id-1")
    assert json.loads(json.dumps(data)) == data
    assert event_from_dict(data) == event


def test_frozensets_become_sorted_lists_and_tuples_lists_in_order() -> None:
    at = datetime(2026, 3, 2, 12, 30, tzinfo=timezone.utc)
    joined = MemberJoined(
        at=at,
        actor_id=None,
        member_id=1,
        external_id="ext",
        display_name="Ada",
        roles=frozenset({"staff", "admin", "member"}),
    )
    started = ThreadStarted(
        at=at,
        actor_id=1,
        thread_id=2,
        space_id=3,
        kind="question",
        author_id=1,
        opening_post_id=4,
        tags=("zeta", "alpha"),
    )
    assert event_to_dict(joined, "a")["roles"] == ["admin", "member", "staff"]
    assert event_to_dict(started, "b")["tags"] == ["zeta", "alpha"]
    assert event_to_dict(started, "b")["at"] == "2026-03-02T12:30:00+00:00"


def test_times_in_other_zones_are_written_in_utc_and_naive_ones_refused() -> None:
    paris = timezone(timedelta(hours=1))
    event = MemberJoined(
        at=datetime(2026, 3, 2, 13, 30, tzinfo=paris),
        actor_id=None,
        member_id=1,
        external_id="ext",
        display_name="Ada",
        roles=frozenset(),
    )
    assert event_to_dict(event, "a")["at"] == "2026-03-02T12:30:00+00:00"
    naive = attrs.evolve(event, at=datetime(2026, 3, 2, 12, 30))
    with pytest.raises(ValueError):
        event_to_json(naive, "a")


def test_unknown_keys_are_ignored_and_unknown_names_refused() -> None:
    event = MemberJoined(
        at=datetime(2026, 3, 2, tzinfo=timezone.utc),
        actor_id=None,
        member_id=1,
        external_id="ext",
        display_name="Ada",
        roles=frozenset({"member"}),
    )
    data = event_to_dict(event, "a") | {"added_in_a_later_version": 1}
    assert event_from_dict(data) == event
    with pytest.raises(ValueError):
        event_from_json('{"name": "no_such_event", "id": "x"}')
    with pytest.raises(ValueError):
        event_from_json("[1, 2]")


def test_new_event_ids_are_unique_time_ordered_uuids() -> None:
    ids = [new_event_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == ids
    # The leading 48 bits are the creation time in milliseconds: they never go back.
    stamps = [u.int >> 80 for u in parsed]
    assert stamps == sorted(stamps)
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    assert abs(stamps[-1] - now_ms) < 60_000

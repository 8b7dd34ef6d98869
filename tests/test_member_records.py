"""Every member-typed parameter (``actor=``, ``member=``...) takes a ``Member`` record too.

The methods are found by walking the community (the walk of
``tests/test_fuzz_public_api.py``), so a new method with an ``actor`` parameter is
checked the day it is added: passing the record must do exactly what passing its
id does, and a record that is not the stored member of its id (another
community's, another database's, a forged one) must be refused, changing nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from socialcrm import Community, PermissionDenied
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.members.records import Member
from socialcrm.services.boundary import ACTING_PARAMETERS, actor_guard, plan_of
from test_fuzz_public_api import (
    METHODS,
    Seed,
    _community,
    outcome,
    parameters,
    snapshot,
    valid_arguments,
)


def _member_parameters(where: str) -> list[str]:
    community = Community(MemoryStorage(), entry_points=False)
    try:
        api_name, method_name = where.split(".")
        plan = plan_of(getattr(getattr(community, api_name), method_name))
        assert plan is not None
        return [name for name, shape in plan.checked.items() if "member" in shape.kinds]
    finally:
        community.close()


MEMBER_METHODS = [where for where in METHODS if _member_parameters(where)]


def test_the_walk_finds_the_methods_with_member_parameters():
    assert len(MEMBER_METHODS) > 60
    for expected in ("threads.start", "members.get", "moderation.suspend", "threads.list"):
        assert expected in MEMBER_METHODS
    # Every actor parameter of every public method takes a record.
    for where in METHODS:
        community = Community(MemoryStorage(), entry_points=False)
        api_name, method_name = where.split(".")
        names = parameters(getattr(getattr(community, api_name), method_name))
        community.close()
        if "actor" in names:
            assert "actor" in _member_parameters(where), where


def _as_records(seed: Seed, arguments: dict[str, object], names: list[str]) -> dict[str, object]:
    records = dict(arguments)
    for name in names:
        value = arguments.get(name)
        if isinstance(value, int):
            records[name] = seed.c.members.get(value)
    return records


@pytest.mark.parametrize("where", MEMBER_METHODS)
def test_a_member_record_does_what_its_id_does(where):
    by_id, by_record = Seed(_community()), Seed(_community())
    try:
        api_name, method_name = where.split(".")
        names = parameters(getattr(getattr(by_id.c, api_name), method_name))
        member_names = _member_parameters(where)
        with_ids = valid_arguments(by_id, where, names)
        with_records = _as_records(
            by_record, valid_arguments(by_record, where, names), member_names
        )
        assert any(isinstance(v, Member) for v in with_records.values())
        assert outcome(by_id.c, where, with_ids) == outcome(by_record.c, where, with_records)
        assert snapshot(by_id.c) == snapshot(by_record.c)
    finally:
        by_id.c.close()
        by_record.c.close()


@pytest.mark.parametrize("where", MEMBER_METHODS)
def test_a_record_that_is_not_the_stored_member_is_refused_and_changes_nothing(where):
    seed = Seed(_community())
    try:
        api_name, method_name = where.split(".")
        names = parameters(getattr(getattr(seed.c, api_name), method_name))
        valid = valid_arguments(seed, where, names)
        admin = seed.c.members.get(seed.admin)
        forged = {
            # Another community's member that happens to have an id used here.
            "other community": attrs.evolve(admin, external_id="someone-else"),
            # A member whose id does not exist here.
            "unknown id": attrs.evolve(admin, id=10_000),
        }
        for name in _member_parameters(where):
            for label, record in forged.items():
                before = snapshot(seed.c)
                result = outcome(seed.c, where, {**valid, name: record})
                expected = (
                    ("PermissionDenied", "unknown_actor")
                    if name in ACTING_PARAMETERS
                    else ("NotFound", "member_not_found")
                )
                assert result == expected, f"{where}({name}=<{label}>) gave {result}"
                assert snapshot(seed.c) == before
    finally:
        seed.c.close()


def test_the_actor_guard_sees_raw_ids_but_never_records():
    seed = Seed(_community())
    seen: list[tuple[str, int]] = []

    def check(community: object, field: str, value: int) -> None:
        assert community is seed.c
        seen.append((field, value))
        if value == seed.asker:
            raise PermissionDenied("raw user id", code="actor_is_user_id")

    try:
        asker = seed.c.members.get(seed.asker)
        with actor_guard(check):
            with pytest.raises(PermissionDenied) as refused:
                seed.c.threads.get(thread=seed.thread, actor=seed.asker)
            assert refused.value.code == "actor_is_user_id"
            assert seed.c.threads.get(thread=seed.thread, actor=asker).id == seed.thread
            seed.c.members.get(seed.asker)  # member_id is not an acting parameter
        seed.c.threads.get(thread=seed.thread, actor=seed.asker)  # outside the block
        assert seen == [("actor", seed.asker)]
    finally:
        seed.c.close()


ROOT = Path(__file__).resolve().parent.parent
#: Passing an id helper or a host user id as ``actor=``: the guides show the record.
UNSAFE_ACTOR = re.compile(
    r"actor=(current_actor\(|require_actor\(|current_user\.|request\.user\.|user\.(pk|id)\b)"
)


def test_guides_and_examples_pass_member_records_for_the_signed_in_user():
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    files += sorted((ROOT / "examples").rglob("*.py"))
    unsafe = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSAFE_ACTOR.search(line)
    ]
    assert len(files) > 20
    assert not unsafe, "pass current_member()/require_member() instead:\n" + "\n".join(unsafe)

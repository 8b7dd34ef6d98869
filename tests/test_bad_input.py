"""Bad input the outside review found, as regression cases, and what the text normaliser does.

``tests/test_fuzz_public_api.py`` walks every public method with junk; the cases
here pin the instances that were reported (each raised an untyped error, crashed
one adapter only, or was stored) and check the message names the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from conftest import make_storage, sqlite_memory_storage
from socialcrm import Community, ManualClock, Settings, ValidationError
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.core import validation
from socialcrm.services.boundary import Shape, parse_annotation

KINDS = ["memory", "sqlite"]
UTC = timezone.utc


def _community(kind: str, tmp_path: Any = None) -> Community:
    if kind == "memory":
        storage: Any = MemoryStorage()
    elif kind == "sqlite":
        storage = sqlite_memory_storage()
    else:
        storage = make_storage(kind, tmp_path)
    return Community(
        storage,
        clock=ManualClock(),
        settings=Settings().with_rate_limits(enabled=False),
        entry_points=False,
    )


def _seed(c: Community) -> dict[str, int]:
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    asker = c.members.join(external_id="asker", display_name="Asker")
    c.spaces.create(actor=admin.id, slug="billing", name="Billing")
    thread = c.threads.start(
        actor=asker.id, space="billing", kind="question", title="A question title", body="body"
    )
    return {"admin": admin.id, "asker": asker.id, "thread": thread.id}


@pytest.fixture(scope="module", params=KINDS)
def seeded(request: pytest.FixtureRequest) -> Any:
    """One seeded community per adapter for the module: refused calls change nothing."""
    c = _community(request.param)
    yield c, _seed(c)
    c.close()


def _state(c: Community) -> Any:
    with c.storage.unit_of_work() as uow:
        return uow.members.list(limit=100), uow.outbox.count_pending(), uow.ledger.totals()


INVISIBLE_NAMES = ["\u200b", "\u2060", "\ufeff", "\u202e", " \u200b\u2060 ", "\u0301\u0301"]
LATE = datetime.max.replace(tzinfo=UTC)

# (api, method, arguments, field): names in the arguments ("admin", "asker", "thread")
# stand for the seeded ids.
CASES: list[tuple[str, str, dict[str, Any], str]] = (
    [
        ("members", "join", {"external_id": "x", "display_name": "\ud800"}, "display_name"),
        ("members", "join", {"external_id": "x", "display_name": "Zoe", "bio": "a\udfffb"}, "bio"),
        ("members", "by_external_id", {"external_id": "\ud800"}, "external_id"),
        (
            "threads",
            "start",
            {
                "actor": "asker",
                "space": "billing",
                "kind": "question",
                "title": "\ud83d" * 20,
                "body": "body",
            },
            "title",
        ),
        ("members", "join", {"external_id": "x", "display_name": "Zoe", "roles": 5}, "roles"),
        ("members", "join", {"external_id": "x", "display_name": "Zoe", "roles": None}, "roles"),
        (
            "members",
            "join",
            {"external_id": "x", "display_name": "Zoe", "interests": 7},
            "interests",
        ),
        (
            "members",
            "update_profile",
            {"actor": "asker", "member": "asker", "interests": True},
            "interests",
        ),
        (
            "threads",
            "start",
            {
                "actor": "asker",
                "space": "billing",
                "kind": "question",
                "title": "T" * 15,
                "body": "body",
                "tags": None,
            },
            "tags",
        ),
        (
            "threads",
            "start",
            {
                "actor": "asker",
                "space": "billing",
                "kind": "question",
                "title": "T" * 15,
                "body": "body",
                "tags": 5,
            },
            "tags",
        ),
        ("badges", "backfill", {"badges": True}, "badges"),
        ("privileges", "has", {"member": "asker", "privilege": ["vote_up"]}, "privilege"),
        ("privileges", "required", {"privilege": {"vote_up": 1}}, "privilege"),
        ("members", "list", {"limit": 2**63}, "limit"),
        ("members", "list", {"limit": 5, "offset": 2**63}, "offset"),
        ("threads", "list", {"actor": None, "offset": 2**64}, "offset"),
        ("members", "get", {"member_id": 2**63}, "member_id"),
        (
            "moderation",
            "suspend",
            {"actor": "admin", "member": "asker", "reason": "r", "until": LATE},
            "until",
        ),
        (
            "moderation",
            "suspend",
            {"actor": "admin", "member": "asker", "reason": "r", "until": datetime(2030, 1, 1)},
            "until",
        ),
        (
            "moderation",
            "suspend",
            {"actor": "admin", "member": "asker", "reason": "r", "duration": timedelta.max},
            "duration",
        ),
        ("outbox", "purge", {"older_than": timedelta.max}, "older_than"),
        ("outbox", "purge", {"older_than": timedelta.min}, "older_than"),
        ("trust", "review", {"now": datetime.min.replace(tzinfo=UTC)}, "now"),
        ("invitations", "link", {"base_url": "http://[::1", "code": "abc"}, "base_url"),
        ("invitations", "link", {"base_url": "http://host:port/", "code": "abc"}, "base_url"),
        ("invitations", "link", {"base_url": "javascript:alert(1)", "code": "abc"}, "base_url"),
        ("invitations", "link", {"base_url": "https://example.com", "code": 5}, "code"),
        ("posts", "reply", {"actor": "asker", "thread": "thread", "body": "hi\x00there"}, "body"),
        ("posts", "reply", {"actor": "asker", "thread": "thread", "body": "\x1b[31mred"}, "body"),
        ("posts", "reply", {"actor": "asker", "thread": "thread", "body": "bell\x07"}, "body"),
        ("votes", "cast", {"actor": "asker", "post": 1.0, "value": 1}, "post"),
        ("votes", "cast", {"actor": True, "post": 1, "value": 1}, "actor"),
    ]
    + [
        ("members", "join", {"external_id": "x", "display_name": name}, "display_name")
        for name in INVISIBLE_NAMES
    ]
    + [
        ("spaces", "create", {"actor": "admin", "slug": "s", "name": name}, "name")
        for name in INVISIBLE_NAMES
    ]
)


@pytest.mark.parametrize(
    ("api", "method", "arguments", "field"),
    CASES,
    ids=[f"{a}.{m}-{f}-{i}" for i, (a, m, _, f) in enumerate(CASES)],
)
def test_reported_bad_input_raises_a_validation_error_naming_the_field(
    seeded, api, method, arguments, field
):
    c, ids = seeded
    _refused(c, ids, api, method, arguments, field)


@pytest.mark.parametrize("kind", ["postgres", "mariadb"])
def test_the_servers_refuse_the_same_bad_input(kind, tmp_path):
    c = _community(kind, tmp_path)
    try:
        ids = _seed(c)
        for api, method, arguments, field in CASES:
            _refused(c, ids, api, method, arguments, field)
    finally:
        c.close()


def _refused(c: Community, ids: dict[str, int], api: str, method: str, arguments: Any, field: str):
    resolved = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in arguments.items()}
    before = _state(c)
    with pytest.raises(ValidationError) as raised:
        getattr(getattr(c, api), method)(**resolved)
    assert raised.value.field == field, f"{api}.{method}: {raised.value.message}"
    assert field in raised.value.message
    assert _state(c) == before


def test_text_is_stored_in_normal_form_c_and_found_either_way(seeded):
    c, ids = seeded
    decomposed = "Ame\u0301lie"
    member = c.members.join(external_id="ext-\u00e9", display_name=decomposed)
    assert member.display_name == "Am\u00e9lie"
    assert c.members.get(member.id).display_name == "Am\u00e9lie"
    assert c.members.by_external_id("ext-e\u0301").id == member.id


def test_carriage_returns_become_newlines_and_tabs_stay(seeded):
    c, ids = seeded
    post = c.posts.reply(actor=ids["asker"], thread=ids["thread"], body="one\r\ntwo\rthree\tfour")
    assert post.body == "one\ntwo\nthree\tfour"
    assert c.posts.get(actor=None, post=post.id).body == "one\ntwo\nthree\tfour"


def test_a_name_with_visible_characters_and_a_zero_width_joiner_is_kept(seeded):
    c, _ = seeded
    # Emoji sequences use joiners between visible characters: not an invisible name.
    member = c.members.join(external_id="family", display_name="Fam \U0001f468\u200d\U0001f469")
    assert member.display_name == "Fam \U0001f468\u200d\U0001f469"


@pytest.mark.parametrize("padding", ["\u200b", "\u2060", "\ufeff", "\u202e\u202c"])
def test_invisible_padding_does_not_make_a_title_long_enough(seeded, padding):
    c, ids = seeded
    minimum = c.settings.title_min_length
    before = _state(c)
    with pytest.raises(ValidationError) as refused:
        c.threads.start(
            actor=ids["asker"],
            space="billing",
            kind="question",
            title="Help" + padding * minimum,
            body="the body",
        )
    assert refused.value.field == "title"
    assert "invisible" in refused.value.message
    assert _state(c) == before
    # Spaces between words count, as they always did.
    words = f"U+{ord(padding[0]):04X} " + " ".join(["ab"] * minimum)[:minimum]
    thread = c.threads.start(
        actor=ids["asker"], space="billing", kind="question", title=words, body=f"on {words}"
    )
    assert thread.title == words.strip()


def test_collections_may_be_any_iterable_but_a_string_or_a_mapping(seeded):
    c, ids = seeded
    thread = c.threads.start(
        actor=ids["asker"],
        space="billing",
        kind="question",
        title="Tags from a generator",
        body="body text",
        tags=(t for t in ["alpha", "beta"]),
    )
    assert thread.tags == ("alpha", "beta")
    with pytest.raises(ValidationError) as raised:
        c.members.join(external_id="y", display_name="Yan", interests={"a": 1})
    assert raised.value.field == "interests"


def test_the_normaliser_refuses_what_no_storage_keeps():
    for bad in ("\ud800", "a\x00b", "\x1f", "\x7f", "\x9f"):
        with pytest.raises(ValidationError):
            validation.normalize_text(bad, "f")
    assert validation.normalize_text("a\r\nb\tc\nd", "f") == "a\nb\tc\nd"
    assert validation.normalize_text("e\u0301", "f") == "\u00e9"


def test_annotations_the_boundary_reads():
    assert parse_annotation("int | None") == Shape(frozenset({"int", "none"}))
    assert parse_annotation("list[str] | tuple[str, ...]") == Shape(
        frozenset(), Shape(frozenset({"str"}))
    )
    assert parse_annotation("int | Collection[int]") == Shape(
        frozenset({"int"}), Shape(frozenset({"int"}))
    )
    assert parse_annotation("Callable[[OutboxMessage], object]") == Shape(frozenset({"callable"}))
    assert parse_annotation("SomethingNew") is None
    assert parse_annotation("dict[str, int]") is None

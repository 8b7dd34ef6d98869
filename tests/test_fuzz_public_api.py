"""Every public method of every sub-API of ``Community``, fed junk, on memory and SQLite.

The methods are found by walking the community (no hand list), so a new method is
fuzzed the day it is added. Each call keeps every argument valid but one, which
gets junk: ``None``, booleans, huge integers, floats and NaN, lone surrogates, NUL
and control characters, invisible-only and huge strings, containers of junk, naive
and extreme datetimes, extreme durations. Each call must either succeed or raise a
``SocialCRMError``; a rejected call must leave storage as it was; and the memory and
SQLite adapters must accept and reject exactly the same calls, with the same error.

Valid arguments come from :data:`VALID`, keyed by parameter name: a method with a
parameter name the table does not know fails :func:`test_every_parameter_name_has_a_valid_value`
until the table is taught it.
"""

from __future__ import annotations

import copy
import inspect
import math
import os
import shutil
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import Community, ManualClock, Settings, SocialCRMError, ValidationError
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.audit.records import AuditQuery
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.threads.records import ThreadFilter
from socialcrm.services.boundary import PublicAPI, plan_of
from socialcrm.settings import ContentSettings

#: Attributes of a community that are not sub-APIs.
INFRASTRUCTURE = frozenset({"storage", "settings", "clock", "plugins", "leaderboard"})
#: Hypothesis examples per method (each runs on both adapters); ~100 methods in all.
#: Set ``SOCIALCRM_FUZZ_EXAMPLES`` for a longer hunt (e.g. 500) before a release.
EXAMPLES = int(os.environ.get("SOCIALCRM_FUZZ_EXAMPLES", "12"))

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
EXTERNAL_IDS = iter(f"fuzz-{n}" for n in range(1_000_000))


def sub_apis(community: Community) -> dict[str, object]:
    """The community's sub-APIs, by attribute name (everything but the infrastructure)."""
    return {
        name: value
        for name, value in vars(community).items()
        if not name.startswith("_") and name not in INFRASTRUCTURE
    }


def public_methods(api: object) -> list[str]:
    """Names of the public methods of a sub-API (static ones included, properties not)."""
    cls = type(api)
    names = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, (staticmethod, classmethod)) or inspect.isfunction(raw):
            names.append(name)
    return names


def _walk() -> list[str]:
    community = Community(MemoryStorage(), entry_points=False)
    try:
        return [
            f"{api_name}.{method}"
            for api_name, api in sorted(sub_apis(community).items())
            for method in public_methods(api)
        ]
    finally:
        community.close()


METHODS = _walk()


def parameters(method: Callable[..., Any]) -> list[str]:
    """The parameter names of a bound method, in order."""
    return [
        p.name
        for p in inspect.signature(method).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


# --------------------------------------------------------------------------- the seed


class Seed:
    """A small community with one of everything, built the same way on each adapter."""

    def __init__(self, community: Community) -> None:
        c = community
        self.c = c
        clock: ManualClock = c.clock  # type: ignore[assignment]
        join = c.members.join
        self.admin = join(external_id="admin", display_name="Ada Admin", roles=["admin"]).id
        self.mod = join(external_id="mod", display_name="Mo Mod", roles=["moderator"]).id
        self.asker = join(external_id="asker", display_name="Ann Asker").id
        self.answerer = join(external_id="answerer", display_name="Bo Answerer").id
        self.spammer = join(external_id="spammer", display_name="Sam Spammer").id
        with c.storage.unit_of_work() as uow:
            for member in (self.asker, self.answerer):
                uow.members.add_reputation(member, 999)
            uow.commit()
        c.spaces.create(actor=self.admin, slug="billing", name="Billing")
        self.space = "billing"
        self.thread = c.threads.start(
            actor=self.asker,
            space="billing",
            kind="question",
            title="How do I download invoices?",
            body="I cannot find the invoices page.",
            tags=["invoices"],
        ).id
        self.discussion = c.threads.start(
            actor=self.admin,
            space="billing",
            kind="discussion",
            title="Share your best invoice tips",
            body="Post your tips below.",
        ).id
        self.post = c.posts.reply(
            actor=self.answerer, thread=self.thread, body="Open Billing, then Invoices."
        ).id
        c.posts.comment(actor=self.asker, post=self.post, body="Thanks, that works!")
        poll = c.polls.create(
            actor=self.asker, thread=self.thread, question="Did it help?", options=["Yes", "No"]
        )
        self.poll = poll.id
        self.option = poll.options[0].id
        self.contest = c.contests.create(
            actor=self.admin,
            thread=self.discussion,
            submission_ends_at=START + timedelta(days=3),
            voting_ends_at=START + timedelta(days=6),
        ).id
        issued = c.invitations.create(actor=self.admin, max_uses=5)
        self.invitation = issued.invitation.id
        self.code = issued.code
        self.sanction = c.moderation.silence(
            actor=self.admin, member=self.spammer, reason="spam links"
        ).id
        badge = next(d.slug for d in c.badges.definitions() if not d.repeatable)
        self.badge = badge
        self.award = c.badges.award(actor=self.admin, badge=badge, member=self.asker).id
        clock.advance(days=2)
        self.bounty = c.bounties.offer(actor=self.asker, thread=self.thread, amount=50).id
        c.spaces.create(actor=self.admin, slug="queue", name="Premoderated")
        self.item = c.threads.start(
            actor=self.answerer,
            space="queue",
            kind="question",
            title="Held for review, please",
            body="A moderator approves this first.",
        ).review_item_id
        self.now = clock.now()
        self.stored: object = None

    def call(self, where: str, arguments: dict[str, object]) -> object:
        """Run one call (see :func:`outcome`); a refused one must leave storage as it was.

        The snapshot after a call is the snapshot before the next one: nothing else
        writes, and the clock stands still.
        """
        if self.stored is None:
            self.stored = snapshot(self.c)
        result = outcome(self.c, where, arguments)
        after = snapshot(self.c)
        if result != "ok":
            assert after == self.stored, f"{where} was refused but changed storage"
        self.stored = after
        return result

    def ids(self) -> dict[str, object]:
        """What the seed made (ids, slugs, the time), to compare two seeds."""
        return {k: v for k, v in vars(self).items() if k not in ("c", "code", "stored")}

    def copy_to(self, community: Community) -> Seed:
        """This seed, for a community on a copy of this seed's storage."""
        copied = copy.copy(self)
        copied.c = community
        copied.stored = None
        return copied


def _thread_or_contest(seed: Seed, where: str) -> int:
    return seed.discussion if where.startswith("contests.") else seed.thread


def _options(seed: Seed, where: str) -> object:
    return [seed.option] if where == "polls.vote" else ["Red", "Blue"]


def _kind(seed: Seed, where: str) -> object:
    if where.startswith("imports."):
        return "user"
    if where.startswith("review."):
        return "held"
    return "question"


def _external_id(seed: Seed, where: str) -> object:
    return "42" if where.startswith("imports.") else next(EXTERNAL_IDS)


def _reason(seed: Seed, where: str) -> object:
    return "spam" if where.startswith("flags.") else "Off-topic links."


def _later(days: float) -> Callable[[Seed, str], object]:
    return lambda seed, where: seed.c.clock.now() + timedelta(days=days)


#: A valid value for each parameter name: a constant, or ``f(seed, "api.method")``.
VALID: dict[str, object] = {
    "actor": lambda seed, where: seed.admin,
    "member": lambda seed, where: seed.asker,
    "member_id": lambda seed, where: seed.asker,
    "moderator": lambda seed, where: seed.admin,
    "viewer": lambda seed, where: seed.asker,
    "referred": lambda seed, where: seed.asker,
    "thread": _thread_or_contest,
    "post": lambda seed, where: seed.post,
    "answer": lambda seed, where: seed.post,
    "poll": lambda seed, where: seed.poll,
    "contest": lambda seed, where: seed.contest,
    "invitation": lambda seed, where: seed.invitation,
    "sanction": lambda seed, where: seed.sanction,
    "award": lambda seed, where: seed.award,
    "bounty": lambda seed, where: seed.bounty,
    "item": lambda seed, where: seed.item,
    "badge": lambda seed, where: seed.badge,
    "code": lambda seed, where: seed.code,
    "space": lambda seed, where: seed.space,
    "parent": lambda seed, where: seed.space,
    "options": _options,
    "kind": _kind,
    "external_id": _external_id,
    "reason": _reason,
    "at": lambda seed, where: seed.c.clock.now(),
    "now": lambda seed, where: seed.c.clock.now(),
    "since": lambda seed, where: seed.c.clock.now() - timedelta(days=7),
    "until": _later(1),
    "expires_at": _later(3),
    "closes_at": _later(3),
    "submission_starts_at": _later(1),
    "submission_ends_at": _later(2),
    "voting_starts_at": _later(2),
    "voting_ends_at": _later(4),
    "display_name": "Valid Name",
    "bio": "I like invoices.",
    "company": "Acme",
    "job_title": "Accountant",
    "country": "FR",
    "interests": ["billing"],
    "roles": ["member"],
    "role": "moderator",
    "invite_code": None,
    "slug": "new-space",
    "name": "New space",
    "description": "A space for new things.",
    "visibility": "public",
    "posting": "members",
    "title": "A valid thread title",
    "body": "A valid body for a post.",
    "tags": ["invoices"],
    "tag": "invoices",
    "community_wiki": False,
    "sort": "active",
    "status": "open",
    "limit": 5,
    "offset": 0,
    "cursor": None,
    "count": 1,
    "batch": 10,
    "value": 1,
    "text": "More details.",
    "note": "Looks fine.",
    "question": "Which colour?",
    "multiple": False,
    "hide_results": False,
    "winners": 3,
    "max_uses": 2,
    "base_url": "https://example.com/join",
    "parameter": "invite",
    "privilege": "vote_up",
    "activity": "accepted_answers",
    "period": "week",
    "subject": "",
    "badges": None,
    "progress": None,
    "amount": 50,
    "days": 7,
    "delete": False,
    "action": "role_granted",
    "duration": timedelta(days=1),
    "older_than": timedelta(days=30),
    "publish": lambda seed, where: lambda message: None,
    "posts_read": 1,
    "seconds": 10,
    "level": 2,
    "lock": None,
    "source": "stackexchange",
    "stage": "users",
    "position": 3,
    "local_id": 1,
}


def valid_arguments(seed: Seed, where: str, names: list[str]) -> dict[str, object]:
    """A valid value for each parameter (``KeyError`` for a name :data:`VALID` lacks)."""
    arguments = {}
    for name in names:
        value = VALID[name]
        # A function in the table computes the value; ``publish`` is itself a function.
        arguments[name] = value(seed, where) if callable(value) else value
    return arguments


# --------------------------------------------------------------------------- the junk

NAIVE = datetime(2026, 1, 5, 9, 0)
junk_text = st.one_of(
    st.sampled_from(
        [
            "\ud800",
            "a\udfffb",
            "\x00",
            "x\x00y",
            "\x07",
            "\x1b[31mred",
            "a\x7fb",
            "\x85",
            "\u200b",
            "\u2060",
            "\ufeff",
            "\u202e",
            "\u200b\u2060\ufeff\u202e",
            " \t\n ",
            "",
            "e\u0301",
            "http://[::1",
            "//[",
            "javascript:alert(1)",
            "x" * 100_000,
        ]
    ),
    st.text(max_size=20),
)
junk_int = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 2**100, -(2**63), -(2**64)]),
    # Small positive integers are valid-looking ids, not junk.
    st.integers(max_value=0),
    st.integers(min_value=2**31),
)
junk_float = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1.0, 0.5]), st.floats(allow_nan=True)
)
junk_datetime = st.sampled_from(
    [
        NAIVE,
        datetime.min,
        datetime.max,
        datetime.min.replace(tzinfo=timezone.utc),
        datetime.max.replace(tzinfo=timezone.utc),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14))),
        datetime(1969, 12, 31, tzinfo=timezone.utc),
        # The extremes the boundary lets through: the commands' arithmetic must cope.
        datetime(1970, 1, 1, tzinfo=timezone.utc),
        datetime(8999, 12, 31, 23, 59, tzinfo=timezone.utc),
    ]
)
junk_timedelta = st.sampled_from(
    [
        timedelta.max,
        timedelta.min,
        timedelta(0),
        timedelta(days=-1),
        timedelta(days=10**6),
        timedelta(microseconds=1),
        timedelta(days=36_525),
        -timedelta(days=36_525),
    ]
)
#: A member record of no community here (member-typed parameters take records).
FORGED_MEMBER = Member(
    id=10_000,
    external_id="nobody-here",
    display_name="Nobody",
    roles=frozenset(),
    reputation=0,
    joined_at=START,
)
junk_scalar = st.one_of(
    st.none(),
    st.booleans(),
    junk_int,
    junk_float,
    junk_text,
    junk_datetime,
    junk_timedelta,
    # No callables: a callback that fails raises its own error, which is the host's.
    st.sampled_from([b"bytes", object(), 1 + 2j, FORGED_MEMBER]),
)
junk = st.one_of(
    junk_scalar,
    st.lists(junk_scalar, max_size=3),
    st.lists(junk_text, min_size=1, max_size=3),
    st.frozensets(st.integers(max_value=0), max_size=2),
    st.dictionaries(st.text(max_size=3), junk_scalar, max_size=2),
    st.tuples(junk_scalar),
)


# --------------------------------------------------------------------------- running calls


def snapshot(community: Community) -> Any:
    """What storage holds, enough to see any change a command makes."""
    with community.storage.unit_of_work() as uow:
        members = uow.members.list(limit=1000)
        spaces = uow.spaces.list()
        threads = uow.threads.list(ThreadFilter(space_ids=[s.id for s in spaces]), limit=1000)
        posts = [p for t in threads for p in uow.posts.list_for_thread(t.id, include_deleted=True)]
        return (
            members,
            spaces,
            threads,
            posts,
            uow.ledger.totals(),
            uow.audit.entries(AuditQuery(), limit=1000),
            uow.outbox.count_pending(),
        )


def outcome(community: Community, where: str, arguments: dict[str, object]) -> object:
    """``"ok"``, or the type and code of the ``SocialCRMError`` raised; fails on anything else."""
    api_name, method_name = where.split(".")
    method = getattr(getattr(community, api_name), method_name)
    try:
        method(**arguments)
    except SocialCRMError as error:
        return (type(error).__name__, error.code)
    except Exception:  # noqa: BLE001 - the point is to catch the untyped ones
        shown = {
            k: (v[:40] + "..." if isinstance(v, str) and len(v) > 40 else v)
            for k, v in arguments.items()
        }
        pytest.fail(f"{where}({shown!r}) raised an untyped error:\n{traceback.format_exc()}")
    return "ok"


def _community(url: str | None = None, *, start: datetime = START) -> Community:
    """A community on memory (no ``url``) or on an SQLite file already migrated and seeded."""
    if url is None:
        storage: Any = MemoryStorage()
    else:
        from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

        storage = SQLAlchemyStorage(url, migrate=start == START)
    return Community(
        storage,
        clock=ManualClock(start),
        settings=attrs.evolve(
            Settings().with_rate_limits(enabled=False),
            content=ContentSettings(premoderated_spaces={"queue"}),
        ),
        entry_points=False,
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: Any) -> Iterator[Callable[[str], tuple[Seed, Seed]]]:
    """Seeded (memory, SQLite) pairs, one per sub-API, made on first use.

    SQLite is seeded once, in a template file that each pair copies (seeding and
    migrating anew costs ten times as much).
    """
    folder = tmp_path_factory.mktemp("fuzz")
    template = Seed(_community(f"sqlite:///{folder / 'template.db'}"))
    template.c.close()
    made: dict[str, tuple[Seed, Seed]] = {}

    def pair(api_name: str) -> tuple[Seed, Seed]:
        if api_name not in made:
            memory = Seed(_community())
            copy = folder / f"{api_name}.db"
            shutil.copyfile(folder / "template.db", copy)
            sqlite = template.copy_to(_community(f"sqlite:///{copy}", start=template.now))
            assert memory.ids() == sqlite.ids(), "the seed differs between the adapters"
            made[api_name] = (memory, sqlite)
        return made[api_name]

    yield pair
    for seeds in made.values():
        for seed in seeds:
            seed.c.close()


# --------------------------------------------------------------------------- the tests


def test_the_walk_finds_the_sub_apis_and_their_methods():
    assert len(METHODS) > 90
    for expected in ("members.join", "threads.start", "invitations.link", "privileges.has"):
        assert expected in METHODS


def test_every_public_method_goes_through_the_boundary():
    community = Community(MemoryStorage(), entry_points=False)
    problems = []
    for api_name, api in sub_apis(community).items():
        if not isinstance(api, PublicAPI):
            problems.append(f"community.{api_name} does not derive from PublicAPI")
            continue
        for method in public_methods(api):
            plan = plan_of(getattr(api, method))
            where = f"{api_name}.{method}"
            if plan is None:
                problems.append(f"{where} does not go through the boundary")
                continue
            problems += [f"{where}({name}): annotation unknown" for name in plan.unchecked]
            problems += [f"{where}({name}): add to INTEGER_RANGES" for name in plan.unranged]
    community.close()
    assert not problems, "\n".join(problems)


def test_a_new_method_is_validated_by_construction():
    class Gadgets(PublicAPI):
        def find(self, *, gadget: int, label: str = "", when: datetime | None = None) -> str:
            return label

    gadgets = Gadgets()
    assert gadgets.find(gadget=1, label="e\u0301") == "\u00e9"
    for bad in (
        {"gadget": True},
        {"gadget": 1, "label": "\ud800"},
        {"gadget": 1, "when": START.replace(tzinfo=None)},
    ):
        with pytest.raises(ValidationError) as raised:
            gadgets.find(**bad)
        assert raised.value.field in bad
    plan = plan_of(Gadgets.find)
    assert plan is not None
    assert plan.unranged == ("gadget",)  # not in INTEGER_RANGES: the test above would fail


def test_every_parameter_name_has_a_valid_value():
    community = Community(MemoryStorage(), entry_points=False)
    unknown = {
        f"{api_name}.{method}({name})"
        for api_name, api in sub_apis(community).items()
        for method in public_methods(api)
        for name in parameters(getattr(api, method))
        if name not in VALID
    }
    community.close()
    assert not unknown, f"teach VALID a valid value for: {sorted(unknown)}"


@pytest.mark.parametrize("where", METHODS)
def test_junk_arguments_raise_typed_errors_change_nothing_and_adapters_agree(where, seeded):
    api_name, method_name = where.split(".")
    seeds = seeded(api_name)
    names = parameters(getattr(getattr(seeds[0].c, api_name), method_name))
    if not names:
        # Nothing to fuzz; still, it must answer the same on both adapters.
        results = [seed.call(where, {}) for seed in seeds]
        assert results[0] == results[1]
        return

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(name=st.sampled_from(names), value=junk)
    def run(name: str, value: object) -> None:
        results = []
        for seed in seeds:
            arguments = valid_arguments(seed, where, names)
            arguments[name] = copy.deepcopy(value)
            results.append(seed.call(where, arguments))
        assert results[0] == results[1], f"memory and SQLite disagree on {where}({name}=...)"

    run()


@pytest.mark.parametrize("where", METHODS)
def test_an_unknown_or_missing_argument_is_a_validation_error_that_changes_nothing(where, seeded):
    """A JSON client's extra or missing key: ``ValidationError`` naming it, not ``TypeError``."""
    api_name, method_name = where.split(".")
    memory, _ = seeded(api_name)
    method = getattr(getattr(memory.c, api_name), method_name)
    names = parameters(method)
    before = snapshot(memory.c)
    extra = valid_arguments(memory, where, names)
    extra["no_such_argument"] = 1
    with pytest.raises(ValidationError) as refused:
        method(**extra)
    assert refused.value.field == "no_such_argument"
    required = [
        p.name
        for p in inspect.signature(method).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    for name in required:
        arguments = valid_arguments(memory, where, names)
        del arguments[name]
        with pytest.raises(ValidationError) as missing:
            method(**arguments)
        assert missing.value.field == name
    assert snapshot(memory.c) == before

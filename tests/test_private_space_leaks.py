"""Private spaces leak nothing: every read gives an outsider the same answer with or without them.

Two communities are built by the same script; the second also gets a private space
full of content (threads, posts, votes, an accepted answer, a bounty, a poll with
hidden results, flags and their decisions, held and rejected submissions, a deleted
post, audit entries and the reputation and badges earned there), created *after*
the public content so that every public id is the same in both. Then every read
of every sub-API of ``Community`` is asked by each kind of outsider (an anonymous
visitor, a plain member, a moderator who is not a member of the private space)
and must answer exactly the same in both communities.

The reads are discovered, not listed: every public method of every sub-API is
walked, and each must be a command, a read this test calls, or a trusted read
listed in :data:`NO_VIEWER` with the reason it takes no viewer. A new method
fails :func:`test_every_public_method_is_classified` until someone decides which
it is, so a new read cannot leak unnoticed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import attrs
import pytest

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.reputation.records import NewLedgerEntry
from socialcrm.errors import SocialCRMError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
READ_AT = T0 + timedelta(hours=3)
MISSING = 987_654

# ------------------------------------------------------------------ classification

#: Public methods that change something (they take ``actor`` as the one acting).
COMMANDS = frozenset(
    {
        "members.join", "members.grant_role", "members.revoke_role", "members.update_profile",
        "members.record_read", "members.record_visit",
        "spaces.create", "spaces.add_member", "spaces.remove_member",
        "threads.start", "threads.accept", "threads.unaccept", "threads.close",
        "threads.reopen", "threads.record_views",
        "posts.reply", "posts.comment", "posts.edit", "posts.delete",
        "votes.cast", "votes.retract",
        "reputation.recompute",
        "outbox.relay", "outbox.purge",
        "trust.grant", "trust.lock", "trust.unlock", "trust.review",
        "moderation.ban", "moderation.suspend", "moderation.silence", "moderation.lift",
        "moderation.expire_sanctions", "moderation.reverse_serial_votes",
        "moderation.check_budget",
        "flags.flag_post", "flags.flag_member", "flags.agree", "flags.disagree", "flags.defer",
        "imports.map_id", "imports.set_checkpoint",
        "invitations.create", "invitations.redeem", "invitations.revoke",
        "polls.create", "polls.vote", "polls.close",
        "champions.grant", "champions.revoke",
        "contests.create", "contests.decide", "contests.decide_due",
        "review.approve", "review.edit_and_approve", "review.reject", "review.dismiss",
        "badges.award", "badges.revoke", "badges.backfill",
        "bounties.offer", "bounties.award", "bounties.refund", "bounties.close_expired",
        "bounties.close_from_history",
    }
)  # fmt: skip

#: Reads (and trusted commands) that take no viewer, and why that is safe.
#: ``*_unfiltered`` reads are the trusted variants (jobs, exports, admin tools): never
#: shown on a page.
NO_VIEWER: Mapping[str, str] = {
    "members.get": "a member's public profile; total reputation is one public number",
    "members.by_external_id": "the host's own lookup by its user id",
    "members.list": "the member directory; total reputation is one public number",
    "reputation.of": "total reputation is one public number per member",
    "reputation.rank": "the all-time rank by total reputation",
    "reputation.history_unfiltered": "trusted variant of reputation.history",
    "privileges.has": "privileges follow total reputation",
    "privileges.of": "privileges follow total reputation",
    "privileges.required": "a setting",
    "outbox.pending": "trusted: the relay's feed of every event for other systems",
    "outbox.pending_count": "trusted: the relay's backlog",
    "trust.activity": "trusted: a member's trust-level progress, for jobs and staff tools",
    "moderation.can_act": "whether a sanction is in force; sanctions belong to no space",
    "moderation.can_post": "whether a sanction is in force; sanctions belong to no space",
    "imports.checkpoint": "trusted: importer state",
    "imports.local_ids": "trusted: importer state",
    "referrals.converted": "trusted: the host's referral-reward hook",
    "badges.definitions": "the badge catalog (settings and plugins)",
    "badges.definition": "the badge catalog (settings and plugins)",
    "badges.of_unfiltered": "trusted variant of badges.of",
    "badges.holders_unfiltered": "trusted variant of badges.holders",
    "badges.count_holders_unfiltered": "trusted variant of badges.count_holders",
    "invitations.link": "builds a URL from its arguments; reads nothing",
    "bounties.close_from_history": "trusted command: an importer replaying another site's history",
}


def sub_apis(community: Community) -> Iterator[tuple[str, object]]:
    """Every sub-API of the facade: attributes whose class lives in ``socialcrm.capabilities``."""
    for name, value in vars(community).items():
        if not name.startswith("_") and type(value).__module__.startswith(
            "socialcrm.capabilities."
        ):
            yield name, value


def public_methods(community: Community) -> dict[str, Callable[..., Any]]:
    """``{"api.method": bound method}`` for every public method of every sub-API."""
    found = {}
    for api_name, api in sub_apis(community):
        # Functions of the class: methods, static and class methods alike.
        for name, _ in inspect.getmembers(type(api), inspect.isroutine):
            if not name.startswith("_"):
                found[f"{api_name}.{name}"] = getattr(api, name)
    return found


# ------------------------------------------------------------------ the two communities


@attrs.define
class Scene:
    """A community and the ids the reads are asked about (equal in both builds)."""

    c: Community
    clock: ManualClock
    admin: int
    mod: int
    plain: int
    insider: int
    helper: int
    question: int = 0
    answer: int = 0
    discussion: int = 0
    poll: int = 0
    bounty: int = 0
    contest: int = 0
    flagged: int = 0
    private: dict[str, int] = attrs.field(factory=dict)


def _settings() -> Settings:
    settings = Settings().with_rate_limits(enabled=False).with_flags(min_trust_level=0)
    settings = settings.with_content(premoderated_spaces=frozenset({"secret"}))
    return attrs.evolve(settings, new_tags_need_privilege=True)


def _seed(c: Community, member: int, amount: int) -> None:
    """Reputation for privileges, written through the storage port (no space, no rule)."""
    with c.storage.unit_of_work() as uow:
        uow.members.add_reputation(member, amount)
        uow.ledger.append(
            NewLedgerEntry(
                member_id=member,
                delta=amount,
                requested=amount,
                rule="seed",
                event="seed",
                cause=f"seed:{member}",
                at=T0,
            )
        )
        uow.commit()


def _tick(scene: Scene) -> None:
    scene.clock.advance(seconds=61)


def build(storage: Any, *, private: bool) -> Scene:
    """The public community; with ``private``, then a private space full of content."""
    clock = ManualClock(T0)
    c = Community(storage, settings=_settings(), clock=clock, entry_points=False)
    join = c.members.join
    admin = join(external_id="admin", display_name="Ada Admin", roles=["admin"]).id
    mod = join(external_id="mod", display_name="Mo Moderator", roles=["moderator"]).id
    plain = join(external_id="plain", display_name="Pat Plain").id
    insider = join(external_id="insider", display_name="Ines Insider").id
    helper = join(external_id="helper", display_name="Hal Helper").id
    for member in (admin, plain, insider, helper):
        _seed(c, member, 500)
    s = Scene(c=c, clock=clock, admin=admin, mod=mod, plain=plain, insider=insider, helper=helper)
    c.spaces.create(actor=admin, slug="general", name="General")
    _public(s)
    if private:
        _private(s)
    clock.set(READ_AT)
    return s


def _public(s: Scene) -> None:
    c = s.c
    q = c.threads.start(
        actor=s.insider, space="general", kind="question", title="How do I export data?",
        body="Where is the export button?", tags=["shared", "export"],
    )  # fmt: skip
    s.question = q.id
    _tick(s)
    a = c.posts.reply(actor=s.helper, thread=q.id, body="Settings, then Export.")
    s.answer = a.id
    _tick(s)
    c.votes.cast(actor=s.insider, post=a.id, value=1)
    c.votes.cast(actor=s.plain, post=q.opening_post_id, value=1)
    c.threads.accept(actor=s.insider, answer=a.id)
    _tick(s)
    d = c.threads.start(
        actor=s.helper, space="general", kind="discussion", title="Favourite shortcuts",
        body="Share the keyboard shortcuts you use most.", tags=["shared"],
    )  # fmt: skip
    s.discussion = d.id
    s.poll = c.polls.create(
        actor=s.helper, thread=d.id, question="Which one?", options=["Ctrl+K", "Ctrl+P"],
        hide_results=True,
    ).id  # fmt: skip
    first = c.polls.for_thread(actor=None, thread=d.id).options[0].id
    c.polls.vote(actor=s.plain, poll=s.poll, options=[first])
    s.bounty = c.bounties.offer(actor=s.insider, thread=q.id, amount=50).id
    reply = c.posts.reply(actor=s.plain, thread=d.id, body="I use the command palette.")
    s.flagged = reply.id
    c.flags.flag_post(actor=s.helper, post=reply.id, reason="off_topic")
    _tick(s)
    c.flags.disagree(actor=s.mod, post=reply.id, reason="fine")
    c.posts.comment(actor=s.plain, post=a.id, body="Thanks, that worked for me too.")
    _tick(s)


def _private(s: Scene) -> None:
    """A private space with one of everything; ``insider`` and ``admin`` are its members."""
    c, p = s.c, s.private
    p["space"] = c.spaces.create(
        actor=s.admin, slug="secret", name="Secret", visibility="private"
    ).id
    c.spaces.add_member(actor=s.admin, space="secret", member=s.insider)
    c.spaces.add_member(actor=s.admin, space="secret", member=s.helper)
    _tick(s)
    # Staff are not premoderated; members are: the insider's threads wait for review.
    q = c.threads.start(
        actor=s.admin, space="secret", kind="question", title="Confidential roadmap",
        body="What ships next quarter?", tags=["shared", "onlysecret"],
    )  # fmt: skip
    p["thread"], p["opening"] = q.id, q.opening_post_id
    _tick(s)
    a = c.posts.reply(actor=s.admin, thread=q.id, body="The secret feature ships in May.")
    p["post"] = a.id
    _tick(s)
    c.votes.cast(actor=s.insider, post=q.opening_post_id, value=1)
    c.votes.cast(actor=s.helper, post=q.opening_post_id, value=1)
    c.votes.cast(actor=s.insider, post=a.id, value=1)
    c.threads.accept(actor=s.admin, answer=a.id)
    held = c.threads.start(
        actor=s.insider, space="secret", kind="question", title="Held secret question",
        body="A confidential question waiting for review.",
    )  # fmt: skip
    p["held_item"] = held.item.id
    c.review.reject(actor=s.admin, item=held.item.id, reason="secret rejection reason")
    pending = c.threads.start(
        actor=s.helper, space="secret", kind="discussion", title="Pending secret",
        body="Another confidential submission.",
    )  # fmt: skip
    p["pending_item"] = pending.item.id
    _tick(s)
    p["poll"] = c.polls.create(
        actor=s.admin, thread=q.id, question="Secret poll?", options=["yes", "no"],
        hide_results=True,
    ).id  # fmt: skip
    p["bounty"] = c.bounties.offer(actor=s.admin, thread=q.id, amount=50).id
    extra = _published(s, c.posts.reply(actor=s.helper, thread=q.id, body="Flag me, please."))
    p["flagged"] = extra.id
    c.flags.flag_post(actor=s.insider, post=extra.id, reason="spam")
    _tick(s)
    c.flags.agree(actor=s.admin, post=extra.id, reason="secret agree reason")
    doomed = _published(s, c.posts.reply(actor=s.insider, thread=q.id, body="Delete me."))
    c.posts.delete(actor=s.admin, post=doomed.id, reason="secret deletion reason")
    c.threads.close(actor=s.admin, thread=q.id)
    talk = c.threads.start(
        actor=s.admin, space="secret", kind="discussion", title="Secret naming contest",
        body="Propose a code name for the secret feature.",
    )  # fmt: skip
    p["contest"] = c.contests.create(
        actor=s.admin, thread=talk.id, submission_ends_at=s.clock.now() + timedelta(days=1),
        voting_ends_at=s.clock.now() + timedelta(days=2),
    ).id  # fmt: skip
    c.invitations.create(actor=s.admin, space="secret")
    _tick(s)


def _published(s: Scene, held: Any) -> Any:
    """The post a held reply becomes once approved (members are premoderated in ``secret``)."""
    assert held.held, held
    return s.c.review.approve(actor=s.admin, item=held.item.id)


# ------------------------------------------------------------------ the reads and how to ask them


def _reads(s: Scene) -> dict[str, list[dict[str, Any]]]:
    """Keyword sets for every read that takes a viewer (``actor`` is added per viewer)."""
    periods = ("all", "day", "week", "month", "year")
    return {
        "spaces.get": [{"space": "general"}],
        "spaces.list": [{}],
        "spaces.thread_counts": [{}],
        "threads.get": [{"thread": s.question}],
        "threads.list": [{}, {"tag": "shared"}, {"space": "general", "sort": "newest"}],
        "threads.count": [{}, {"tag": "shared"}, {"tag": "onlysecret"}],
        "threads.views": [{"thread": s.question}],
        "threads.can_accept": [{"thread": s.question}],
        "posts.get": [{"post": s.answer}],
        "posts.list": [{"thread": s.question}],
        "posts.comments": [{"post": s.answer}],
        "posts.revisions": [{"post": s.answer}],
        "votes.get": [{"post": s.answer}],
        "votes.for_post": [{"post": s.answer}],
        "reputation.leaderboard": [{"period": p} for p in periods[1:]]
        + [{"period": p, "space": "general"} for p in periods],
        "reputation.activity_leaderboard": [
            {"activity": a, "period": p}
            for a in ("accepted_answers", "upvotes_received")
            for p in periods
        ],
        "reputation.history": [{"member": m} for m in (s.insider, s.helper, s.admin)],
        "moderation.get": [{"sanction": MISSING}],
        "moderation.history": [{"member": s.insider}],
        "moderation.in_force": [{"member": s.insider}],
        "moderation.workload": [{"since": T0, "until": READ_AT}],
        "flags.accuracy": [{"member": m} for m in (s.helper, s.insider)],
        "flags.weight": [{"member": m} for m in (s.helper, s.insider)],
        "flags.for_post": [{"post": s.flagged}],
        "flags.queue": [{}],
        "audit.entries": [{}, {"thread": s.question}, {"member": s.insider}, {"member": s.helper}],
        "invitations.list": [{}],
        "referrals.of": [{}],
        "referrals.referrer_of": [{"member": s.insider}],
        "polls.for_thread": [{"thread": s.discussion}],
        "polls.results": [{"poll": s.poll}],
        "champions.find": [{}, {"since": T0, "until": READ_AT}],
        "contests.entries": [{"contest": MISSING}],
        "contests.for_thread": [{"thread": s.discussion}],
        "contests.winners": [{"contest": MISSING}],
        "review.all_queues": [{}],
        "review.count": [{}],
        "review.get": [{"item": MISSING}],
        "review.pending": [{}],
        "review.queue": [{}],
        "badges.of": [{"member": m} for m in (s.insider, s.helper, s.admin)],
        "badges.holders": [{"badge": d.slug} for d in s.c.badges.definitions()],
        "badges.count_holders": [{"badge": d.slug} for d in s.c.badges.definitions()],
        "bounties.open_on": [{"thread": s.question}],
        "bounties.for_thread": [{"thread": s.question}],
    }


def _normal(value: Any) -> Any:
    """A comparable form: records as dicts; a member's total reputation left out (public)."""
    if attrs.has(type(value)):
        fields = {
            f.name: _normal(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if not (f.name == "reputation" and type(value).__name__ == "Member")
        }
        return (type(value).__name__, fields)
    if isinstance(value, Mapping):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_normal(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return value


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return ("ok", _normal(call()))
    except SocialCRMError as error:
        return ("error", type(error).__name__, getattr(error, "code", None), str(error))


def _viewers(s: Scene) -> dict[str, int | None]:
    return {"anonymous": None, "plain member": s.plain, "moderator outside": s.mod}


def _storage(kind: str, tmp_path: Any, name: str) -> Any:
    if kind == "memory":
        return MemoryStorage()
    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

    return SQLAlchemyStorage(f"sqlite:///{tmp_path / name}.db")


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[tuple[Scene, Scene]]:
    tmp = tmp_path_factory.mktemp(f"leaks-{request.param}")
    bare = build(_storage(request.param, tmp, "bare"), private=False)
    full = build(_storage(request.param, tmp, "full"), private=True)
    yield bare, full
    bare.c.close()
    full.c.close()


# ------------------------------------------------------------------ the tests


def test_every_public_method_is_classified() -> None:
    """A new method must be declared a command, a viewer read this test asks, or trusted."""
    c = Community(MemoryStorage(), entry_points=False)
    scene = Scene(c=c, clock=ManualClock(T0), admin=1, mod=2, plain=3, insider=4, helper=5)
    reads = set(_reads(scene))
    methods = public_methods(c)
    unclassified = sorted(set(methods) - COMMANDS - reads - set(NO_VIEWER))
    assert not unclassified, (
        f"classify these (command, read with a viewer, or NO_VIEWER): {unclassified}"
    )
    stale = sorted((COMMANDS | reads | set(NO_VIEWER)) - set(methods))
    assert not stale, f"classified but gone: {stale}"
    for name in reads:
        assert "actor" in inspect.signature(methods[name]).parameters, f"{name} takes no viewer"
    for name in NO_VIEWER:
        assert "actor" not in inspect.signature(methods[name]).parameters, name
    for name in methods:
        if name.endswith("_unfiltered"):
            assert name in NO_VIEWER, f"{name} is a trusted read: list it in NO_VIEWER"
            assert name.removesuffix("_unfiltered") in reads, f"{name} has no viewer variant"


def test_the_private_content_really_exists(pair: tuple[Scene, Scene]) -> None:
    """The comparison is meaningful: insiders and staff do see the private content."""
    bare, full = pair
    assert full.c.threads.count(actor=full.insider) == bare.c.threads.count(actor=bare.insider) + 2
    secret = full.c.audit.entries(actor=full.admin, thread=full.private["thread"])
    assert secret and all(e.space_id == full.private["space"] for e in secret)
    assert full.c.reputation.history(full.admin, actor=full.admin) != bare.c.reputation.history(
        bare.admin, actor=bare.admin
    )
    week = full.c.reputation.leaderboard(period="week", actor=full.admin)
    assert week != bare.c.reputation.leaderboard(period="week", actor=bare.admin)
    assert full.c.review.count(actor=full.admin) == bare.c.review.count(actor=bare.admin) + 1


@pytest.mark.parametrize("viewer", ["anonymous", "plain member", "moderator outside"])
def test_every_read_answers_an_outsider_as_if_the_private_space_did_not_exist(
    pair: tuple[Scene, Scene], viewer: str
) -> None:
    bare, full = pair
    leaks = []
    asked = 0
    for name, keyword_sets in _reads(bare).items():
        api, method = name.split(".")
        for keywords in keyword_sets:
            calls = [
                partial(
                    getattr(getattr(scene.c, api), method),
                    actor=_viewers(scene)[viewer],
                    **keywords,
                )
                for scene in (bare, full)
            ]
            without, with_private = _outcome(calls[0]), _outcome(calls[1])
            asked += 1
            if without != with_private:
                leaks.append(f"{name}({keywords}): {without!r} != {with_private!r}")
    assert asked > 100
    assert not leaks, "\n".join(leaks)


# ------------------------------------------------------------------ private ids look missing

#: Parameter names that take the id of something that lives in a space.
ID_PARAMETERS = {
    "thread": "thread",
    "post": "post",
    "answer": "post",
    "bounty": "bounty",
    "poll": "poll",
    "space": "space",
    "item": "pending_item",
    "contest": "contest",
}

#: Values for the other required parameters, so a call reaches its visibility check.
FILLERS: dict[str, Any] = {
    "body": "A body long enough for every rule.",
    "title": "A title long enough for every rule",
    "kind": "question",
    "value": 1,
    "amount": 50,
    "reason": "spam",
    "note": "a note",
    "question": "A question?",
    "options": ["one", "two"],
    "submission_ends_at": READ_AT + timedelta(days=2),
    "voting_ends_at": READ_AT + timedelta(days=3),
    "member": 3,
    "slug": "x",
    "name": "X",
    "posts_read": 1,
    "activity": "accepted_answers",
}


#: Commands where ``actor=None`` is not an anonymous visitor but the host's trusted job.
JOB_WHEN_ANONYMOUS: Mapping[str, str] = {
    "contests.decide": "actor=None decides as the host's job (contests.decide_due)",
}


def _id_calls(s: Scene) -> Iterator[tuple[str, str, Callable[[Any], Any]]]:
    """``(method, parameter, call(id))`` for every public method taking a spaced id."""
    for name, method in public_methods(s.c).items():
        if name in NO_VIEWER:
            continue
        signature = inspect.signature(method)
        for parameter in signature.parameters:
            if parameter not in ID_PARAMETERS or parameter == "space" and name == "spaces.create":
                continue
            others = {
                p.name: FILLERS[p.name]
                for p in signature.parameters.values()
                if p.name not in (parameter, "actor")
                and p.default is inspect.Parameter.empty
                and p.name in FILLERS
            }
            if name == "polls.vote":
                others["options"] = [1]
            yield (
                name,
                parameter,
                lambda value, m=method, p=parameter, o=others, **kw: m(**{p: value}, **o, **kw),
            )


def _error(call: Callable[[], Any]) -> tuple[str, str | None, str]:
    try:
        result = call()
    except SocialCRMError as error:
        return type(error).__name__, getattr(error, "code", None), str(error)
    return "no error", None, repr(result)


@pytest.mark.parametrize("viewer", ["anonymous", "plain member", "moderator outside"])
def test_a_private_id_answers_exactly_like_a_missing_id(
    pair: tuple[Scene, Scene], viewer: str
) -> None:
    _, full = pair
    actor = _viewers(full)[viewer]
    ids = dict(full.private, space="secret")
    checked, differ = 0, []
    for name, parameter, call in _id_calls(full):
        private_id = ids[ID_PARAMETERS[parameter]]
        missing: Any = "no-such-space" if parameter == "space" else MISSING
        takes_actor = "actor" in inspect.signature(public_methods(full.c)[name]).parameters
        extra = {"actor": actor} if takes_actor else {}
        if actor is None and name in JOB_WHEN_ANONYMOUS:
            continue
        hidden = _error(partial(call, private_id, **extra))
        absent = _error(partial(call, missing, **extra))
        checked += 1
        same = hidden[:2] == absent[:2] and re.sub(
            re.escape(str(private_id)), "<id>", hidden[2]
        ) == re.sub(re.escape(str(missing)), "<id>", absent[2])
        if not same:
            differ.append(f"{name}({parameter}=private): {hidden} vs missing: {absent}")
    assert checked > 30
    assert not differ, "\n".join(differ)


# ------------------------------------------------------------------ the Flask example's pages


def test_the_flask_member_page_shows_no_private_history_or_badges(tmp_path: Any) -> None:
    """The public profile page of the Flask example passes the viewer to every read."""
    pytest.importorskip("flask_login")
    import sys
    from pathlib import Path

    examples = str(Path(__file__).resolve().parent.parent / "examples")
    sys.path.insert(0, examples)
    try:
        from flask_support import DEMO_SETTINGS, create_app, socialcrm
    finally:
        sys.path.remove(examples)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SOCIALCRM_SETTINGS": DEMO_SETTINGS.with_rate_limits(enabled=False),
    }
    app = create_app(config, instance_path=str(tmp_path))
    try:
        c = socialcrm.community_for(app)
        ada = c.members.by_external_id("ada").id
        carol = c.members.by_external_id("carol").id
        c.spaces.create(actor=ada, slug="vip", name="VIP", visibility="private")
        c.spaces.add_member(actor=ada, space="vip", member=carol)
        question = c.threads.start(
            actor=ada, space="vip", kind="question", title="Private pricing question",
            body="What do VIP customers pay?",
        )  # fmt: skip
        answer = c.posts.reply(actor=carol, thread=question.id, body="Less than the others.")
        c.votes.cast(actor=ada, post=answer.id, value=1)
        marker = f"(post {answer.id})"
        page = app.test_client().get(f"/m/{carol}").text
        assert marker not in page
        client = app.test_client()
        csrf = client.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', csrf)
        assert token
        client.post("/login", data={"user": "carol", "csrf": token.group(1)})
        assert marker in client.get(f"/m/{carol}").text
    finally:
        socialcrm.close(app)


# ------------------------------------------------------------------ commands that told outsiders


@pytest.fixture(params=["memory", "sqlite"])
def small(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Scene]:
    scene = build(_storage(request.param, tmp_path, "small"), private=True)
    yield scene
    scene.c.close()


def test_a_tag_used_only_in_a_private_space_is_new_to_an_outsider(small: Scene) -> None:
    """``new_tags_need_privilege``: refused vs accepted must not reveal a private tag."""
    c = small.c
    newcomer = c.members.join(external_id="newcomer", display_name="Nina Newcomer").id
    insider = c.members.join(external_id="newinsider", display_name="Ivo Insider").id
    c.spaces.add_member(actor=small.admin, space="secret", member=insider)

    def start(member: int, tag: str, space: str = "general") -> Any:
        try:
            return c.threads.start(
                actor=member, space=space, kind="discussion", title=f"Tagged {tag} thread",
                body=f"A thread tagged {tag} by {member}.", tags=[tag],
            )  # fmt: skip
        except SocialCRMError as error:
            return type(error).__name__, error.code, str(error).replace(tag, "<tag>")

    never_used = start(newcomer, "neverused")
    assert never_used[0] == "PermissionDenied"
    assert start(newcomer, "onlysecret") == never_used
    # An insider sees the tag in use: it is not new to them.
    assert start(insider, "onlysecret").tags == ("onlysecret",)
    assert start(insider, "shared").tags == ("shared",)


def test_hidden_poll_results_stay_hidden_while_only_the_thread_is_closed(small: Scene) -> None:
    """Closing the thread, reading and reopening it must not reveal hidden tallies."""
    c, author = small.c, small.helper
    c.threads.close(actor=author, thread=small.discussion)
    closed = c.polls.results(actor=author, poll=small.poll)
    assert closed.open is False and closed.tallies is None and closed.voters is None
    c.threads.reopen(actor=author, thread=small.discussion)
    assert c.polls.results(actor=author, poll=small.poll).tallies is None
    c.polls.close(actor=author, poll=small.poll)
    assert c.polls.results(actor=author, poll=small.poll).tallies is not None

"""The authorization matrix: every public command x actor kind x public/private/hidden target.

Rule checked (docs/concepts.md, "Roles, privileges, deny by default"): authorization
is checked on every command, deny by default, and a thing the actor cannot see answers
exactly like a thing that does not exist.

**Which methods are commands.** A public method of a sub-API of ``Community`` is a
*command* when it changes state, i.e. it runs (directly or through a private helper
of its class) in ``Runtime.command()``. Commands that take ``actor`` are in
:data:`POLICY`; commands without ``actor`` are trusted host calls and jobs, listed in
:data:`HOST_COMMANDS`; every other public method is a query, listed in
:data:`QUERIES`. :func:`test_every_public_method_is_classified` discovers the public
methods itself and fails on any method missing from those three tables, or a
"query" whose code opens a command.

**Arguments.** Each argument comes from :data:`ARGUMENTS`, keyed by parameter name
(a policy may override one). A parameter that the table does not know fails the
test, so a new command, or a new parameter, has to be described here first.

**Targets.** Commands whose target lives in a space run three times: on a public
space, on a private space, and on threads that flags hid (seen only by their author
and moderators). The seeded world is built once per adapter (memory: every case;
SQLite: the refusals that depend on the storage); a command expected to succeed runs
in a unit of work that is then rolled back.

**Expected outcome.** Derived from each command's small :class:`Policy` by
:func:`expected`: unknown actor -> ``PermissionDenied`` ``unknown_actor``; suspended
or banned -> ``Sanctioned``; silenced -> ``Sanctioned`` when the command publishes;
below the command's role -> ``PermissionDenied``; a target the actor cannot see
(private, or hidden by flags) -> the very ``NotFound`` (type and code) that a missing
id gives; not the owner where the command is the owner's -> ``PermissionDenied`` (or
``NotFound`` where the command hides others' targets); a new member without the
reputation privilege -> ``PermissionDenied``; anything else succeeds.
Every refused call must leave the storage exactly as it was.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.reputation.records import NewLedgerEntry
from socialcrm.errors import NotFound, PermissionDenied, Sanctioned, SocialCRMError
from socialcrm.services.runtime import Runtime
from socialcrm.settings import WatchedWord

# ---------------------------------------------------------------------------- actor kinds

#: Authority of each actor kind: 0 member, 1 moderator, 2 staff, 3 admin.
RANK = {
    "unknown": 0,
    "new_member": 0,
    "member": 0,
    "author": 0,
    "silenced": 0,
    "suspended": 0,
    "banned": 0,
    "outsider": 0,
    "outside_moderator": 1,
    "moderator": 1,
    "staff": 2,
    "admin": 3,
}
#: Kinds that cannot see the private space (``outsider`` is a member of another one).
BLIND_TO_PRIVATE = frozenset({"outsider", "outside_moderator"})
ROLE_RANK = {"member": 0, "moderator": 1, "staff": 2, "admin": 3}
MISSING_ID = 987_654


@attrs.frozen
class Policy:
    """What a command needs, declared once; :func:`expected` derives the outcomes.

    :param role: the least role: member, moderator, staff or admin.
    :param publishes: whether it publishes content (a silence refuses it).
    :param target: the parameter naming the object in a space (``None``: the
        command's target is not in a space, so there is one run, not public/private).
    :param owner: ``None``, or the rule for members who are not the target's owner:
        the least role that acts on others' targets (``owner_bypass``), refused with
        ``PermissionDenied``, or ``NotFound`` when ``owner_hidden``.
    :param lookup: for a target not in a space, the parameter whose missing value must
        answer like a target the actor may not see (``owner_hidden``).
    :param privilege: a reputation privilege a new member lacks (refused).
    :param args: argument overrides for this command: parameter -> key in
        :data:`ARGUMENTS` (``None``: leave the parameter out).
    :param ok_codes: error codes that still count as "allowed" (a business outcome
        after every authorization check passed, e.g. ``no_vote``).
    """

    role: str = "member"
    publishes: bool = False
    target: str | None = None
    owner: bool = False
    owner_bypass: str = "moderator"
    owner_hidden: bool = False
    lookup: str | None = None
    privilege: bool = False
    args: dict[str, str | None] = attrs.field(factory=dict)
    ok_codes: frozenset[str] = frozenset()


P = Policy
#: Every command that takes ``actor``.
POLICY: dict[str, Policy] = {
    # members
    "members.update_profile": P(
        publishes=True, owner=True, owner_bypass="admin", args={"member": "author"}
    ),
    "members.grant_role": P(role="admin"),
    "members.revoke_role": P(role="admin"),
    # spaces
    "spaces.create": P(role="staff", publishes=True),
    "spaces.add_member": P(role="staff", target="space"),
    "spaces.remove_member": P(role="staff", target="space"),
    # threads
    "threads.start": P(publishes=True, target="space"),
    "threads.close": P(target="thread", owner=True),
    "threads.reopen": P(target="thread", owner=True),
    "threads.accept": P(target="answer", owner=True),
    "threads.unaccept": P(target="thread", owner=True),
    # posts
    "posts.reply": P(publishes=True, target="thread"),
    "posts.edit": P(publishes=True, target="post", owner=True, args={"post": "question_post"}),
    "posts.delete": P(target="post", owner=True, args={"post": "question_post"}),
    "posts.comment": P(publishes=True, target="post", privilege=True),
    # votes
    "votes.cast": P(target="post", privilege=True),
    "votes.retract": P(target="post", ok_codes=frozenset({"no_vote"})),
    # flags
    "flags.flag_post": P(target="post", privilege=True),
    "flags.flag_member": P(privilege=True),
    "flags.agree": P(role="moderator", target="post", args={"member": None}),
    "flags.disagree": P(role="moderator", target="post", args={"member": None}),
    "flags.defer": P(role="moderator", target="post", args={"member": None}),
    # moderation
    "moderation.silence": P(role="moderator"),
    "moderation.suspend": P(role="moderator"),
    "moderation.ban": P(role="staff"),
    "moderation.lift": P(role="moderator"),
    # review
    "review.approve": P(role="moderator", target="item"),
    "review.edit_and_approve": P(role="moderator", target="item", args={"title": None}),
    "review.reject": P(role="moderator", target="item"),
    "review.dismiss": P(role="moderator", target="item", args={"item": "flag_item"}),
    # trust, champions, badges, reputation
    "trust.grant": P(role="staff"),
    "trust.lock": P(role="staff"),
    "trust.unlock": P(role="staff"),
    "champions.grant": P(role="staff"),
    "champions.revoke": P(role="staff"),
    "badges.award": P(role="staff"),
    "badges.revoke": P(role="staff"),
    "reputation.recompute": P(role="staff"),
    # invitations
    "invitations.create": P(publishes=True, args={"space": None}),
    "invitations.revoke": P(
        owner=True, owner_bypass="staff", owner_hidden=True, lookup="invitation"
    ),
    "invitations.redeem": P(),
    # polls
    "polls.create": P(
        publishes=True,
        target="thread",
        owner=True,
        args={"thread": "bounty_thread", "options": ("const", ["Yes", "No"])},
    ),
    "polls.vote": P(target="poll"),
    "polls.close": P(target="poll", owner=True),
    # contests
    "contests.create": P(
        role="moderator", publishes=True, target="thread", args={"thread": "contest_thread"}
    ),
    "contests.decide": P(role="moderator", target="contest"),
    # bounties
    "bounties.offer": P(target="thread", privilege=True, args={"thread": "bounty_thread"}),
    "bounties.award": P(target="answer", owner=True),
    "bounties.refund": P(role="moderator", target="bounty"),
}

#: Commands without ``actor``: trusted host calls and periodic jobs. The host decides
#: who triggers them (see docs/concepts.md); they are outside the actor matrix.
HOST_COMMANDS = frozenset(
    {
        "members.join",
        "members.record_read",
        "members.record_visit",
        "threads.record_views",
        "outbox.purge",
        "outbox.relay",
        "imports.map_id",
        "imports.set_checkpoint",
        "referrals.converted",
        "contests.decide_due",
        "moderation.expire_sanctions",
        "moderation.reverse_serial_votes",
        "moderation.check_budget",
        "badges.backfill",
        "bounties.close_expired",
        "bounties.close_from_history",
        "trust.review",
    }
)

#: Public methods that change nothing (reads; ``vis`` covers who sees what).
QUERIES = frozenset(
    {
        "badges.count_holders_unfiltered",
        "badges.holders_unfiltered",
        "badges.of_unfiltered",
        "members.by_external_id",
        "members.get",
        "members.list",
        "spaces.get",
        "spaces.list",
        "spaces.thread_counts",
        "threads.can_accept",
        "threads.count",
        "threads.get",
        "threads.list",
        "threads.views",
        "posts.comments",
        "posts.get",
        "posts.list",
        "posts.revisions",
        "votes.for_post",
        "votes.get",
        "reputation.activity_leaderboard",
        "reputation.history",
        "reputation.history_unfiltered",
        "reputation.leaderboard",
        "reputation.of",
        "reputation.rank",
        "privileges.has",
        "privileges.of",
        "privileges.required",
        "outbox.pending",
        "outbox.pending_count",
        "trust.activity",
        "moderation.can_act",
        "moderation.can_post",
        "moderation.get",
        "moderation.history",
        "moderation.in_force",
        "moderation.workload",
        "flags.accuracy",
        "flags.for_post",
        "flags.queue",
        "flags.weight",
        "audit.entries",
        "imports.checkpoint",
        "imports.local_ids",
        "invitations.link",
        "invitations.list",
        "referrals.of",
        "referrals.referrer_of",
        "polls.for_thread",
        "polls.results",
        "champions.find",
        "contests.entries",
        "contests.for_thread",
        "contests.winners",
        "review.all_queues",
        "review.count",
        "review.get",
        "review.pending",
        "review.queue",
        "badges.count_holders",
        "badges.definition",
        "badges.definitions",
        "badges.holders",
        "badges.of",
        "bounties.for_thread",
        "bounties.open_on",
    }
)

#: Argument values by parameter name: a key of the seeded world's objects (looked up
#: in the target's space first, then among the global ones), or a constant. ``DEFAULT``
#: leaves an optional parameter at its default.
DEFAULT = object()
ARGUMENTS: dict[str, Any] = {
    "actor": DEFAULT,  # filled in per actor kind
    "space": "space",
    "thread": "question",
    "post": "answer",
    "answer": "answer",
    "poll": "poll",
    "contest": "contest",
    "bounty": "bounty",
    "item": "held_item",
    "member": "victim",
    "sanction": "sanction",
    "award": "badge_award",
    "invitation": "invitation",
    "code": "space_code",
    "badge": ("const", "supporter"),
    "role": ("const", "moderator"),
    "level": ("const", 1),
    "slug": ("const", "new-space"),
    "name": ("const", "New space"),
    "kind": ("const", "question"),
    "title": ("const", "A brand new question about exports"),
    "body": ("const", "A fresh body that nobody has posted before, about exports."),
    "question": ("const", "Which export format do you use?"),
    "options": "poll_options",
    "value": ("const", 1),
    "amount": ("const", 50),
    "reason": ("const", "spam"),
    "tags": ("const", ["exports"]),
    "submission_ends_at": "submission_ends_at",
    "voting_ends_at": "voting_ends_at",
    "bio": ("const", "A new bio"),
    # optional parameters left at their defaults
    "note": DEFAULT,
    "text": DEFAULT,
    "delete": DEFAULT,
    "until": DEFAULT,
    "duration": DEFAULT,
    "lock": DEFAULT,
    "subject": DEFAULT,
    "max_uses": DEFAULT,
    "expires_at": DEFAULT,
    "description": DEFAULT,
    "parent": DEFAULT,
    "visibility": DEFAULT,
    "posting": DEFAULT,
    "community_wiki": DEFAULT,
    "display_name": DEFAULT,
    "company": DEFAULT,
    "job_title": DEFAULT,
    "country": DEFAULT,
    "interests": DEFAULT,
    "days": DEFAULT,
    "multiple": DEFAULT,
    "closes_at": DEFAULT,
    "hide_results": DEFAULT,
    "submission_starts_at": DEFAULT,
    "voting_starts_at": DEFAULT,
    "winners": DEFAULT,
}

# ---------------------------------------------------------------------------- discovery


def sub_apis(community: Community) -> Iterator[tuple[str, object]]:
    """Every sub-API of the facade: public attributes whose class holds a runtime."""
    for name, value in vars(community).items():
        if not name.startswith("_") and isinstance(getattr(value, "_rt", None), Runtime):
            yield name, value


def public_methods(community: Community) -> dict[str, Callable[..., Any]]:
    """``"api.method"`` -> the unbound function, for every public method of every sub-API."""
    found: dict[str, Callable[..., Any]] = {}
    for api_name, api in sub_apis(community):
        for name, function in inspect.getmembers(type(api), inspect.isfunction):
            if not name.startswith("_"):
                found[f"{api_name}.{name}"] = function
    return found


def opens_command(cls: type, function: Callable[..., Any], seen: set[object] | None = None) -> bool:
    """Whether ``function`` runs ``command()``, itself or through a private method of
    ``cls`` or a socialcrm function it calls (followed transitively)."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("command", "unit_of_work"):
            return True
        helper: Any = None
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr.startswith("_")
        ):
            helper = getattr(cls, node.attr, None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = function.__globals__.get(node.func.id)
        if (
            inspect.isfunction(helper)
            and helper.__module__.startswith(("socialcrm.services", "socialcrm.capabilities"))
            and helper not in seen
        ):
            seen.add(helper)
            if opens_command(cls, helper, seen):
                return True
    return False


# ---------------------------------------------------------------------------- the world


class World:
    """A seeded community with every actor kind and targets in a public and a private space."""

    def __init__(self, storage: Any) -> None:
        self.clock = ManualClock()
        self.dirty = False
        # No vote lock: the seeded vote stays retractable after the clock moves on.
        settings = attrs.evolve(Settings().with_rate_limits(enabled=False), vote_lock_seconds=10**8)
        settings = settings.with_content(
            watched_words=(
                WatchedWord(pattern="holdme", action="require_approval"),
                WatchedWord(pattern="flagme", action="flag"),
            ),
            approve_first_posts=0,
        )
        self.storage = storage
        self.c = c = Community(
            self.storage, settings=settings, clock=self.clock, entry_points=False
        )
        self.actors: dict[str, int] = {"unknown": MISSING_ID + 1}
        join = c.members.join
        admin = join(external_id="admin", display_name="Admin", roles=["admin"]).id
        self.actors["admin"] = admin
        self._seed_reputation(admin)
        self.actors["staff"] = self._seed_reputation(
            join(external_id="staff", display_name="Staff", roles=["staff"]).id
        )
        for kind in ("moderator", "outside_moderator"):
            self.actors[kind] = self._seed_reputation(
                join(external_id=kind, display_name=kind.title(), roles=["moderator"]).id
            )
        for kind in ("author", "member", "silenced", "suspended", "banned", "outsider"):
            self.actors[kind] = self._established(kind)
        self.actors["new_member"] = join(external_id="new", display_name="Newcomer").id
        answerer = self._established("answerer")
        flagger = self._established("flagger")
        victim = self._established("victim")

        spaces = {
            "public": c.spaces.create(actor=admin, slug="pub", name="Public"),
            "private": c.spaces.create(
                actor=admin, slug="priv", name="Private", visibility="private"
            ),
            # A public space whose threads flags hid: only authors and moderators see them.
            "hidden": c.spaces.create(actor=admin, slug="hid", name="Hidden"),
        }
        c.spaces.create(actor=admin, slug="other", name="Other", visibility="private")
        insiders = [v for k, v in self.actors.items() if k not in BLIND_TO_PRIVATE | {"unknown"}]
        for member in [*insiders, answerer, flagger, victim]:
            c.spaces.add_member(actor=admin, space="priv", member=member)
        c.spaces.add_member(actor=admin, space="other", member=self.actors["outsider"])

        author = self.actors["author"]
        start = self.clock.now()
        self.objects: dict[str, dict[str, Any]] = {}
        for target, space in spaces.items():
            objects: dict[str, Any] = {"space": space.slug}

            def thread(title: str, kind: str = "question", *, slug: str = space.slug) -> Any:
                return c.threads.start(
                    actor=author,
                    space=slug,
                    kind=kind,
                    title=f"{title} in {slug}",
                    body=f"The body of {title.lower()} in the {slug} space.",
                    tags=["exports"],
                )

            question = thread("How do I export invoices")
            objects["question"] = question.id
            objects["question_post"] = question.opening_post_id
            answer = c.posts.reply(
                actor=answerer, thread=question.id, body=f"Use the export button ({target})."
            )
            objects["answer"] = answer.id
            # One real vote to retract (the other actors' retractions find none: no_vote).
            c.votes.cast(actor=self.actors["member"], post=answer.id, value=1)
            bounty = c.bounties.offer(actor=author, thread=question.id, amount=50)
            objects["bounty"] = bounty.id
            poll_thread = thread("Which format", "discussion")
            objects["poll_thread"] = poll_thread.id
            poll = c.polls.create(
                actor=author,
                thread=poll_thread.id,
                question="CSV or XLSX?",
                options=["CSV", "XLSX"],
            )
            objects["poll"] = poll.id
            objects["poll_options"] = [poll.options[0].id]
            objects["bounty_thread"] = thread("Where are old invoices").id
            objects["contest_thread"] = thread("Photo contest", "discussion").id
            contest_thread = thread("Last month's contest", "discussion")
            objects["contest"] = c.contests.create(
                actor=admin,
                thread=contest_thread.id,
                submission_ends_at=start + timedelta(hours=1),
                voting_ends_at=start + timedelta(hours=2),
            ).id
            objects["held_item"] = c.posts.reply(
                actor=answerer, thread=question.id, body=f"Please holdme for review ({target})."
            ).review_item_id
            c.posts.reply(
                actor=answerer, thread=question.id, body=f"Please flagme for review ({target})."
            )
            flag_items = c.review.queue(actor=admin, space=space.slug, kind="flag")
            objects["flag_item"] = flag_items[0].id
            c.flags.flag_post(actor=flagger, post=answer.id, reason="off_topic")
            self.objects[target] = objects
            if target == "hidden":
                for key in ("question", "poll_thread", "bounty_thread", "contest_thread"):
                    opening = c.threads.get(actor=admin, thread=objects[key]).opening_post_id
                    c.flags.flag_post(actor=admin, post=opening, reason="spam")
                contest = c.contests.for_thread(actor=admin, thread=contest_thread.id)
                assert contest is not None
                c.flags.flag_post(
                    actor=admin,
                    post=c.threads.get(actor=admin, thread=contest.thread_id).opening_post_id,
                    reason="spam",
                )
                assert c.threads.get(actor=admin, thread=objects["question"]).hidden_at

        issued = c.invitations.create(actor=author)
        space_code = c.invitations.create(actor=admin, space="priv", max_uses=50)
        sanction = c.moderation.silence(actor=admin, member=flagger, reason="noise")
        award = c.badges.award(actor=admin, badge="critic", member=flagger)
        assert award is not None
        for kind, method in (
            ("silenced", c.moderation.silence),
            ("suspended", c.moderation.suspend),
            ("banned", c.moderation.ban),
        ):
            method(actor=admin, member=self.actors[kind], reason="test sanction")
        self.objects["global"] = {
            "victim": victim,
            "author": author,
            "sanction": sanction.id,
            "badge_award": award.id,
            "invitation": issued.invitation.id,
            "space_code": space_code.code,
        }
        later = start + timedelta(hours=3)
        self.objects["global"]["submission_ends_at"] = later + timedelta(hours=1)
        self.objects["global"]["voting_ends_at"] = later + timedelta(hours=2)
        self.clock.set(later)
        self.moment = later

    def _established(self, name: str) -> int:
        """A member with 1,000 reputation (every privilege below ``edit``) at trust level 2."""
        member = self.c.members.join(external_id=name, display_name=name.title()).id
        self._seed_reputation(member)
        self.c.trust.grant(actor=self.actors["admin"], member=member, level=2)
        return member

    def _seed_reputation(self, member: int) -> int:
        """Lift ``member`` to 1,000 reputation through the ledger-free seed path."""
        with self.storage.unit_of_work() as uow:
            uow.members.add_reputation(member, 999)
            uow.ledger.append(
                NewLedgerEntry(
                    member_id=member,
                    delta=999,
                    requested=999,
                    rule="seed",
                    event="seed",
                    cause=f"seed:{member}",
                    at=self.clock.now(),
                )
            )
            uow.commit()
        return member

    def fingerprint(self) -> Any:
        """A comparable picture of everything the storage holds."""
        if isinstance(self.storage, MemoryStorage):
            return state(self.storage._tables)
        with self.storage.engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(table.select())), key=repr
                )
                for table in self.storage.tables.metadata.sorted_tables
            }

    def value(self, key: Any, target: str) -> Any:
        """The argument for ``key`` (an object key or a constant) in the ``target`` space."""
        if isinstance(key, tuple):
            return key[1]
        scope = self.objects["public" if target == "global" else target]
        return scope[key] if key in scope else self.objects["global"][key]


def state(value: Any) -> Any:
    """A comparable picture of the storage (dicts compare without their order)."""
    if isinstance(value, dict):
        return {k: state(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [state(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if hasattr(value, "__dict__") and not attrs.has(type(value)):
        return state(vars(value))
    if hasattr(value, "__slots__") and not attrs.has(type(value)):
        return {s: state(getattr(value, s)) for s in value.__slots__ if hasattr(value, s)}
    return value


_WORLDS: dict[str, World] = {}


#: On SQLite the matrix runs the refusals that depend on the storage (sanctions, private
#: spaces) and one allowed kind; memory runs every case. Keeps the file under ~30 s.
SQLITE_KINDS = frozenset({"silenced", "outsider", "outside_moderator", "admin"})


def world_on(adapter: str, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The seeded world on one adapter, built once and rebuilt only after a stray write."""
    built = _WORLDS.get(adapter)
    if built is None or built.dirty:
        if built is not None:
            built.c.close()
        if adapter == "memory":
            storage: Any = MemoryStorage()
        else:
            from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

            path = tmp_path_factory.mktemp("authz") / "community.db"
            storage = SQLAlchemyStorage(f"sqlite:///{path}")
        built = _WORLDS[adapter] = World(storage)
    return built


class RollBack(Exception):
    """Raised to roll back the unit of work of a command that was expected to succeed."""


# ---------------------------------------------------------------------------- expectations

ALLOWED = ("allowed", None, None)


def expected(policy: Policy, kind: str, target: str) -> tuple[str, type | None, str | None]:
    """``("allowed", None, None)`` or ``("refused", error type, code or None)``."""
    if kind == "unknown":
        return ("refused", PermissionDenied, "unknown_actor")
    if kind in ("suspended", "banned"):
        return ("refused", Sanctioned, kind)
    if kind == "silenced" and policy.publishes:
        return ("refused", Sanctioned, "silenced")
    if RANK[kind] < ROLE_RANK[policy.role]:
        return ("refused", PermissionDenied, None)
    if target == "private" and kind in BLIND_TO_PRIVATE:
        return ("hidden", NotFound, None)
    if target == "hidden" and policy.target != "space" and RANK[kind] == 0 and kind != "author":
        return ("hidden", NotFound, None)
    if policy.owner and kind != "author" and RANK[kind] < ROLE_RANK[policy.owner_bypass]:
        return (
            ("hidden", NotFound, None)
            if policy.owner_hidden
            else ("refused", PermissionDenied, None)
        )
    if policy.privilege and kind == "new_member":
        return ("refused", PermissionDenied, None)
    return ALLOWED


def arguments(
    world: World, name: str, function: Callable[..., Any], kind: str, target: str
) -> dict[str, Any]:
    """Keyword arguments for ``function`` as ``kind`` on ``target``; fails on unknown ones."""
    policy = POLICY[name]
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(function).parameters.values())[1:]:
        if param.name in policy.args:
            key: Any = policy.args[param.name]
            if key is None:
                continue
        elif param.name in ARGUMENTS:
            key = ARGUMENTS[param.name]
        else:
            pytest.fail(f"{name}: no argument for parameter {param.name!r}; add it to ARGUMENTS")
        if key is DEFAULT:
            if param.default is inspect.Parameter.empty and param.name != "actor":
                pytest.fail(f"{name}: required parameter {param.name!r} has no value in ARGUMENTS")
            continue
        kwargs[param.name] = world.value(key, target)
    kwargs["actor"] = world.actors[kind]
    return kwargs


def cases() -> Iterator[Any]:
    for adapter in ("memory", "sqlite"):
        for name, policy in sorted(POLICY.items()):
            for target in ("public", "private", "hidden") if policy.target else ("global",):
                for kind in RANK:
                    if adapter == "sqlite" and (kind not in SQLITE_KINDS or target == "public"):
                        continue
                    yield pytest.param(
                        adapter, name, kind, target, id=f"{adapter}-{name}-{kind}-{target}"
                    )


# ---------------------------------------------------------------------------- the tests


def test_every_public_method_is_classified() -> None:
    community = Community(MemoryStorage(), entry_points=False)
    methods = public_methods(community)
    unknown = sorted(set(methods) - set(POLICY) - HOST_COMMANDS - QUERIES)
    assert not unknown, (
        f"new public methods, declare them in POLICY/HOST_COMMANDS/QUERIES: {unknown}"
    )
    stale = sorted((set(POLICY) | HOST_COMMANDS | QUERIES) - set(methods))
    assert not stale, f"declared but gone: {stale}"
    apis = dict(sub_apis(community))
    for name in sorted(set(POLICY) | HOST_COMMANDS | QUERIES):
        api_name, _ = name.split(".")
        writes = opens_command(type(apis[api_name]), methods[name])
        takes_actor = "actor" in inspect.signature(methods[name]).parameters
        if name in QUERIES:
            assert not writes, f"{name} opens a command: declare it in POLICY or HOST_COMMANDS"
        else:
            assert writes, f"{name} is declared a command but never opens one"
            assert takes_actor == (name in POLICY), f"{name}: actor commands belong in POLICY"


@pytest.mark.parametrize(("adapter", "name", "kind", "target"), list(cases()))
def test_command_authorization(
    tmp_path_factory: pytest.TempPathFactory, adapter: str, name: str, kind: str, target: str
) -> None:
    world = world_on(adapter, tmp_path_factory)
    api_name, method_name = name.split(".")
    api = getattr(world.c, api_name)
    policy = POLICY[name]
    function = public_methods(world.c)[name]
    kwargs = arguments(world, name, function, kind, target)
    outcome, error_type, code = expected(policy, kind, target)
    call = getattr(api, method_name)
    if outcome == "allowed":
        # Run it in one unit of work and roll that back: the next case starts from the seed.
        try:
            with world.c.unit_of_work():
                try:
                    call(**kwargs)
                except SocialCRMError as error:
                    assert error.code in policy.ok_codes, (
                        f"{name} by {kind} on {target} refused: {error!r}"
                    )
                raise RollBack
        except RollBack:
            pass
        return
    before = world.fingerprint()
    try:
        call(**kwargs)
    except SocialCRMError as error:
        assert world.fingerprint() == before, f"{name} by {kind} was refused but wrote"
        assert isinstance(error, error_type), (
            f"{name} by {kind} on {target}: expected {error_type.__name__}, got {error!r}"
        )
        if error_type is PermissionDenied:
            assert not isinstance(error, (Sanctioned, NotFound)), repr(error)
        if code is not None:
            assert error.code == code, f"{name} by {kind}: code {error.code}, expected {code}"
        lookup = policy.target or policy.lookup
        if outcome == "hidden" and lookup is not None:
            missing = dict(kwargs, **{lookup: MISSING_ID})
            with pytest.raises(SocialCRMError) as gone:
                call(**missing)
            assert (type(gone.value), gone.value.code) == (type(error), error.code), (
                f"{name} by {kind}: a {target} target answers {error!r}, "
                f"a missing one {gone.value!r}"
            )
        return
    world.dirty = True
    pytest.fail(f"{name} by {kind} on {target} succeeded; expected {error_type.__name__} {code}")

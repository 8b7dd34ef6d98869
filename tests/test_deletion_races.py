"""Commands racing a deletion, held at the same point on PostgreSQL and MariaDB.

Each test runs two commands on two communities (two engines, two connections)
over one schema. The first ("held") command is stopped right after its read-side
checks passed (``visible_post`` / ``visible_thread``, patched to wait on an
event), the second runs to its commit, then the first goes on. Before the fix
the first wrote as if nothing had happened (a vote on a deleted post, a second
deletion, a second reversal...). Now every such write re-checks under the lock it
writes with, so the held command answers as if the thing never existed, and
:func:`ledger_invariants.check_deletion_invariants` holds.

The edit-versus-vote test holds the edit after it wrote its revision and checks
that a vote arriving then waits for it instead of deadlocking. The last test walks
every command of the services and fails for one that reads a post or thread and
does not re-check it under the lock order's thread lock (new commands included).
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import pathlib
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import socialcrm.capabilities
from concurrency_workers import SETTINGS, open_community
from databases import POOL, database_url
from deletion_workers import MIXED_SETTINGS, run_mixed_worker
from ledger_invariants import check_deletion_invariants
from socialcrm import Community, NotFound
from socialcrm.adapters.sqlalchemy.repositories.posts import SQLPostRepository
from socialcrm.adapters.sqlalchemy.repositories.votes import SQLVoteRepository
from socialcrm.capabilities.bounties import service as bounties_module
from socialcrm.capabilities.flags import service as flags_module
from socialcrm.capabilities.threads import posts as posts_module
from socialcrm.capabilities.votes import service as votes_module
from socialcrm.services import runtime as runtime_module

RACE_SETTINGS = (
    SETTINGS.with_privileges(set_bounty=0, edit=0, flag=0)
    .with_bounties(require_reputation=False)
    .with_flags(min_trust_level=0)
)

#: Seconds any step may take before the test calls it stuck.
STEP = 30


@pytest.fixture(params=["postgres", "mariadb"])
def schema(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """``(url, prefix)`` of an empty schema at head, for worker processes."""
    yield database_url(request.param), POOL.next_prefix(request.param)


@pytest.fixture(params=["postgres", "mariadb"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[Community, Community]]:
    """Two communities, each with its own engine, on one empty schema at head."""
    kind = request.param
    prefix = POOL.next_prefix(kind)
    url = database_url(kind)
    first = open_community(url, prefix, RACE_SETTINGS)
    second = open_community(url, prefix, RACE_SETTINGS)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


class Hold:
    """Stops the thread named ``held`` after ``module.name`` returns, until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        original = getattr(module, name)

        def holding(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if threading.current_thread().name == "held" and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(STEP), "the held command was never released"
            return result

        monkeypatch.setattr(module, name, holding)


def _start_held(command: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = command()
        except BaseException as error:  # noqa: BLE001 - the test asserts on it
            outcome["error"] = error

    thread = threading.Thread(target=run, name="held", daemon=True)
    thread.start()
    return thread, outcome


def _race(hold: Hold, held: Callable[[], Any], other: Callable[[], Any]) -> dict[str, Any]:
    """Hold ``held`` at its check, run ``other`` to its commit, then let ``held`` go on."""
    thread, outcome = _start_held(held)
    assert hold.reached.wait(STEP), outcome
    try:
        other()
    finally:
        hold.release.set()
    thread.join(STEP)
    assert not thread.is_alive()
    return outcome


def _seed(community: Community) -> types.SimpleNamespace:
    """An admin, a space, a question by ``asker`` with an answer by ``author``, a voter."""
    with community.unit_of_work():
        admin = community.members.join(external_id="admin", display_name="Admin", roles=["admin"])
        community.spaces.create(actor=admin.id, slug="help", name="Help")
        asker = community.members.join(external_id="asker", display_name="Asker")
        author = community.members.join(external_id="author", display_name="Author")
        voter = community.members.join(external_id="voter", display_name="Voter")
        question = community.threads.start(
            actor=asker.id, space="help", kind="question", title="Who wins the race?", body="?"
        )
        answer = community.posts.reply(actor=author.id, thread=question.id, body="Nobody.")
    return types.SimpleNamespace(
        admin=admin.id,
        asker=asker.id,
        author=author.id,
        voter=voter.id,
        thread=question.id,
        opening=question.opening_post_id,
        answer=answer.id,
    )


def _deleted_events(community: Community) -> list[str]:
    with community.storage.unit_of_work(read_only=True) as uow:
        return [m.payload for m in uow.outbox.pending(limit=10_000) if m.name == "post_deleted"]


def test_deleting_the_same_reply_twice_at_once_deletes_it_once(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    hold = Hold(monkeypatch, posts_module, "visible_post")
    outcome = _race(
        hold,
        lambda: held.posts.delete(actor=seed.author, post=seed.answer),
        lambda: other.posts.delete(actor=seed.admin, post=seed.answer, reason="spam"),
    )
    assert isinstance(outcome.get("error"), NotFound), outcome
    assert outcome["error"].code == "post_not_found"
    assert len(_deleted_events(other)) == 1
    assert other.threads.get(actor=seed.asker, thread=seed.thread).reply_count == 0
    check_deletion_invariants(other, [seed.thread])


def test_a_vote_racing_the_posts_deletion_leaves_no_vote_and_no_reputation(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    hold = Hold(monkeypatch, votes_module, "visible_post")
    outcome = _race(
        hold,
        lambda: held.votes.cast(actor=seed.voter, post=seed.answer, value=1),
        lambda: other.posts.delete(actor=seed.author, post=seed.answer),
    )
    assert isinstance(outcome.get("error"), NotFound), outcome
    with other.storage.unit_of_work(read_only=True) as uow:
        assert uow.votes.for_post(seed.answer) == []
        assert uow.posts.get(seed.answer).score == 0
    assert other.reputation.of(seed.author) == SETTINGS.reputation_start
    check_deletion_invariants(other, [seed.thread])


def test_changing_a_vote_while_its_thread_is_deleted_undoes_the_upvote_once(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    held.votes.cast(actor=seed.voter, post=seed.answer, value=1)
    assert held.reputation.of(seed.author) == SETTINGS.reputation_start + 10
    hold = Hold(monkeypatch, votes_module, "visible_post")
    outcome = _race(
        hold,
        lambda: held.votes.cast(actor=seed.voter, post=seed.answer, value=-1),
        lambda: other.posts.delete(actor=seed.asker, post=seed.opening),
    )
    assert isinstance(outcome.get("error"), NotFound), outcome
    assert other.reputation.of(seed.author) == SETTINGS.reputation_start
    assert other.reputation.of(seed.voter) == SETTINGS.reputation_start
    assert other.reputation.recompute() == {}
    check_deletion_invariants(other, [seed.thread])


def test_a_bounty_award_racing_the_answers_deletion_keeps_nothing(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    bounty = held.bounties.offer(actor=seed.asker, thread=seed.thread, amount=50)
    hold = Hold(monkeypatch, bounties_module, "visible_post")
    outcome = _race(
        hold,
        lambda: held.bounties.award(actor=seed.asker, answer=seed.answer),
        lambda: other.posts.delete(actor=seed.author, post=seed.answer),
    )
    assert isinstance(outcome.get("error"), NotFound), outcome
    assert other.bounties.open_on(actor=seed.asker, thread=seed.thread) == bounty
    assert other.reputation.of(seed.author) == SETTINGS.reputation_start
    check_deletion_invariants(other, [seed.thread])


def test_a_bounty_offer_racing_the_questions_deletion_opens_nothing(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    hold = Hold(monkeypatch, bounties_module, "visible_thread")
    outcome = _race(
        hold,
        lambda: held.bounties.offer(actor=seed.voter, thread=seed.thread, amount=50),
        lambda: other.posts.delete(actor=seed.asker, post=seed.opening),
    )
    assert isinstance(outcome.get("error"), NotFound), outcome
    with other.storage.unit_of_work(read_only=True) as uow:
        assert uow.bounties.for_thread(seed.thread) == []
    assert other.reputation.of(seed.voter) == SETTINGS.reputation_start
    check_deletion_invariants(other, [seed.thread])


def test_hiding_a_reply_racing_its_deletion_counts_it_out_once(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    held.flags.flag_post(actor=seed.voter, post=seed.answer, reason="off_topic")
    hold = Hold(monkeypatch, flags_module, "visible_post")
    outcome = _race(
        hold,
        lambda: held.flags.agree(actor=seed.admin, post=seed.answer, reason="off topic"),
        lambda: other.posts.delete(actor=seed.author, post=seed.answer),
    )
    assert "result" in outcome or isinstance(outcome.get("error"), NotFound), outcome
    with other.storage.unit_of_work(read_only=True) as uow:
        assert uow.posts.get(seed.answer).hidden_at is None
    assert other.threads.get(actor=seed.asker, thread=seed.thread).reply_count == 0
    check_deletion_invariants(other, [seed.thread])


@pytest.mark.parametrize("second", ["change", "retract"])
def test_a_retraction_that_read_the_vote_before_a_change_takes_off_what_is_there(
    pair, monkeypatch, second
):
    """The retraction read the vote (+1) without a lock; the same member's change to
    -1 (or a second retraction) commits before it deletes. Deleting the row by id and
    taking +1 off the score would leave a score of -2 on a post without votes: the
    removal is a compare-and-set on the value read, and the loser retries."""
    held, other = pair
    seed = _seed(held)
    other.votes.cast(actor=seed.voter, post=seed.answer, value=1)
    hold = Hold(monkeypatch, SQLVoteRepository, "get")
    thread, outcome = _start_held(lambda: held.votes.retract(actor=seed.voter, post=seed.answer))
    assert hold.reached.wait(STEP), outcome
    try:
        if second == "change":
            other.votes.cast(actor=seed.voter, post=seed.answer, value=-1)
        else:
            other.votes.retract(actor=seed.voter, post=seed.answer)
    finally:
        hold.release.set()
    thread.join(STEP)
    if second == "change":
        assert "error" not in outcome, outcome  # retried: it took back the -1
    else:
        assert isinstance(outcome.get("error"), NotFound), outcome  # nothing left to retract
    assert other.votes.get(actor=seed.voter, post=seed.answer) is None
    assert other.posts.get(actor=seed.voter, post=seed.answer).score == 0
    assert other.reputation.of(seed.author) == SETTINGS.reputation_start
    check_deletion_invariants(other, [seed.thread])


def test_a_vote_waits_for_an_edit_of_its_post_instead_of_deadlocking(pair, monkeypatch):
    held, other = pair
    seed = _seed(held)
    retries = {"count": 0}
    sleep = runtime_module.time.sleep

    def counting_sleep(seconds: float) -> None:
        retries["count"] += 1
        sleep(seconds)

    monkeypatch.setattr(runtime_module, "time", types.SimpleNamespace(sleep=counting_sleep))
    # Held once the edit wrote its revision: the row's foreign key holds a share
    # lock on the editor's member row (the post's author), which the vote then
    # needs. Before the edit locked the post first, the vote took the post, waited
    # for the author, and the edit's UPDATE of the post closed the cycle.
    hold = Hold(monkeypatch, SQLPostRepository, "add_revision")
    thread, outcome = _start_held(
        lambda: held.posts.edit(actor=seed.author, post=seed.answer, body="Nobody, edited.")
    )
    assert hold.reached.wait(STEP), outcome
    voted: dict[str, Any] = {}

    def vote() -> None:
        try:
            voted["vote"] = other.votes.cast(actor=seed.voter, post=seed.answer, value=1)
        except BaseException as error:  # noqa: BLE001 - asserted below
            voted["error"] = error

    voter = threading.Thread(target=vote, daemon=True)
    voter.start()
    voter.join(1.0)  # the vote runs into the edit's locks and waits there
    hold.release.set()
    thread.join(STEP)
    voter.join(STEP)
    assert "error" not in outcome and "error" not in voted, (outcome, voted)
    assert retries["count"] == 0
    assert other.posts.get(actor=seed.voter, post=seed.answer).body == "Nobody, edited."
    assert other.reputation.of(seed.author) == SETTINGS.reputation_start + 10
    check_deletion_invariants(other, [seed.thread])


# ------------------------------------------------------------ every command, found by itself

#: Calls that take the thread's lock (and the post's) and re-check "not deleted".
LOCKING_CALLS = frozenset(
    {
        "lock_live_thread",
        "lock_live_post",
        "live_post_under_thread_lock",
        "delete_post",
        "hide_post",
        "unhide_post",
        "threads.lock",
    }
)

#: Commands that act on a post or thread without writing anything that depends on it
#: staying live, and why.
NEEDS_NO_LOCK = {
    ("Members", "record_read"): "reading marks are kept for deleted threads too",
    ("Threads", "record_views"): "a view counter; a deleted thread's count harms nothing",
    ("Flags", "_decide"): "its post decisions go through hide_post / unhide_post / delete_post",
    ("audit.service", "_space_of"): "reads the space an audit entry is filed under; writes none",
    ("badges.engine", "_space_of_award"): "reads the space an award is filed under; writes none",
}


def _called_names(function: ast.FunctionDef) -> set[str]:
    """The names ``function`` calls: ``f``, ``attr`` and ``owner.attr`` (``threads.lock``)."""
    names = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            names.add(node.func.id)
        elif isinstance(node.func, ast.Attribute):
            names.add(node.func.attr)
            owner = node.func.value
            if isinstance(owner, ast.Attribute):
                names.add(f"{owner.attr}.{node.func.attr}")
    return names


def _commands_on_content() -> Iterator[tuple[str, str, set[str]]]:
    """``(class or module, function, names it calls)`` for each command that reads a
    post or thread: methods that open a command, and module-level functions that run
    inside one (they take the command's ``tx``)."""
    folder = pathlib.Path(socialcrm.capabilities.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            (cls.name, method, "command")
            for cls in tree.body
            if isinstance(cls, ast.ClassDef)
            for method in cls.body
            if isinstance(method, ast.FunctionDef)
        ]
        functions += [
            (f"{path.parent.name}.{path.stem}", function, "tx")
            for function in tree.body
            if isinstance(function, ast.FunctionDef)
            and "tx" in {arg.arg for arg in function.args.args + function.args.kwonlyargs}
        ]
        for owner, function, marker in functions:
            calls = _called_names(function)
            in_command = marker == "tx" or "command" in calls
            if in_command and calls & {"visible_post", "visible_thread", "locate"}:
                yield owner, function.name, calls


def test_every_command_on_a_post_or_thread_rechecks_it_under_its_lock():
    """A new command that reads a post or thread and writes must take the lock order's
    thread lock and re-check there, or be listed in ``NEEDS_NO_LOCK`` with a reason."""
    found = list(_commands_on_content())
    assert len(found) > 10  # the walk found the commands
    missing = [
        f"{cls}.{name}"
        for cls, name, calls in found
        if not calls & LOCKING_CALLS and (cls, name) not in NEEDS_NO_LOCK
    ]
    assert missing == []
    stale = set(NEEDS_NO_LOCK) - {(cls, name) for cls, name, _ in found}
    assert stale == set()


# --- A mixed load of several processes racing deletions ------------------------------
#
# The tests above hold two commands at one point. This one lets six processes collide
# freely on three questions for a few seconds: two vote (cast, change, retract), two
# reply and offer and award bounties, and two delete replies and whole threads, both
# drawing the same targets in the same order so they often delete the same reply at
# once. Each worker stops by itself after MIXED_COMMANDS commands or MIXED_SECONDS.

MIXED_SECONDS = 3.0
MIXED_COMMANDS = 150
MIXED_ROLES = ("voter", "voter", "replier", "replier", "deleter", "deleter")

#: Refusals a command of the mixed load may meet (the thing is gone, one vote or bounty
#: at a time, the asker's reputation spent, one's own post): never a storage error.
EXPECTED_REFUSALS = {"NotFound", "Conflict", "PermissionDenied", "ValidationError"}


def _seed_mixed(url: str, prefix: str) -> dict[str, Any]:
    community = open_community(url, prefix, MIXED_SETTINGS)
    try:
        with community.unit_of_work():
            admin = community.members.join(
                external_id="admin", display_name="Admin", roles=["admin"]
            )
            community.spaces.create(actor=admin.id, slug="help", name="Help")
            members = [
                community.members.join(external_id=f"m{i}", display_name=f"Member {i}").id
                for i in range(8)
            ]
            askers, threads = {}, []
            for i in range(3):
                asker = community.members.join(external_id=f"asker{i}", display_name=f"A {i}")
                question = community.threads.start(
                    actor=asker.id,
                    space="help",
                    kind="question",
                    title=f"Which process wins race {i}?",
                    body="Let us see.",
                )
                for author in members[i : i + 4]:
                    community.posts.reply(
                        actor=author, thread=question.id, body=f"answer {i} by {author}"
                    )
                threads.append(question.id)
                askers[question.id] = asker.id
        # Upvotes on the questions give the askers reputation to offer bounties with.
        for thread in threads:
            opening = community.threads.get(actor=None, thread=thread).opening_post_id
            for voter in members:
                community.votes.cast(actor=voter, post=opening, value=1)
        return {"admin": admin.id, "threads": threads, "askers": askers, "members": members}
    finally:
        community.close()


def _run_mixed(url: str, prefix: str, seed: dict[str, Any]) -> list[dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(MIXED_ROLES))
    results = context.Queue()
    processes = []
    for tag, role in enumerate(MIXED_ROLES):
        # Both deleters draw the same sequence: they delete the same replies at once.
        rng_seed = 1000 if role == "deleter" else tag
        args = (url, prefix, barrier, results, tag, role, seed, rng_seed)
        processes.append(
            context.Process(target=run_mixed_worker, args=(*args, MIXED_COMMANDS, MIXED_SECONDS))
        )
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return sorted(outcomes, key=lambda o: o["tag"])


@pytest.mark.xdist_group("processes")  # one multi-process test at a time (Makefile)
def test_six_processes_voting_replying_bountying_and_deleting_keep_the_books(schema, capsys):
    url, prefix = schema
    seed = _seed_mixed(url, prefix)
    started = time.monotonic()
    outcomes = _run_mixed(url, prefix, seed)
    # Reported, not asserted: a slow machine is no failure (benchmarks measure speed),
    # and a worker that hangs fails ``_run_mixed`` at its queue's timeout.
    elapsed = time.monotonic() - started
    errors = [e for o in outcomes for e in o["errors"]]
    assert errors == [], errors[:5]
    refused: Counter[str] = Counter()
    for outcome in outcomes:
        refused.update(outcome["refused"])
    assert {key.split(":")[0] for key in refused} <= EXPECTED_REFUSALS, refused
    retries = [o["retries"] for o in outcomes]
    commands = sum(o["commands"] for o in outcomes)
    with capsys.disabled():
        print(
            f"\n[mixed load] {elapsed:.1f}s, {commands} commands,"
            f" {sum(o['ok'] for o in outcomes)} done, retries {retries}, refused {dict(refused)}"
        )
    assert all(o["commands"] <= MIXED_COMMANDS for o in outcomes)
    # Each process did real work, and the deleters collided at least once.
    assert all(o["ok"] > 0 for o in outcomes), outcomes
    deleters = Counter()
    for outcome in outcomes:
        if outcome["role"] == "deleter":
            deleters.update(outcome["refused"])
    # Deleting what the other deleter just deleted: refused, not done twice.
    assert deleters["NotFound:post_not_found"] > 0, deleters
    # Transient failures stay a handful per command, not a storm.
    assert sum(retries) <= max(len(MIXED_ROLES), commands // 10), retries

    community = open_community(url, prefix, MIXED_SETTINGS)
    try:
        check_deletion_invariants(community, seed["threads"])
        with community.storage.unit_of_work(read_only=True) as uow:
            totals = uow.ledger.totals()
            for member_id, reputation in uow.members.reputations().items():
                assert reputation == MIXED_SETTINGS.reputation_start + totals.get(member_id, 0)
            deleted = [t for t in seed["threads"] if uow.threads.get(t).deleted_at is not None]
            still_open = [
                b for t in deleted for b in uow.bounties.for_thread(t) if b.status == "open"
            ]
        deleted_posts = Counter(
            json.loads(payload)["post_id"] for payload in _deleted_events(community)
        )
        assert [p for p, n in deleted_posts.items() if n > 1] == []
        # The offers on deleted questions are refunded (their ledger entries undone,
        # checked above) and their bounties closed.
        assert seed["threads"][0] in deleted
        assert still_open == []
        assert community.reputation.recompute() == {}
    finally:
        community.close()


def test_deleting_a_question_closes_its_open_bounty_as_refunded_once(pair):
    community, _ = pair
    seed = _seed(community)
    community.bounties.offer(actor=seed.asker, thread=seed.thread, amount=50)
    community.posts.delete(actor=seed.admin, post=seed.opening)
    check_deletion_invariants(community, [seed.thread])
    with community.storage.unit_of_work(read_only=True) as uow:
        [bounty] = uow.bounties.for_thread(seed.thread)
    assert bounty.status == "refunded"
    assert bounty.closed_by == seed.admin
    assert community.reputation.recompute() == {}

"""Stateful and differential property tests of the public ``Community`` API.

* :class:`CommunityMachine` drives one community (with a :class:`ManualClock`)
  through joins, threads, replies, votes (cast, change, retract), accepts,
  unaccepts, edits, deletions and clock jumps (seconds to days, so the vote lock
  and the UTC-day cap both matter). It keeps its own model of what the API must
  show (posts, votes, scores, accepted answers) and predicts the outcome of every
  command, including the rejections. A host plugin sometimes vetoes a command
  late, after its writes. A rejected command must leave every observable thing
  (members, reputation, ledgers, threads, posts, scores, votes, leaderboard)
  exactly as it was. After every step it checks
  the invariants: totals against the ledger, scores against the votes, one
  vote per member and post, one valid accepted answer per question, the daily
  reputation cap and the floor, and that the ledger's active entries are
  exactly what the model's live votes and accepts should have earned.
  It runs once per storage adapter.
* ``test_memory_and_sqlite_give_identical_results_for_the_same_program`` runs one
  random program on both adapters and compares every outcome and the final state
  (up to a renaming of ids when a host veto rolled an insert back).
* ``test_capped_reputation_per_member_and_day_never_exceeds_daily_cap`` is a
  regression-style property for the default 200-a-day cap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from conftest import sqlite_memory_storage
from socialcrm import (
    Community,
    Conflict,
    ContentRejected,
    HeldSubmission,
    LeaderboardRow,
    LedgerEntry,
    ManualClock,
    Member,
    NotFound,
    PermissionDenied,
    Post,
    Revision,
    Settings,
    SocialCRMError,
    Thread,
    ValidationError,
    Vote,
    WatchedWord,
    hookimpl,
)
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.core.events import Event
from socialcrm.plugins.context import HookContext


def memory_storage() -> MemoryStorage:
    return MemoryStorage()


def sqlite_storage() -> SQLAlchemyStorage:
    return sqlite_memory_storage()


#: Thresholds drawn per run: low ones let members cross (and fall back under)
#: the vote privileges within a few dozen steps; the defaults keep them out.
VOTE_UP_THRESHOLDS = st.sampled_from([11, 15])
VOTE_DOWN_THRESHOLDS = st.sampled_from([21, 125])
#: A small cap is reached within a run; 200 is the default.
DAILY_CAPS = st.sampled_from([200, 30])

EXTERNAL_IDS = [f"user-{n}" for n in range(8)]

CLOCK_STEPS = st.one_of(
    st.integers(1, 59).map(lambda s: timedelta(seconds=s)),
    st.integers(1, 10).map(lambda m: timedelta(minutes=m)),
    st.integers(1, 30).map(lambda h: timedelta(hours=h)),
    st.integers(1, 3).map(lambda d: timedelta(days=d)),
)

UPVOTE_RULES = {"question": "question_upvoted", "answer": "answer_upvoted"}
CAPPED_RULES = frozenset({"question_upvoted", "answer_upvoted", "post_upvoted"})
DOWNVOTE_RULES = frozenset({"downvoted", "downvote_cost"})
ACCEPT_RULES = frozenset({"answer_accepted", "accepted_an_answer"})

#: ``(error class, code)`` a command is predicted to raise; ``None`` for success.
Expectation = tuple[type[SocialCRMError], str] | None

REJECTED = object()


#: Serial-vote thresholds low enough for short random programs to cross them.
SERIAL_THRESHOLD = 2
SERIAL_WINDOW = timedelta(hours=1)


#: Watched words the machine's replies may contain, so the content pipeline is exercised:
#: one holds the reply for approval, one blocks it, one is censored.
WATCHED_WORDS = (
    WatchedWord(pattern="refund", action="require_approval"),
    WatchedWord(pattern="casino", action="block"),
    WatchedWord(pattern="darn", action="censor"),
)


def make_settings(cap: int, vote_up: int, vote_down: int) -> Settings:
    # The model does not predict rate-limit refusals; the limits have their own
    # property test (tests/test_posting_and_vote_limits.py).
    return (
        attrs.evolve(
            Settings(),
            daily_reputation_cap=cap,
            serial_vote_threshold=SERIAL_THRESHOLD,
            serial_vote_window_seconds=int(SERIAL_WINDOW.total_seconds()),
        )
        .with_privileges(vote_up=vote_up, vote_down=vote_down)
        .with_content(watched_words=WATCHED_WORDS)
        .with_rate_limits(enabled=False)
    )


class HostVeto:
    """A host plugin that, once armed, refuses the next event a command records.

    ``socialcrm_on_event`` runs after the command's writes (rows, scores, ledger
    entries), so a veto checks that a late failure rolls all of them back.
    """

    def __init__(self) -> None:
        self.armed = False

    @hookimpl
    def socialcrm_on_event(self, event: Event, context: HookContext) -> None:
        if self.armed:
            raise Conflict(f"the host refused {event.name}", code="host_veto")


# ---------------------------------------------------------------- observing a community


def full_history(community: Community, member_id: int) -> tuple[LedgerEntry, ...]:
    """Every ledger entry of a member, newest first, read page by page."""
    limit = community.settings.page_size_limit
    entries: list[LedgerEntry] = []
    offset = 0
    while True:
        page = community.reputation.history(member_id, limit=limit, offset=offset)
        entries.extend(page)
        if len(page) < limit:
            return tuple(entries)
        offset += limit


@attrs.frozen
class Observed:
    """Everything the API shows about the community (to an admin and a moderator)."""

    members: dict[int, Member]
    ledger: dict[int, tuple[LedgerEntry, ...]]
    threads: dict[int, Thread]
    posts: dict[int, tuple[Post, ...]]
    votes: dict[int, tuple[Vote, ...]]
    leaderboard: tuple[tuple[int, int, int], ...]


def observe(community: Community, admin: int, moderator: int) -> Observed:
    members = {m.id: m for m in community.members.list(limit=community.settings.page_size_limit)}
    ledger = {mid: full_history(community, mid) for mid in members}
    threads = {t.id: t for t in community.threads.list(actor=admin, limit=200)}
    posts = {tid: tuple(community.posts.list(actor=admin, thread=tid)) for tid in threads}
    votes = {
        p.id: tuple(community.votes.for_post(actor=moderator, post=p.id))
        for thread_posts in posts.values()
        for p in thread_posts
    }
    board = community.reputation.leaderboard(limit=community.settings.page_size_limit)
    return Observed(
        members=members,
        ledger=ledger,
        threads=threads,
        posts=posts,
        votes=votes,
        leaderboard=tuple((row.rank, row.member_id, row.score) for row in board),
    )


def describe_difference(before: Observed, after: Observed) -> str:
    lines = []
    for field in attrs.fields(Observed):
        old, new = getattr(before, field.name), getattr(after, field.name)
        if old == new:
            continue
        if isinstance(old, dict):
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    lines.append(f"{field.name}[{key}]: {old.get(key)!r} -> {new.get(key)!r}")
        else:
            lines.append(f"{field.name}: {old!r} -> {new!r}")
    return "\n".join(lines)


def check_ledger(settings: Settings, ledger: dict[int, tuple[LedgerEntry, ...]]) -> None:
    """Replay every member's ledger: undo links, cap, floor; totals are checked by the caller."""
    entries = sorted((e for es in ledger.values() for e in es), key=lambda e: e.id)
    by_id = {e.id: e for e in entries}
    assert len(by_id) == len(entries), "a ledger entry id appears twice"
    undone = Counter(e.undoes for e in entries if e.undoes is not None)
    assert all(n == 1 for n in undone.values()), f"entries undone twice: {undone}"

    cap_used: Counter[tuple[int, date]] = Counter()
    running = {mid: settings.reputation_start for mid in ledger}
    for e in entries:
        before = running[e.member_id]
        if e.undoes is not None:
            original = by_id.get(e.undoes)
            assert original is not None, f"{e} undoes an entry that does not exist"
            assert original.undoes is None, f"{e} undoes a compensating entry"
            assert original.id < e.id
            assert (e.member_id, e.cause, e.rule, e.cap_day, e.post_id) == (
                original.member_id,
                original.cause,
                original.rule,
                original.cap_day,
                original.post_id,
            ), f"{e} does not mirror {original}"
            assert e.requested == -original.delta, f"{e} must compensate exactly {original}"
        elif e.rule in CAPPED_RULES:
            assert e.cap_day == e.at.date(), f"capped entry counted against another day: {e}"
            assert 0 <= e.delta <= e.requested, e
            used = cap_used[(e.member_id, e.cap_day)]
            if e.delta < e.requested:
                # Cut short only because the cap was full: it is now exactly used up.
                assert used + e.delta == settings.daily_reputation_cap, (
                    f"{e} was cut to {e.delta} with {used} of the cap used"
                )
        elif e.rule in DOWNVOTE_RULES:
            assert e.cap_day is None, e
        elif e.rule in ACCEPT_RULES:
            assert e.cap_day is None and e.delta == e.requested, e
        else:
            raise AssertionError(f"unexpected rule in the ledger: {e}")

        if e.undoes is not None:
            # A compensating entry gives back or takes back at most what its
            # original applied (undoing shares what the member loses or regains
            # among the entries it undoes; see the replay check below).
            assert min(0, e.requested) <= e.delta <= max(0, e.requested), e
        elif e.requested >= 0:
            assert e.delta == e.requested or e.rule in CAPPED_RULES, e
        else:
            assert e.requested <= e.delta <= 0, e
            if e.delta > e.requested:
                # A loss is cut short only at the floor.
                assert before + e.delta == min(before, settings.reputation_floor), (
                    f"{e} was cut to {e.delta} with reputation {before}"
                )
        running[e.member_id] = before + e.delta
        assert running[e.member_id] >= settings.reputation_floor, (
            f"member {e.member_id} fell to {running[e.member_id]} after {e}"
        )
        if e.cap_day is not None:
            cap_used[(e.member_id, e.cap_day)] += e.delta
            assert cap_used[(e.member_id, e.cap_day)] <= settings.daily_reputation_cap, (
                f"member {e.member_id} got {cap_used[(e.member_id, e.cap_day)]} capped "
                f"reputation on {e.cap_day} (cap {settings.daily_reputation_cap})"
            )

    # Undo never creates reputation: every member stands exactly where a replay of
    # their live entries (neither undone nor compensating) puts them, gains as
    # stored and losses floored again, as if the undone entries had never been made.
    replayed = {mid: settings.reputation_start for mid in ledger}
    for e in entries:
        if e.undoes is not None or e.id in undone:
            continue
        value = replayed[e.member_id]
        if e.requested < 0:
            value += max(e.requested, min(0, settings.reputation_floor - value))
        else:
            value += e.delta
        replayed[e.member_id] = value
    assert running == replayed, f"ledger totals {running} != replay of live entries {replayed}"


# ---------------------------------------------------------------- the model


@dataclass
class ModelMember:
    id: int
    external_id: str
    roles: frozenset[str]

    @property
    def is_moderator(self) -> bool:
        return not self.roles.isdisjoint({"moderator", "staff", "admin"})


@dataclass
class ModelThread:
    id: int
    kind: str
    title: str
    author: int
    opening: int
    created_at: datetime
    last_activity_at: datetime
    accepted: int | None = None
    deleted: bool = False


@dataclass
class ModelPost:
    id: int
    thread: int
    author: int
    is_opening: bool
    body: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False


@dataclass
class ModelVote:
    id: int
    value: int
    cast_at: datetime


class CommunityMachine(RuleBasedStateMachine):
    """Random command sequences against one community; see the module docstring."""

    make_storage: Callable[[], Any] = staticmethod(memory_storage)

    def __init__(self) -> None:
        super().__init__()
        self.community: Community | None = None
        self.members: dict[int, ModelMember] = {}
        self.threads: dict[int, ModelThread] = {}
        self.posts: dict[int, ModelPost] = {}
        self.votes: dict[tuple[int, int], ModelVote] = {}
        self.last: Observed | None = None
        self.serial = 0
        # Replies held for approval: (review item id, thread id, author, body).
        self.held: list[tuple[int, int, int, str]] = []

    # ------------------------------------------------------------ set-up and helpers

    @initialize(cap=DAILY_CAPS, vote_up=VOTE_UP_THRESHOLDS, vote_down=VOTE_DOWN_THRESHOLDS)
    def start_community(self, cap: int, vote_up: int, vote_down: int) -> None:
        self.settings = make_settings(cap, vote_up, vote_down)
        self.clock = ManualClock()
        self.veto = HostVeto()
        self.community = Community(
            type(self).make_storage(),
            settings=self.settings,
            clock=self.clock,
            plugins=[self.veto],
            entry_points=False,
        )
        admin = self.community.members.join(
            external_id="admin", display_name="Ada", roles=["admin"]
        )
        moderator = self.community.members.join(
            external_id="mod", display_name="Mo", roles=["moderator"]
        )
        self.admin, self.moderator = admin.id, moderator.id
        for member in (admin, moderator):
            self.members[member.id] = ModelMember(member.id, member.external_id, member.roles)
        for name in ("ann", "bob"):
            member = self.community.members.join(external_id=name, display_name=name.title())
            self.members[member.id] = ModelMember(member.id, name, member.roles)
        self.space = self.community.spaces.create(actor=self.admin, slug="support", name="Support")
        # One question from the start, so every rule but retract is enabled at once.
        asker = max(self.members)
        title, body = "Where is the export button?", "I looked everywhere."
        thread = self.community.threads.start(
            actor=asker, space="support", kind="question", title=title, body=body
        )
        now = self.now()
        self.threads[thread.id] = ModelThread(
            thread.id, "question", title, asker, thread.opening_post_id, now, now
        )
        self.posts[thread.opening_post_id] = ModelPost(
            thread.opening_post_id, thread.id, asker, True, body, now
        )

    def teardown(self) -> None:
        if self.community is not None:
            self.community.close()

    def now(self) -> datetime:
        return self.clock.now()

    def text(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix} number {self.serial}"

    def visible(self, post_id: int) -> bool:
        post = self.posts[post_id]
        return not post.deleted and not self.threads[post.thread].deleted

    def reputation(self, member_id: int) -> int:
        assert self.last is not None
        return self.last.members[member_id].reputation

    def holds(self, member_id: int, privilege: str) -> bool:
        if self.members[member_id].is_moderator:
            return True
        return self.reputation(member_id) >= self.settings.privileges[privilege]

    def score(self, post_id: int) -> int:
        return sum(v.value for (pid, _), v in self.votes.items() if pid == post_id)

    def kind_of(self, post: ModelPost) -> str:
        if self.threads[post.thread].kind == "question":
            return "question" if post.is_opening else "answer"
        return "opening" if post.is_opening else "reply"

    def locked(self, vote: ModelVote, post: ModelPost) -> bool:
        lock = self.settings.vote_lock_seconds
        if self.now() - vote.cast_at < timedelta(seconds=lock):
            return False
        return post.edited_at is None or post.edited_at <= vote.cast_at

    def attempt(
        self, what: str, expected: Expectation, command: Callable[[], Any], *, noop: bool = False
    ) -> Any:
        """Run a command; check it fails as predicted (changing nothing) or succeeds.

        ``noop``: the command succeeds without changing anything (so records no event).
        """
        assert self.community is not None and self.last is not None
        if self.veto.armed and expected is None and not noop:
            what, expected = f"{what} vetoed", (Conflict, "host_veto")
        event(
            f"{what}: " + ("ok" if expected is None else f"{expected[0].__name__}({expected[1]})")
        )
        try:
            result = command()
        except SocialCRMError as exc:
            if expected is None:
                raise AssertionError(
                    f"the model expected success, got {type(exc).__name__}({exc.code}): {exc}"
                ) from exc
            assert (type(exc), exc.code) == expected, (
                f"expected {expected[0].__name__}({expected[1]}), "
                f"got {type(exc).__name__}({exc.code}): {exc}"
            )
            after = observe(self.community, self.admin, self.moderator)
            assert after == self.last, (
                f"rejected command changed the state:\n{describe_difference(self.last, after)}"
            )
            return REJECTED
        if expected is not None:
            raise AssertionError(
                f"expected {expected[0].__name__}({expected[1]}), the command returned {result!r}"
            )
        return result

    def pick_member(self, data: st.DataObject, label: str) -> int:
        return data.draw(st.sampled_from(sorted(self.members)), label=label)

    def pick_post(self, data: st.DataObject, label: str = "post") -> int:
        return data.draw(st.sampled_from(sorted(self.posts)), label=label)

    def pick_actor_for(self, data: st.DataObject, author: int) -> int:
        """The author, a moderator or anyone: enough of each for every branch."""
        choices = sorted({author, self.moderator} | set(self.members))
        return data.draw(
            st.one_of(st.just(author), st.just(self.moderator), st.sampled_from(choices)),
            label="actor",
        )

    # ------------------------------------------------------------ rules

    @rule(external_id=st.sampled_from(EXTERNAL_IDS), moderator=st.booleans())
    def join(self, external_id: str, moderator: bool) -> None:
        taken = any(m.external_id == external_id for m in self.members.values())
        roles = ["moderator"] if moderator and external_id.endswith(("0", "1")) else []
        expected = (Conflict, "duplicate_external_id") if taken else None
        member = self.attempt(
            "join",
            expected,
            lambda: self.community.members.join(
                external_id=external_id, display_name=external_id.title(), roles=roles
            ),
        )
        if member is REJECTED:
            return
        assert member.reputation == self.settings.reputation_start
        assert member.roles == frozenset({"member", *roles})
        assert member.joined_at == self.now()
        assert member.id not in self.members
        self.members[member.id] = ModelMember(member.id, external_id, member.roles)

    @rule(
        data=st.data(),
        kind=st.sampled_from(["question", "question", "question", "discussion"]),
        valid_title=st.integers(0, 9).map(lambda n: n > 0),
    )
    def start_thread(self, data: st.DataObject, kind: str, valid_title: bool) -> None:
        actor = self.pick_member(data, "actor")
        title = self.text("How do I fix problem") if valid_title else "Help?"
        body = self.text("Details of the problem")
        expected = None if valid_title else (ValidationError, "invalid")
        thread = self.attempt(
            "start",
            expected,
            lambda: self.community.threads.start(
                actor=actor, space="support", kind=kind, title=title, body=body
            ),
        )
        if thread is REJECTED:
            return
        assert (thread.kind, thread.author_id, thread.title, thread.reply_count) == (
            kind,
            actor,
            title,
            0,
        )
        assert thread.id not in self.threads and thread.opening_post_id not in self.posts
        now = self.now()
        self.threads[thread.id] = ModelThread(
            thread.id, kind, title, actor, thread.opening_post_id, now, now
        )
        self.posts[thread.opening_post_id] = ModelPost(
            thread.opening_post_id, thread.id, actor, True, body, now
        )

    @precondition(lambda self: self.threads)
    @rule(data=st.data())
    def reply(self, data: st.DataObject) -> None:
        thread_id = data.draw(st.sampled_from(sorted(self.threads)), label="thread")
        actor = self.pick_member(data, "actor")
        body = self.text("An answer")
        thread = self.threads[thread_id]
        expected = (NotFound, "thread_not_found") if thread.deleted else None
        post = self.attempt(
            "reply",
            expected,
            lambda: self.community.posts.reply(actor=actor, thread=thread_id, body=body),
        )
        if post is REJECTED:
            return
        assert (post.thread_id, post.author_id, post.body, post.score, post.is_opening) == (
            thread_id,
            actor,
            body,
            0,
            False,
        )
        assert post.id not in self.posts
        self.posts[post.id] = ModelPost(post.id, thread_id, actor, False, body, self.now())
        thread.last_activity_at = self.now()

    def cast(self, actor: int, post_id: int, value: int) -> None:
        post = self.posts[post_id]
        existing = self.votes.get((post_id, actor))
        privilege = "vote_up" if value == 1 else "vote_down"
        expected: Expectation = None
        if not self.visible(post_id):
            expected = (NotFound, "post_not_found")
        elif post.author == actor:
            expected = (PermissionDenied, "own_post")
        elif existing is not None and existing.value == value:
            expected = None
        elif not self.holds(actor, privilege):
            expected = (PermissionDenied, "permission_denied")
        elif existing is not None and self.locked(existing, post):
            expected = (Conflict, "vote_locked")
        vote = self.attempt(
            "cast",
            expected,
            lambda: self.community.votes.cast(actor=actor, post=post_id, value=value),
            noop=existing is not None and existing.value == value,
        )
        if vote is REJECTED:
            return
        assert (vote.post_id, vote.member_id, vote.value) == (post_id, actor, value)
        if existing is not None and existing.value == value:
            event("cast: repeat of the same value")
            assert (vote.id, vote.cast_at) == (existing.id, existing.cast_at), (
                "a repeat vote changed"
            )
            return
        if existing is not None:
            event("cast: changed value")
            assert vote.id == existing.id, "changing a vote must keep its id"
        assert vote.cast_at == self.now()
        self.votes[(post_id, actor)] = ModelVote(vote.id, value, vote.cast_at)

    @precondition(lambda self: self.posts)
    @rule(data=st.data(), value=st.sampled_from([1, 1, -1]))
    def cast_vote(self, data: st.DataObject, value: int) -> None:
        self.cast(self.pick_member(data, "voter"), self.pick_post(data), value)

    @precondition(lambda self: self.posts)
    @rule(data=st.data(), value=st.sampled_from([1, 1, 1, -1]))
    def cast_vote_as_moderator(self, data: st.DataObject, value: int) -> None:
        # Moderators hold every privilege: their votes move reputation around.
        moderators = sorted(m.id for m in self.members.values() if m.is_moderator)
        actor = data.draw(st.sampled_from(moderators), label="moderator")
        self.cast(actor, self.pick_post(data), value)

    @precondition(lambda self: len(self.posts) >= 2)
    @rule(data=st.data(), value=st.sampled_from([1, 1, -1]))
    def vote_for_one_author(self, data: st.DataObject, value: int) -> None:
        """A voter votes on several posts of one author in a row: serial voting's shape."""
        author = data.draw(
            st.sampled_from(sorted({p.author for p in self.posts.values()})), label="author"
        )
        voter = data.draw(
            st.sampled_from(sorted({self.moderator, *self.members} - {author})), label="voter"
        )
        for post_id in sorted(p.id for p in self.posts.values() if p.author == author)[:4]:
            self.cast(voter, post_id, value)
            # The next cast's "rejected changes nothing" check compares with this state.
            self.last = observe(self.community, self.admin, self.moderator)

    @precondition(lambda self: self.votes)
    @rule(data=st.data(), flip=st.integers(0, 4).map(lambda n: n > 0))
    def change_vote(self, data: st.DataObject, flip: bool) -> None:
        post_id, actor = data.draw(st.sampled_from(sorted(self.votes)), label="vote")
        value = self.votes[(post_id, actor)].value
        self.cast(actor, post_id, -value if flip else value)

    @precondition(lambda self: self.votes)
    @rule(data=st.data())
    def retract_vote(self, data: st.DataObject) -> None:
        # Mostly an existing vote, sometimes any member and post.
        key = data.draw(st.sampled_from(sorted(self.votes)), label="vote")
        if data.draw(st.integers(0, 3), label="other") == 0:
            key = (self.pick_post(data), self.pick_member(data, "member"))
        post_id, actor = key
        existing = self.votes.get(key)
        expected: Expectation = None
        if not self.visible(post_id):
            expected = (NotFound, "post_not_found")
        elif existing is None:
            expected = (NotFound, "no_vote")
        elif self.locked(existing, self.posts[post_id]):
            expected = (Conflict, "vote_locked")
        result = self.attempt(
            "retract", expected, lambda: self.community.votes.retract(actor=actor, post=post_id)
        )
        if result is REJECTED:
            return
        assert result is None
        del self.votes[key]

    @precondition(lambda self: self.posts)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        post_id = self.pick_post(data, "answer")
        post = self.posts[post_id]
        thread = self.threads[post.thread]
        actor = self.pick_actor_for(data, thread.author)
        member = self.members[actor]
        expected: Expectation = None
        if not self.visible(post_id):
            expected = (NotFound, "post_not_found")
        elif thread.kind != "question":
            expected = (ValidationError, "invalid")
        elif not member.is_moderator and actor != thread.author:
            expected = (PermissionDenied, "not_the_asker")
        elif post.is_opening:
            expected = (ValidationError, "invalid")
        result = self.attempt(
            "accept",
            expected,
            lambda: self.community.threads.accept(actor=actor, answer=post_id),
            noop=thread.accepted == post_id,
        )
        if result is REJECTED:
            return
        assert (result.id, result.accepted_answer_id) == (thread.id, post_id)
        thread.accepted = post_id

    @precondition(lambda self: self.threads)
    @rule(data=st.data())
    def unaccept(self, data: st.DataObject) -> None:
        accepted = sorted(t.id for t in self.threads.values() if t.accepted is not None)
        thread_id = data.draw(
            st.sampled_from(accepted or sorted(self.threads))
            | st.sampled_from(sorted(self.threads)),
            label="thread",
        )
        thread = self.threads[thread_id]
        actor = self.pick_actor_for(data, thread.author)
        expected: Expectation = None
        if thread.deleted:
            expected = (NotFound, "thread_not_found")
        elif thread.kind != "question":
            expected = (ValidationError, "invalid")
        elif not self.members[actor].is_moderator and actor != thread.author:
            expected = (PermissionDenied, "not_the_asker")
        result = self.attempt(
            "unaccept",
            expected,
            lambda: self.community.threads.unaccept(actor=actor, thread=thread_id),
            noop=thread.accepted is None,
        )
        if result is REJECTED:
            return
        assert (result.id, result.accepted_answer_id) == (thread_id, None)
        thread.accepted = None

    @precondition(lambda self: self.posts)
    @precondition(lambda self: self.threads)
    @rule(data=st.data(), word=st.sampled_from(["refund", "casino", "darn"]))
    def reply_with_a_watched_word(self, data: st.DataObject, word: str) -> None:
        """Blocked replies change nothing; held ones stay invisible; censored ones are rewritten."""
        assert self.community is not None
        thread_id = data.draw(st.sampled_from(sorted(self.threads)), label="thread")
        actor = self.pick_member(data, "actor")
        body = self.text(f"A {word} answer")
        thread = self.threads[thread_id]
        expected: Expectation = None
        if thread.deleted:
            expected = (NotFound, "thread_not_found")
        elif word == "casino":
            expected = (ContentRejected, "content_rejected")
        result = self.attempt(
            f"reply with {word}",
            expected,
            lambda: self.community.posts.reply(actor=actor, thread=thread_id, body=body),
        )
        if result is REJECTED:
            return
        if word == "refund" and not self.members[actor].is_moderator:
            assert isinstance(result, HeldSubmission) and result.item.thread_id == thread_id
            after = observe(self.community, self.admin, self.moderator)
            assert after == self.last, (
                f"a held reply changed what members see:\n{describe_difference(self.last, after)}"
            )
            self.held.append((result.review_item_id, thread_id, actor, body))
            return
        # Moderators are never held (their "refund" reply is published and flagged).
        assert isinstance(result, Post)
        expected_body = body.replace("darn", "■■■■")
        assert (result.thread_id, result.author_id, result.body) == (
            thread_id,
            actor,
            expected_body,
        )
        self.posts[result.id] = ModelPost(
            result.id, thread_id, actor, False, expected_body, self.now()
        )
        thread.last_activity_at = self.now()

    @precondition(lambda self: self.held)
    @rule(data=st.data())
    def approve_a_held_reply(self, data: st.DataObject) -> None:
        assert self.community is not None
        held = data.draw(st.sampled_from(self.held), label="held")
        item_id, thread_id, author, body = held
        thread = self.threads[thread_id]
        expected: Expectation = (Conflict, "thread_deleted") if thread.deleted else None
        post = self.attempt(
            "approve",
            expected,
            lambda: self.community.review.approve(actor=self.moderator, item=item_id),
        )
        if post is REJECTED:
            if thread.deleted:
                self.held.remove(held)  # it can only be rejected now
            return
        self.held.remove(held)
        assert (post.thread_id, post.author_id, post.body) == (thread_id, author, body)
        assert post.id not in self.posts
        self.posts[post.id] = ModelPost(post.id, thread_id, author, False, body, self.now())
        thread.last_activity_at = self.now()

    @rule(data=st.data(), same_body=st.integers(0, 4).map(lambda n: n == 0))
    def edit(self, data: st.DataObject, same_body: bool) -> None:
        post_id = self.pick_post(data)
        post = self.posts[post_id]
        actor = self.pick_actor_for(data, post.author)
        body = post.body if same_body else self.text("A clearer text")
        expected: Expectation = None
        if not self.visible(post_id):
            expected = (NotFound, "post_not_found")
        elif actor != post.author and not self.holds(actor, "edit"):
            expected = (PermissionDenied, "permission_denied")
        result = self.attempt(
            "edit",
            expected,
            lambda: self.community.posts.edit(actor=actor, post=post_id, body=body),
            noop=body == post.body,
        )
        if result is REJECTED:
            return
        if body != post.body:
            post.body, post.edited_at = body, self.now()
        assert (result.id, result.body, result.edited_at) == (post_id, post.body, post.edited_at)

    @precondition(lambda self: self.posts)
    @rule(data=st.data())
    def delete_post(self, data: st.DataObject) -> None:
        # Deletions are rarer than other commands: they end a post's story.
        if data.draw(st.integers(0, 2), label="skip") == 0:
            self.delete(data)

    def delete(self, data: st.DataObject) -> None:
        post_id = self.pick_post(data)
        post = self.posts[post_id]
        actor = self.pick_actor_for(data, post.author)
        expected: Expectation = None
        if not self.visible(post_id):
            expected = (NotFound, "post_not_found")
        elif actor != post.author and not self.members[actor].is_moderator:
            expected = (PermissionDenied, "not_the_author")
        result = self.attempt(
            "delete", expected, lambda: self.community.posts.delete(actor=actor, post=post_id)
        )
        if result is REJECTED:
            return
        assert (result.id, result.deleted_at, result.deleted_by) == (post_id, self.now(), actor)
        post.deleted = True
        thread = self.threads[post.thread]
        if post.is_opening:
            thread.deleted = True
        if post.is_opening or thread.accepted == post_id:
            thread.accepted = None
        with pytest.raises(NotFound):
            self.community.posts.get(actor=self.admin, post=post_id)

    @rule(run=st.integers(0, 2).map(lambda n: n == 0))
    def reverse_serial_votes(self, run: bool) -> None:
        """The moderation job: the model finds the serial votes its own way (brute force)."""
        if not run:  # rarer than other commands: it ends the story of the votes it takes
            return
        lookback = self.now() - timedelta(days=self.settings.serial_vote_lookback_days)
        recent = [
            (voter, self.posts[post_id].author, vote)
            for (post_id, voter), vote in self.votes.items()
            if lookback <= vote.cast_at <= self.now()
        ]
        serial = set()
        for voter, author, vote in recent:
            pair = [v for m, a, v in recent if (m, a) == (voter, author)]
            # Serial iff some window starting at one of the pair's votes holds the vote
            # and at least the threshold of the pair's votes.
            if any(
                start.cast_at <= vote.cast_at < start.cast_at + SERIAL_WINDOW
                and sum(start.cast_at <= v.cast_at < start.cast_at + SERIAL_WINDOW for v in pair)
                >= SERIAL_THRESHOLD
                for start in pair
            ):
                serial.add(vote.id)
        # Votes on deleted posts count towards a run but stay: the deletion already
        # took back what they earned, and a deleted post's votes no longer change.
        live = {vote.id for (post_id, _voter), vote in self.votes.items() if self.visible(post_id)}
        serial &= live
        expected_pairs = {(voter, author) for voter, author, vote in recent if vote.id in serial}
        event(f"serial votes: {len(serial)}")
        if self.veto.armed and serial:
            self.attempt(
                "reverse serial votes", None, self.community.moderation.reverse_serial_votes
            )
            return
        done = self.community.moderation.reverse_serial_votes()
        assert {v for r in done for v in r.vote_ids} == serial
        assert {(r.voter_id, r.author_id) for r in done} == expected_pairs
        self.votes = {key: v for key, v in self.votes.items() if v.id not in serial}

    @rule(step=CLOCK_STEPS)
    def advance_clock(self, step: timedelta) -> None:
        self.clock.advance(step)

    @rule(minutes=st.integers(1, 6))
    def advance_clock_around_the_vote_lock(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule(data=st.data())
    def host_vetoes_a_command(self, data: st.DataObject) -> None:
        """The next command fails late, in ``socialcrm_on_event``, after its writes."""
        commands: list[tuple[str, Callable[[], None]]] = [
            ("join", lambda: self.join(data.draw(st.sampled_from(EXTERNAL_IDS)), False)),
            ("start", lambda: self.start_thread(data, "question", True)),
            ("reply", lambda: self.reply(data)),
            (
                "cast",
                lambda: self.cast_vote_as_moderator(data, data.draw(st.sampled_from([1, -1]))),
            ),
            ("accept", lambda: self.accept(data)),
            ("unaccept", lambda: self.unaccept(data)),
            ("edit", lambda: self.edit(data, False)),
            ("delete", lambda: self.delete(data)),
        ]
        if self.votes:
            commands.append(("change", lambda: self.change_vote(data, True)))
            commands.append(("retract", lambda: self.retract_vote(data)))
        name, command = data.draw(st.sampled_from(commands), label="vetoed command")
        self.veto.armed = True
        try:
            command()
        finally:
            self.veto.armed = False

    # ------------------------------------------------------------ invariants

    @invariant()
    def state_matches_model_and_ledger(self) -> None:
        if self.community is None:
            return
        seen = observe(self.community, self.admin, self.moderator)
        self.last = seen
        settings = self.settings

        # Members and totals: start + the sum of the ledger, never under the floor.
        assert set(seen.members) == set(self.members)
        for mid, member in seen.members.items():
            assert member.roles == self.members[mid].roles
            history = seen.ledger[mid]
            assert [e.id for e in history] == sorted((e.id for e in history), reverse=True)
            assert all(e.member_id == mid for e in history)
            total = settings.reputation_start + sum(e.delta for e in history)
            assert member.reputation == total, (
                f"member {mid} has {member.reputation}, the ledger says {total}"
            )
            assert member.reputation >= settings.reputation_floor
        check_ledger(settings, seen.ledger)

        ranked = sorted(seen.members.values(), key=lambda m: (-m.reputation, m.id))
        assert [(mid, score) for _, mid, score in seen.leaderboard] == [
            (m.id, m.reputation) for m in ranked
        ]

        # Threads, their posts, accepted answers.
        live_threads = {tid for tid, t in self.threads.items() if not t.deleted}
        assert set(seen.threads) == live_threads
        for tid, thread in seen.threads.items():
            model = self.threads[tid]
            live = [p for p in self.posts.values() if p.thread == tid and not p.deleted]
            expected_ids = [model.opening] + sorted(p.id for p in live if not p.is_opening)
            assert [p.id for p in seen.posts[tid]] == expected_ids
            assert (
                thread.kind,
                thread.author_id,
                thread.title,
                thread.opening_post_id,
                thread.reply_count,
                thread.created_at,
                thread.last_activity_at,
                thread.deleted_at,
            ) == (
                model.kind,
                model.author,
                model.title,
                model.opening,
                len(expected_ids) - 1,
                model.created_at,
                model.last_activity_at,
                None,
            )
            assert thread.accepted_answer_id == model.accepted
            if thread.accepted_answer_id is not None:
                answer = self.posts[thread.accepted_answer_id]
                assert thread.kind == "question"
                assert answer.thread == tid and not answer.is_opening and not answer.deleted

        # Posts: scores are the sum of their votes; one vote per member and post.
        for thread_posts in seen.posts.values():
            for post in thread_posts:
                model_post = self.posts[post.id]
                assert (post.author_id, post.body, post.is_opening, post.edited_at) == (
                    model_post.author,
                    model_post.body,
                    model_post.is_opening,
                    model_post.edited_at,
                )
                assert post.deleted_at is None and post.created_at == model_post.created_at
                votes = seen.votes[post.id]
                voters = [v.member_id for v in votes]
                assert len(voters) == len(set(voters)), f"two votes by one member on {post.id}"
                assert [v.id for v in votes] == sorted(v.id for v in votes)
                assert post.score == sum(v.value for v in votes), (
                    f"post {post.id} scores {post.score}, its votes sum to "
                    f"{sum(v.value for v in votes)}"
                )
                assert post.score == self.score(post.id)
                assert {v.member_id: (v.id, v.value, v.cast_at) for v in votes} == {
                    mid: (mv.id, mv.value, mv.cast_at)
                    for (pid, mid), mv in self.votes.items()
                    if pid == post.id
                }

        # The ledger's active entries are exactly what live votes and accepts earn.
        rewards = settings.rewards
        expected: Counter[tuple[str, int, str, int]] = Counter()
        for (pid, voter), vote in self.votes.items():
            if not self.visible(pid):
                continue
            post = self.posts[pid]
            cause = f"thread:{post.thread}:post:{pid}:vote:{vote.id}"
            kind = self.kind_of(post)
            if vote.value == 1:
                rule_name = UPVOTE_RULES.get(kind, "post_upvoted")
                amount = {
                    "question_upvoted": rewards.question_upvote,
                    "answer_upvoted": rewards.answer_upvote,
                }.get(rule_name, rewards.post_upvote)
                expected[(cause, post.author, rule_name, amount)] += 1
            else:
                expected[(cause, post.author, "downvoted", rewards.downvote_received)] += 1
                if kind == "answer":
                    expected[(cause, voter, "downvote_cost", rewards.answer_downvote_cost)] += 1
        for thread in self.threads.values():
            if thread.deleted or thread.accepted is None:
                continue
            answer = self.posts[thread.accepted]
            if answer.author == thread.author:
                continue
            cause = f"thread:{thread.id}:post:{answer.id}:accept"
            expected[(cause, answer.author, "answer_accepted", rewards.accepted_answer)] += 1
            expected[(cause, thread.author, "accepted_an_answer", rewards.accepter)] += 1
        entries = [e for es in seen.ledger.values() for e in es]
        undone = {e.undoes for e in entries}
        active = Counter(
            (e.cause, e.member_id, e.rule, e.requested)
            for e in entries
            if e.undoes is None and e.id not in undone
        )
        assert active == expected, (
            f"active ledger entries differ from the model: missing {expected - active}, "
            f"unexpected {active - expected}"
        )


class MemoryCommunityMachine(CommunityMachine):
    make_storage = staticmethod(memory_storage)


class SQLiteCommunityMachine(CommunityMachine):
    make_storage = staticmethod(sqlite_storage)


def server_storage(kind: str) -> SQLAlchemyStorage:
    """A storage on the session's slot-0 schema of ``kind``, emptied for this example.

    Unreachable servers fail under ``CI=true`` and skip elsewhere (``tests/databases.py``).
    """
    from databases import POOL, database_url

    return SQLAlchemyStorage(database_url(kind), table_prefix=POOL.prefix(kind, 0), migrate=False)


class PostgresCommunityMachine(CommunityMachine):
    make_storage = staticmethod(lambda: server_storage("postgres"))


class MariaDBCommunityMachine(CommunityMachine):
    make_storage = staticmethod(lambda: server_storage("mariadb"))


def _runs(examples: int, steps: int) -> Any:
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


# Memory runs are cheap, so they get more examples; server runs cost network round trips
# on every step and invariant check, so they get fewer.
TestRandomCommandsKeepInvariantsOnMemoryStorage = MemoryCommunityMachine.TestCase
TestRandomCommandsKeepInvariantsOnMemoryStorage.settings = _runs(150, 40)
TestRandomCommandsKeepInvariantsOnSQLiteStorage = SQLiteCommunityMachine.TestCase
TestRandomCommandsKeepInvariantsOnSQLiteStorage.settings = _runs(40, 40)
TestRandomCommandsKeepInvariantsOnPostgreSQL = PostgresCommunityMachine.TestCase
TestRandomCommandsKeepInvariantsOnPostgreSQL.settings = _runs(12, 30)
TestRandomCommandsKeepInvariantsOnMariaDB = MariaDBCommunityMachine.TestCase
TestRandomCommandsKeepInvariantsOnMariaDB.settings = _runs(12, 30)

# ---------------------------------------------------------------- one program, two adapters

_INDEX = st.integers(0, 11)
_VALUE = st.sampled_from([1, 1, -1])

#: Operations name members, threads and posts by index into the ids each run has
#: seen, so both adapters follow the same program even if they disagreed on ids.
OPERATIONS = st.one_of(
    st.tuples(
        st.just("join"), st.integers(0, 7), st.sampled_from(["member", "member", "moderator"])
    ),
    st.tuples(
        st.just("start"),
        _INDEX,
        st.sampled_from(["question", "question", "discussion"]),
        st.sampled_from([True, True, True, False]),
    ),
    st.tuples(st.just("reply"), _INDEX, _INDEX),
    st.tuples(st.just("reply"), _INDEX, _INDEX),
    st.tuples(st.just("vote"), _INDEX, _INDEX, _VALUE),
    st.tuples(st.just("moderator_vote"), _INDEX, _INDEX, _VALUE),
    st.tuples(st.just("moderator_vote"), _INDEX, _INDEX, _VALUE),
    st.tuples(st.just("retract"), _INDEX, _INDEX),
    st.tuples(st.just("accept"), _INDEX, _INDEX),
    st.tuples(st.just("asker_accepts"), _INDEX),
    st.tuples(st.just("unaccept"), _INDEX, _INDEX),
    st.tuples(st.just("edit"), _INDEX, _INDEX, st.booleans()),
    st.tuples(st.just("delete"), _INDEX, _INDEX),
    st.tuples(st.just("unknown_id"), st.sampled_from(["actor", "post", "thread"]), _INDEX),
    st.tuples(
        st.just("advance"),
        st.sampled_from(["seconds", "minutes", "hours", "days"]),
        st.integers(1, 10),
    ),
    st.tuples(st.just("advance"), st.just("minutes"), st.integers(1, 6)),
    # The host refuses the next command late, after its writes.
    st.tuples(st.just("veto_next")),
)

PROGRAMS = st.lists(OPERATIONS, min_size=5, max_size=60)

UNKNOWN_ID = 10_000


def as_plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return attrs.asdict(value)
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    return value


#: Which kind of id each id field of a record holds.
ID_FIELDS: dict[type, dict[str, str]] = {
    Member: {"id": "member"},
    Thread: {
        "id": "thread",
        "space_id": "space",
        "author_id": "member",
        "opening_post_id": "post",
        "accepted_answer_id": "post",
    },
    Post: {"id": "post", "thread_id": "thread", "author_id": "member", "deleted_by": "member"},
    Vote: {"id": "vote", "post_id": "post", "member_id": "member"},
    LedgerEntry: {
        "id": "ledger",
        "member_id": "member",
        "undoes": "ledger",
        "space_id": "space",
        "post_id": "post",
    },
    LeaderboardRow: {"member_id": "member"},
    Revision: {"id": "revision", "post_id": "post", "editor_id": "member"},
}
_CAUSE = re.compile(r"thread:(\d+):post:(\d+):(?:vote:(\d+)|accept)")


def _cause_ids(cause: str) -> list[tuple[str, int]]:
    match = _CAUSE.fullmatch(cause)
    assert match is not None, f"unexpected ledger cause {cause!r}"
    thread, post, vote = match.groups()
    ids = [("thread", int(thread)), ("post", int(post))]
    return ids + ([("vote", int(vote))] if vote is not None else [])


def with_ids_renamed(value: Any) -> Any:
    """``as_plain(value)`` with every id replaced by its rank among the ids of its kind.

    Two adapters agree up to an order-preserving renaming of ids exactly when these
    are equal: the storage rules let ids handed out in a rolled-back unit be skipped.
    """
    seen: dict[str, set[int]] = {}

    def collect(v: Any) -> None:
        if attrs.has(type(v)):
            kinds = ID_FIELDS.get(type(v), {})
            for field in attrs.fields(type(v)):
                x = getattr(v, field.name)
                if field.name in kinds and x is not None:
                    seen.setdefault(kinds[field.name], set()).add(x)
                elif field.name == "cause":
                    for kind, i in _cause_ids(x):
                        seen.setdefault(kind, set()).add(i)
                else:
                    collect(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                collect(x)
        elif isinstance(v, dict):
            for x in v.values():
                collect(x)

    collect(value)
    rank = {kind: {i: n for n, i in enumerate(sorted(ids), 1)} for kind, ids in seen.items()}

    def rename(v: Any) -> Any:
        if attrs.has(type(v)):
            kinds = ID_FIELDS.get(type(v), {})
            out = {}
            for field in attrs.fields(type(v)):
                x = getattr(v, field.name)
                if field.name in kinds and x is not None:
                    out[field.name] = rank[kinds[field.name]][x]
                elif field.name == "cause":
                    out[field.name] = tuple((k, rank[k][i]) for k, i in _cause_ids(x))
                else:
                    out[field.name] = rename(x)
            return (type(v).__name__, out)
        if isinstance(v, (list, tuple)):
            return [rename(x) for x in v]
        if isinstance(v, dict):
            return {k: rename(x) for k, x in v.items()}
        return v

    return rename(value)


class ProgramRunner:
    """Runs a program of index-based operations on one community."""

    def __init__(self, storage: Any, community_settings: Settings) -> None:
        self.clock = ManualClock()
        self.veto = HostVeto()
        c = self.c = Community(
            storage,
            settings=community_settings,
            clock=self.clock,
            plugins=[self.veto],
            entry_points=False,
        )
        self.admin = c.members.join(external_id="admin", display_name="Ada", roles=["admin"]).id
        self.moderator = c.members.join(
            external_id="mod", display_name="Mo", roles=["moderator"]
        ).id
        ann = c.members.join(external_id="ann", display_name="Ann").id
        bob = c.members.join(external_id="bob", display_name="Bob").id
        c.spaces.create(actor=self.admin, slug="support", name="Support")
        self.member_ids = [self.admin, self.moderator, ann, bob]
        self.moderator_ids = [self.admin, self.moderator]
        question = c.threads.start(
            actor=ann,
            space="support",
            kind="question",
            title="Where is the export button?",
            body="I looked everywhere.",
        )
        self.thread_ids = [question.id]
        self.asker = {question.id: ann}
        self.post_ids = [question.opening_post_id]
        self.thread_of = {question.opening_post_id: question.id}
        answer = c.posts.reply(actor=bob, thread=question.id, body="Under Reports.")
        self.post_ids.append(answer.id)
        self.thread_of[answer.id] = question.id
        self.serial = 0

    @staticmethod
    def pick(ids: list[int], index: int) -> int:
        return ids[index % len(ids)]

    def text(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix} number {self.serial}"

    def apply(self, op: tuple[Any, ...]) -> Any:
        name, *args = op
        c = self.c
        if name == "advance":
            unit, amount = args
            return self.clock.advance(timedelta(**{unit: amount}))
        if name == "join":
            number, role = args
            member = c.members.join(
                external_id=f"user-{number}", display_name=f"User {number}", roles=[role]
            )
            self.member_ids.append(member.id)
            if role == "moderator":
                self.moderator_ids.append(member.id)
            return member
        if name == "unknown_id":
            what, index = args
            if what == "actor":
                return c.votes.cast(actor=UNKNOWN_ID, post=self.pick(self.post_ids, index), value=1)
            if what == "post":
                return c.votes.cast(
                    actor=self.pick(self.member_ids, index), post=UNKNOWN_ID, value=1
                )
            return c.posts.reply(actor=self.admin, thread=UNKNOWN_ID, body="Anyone?")
        if name == "asker_accepts":
            post_id = self.pick(self.post_ids, args[0])
            asker = self.asker[self.thread_of[post_id]]
            return c.threads.accept(actor=asker, answer=post_id)
        if name == "moderator_vote":
            actor = self.pick(self.moderator_ids, args[0])
        else:
            actor = self.pick(self.member_ids, args[0])
        if name == "start":
            kind, valid_title = args[1:]
            thread = c.threads.start(
                actor=actor,
                space="support",
                kind=kind,
                title=self.text("How do I fix problem") if valid_title else "Help?",
                body=self.text("Details"),
            )
            self.thread_ids.append(thread.id)
            self.asker[thread.id] = actor
            self.post_ids.append(thread.opening_post_id)
            self.thread_of[thread.opening_post_id] = thread.id
            return thread
        if name == "reply":
            thread_id = self.pick(self.thread_ids, args[1])
            post = c.posts.reply(actor=actor, thread=thread_id, body=self.text("Answer"))
            self.post_ids.append(post.id)
            self.thread_of[post.id] = thread_id
            return post
        if name == "unaccept":
            return c.threads.unaccept(actor=actor, thread=self.pick(self.thread_ids, args[1]))
        post_id = self.pick(self.post_ids, args[1])
        if name in ("vote", "moderator_vote"):
            return c.votes.cast(actor=actor, post=post_id, value=args[2])
        if name == "retract":
            return c.votes.retract(actor=actor, post=post_id)
        if name == "accept":
            return c.threads.accept(actor=actor, answer=post_id)
        if name == "edit":
            current = c.posts.get(actor=self.admin, post=post_id) if args[2] else None
            body = current.body if current is not None else self.text("Edited")
            return c.posts.edit(actor=actor, post=post_id, body=body)
        if name == "delete":
            return c.posts.delete(actor=actor, post=post_id)
        raise AssertionError(f"unknown operation {name}")

    def outcome(self, op: tuple[Any, ...]) -> Any:
        """``("ok", record)`` or ``("error", class name, code)``."""
        if op[0] == "veto_next":
            self.veto.armed = True
            return ("armed",)
        try:
            return ("ok", self.apply(op))
        except SocialCRMError as exc:
            return ("error", type(exc).__name__, exc.code)
        finally:
            if op[0] != "advance":
                self.veto.armed = False

    def query(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except SocialCRMError as exc:
            return ("error", type(exc).__name__, exc.code)

    def final_state(self) -> dict[str, Any]:
        """Everything the API shows at the end; lists follow the program's order."""
        c = self.c
        limit = c.settings.page_size_limit
        members = c.members.list(limit=limit)
        return {
            "members": members,
            "ledger": [full_history(c, m.id) for m in members],
            "leaderboards": {
                period: c.reputation.leaderboard(period=period, limit=limit)
                for period in ("all", "day", "week", "month", "year")
            },
            "ranks": [c.reputation.rank(m.id) for m in members],
            "privileges": [c.privileges.of(m.id) for m in members],
            "threads": c.threads.list(actor=self.admin, limit=200),
            "threads_by_score": c.threads.list(actor=self.admin, sort="score", limit=200),
            "unanswered": c.threads.list(actor=self.admin, sort="unanswered", limit=200),
            "thread_count": c.threads.count(actor=self.admin),
            "each_thread": [
                (
                    self.query(lambda tid=tid: c.threads.get(actor=self.admin, thread=tid)),
                    self.query(lambda tid=tid: c.posts.list(actor=self.admin, thread=tid)),
                )
                for tid in self.thread_ids
            ],
            "each_post": [
                (
                    self.query(lambda pid=pid: c.posts.get(actor=self.admin, post=pid)),
                    self.query(lambda pid=pid: c.votes.for_post(actor=self.moderator, post=pid)),
                    self.query(lambda pid=pid: c.posts.revisions(actor=self.admin, post=pid)),
                )
                for pid in self.post_ids
            ],
        }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=PROGRAMS,
    cap=DAILY_CAPS,
    vote_up=VOTE_UP_THRESHOLDS,
    vote_down=VOTE_DOWN_THRESHOLDS,
)
def test_memory_and_sqlite_give_identical_results_for_the_same_program(
    program: list[tuple[Any, ...]], cap: int, vote_up: int, vote_down: int
) -> None:
    """Outcomes (records or error codes) and the final state agree step by step.

    Ids must be identical unless the host vetoed a command: a rolled-back unit may
    skip ids (docs/storage.md, rule 7), so then they must agree up to renaming.
    """
    community_settings = make_settings(cap, vote_up, vote_down)
    on_memory = ProgramRunner(memory_storage(), community_settings)
    on_sqlite = ProgramRunner(sqlite_storage(), community_settings)
    plain = as_plain if ("veto_next",) not in program else with_ids_renamed
    try:
        memory_outcomes, sqlite_outcomes = [], []
        for op in program:
            memory_outcomes.append(on_memory.outcome(op))
            sqlite_outcomes.append(on_sqlite.outcome(op))
            kind = memory_outcomes[-1][0]
            event(f"{op[0]}: {kind if kind != 'error' else memory_outcomes[-1][2]}")
        memory = plain({"outcomes": memory_outcomes, **on_memory.final_state()})
        sqlite = plain({"outcomes": sqlite_outcomes, **on_sqlite.final_state()})
        for step, op in enumerate(program):
            note(f"step {step}: {op!r} -> {memory['outcomes'][step]!r}")
        for step, op in enumerate(program):
            assert memory["outcomes"][step] == sqlite["outcomes"][step], (
                f"step {step} {op!r}:\nmemory {memory['outcomes'][step]!r}\n"
                f"sqlite {sqlite['outcomes'][step]!r}"
            )
        for key in memory:
            assert memory[key] == sqlite[key], (
                f"final {key} differ:\nmemory {memory[key]!r}\nsqlite {sqlite[key]!r}"
            )
    finally:
        on_memory.c.close()
        on_sqlite.c.close()


# ---------------------------------------------------------------- the daily cap (regression)

_TARGET = st.integers(0, 2)

#: Mostly upvotes (20 in a UTC day reach the cap), with the undoing kinds mixed in.
#: Each vote comes from the next moderator who has not voted on that post yet.
CAP_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("up"), _TARGET),
        st.tuples(st.just("up"), _TARGET),
        st.tuples(st.just("up"), _TARGET),
        st.tuples(st.just("up"), _TARGET),
        st.tuples(st.just("down"), _TARGET),
        st.tuples(st.just("flip"), _TARGET),
        st.tuples(st.just("retract"), _TARGET),
        st.tuples(st.just("accept"), st.integers(0, 1)),
        st.tuples(st.just("advance"), st.sampled_from([1, 5, 60, 6 * 60, 20 * 60])),
    ),
    min_size=30,
    max_size=100,
)


@pytest.mark.parametrize("make_storage", [memory_storage, sqlite_storage], ids=["memory", "sqlite"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=CAP_STEPS)
def test_capped_reputation_per_member_and_day_never_exceeds_daily_cap(
    make_storage: Callable[[], Any], steps: list[tuple[Any, ...]]
) -> None:
    """Up to 25 moderators vote on one author's question and answers: 200 a UTC day at most."""
    clock = ManualClock()
    c = Community(make_storage(), clock=clock, entry_points=False)
    try:
        assert c.settings.daily_reputation_cap == 200
        voters = [
            c.members.join(external_id=f"mod-{n}", display_name=f"Mod {n}", roles=["moderator"]).id
            for n in range(25)
        ]
        admin = c.members.join(external_id="admin", display_name="Ada", roles=["admin"]).id
        asker = c.members.join(external_id="asker", display_name="Asker").id
        author = c.members.join(external_id="author", display_name="Author").id
        c.spaces.create(actor=admin, slug="support", name="Support")
        own = c.threads.start(
            actor=author,
            space="support",
            kind="question",
            title="Where is the export button?",
            body="I looked everywhere.",
        )
        other = c.threads.start(
            actor=asker,
            space="support",
            kind="question",
            title="How do I rotate my API key?",
            body="The docs are unclear.",
        )
        answers = []
        for n in range(2):
            clock.advance(seconds=30)  # the default rate limits: a new member waits 30 s
            answers.append(c.posts.reply(actor=author, thread=other.id, body=f"Answer {n}").id)
        targets = [own.opening_post_id, *answers]
        cast: dict[int, list[tuple[int, int]]] = {post: [] for post in targets}
        for step in steps:
            kind, arg = step
            if kind == "advance":
                clock.advance(minutes=arg)
                continue
            if kind == "accept":
                c.threads.accept(actor=asker, answer=answers[arg])
                continue
            post = targets[arg]
            votes = cast[post]
            try:
                if kind in ("up", "down"):
                    voted = {voter for voter, _ in votes}
                    free = [v for v in voters if v not in voted]
                    if free:
                        value = 1 if kind == "up" else -1
                        c.votes.cast(actor=free[0], post=post, value=value)
                        votes.append((free[0], value))
                elif votes and kind == "flip":
                    voter, value = votes[-1]
                    c.votes.cast(actor=voter, post=post, value=-value)
                    votes[-1] = (voter, -value)
                elif votes:
                    c.votes.retract(actor=votes[-1][0], post=post)
                    votes.pop()
            except Conflict as exc:
                assert exc.code == "vote_locked"

        history = full_history(c, author)
        if any(e.cap_day is not None and e.delta < e.requested for e in history):
            event("the author hit the daily cap")
        assert c.reputation.of(author) == c.settings.reputation_start + sum(
            e.delta for e in history
        )
        ledger = {m.id: full_history(c, m.id) for m in c.members.list(limit=200)}
        for member_id, entries in ledger.items():
            per_day: Counter[date] = Counter()
            for entry in sorted(entries, key=lambda e: e.id):
                if entry.cap_day is None:
                    continue
                per_day[entry.cap_day] += entry.delta
                assert per_day[entry.cap_day] <= 200, (
                    f"member {member_id} earned {per_day[entry.cap_day]} capped reputation "
                    f"on {entry.cap_day}"
                )
        check_ledger(c.settings, ledger)
    finally:
        c.close()

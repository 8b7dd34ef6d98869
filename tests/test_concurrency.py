"""Several OS processes against PostgreSQL and MariaDB lose nothing and double nothing.

Each test migrates a fresh schema, seeds it through the public API, then starts
worker processes (``spawn``: each has its own engine and connections) that wait at
a barrier and fire their commands together. Transient failures (deadlocks,
serialization failures, accept races) are retried inside socialcrm; the tests
assert that none leaks out and that the totals are exact.

Servers come from ``SOCIALCRM_TEST_POSTGRES_URL`` / ``SOCIALCRM_TEST_MARIADB_URL``;
unreachable servers fail the run under ``CI=true`` and skip elsewhere.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest

from concurrency_workers import FIXED_NOW, LIMITED_SETTINGS, SETTINGS, open_community, run_worker
from databases import POOL, database_url
from ledger_invariants import check_deletion_invariants
from socialcrm.capabilities.threads.records import ThreadFilter

WORKERS = 8

# Multi-process tests run one after another on one xdist worker (see the Makefile's test target).
pytestmark = pytest.mark.xdist_group("processes")


@pytest.fixture(params=["postgres", "mariadb"])
def schema(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """``(url, prefix)`` of an empty schema at head on the server."""
    kind = request.param
    prefix = POOL.next_prefix(kind)
    yield database_url(kind), prefix


def _run(url: str, prefix: str, plans: list[list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans))
    results = context.Queue()
    processes = [
        context.Process(target=run_worker, args=(url, prefix, barrier, results, tag, plan))
        for tag, plan in enumerate(plans)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return sorted(outcomes, key=lambda o: o["tag"])


def _seed(url: str, prefix: str, authors: int, voters: int) -> dict[str, Any]:
    community = open_community(url, prefix)
    try:
        with community.unit_of_work():
            admin = community.members.join(
                external_id="admin", display_name="Admin", roles=["admin"]
            )
            community.spaces.create(actor=admin.id, slug="help", name="Help")
            asker = community.members.join(external_id="asker", display_name="Asker")
            question = community.threads.start(
                actor=asker.id,
                space="help",
                kind="question",
                title="Race conditions everywhere?",
                body="Let us see.",
            )
            author_ids = [
                community.members.join(external_id=f"author{i}", display_name=f"Author {i}").id
                for i in range(authors)
            ]
            answers = [
                community.posts.reply(actor=a, thread=question.id, body=f"answer by {a}").id
                for a in author_ids
            ]
            voter_ids = [
                community.members.join(external_id=f"voter{i}", display_name=f"Voter {i}").id
                for i in range(voters)
            ]
        return {
            "asker": asker.id,
            "question": question.id,
            "authors": author_ids,
            "answers": answers,
            "voters": voter_ids,
        }
    finally:
        community.close()


def _no_errors(outcomes: list[dict[str, Any]]) -> None:
    errors = [e for o in outcomes for e in o["errors"]]
    assert errors == [], errors[:5]


def _few_retries(outcomes: list[dict[str, Any]]) -> None:
    """Distinct rows under one hot row take its locks in one order: (almost) no deadlocks.

    A vote's or reply's foreign-key check on MariaDB takes a shared lock on the
    post or thread that two units cannot both upgrade; before the counters were
    written first, these runs retried hundreds of deadlocks and could exhaust the
    retries. A handful is tolerated, not a storm.
    """
    retries = sum(o["retries"] for o in outcomes)
    assert retries <= WORKERS, [o["retries"] for o in outcomes]


def _check_books(url: str, prefix: str) -> Any:
    """Scores equal their votes, reputations start + ledger, ranks the totals, and the
    ledger invariants around deletion hold; return it."""
    community = open_community(url, prefix)
    with community.storage.unit_of_work(read_only=True) as uow:
        thread = uow.threads.list(
            ThreadFilter(space_ids=[s.id for s in uow.spaces.list()]), limit=10
        )[0]
        for post in uow.posts.list_for_thread(thread.id):
            assert post.score == sum(v.value for v in uow.votes.for_post(post.id))
        totals = uow.ledger.totals()
        for member_id, reputation in uow.members.reputations().items():
            assert reputation == SETTINGS.reputation_start + totals.get(member_id, 0)
            assert reputation >= SETTINGS.reputation_floor
        # The rank index, written by every process at its commits, agrees with the totals.
        everyone = list(uow.members.reputations().values())
        for probe in {*everyone, *(r - 1 for r in everyone)}:
            assert uow.members.count_above(probe) == sum(1 for r in everyone if r > probe)
    assert community.reputation.recompute() == {}
    check_deletion_invariants(community, [thread.id])
    return community


def test_eight_processes_casting_the_same_vote_make_exactly_one(schema):
    url, prefix = schema
    seed = _seed(url, prefix, authors=1, voters=1)
    voter, answer, author = seed["voters"][0], seed["answers"][0], seed["authors"][0]
    outcomes = _run(url, prefix, [[("vote", voter, answer, 1)] for _ in range(WORKERS)])
    _no_errors(outcomes)
    assert len({vote for o in outcomes for vote in o["votes"]}) == 1
    community = _check_books(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            assert len(uow.votes.for_post(answer)) == 1
            assert uow.posts.get(answer).score == 1
        assert [e.delta for e in community.reputation.history(author)] == [10]
        assert community.reputation.of(author) == 11
    finally:
        community.close()


def test_eight_processes_casting_500_votes_each_lose_and_double_nothing(schema):
    url, prefix = schema
    authors, per_worker = 5, 500
    voters_per_worker = per_worker // authors
    seed = _seed(url, prefix, authors=authors, voters=WORKERS * voters_per_worker)
    plans = []
    for w in range(WORKERS):
        mine = seed["voters"][w * voters_per_worker : (w + 1) * voters_per_worker]
        plans.append(
            [
                ("vote", voter, answer, -1 if (voter + answer) % 7 == 0 else 1)
                for voter in mine
                for answer in seed["answers"]
            ]
        )
    outcomes = _run(url, prefix, plans)
    _no_errors(outcomes)
    _few_retries(outcomes)
    assert sum(o["ok"] for o in outcomes) == WORKERS * per_worker
    community = _check_books(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            cast = sum(len(uow.votes.for_post(a)) for a in seed["answers"])
        assert cast == WORKERS * per_worker
        day = FIXED_NOW.date()
        for author in seed["authors"]:
            history = community.reputation.history(author, limit=200)
            assert (
                sum(e.delta for e in history if e.cap_day == day) <= SETTINGS.daily_reputation_cap
            )
    finally:
        community.close()


def test_a_once_only_badge_triggered_by_eight_processes_together_is_awarded_once(schema):
    url, prefix = schema
    seed = _seed(url, prefix, authors=WORKERS, voters=1)
    voter = seed["voters"][0]
    # Each process casts the voter's first upvotes, each on another answer: every one
    # triggers "supporter" for the same member at the same moment.
    outcomes = _run(url, prefix, [[("vote", voter, answer, 1)] for answer in seed["answers"]])
    _no_errors(outcomes)
    community = _check_books(url, prefix)
    try:
        assert [a.badge for a in community.badges.of(voter)] == ["supporter"]
        assert community.badges.count_holders("supporter") == 1
        for author in seed["authors"]:
            assert sorted(a.badge for a in community.badges.of(author)) == [
                "first_answer",
                "teacher",
            ]
        with community.storage.unit_of_work(read_only=True) as uow:
            awarded = [m for m in uow.outbox.pending(limit=10_000) if m.name == "badge_awarded"]
        supporter = [m for m in awarded if '"badge":"supporter"' in m.payload.replace(" ", "")]
        assert len(supporter) == 1
    finally:
        community.close()


def test_concurrent_accepts_on_different_answers_leave_exactly_one(schema):
    url, prefix = schema
    seed = _seed(url, prefix, authors=WORKERS, voters=0)
    outcomes = _run(url, prefix, [[("accept", seed["asker"], a)] for a in seed["answers"]])
    _no_errors(outcomes)
    community = _check_books(url, prefix)
    try:
        accepted = community.threads.get(actor=None, thread=seed["question"]).accepted_answer_id
        assert accepted in seed["answers"]
        winner = seed["authors"][seed["answers"].index(accepted)]
        for author in seed["authors"]:
            assert community.reputation.of(author) == (16 if author == winner else 1)
        assert community.reputation.of(seed["asker"]) == 3
    finally:
        community.close()


def test_the_daily_cap_holds_under_concurrent_upvotes(schema):
    url, prefix = schema
    answers_per_author = 10
    seed = _seed(url, prefix, authors=1, voters=WORKERS * 5)
    community = open_community(url, prefix)
    try:
        author = seed["authors"][0]
        extra = [
            community.posts.reply(actor=author, thread=seed["question"], body=f"more {i}").id
            for i in range(answers_per_author - 1)
        ]
    finally:
        community.close()
    answers = [seed["answers"][0], *extra]
    plans = [
        [
            ("vote", voter, answer, 1)
            for voter in seed["voters"][w * 5 : (w + 1) * 5]
            for answer in answers[:2]
        ]
        for w in range(WORKERS)
    ]
    outcomes = _run(url, prefix, plans)
    _no_errors(outcomes)
    community = _check_books(url, prefix)
    try:
        assert community.reputation.of(author) == 1 + SETTINGS.daily_reputation_cap
        history = community.reputation.history(author, limit=200)
        assert len(history) == WORKERS * 5 * 2
        assert sum(e.requested for e in history) == WORKERS * 5 * 2 * 10
    finally:
        community.close()


def test_concurrent_replies_to_one_thread_count_every_reply(schema):
    url, prefix = schema
    per_worker = 25
    seed = _seed(url, prefix, authors=WORKERS, voters=0)
    thread = seed["question"]
    plans = [
        [("reply", author, thread, f"reply {i} from {author}") for i in range(per_worker)]
        for author in seed["authors"]
    ]
    outcomes = _run(url, prefix, plans)
    _no_errors(outcomes)
    _few_retries(outcomes)
    community = _check_books(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            posts = uow.posts.list_for_thread(thread)
            found = uow.threads.get(thread)
        # The seeded answers, one per author, plus every worker's replies.
        assert len(posts) == 1 + WORKERS + WORKERS * per_worker
        assert found.reply_count == WORKERS + WORKERS * per_worker
    finally:
        community.close()


def _seed_referrals(url: str, prefix: str, referred: int, converted: int) -> dict[str, Any]:
    """A referrer and ``referred`` members who joined with their code, ``converted`` of whom
    have converted already."""
    community = open_community(url, prefix)
    try:
        referrer = community.members.join(external_id="referrer", display_name="Referrer")
        code = community.invitations.create(actor=referrer.id, max_uses=referred).code
        friends = [
            community.members.join(
                external_id=f"friend{i}", display_name=f"Friend {i}", invite_code=code
            ).id
            for i in range(referred)
        ]
        for friend in friends[:converted]:
            community.referrals.converted(referred=friend)
        return {"referrer": referrer.id, "friends": friends}
    finally:
        community.close()


def _seed_flaggers(url: str, prefix: str, count: int) -> list[int]:
    """Members who may flag: 20 reputation and trust level 1."""
    community = open_community(url, prefix)
    try:
        admin = community.members.by_external_id("admin")
        flaggers = []
        for i in range(count):
            member = community.members.join(external_id=f"flagger{i}", display_name=f"F {i}")
            with community.storage.unit_of_work() as uow:
                uow.members.add_reputation(member.id, 19)
                uow.commit()
            community.trust.grant(actor=admin.id, member=member.id, level=1, lock=True)
            flaggers.append(member.id)
        return flaggers
    finally:
        community.close()


def _reward_keys(url: str, prefix: str, member_id: int) -> list[str]:
    community = open_community(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            return [r.key for r in uow.referrals.rewards_for(member_id)]
    finally:
        community.close()


def test_concurrent_conversions_of_one_referral_reward_it_once(schema):
    url, prefix = schema
    seeded = _seed_referrals(url, prefix, referred=1, converted=0)
    friend = seeded["friends"][0]
    outcomes = _run(url, prefix, [[("convert", friend)] for _ in range(4)])
    assert [o["errors"] for o in outcomes] == [[]] * 4
    granted = [key for o in outcomes for key in o["rewards"]]
    assert granted == [f"referral:{_referral_id(url, prefix, friend)}:credit"]
    assert _reward_keys(url, prefix, seeded["referrer"]) == granted


def test_the_referral_challenge_reached_by_concurrent_conversions_is_granted_once(schema):
    url, prefix = schema
    seeded = _seed_referrals(url, prefix, referred=6, converted=2)
    pending = seeded["friends"][2:]
    outcomes = _run(url, prefix, [[("convert", friend)] for friend in pending])
    assert [o["errors"] for o in outcomes] == [[]] * len(pending)
    granted = [key for o in outcomes for key in o["rewards"]]
    challenge = [key for key in granted if "challenge" in key]
    assert challenge == [f"referrer:{seeded['referrer']}:challenge:3:badge"]
    assert sum(1 for key in granted if key.endswith(":credit")) == len(pending)
    stored = _reward_keys(url, prefix, seeded["referrer"])
    # Two credits from before, one per concurrent conversion, and the one badge.
    assert len(stored) == len(set(stored)) == 2 + len(pending) + 1


def _referral_id(url: str, prefix: str, referred: int) -> int:
    community = open_community(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            referral = uow.referrals.for_referred(referred)
            assert referral is not None
            return referral.id
    finally:
        community.close()


def test_concurrent_flags_hide_the_post_and_silence_its_author_exactly_once(schema):
    url, prefix = schema
    seed = _seed(url, prefix, authors=2, voters=0)
    flaggers = _seed_flaggers(url, prefix, 3)
    spammer_posts = seed["answers"][:1]
    community = open_community(url, prefix)
    try:
        spammer = seed["authors"][0]
        for i in range(2):
            post = community.posts.reply(actor=spammer, thread=seed["question"], body=f"spam {i}")
            spammer_posts.append(post.id)
        regular = seed["authors"][1]
        community.trust.grant(
            actor=community.members.by_external_id("admin").id, member=regular, level=1
        )
    finally:
        community.close()
    # Three flags weighing 2 each on one TL1 author's answer (any two stay below 5), and
    # three members' spam flags on three posts of a TL0 author, all at once.
    plans = [
        [("flag", f, seed["answers"][1], "inappropriate"), ("flag", f, spammer_posts[i], "spam")]
        for i, f in enumerate(flaggers)
    ]
    outcomes = _run(url, prefix, plans)
    _no_errors(outcomes)
    community = open_community(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            assert uow.posts.get(seed["answers"][1]).hidden_at is not None
            assert all(uow.posts.get(p).hidden_at is not None for p in spammer_posts)
            silences = uow.sanctions.history(spammer, limit=10)
            assert [s.kind for s in silences] == ["silence"]
            hidden_events = [m for m in uow.outbox.pending(limit=1000) if m.name == "post_hidden"]
        assert len(hidden_events) == 1 + len(spammer_posts)
    finally:
        community.close()


def test_a_new_members_reply_limit_holds_across_processes(schema):
    """Eight processes post for one TL0 member at once: exactly 10 replies are kept.

    Each posting command locks the member's row before counting, so the workers
    queue and each sees the others' replies; the rest are refused, not lost.
    """
    url, prefix = schema
    seed = _seed(url, prefix, authors=1, voters=0)
    newcomer, thread = seed["authors"][0], seed["question"]  # one reply already, seeded
    plans = [
        [("limited_reply", newcomer, thread, f"reply {i} from worker {w}") for i in range(5)]
        for w in range(WORKERS)
    ]
    outcomes = _run(url, prefix, plans)
    errors = [e for o in outcomes for e in o["errors"]]
    limit = LIMITED_SETTINGS.rate_limits.new_user_max_replies
    assert sum(o["ok"] for o in outcomes) == limit - 1
    assert len(errors) == WORKERS * 5 - (limit - 1)
    assert all(e.startswith("RateLimited:rate_limited:") for e in errors), errors[:3]
    community = _check_books(url, prefix)
    try:
        with community.storage.unit_of_work(read_only=True) as uow:
            assert uow.posts.count_authored_since(newcomer, FIXED_NOW) == (0, limit)
            assert uow.threads.get(thread).reply_count == limit
    finally:
        community.close()

"""Votes per second on PostgreSQL: ``community.votes.cast`` in 1, 4 and 8 processes vs. psycopg.

Run ``make bench`` (or ``python benchmarks/bench_postgres_votes.py --help``). See
``benchmarks/README.md`` for the method and how to read the output. The server is
``SOCIALCRM_TEST_POSTGRES_URL`` (default: the test suite's). If it cannot be
reached the script says so in one line and exits 0, so ``make bench`` works
without PostgreSQL. It is a report, not a gate: it fails only if it breaks.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import queue
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, upgrade
from socialcrm.adapters.sqlalchemy.engines import create_storage_engine
from socialcrm.adapters.sqlalchemy.repositories.reputation_counts import keys_of
from socialcrm.adapters.sqlalchemy.tables import build_tables

URL_VARIABLE = "SOCIALCRM_TEST_POSTGRES_URL"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Every table of the benchmark starts with this; all of them are dropped at the end.
PREFIX = "scbench_"
SEED, RUN = f"{PREFIX}seed_", f"{PREFIX}run_"
#: Votes are dealt to 8 lanes in turn; with N processes (N divides 8), process p
#: casts the votes of lanes p, p + N, ... Each voter votes in one lane only.
LANES = 8
START = datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc)
# The seed posts every thread and reply at one instant, so no wait between posts; the
# daily likes limit stays on (its count is part of every vote measured). A run with
# more than about 50 upvotes per voter needs a higher ``max_likes_per_day``.
SETTINGS = (
    Settings()
    .with_privileges(vote_up=0, vote_down=0)
    .with_rate_limits(seconds_between_posts=(0, 0, 0, 0, 0))
)
#: SQLSTATEs a replayed vote is retried on (socialcrm's ``retry_transient`` does the same).
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

Vote = tuple[int, int, int]  # (voter, post, value)
#: ("ping" | "execute" | "executemany" | "commit" | "rollback", index of the SQL text, params)
Call = tuple[str, int, Any]


# ---------------------------------------------------------------- schema and data


def drop_bench_tables(engine: Engine) -> None:
    names = [name for name in inspect(engine).get_table_names() if name.startswith(PREFIX)]
    if names:
        quoted = ", ".join(engine.dialect.identifier_preparer.quote(name) for name in names)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted} CASCADE")


def reset_run_schema(engine: Engine) -> None:
    """Make the run tables an exact copy of the seed tables: same rows, ids and sequences."""
    seed, run = build_tables(SEED).metadata, build_tables(RUN).metadata
    pairs = list(zip(seed.sorted_tables, run.sorted_tables, strict=True))
    names = ", ".join(target.name for _, target in pairs)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        for source, target in pairs:
            columns = ", ".join(column.name for column in source.columns)
            connection.exec_driver_sql(
                f"INSERT INTO {target.name} ({columns}) SELECT {columns} FROM {source.name}"
            )
            if "id" in target.columns:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{target.name}', 'id'), max(id)) "
                    f"FROM {target.name}"
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"ANALYZE {names}")


def open_community(url: str, prefix: str, engine: Engine | None = None) -> Community:
    storage = SQLAlchemyStorage(engine or url, table_prefix=prefix, migrate=False)
    return Community(storage, settings=SETTINGS, clock=ManualClock(START), entry_points=False)


def seed(url: str, args: argparse.Namespace) -> tuple[list[Vote], list[Vote]]:
    """Fill the seed tables in one transaction; return the warm-up and the timed votes."""
    rng = random.Random(args.seed)
    community = open_community(url, SEED)
    join = community.members.join
    with community, community.unit_of_work():
        admin = join(external_id="admin", display_name="Admin", roles=["admin"])
        community.spaces.create(actor=admin.id, slug="help", name="Help")
        authors = [join(external_id=f"a{i}", display_name=f"A {i}").id for i in range(args.authors)]
        voters = [join(external_id=f"v{i}", display_name=f"V {i}").id for i in range(args.voters)]
        threads: list[int] = []
        posts: dict[int, list[int]] = {author: [] for author in authors}
        for author in authors:
            for n in range(2):
                title, body = f"Question {author}-{n}", f"How do I do this? ({author}-{n})"
                thread = community.threads.start(
                    actor=author, space="help", kind="question", title=title, body=body
                )
                threads.append(thread.id)
                posts[author].append(thread.opening_post_id or 0)
        for author in authors:
            for thread_id in rng.sample(threads, 2):
                reply = community.posts.reply(
                    actor=author, thread=thread_id, body=f"Like this ({thread_id})."
                )
                posts[author].append(reply.id)
    # Zipf-like popularity: the top authors pass the daily cap, the long tail stays under it.
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(authors))]
    used: set[tuple[int, int]] = set()

    def draw(count: int) -> list[Vote]:
        votes: list[Vote] = []
        while len(votes) < count:
            voter = rng.choice(voters[len(votes) % LANES :: LANES])
            post = rng.choice(posts[rng.choices(authors, weights)[0]])
            if (voter, post) not in used:
                used.add((voter, post))
                votes.append((voter, post, -1 if rng.random() < args.downvotes else 1))
        return votes

    return draw(args.warmup * LANES), draw(args.votes)


# ---------------------------------------------------------------- capture


def capture(url: str, votes: list[Vote]) -> tuple[list[str], list[list[Call]], list[int]]:
    """Cast every vote once, in order, recording per vote what reached the driver.

    Statements come from ``before_cursor_execute``; commits and rollbacks from the
    engine's events (psycopg sends ``BEGIN`` itself before the first statement).
    A cursor class sees every driver ``execute``: those outside a transaction are
    the pool's pre-ping, recorded as ``ping``; the others are counted, so the last
    list says per vote how many driver calls the events missed.
    """
    import psycopg

    log: list[tuple[str, str, Any]] = []
    driver_calls = [0]

    class CountingCursor(psycopg.Cursor):  # type: ignore[type-arg]
        def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:
            if self.connection.autocommit:
                log.append(("ping", str(query), None))
            else:
                driver_calls[0] += 1
            return super().execute(query, params, **kw)

        def executemany(self, query: Any, params_seq: Any, **kw: Any) -> Any:
            driver_calls[0] += 1
            return super().executemany(query, params_seq, **kw)

    engine = create_storage_engine(url, connect_args={"cursor_factory": CountingCursor})

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(_conn: Any, _cur: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if many:  # the rank index's moves, written at commit
            log.append(("executemany", sql, [dict(row) for row in params]))
            return
        log.append(("execute", sql, dict(params) if params else params))

    event.listen(engine, "commit", lambda _conn: log.append(("commit", "", None)))
    event.listen(engine, "rollback", lambda _conn: log.append(("rollback", "", None)))
    community = open_community(url, RUN, engine)
    texts: dict[str, int] = {}
    per_vote: list[list[Call]] = []
    missed: list[int] = []
    with community:
        for voter, post, value in votes:
            community.clock.advance(seconds=1)  # type: ignore[attr-defined]
            log.clear()
            driver_calls[0] = 0
            community.votes.cast(actor=voter, post=post, value=value)
            per_vote.append([(kind, texts.setdefault(sql, len(texts)), p) for kind, sql, p in log])
            statements = sum(kind in ("execute", "executemany") for kind, *_ in log)
            missed.append(driver_calls[0] - statements)
    engine.dispose()
    return list(texts), per_vote, missed


# ---------------------------------------------------------------- workers (spawned)


def socialcrm_votes(url: str, warm: list[Vote], timed: list[Vote], barrier: Any) -> tuple:
    """Cast the votes with ``community.votes.cast``, one transaction each."""
    with open_community(url, RUN) as community:
        cast, clock = community.votes.cast, community.clock
        for voter, post, value in warm:
            clock.advance(seconds=1)  # type: ignore[attr-defined]
            cast(actor=voter, post=post, value=value)
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for voter, post, value in timed:
            clock.advance(seconds=1)  # type: ignore[attr-defined]
            cast(actor=voter, post=post, value=value)
        return started, time.perf_counter(), 0


def psycopg_votes(
    conninfo: str, texts: list[str], warm: list[list[Call]], timed: list[list[Call]], barrier: Any
) -> tuple:
    """Replay the captured calls with psycopg, one transaction per vote."""
    import psycopg

    def replay(votes: list[list[Call]]) -> int:
        retries = 0
        for vote in votes:
            while True:
                try:
                    for kind, sql, params in vote:
                        if kind == "execute":
                            cur.execute(texts[sql], params)
                            if cur.description is not None:
                                cur.fetchall()
                        elif kind == "executemany":
                            cur.executemany(texts[sql], params)
                        elif kind == "ping":  # as SQLAlchemy's psycopg dialect pings
                            conn.autocommit = True
                            cur.execute(texts[sql])
                            conn.autocommit = False
                        elif kind == "commit":
                            conn.commit()
                        else:
                            conn.rollback()
                    break
                except psycopg.Error as error:
                    if error.sqlstate not in RETRY_SQLSTATES:
                        raise
                    conn.rollback()
                    retries += 1
        return retries

    with psycopg.connect(conninfo) as conn:
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED  # as the adapter sets it
        cur = conn.cursor()
        retries = replay(warm)
        barrier.wait(timeout=120)
        started = time.perf_counter()
        retries += replay(timed)
        return started, time.perf_counter(), retries


def serve(tasks: Any, results: Any, barriers: dict[int, Any]) -> None:
    """A worker process: run ``(work, args, processes)`` tasks until it gets ``None``."""
    while (task := tasks.get()) is not None:
        work, args, processes = task
        try:
            started, ended, retries = work(*args, barriers[processes])
            results.put({"start": started, "end": ended, "retries": retries})
        except BaseException:  # noqa: BLE001 - the parent reports it
            barriers[processes].abort()
            results.put({"error": traceback.format_exc()})


# ---------------------------------------------------------------- runs (parent)


class Workers:
    """Spawned worker processes, started once (imports are slow) and reused by every run.

    Barriers can only be handed to a process when it starts: one per process count.
    """

    def __init__(self, counts: list[int]) -> None:
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.barriers = {n: context.Barrier(n) for n in counts}  # must outlive the start
        self.tasks = [context.Queue() for _ in range(max(counts))]
        self.processes = [
            context.Process(target=serve, args=(tasks, self.results, self.barriers), daemon=True)
            for tasks in self.tasks
        ]
        for process in self.processes:
            process.start()

    def run(
        self, engine: Engine, work: Callable[..., tuple], shared: tuple, votes: tuple, n: int
    ) -> tuple[float, int]:
        """Votes per second of ``n`` workers on a fresh copy of the seed, and retries.

        Vote i belongs to lane i % 8, so process p (of n) gets the items with i % n == p.
        """
        reset_run_schema(engine)
        for p in range(n):
            self.tasks[p].put((work, (*shared, *(v[p::n] for v in votes)), n))
        reports: list[dict[str, Any]] = []
        while len(reports) < n:
            try:
                reports.append(self.results.get(timeout=2))
            except queue.Empty:
                if not all(process.is_alive() for process in self.processes[:n]):
                    raise RuntimeError("a worker process died (see its error above)") from None
        errors = [report["error"] for report in reports if "error" in report]
        if errors:
            raise RuntimeError(f"{work.__name__} failed in a worker:\n{errors[0]}")
        wall = max(report["end"] for report in reports) - min(report["start"] for report in reports)
        return len(votes[1]) / wall, sum(report["retries"] for report in reports)

    def close(self) -> None:
        for tasks in self.tasks:
            tasks.put(None)
        for process in self.processes:
            process.join(timeout=30)


def check(engine: Engine, url: str) -> tuple[dict[str, Any], int, dict[int, Any]]:
    """Row counts and sums that must equal the capture's, posts whose score is off, and
    the fixes of ``reputation.recompute()`` (both must be nothing)."""
    with engine.connect() as connection:
        sql = connection.exec_driver_sql
        # The rank index's row count depends on the order votes land in (each value a
        # member passes through gets a row), so it is checked against the totals instead.
        totals = {
            table.name[len(RUN) :]: sql(f"SELECT count(*) FROM {table.name}").scalar_one()
            for table in build_tables(RUN).metadata.sorted_tables
            if table.name != f"{RUN}reputation_counts"
        }
        recount: Counter[tuple[int, int]] = Counter()
        for reputation, members in sql(
            f"SELECT reputation, count(*) FROM {RUN}members GROUP BY reputation"
        ):
            for key in keys_of(reputation):
                recount[key] += members
        index = {
            (level, bucket): members
            for level, bucket, members in sql(
                f"SELECT level, bucket, members FROM {RUN}reputation_counts"
            )
        }
        totals["rank index rows off"] = sum(
            index.get(key, 0) != recount.get(key, 0) for key in {*index, *recount}
        )
        totals["sum(votes.value)"], totals["sum(ledger.requested)"] = sql(
            f"SELECT (SELECT sum(value) FROM {RUN}votes), (SELECT sum(requested) FROM {RUN}ledger)"
        ).one()
        bad_scores = sql(
            f"SELECT count(*) FROM {RUN}posts p WHERE p.score <> "
            f"(SELECT coalesce(sum(v.value), 0) FROM {RUN}votes v WHERE v.post_id = p.id)"
        ).scalar_one()
    return totals, bad_scores, open_community(url, RUN, engine).reputation.recompute()


def cap_summary(engine: Engine) -> str:
    with engine.connect() as connection:
        capped, authors, rewarded = connection.exec_driver_sql(
            "SELECT count(*) FILTER (WHERE delta < requested AND undoes IS NULL), "
            "count(DISTINCT member_id) FILTER (WHERE delta < requested AND undoes IS NULL), "
            f"count(DISTINCT member_id) FROM {RUN}ledger WHERE requested > 0"
        ).one()
    return f"{capped} upvotes hit the daily cap; {authors} of {rewarded} upvoted authors reached it"


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy URL (``postgresql+psycopg://`` -> ``postgresql://``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def probe(url: str) -> str | None:
    """``None`` if the server answers, else why not (one line)."""
    try:
        import psycopg

        psycopg.connect(conninfo(url), connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - every failure means "cannot use it"
        return (str(error).strip().splitlines() or [type(error).__name__])[0]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--url", default=os.environ.get(URL_VARIABLE) or DEFAULT_URL, help=f"${URL_VARIABLE}")
    add("--votes", type=int, default=2_000, help="timed votes per run, split over the processes")
    add("--warmup", type=int, default=10, help="untimed votes per lane (8 lanes) first")
    add("--runs", type=int, default=2, help="runs of each side per process count; best counts")
    add("--processes", default="1,4,8", help="comma-separated divisors of 8")
    add("--voters", type=int, default=320)
    add("--authors", type=int, default=250)
    add("--downvotes", type=float, default=0.1, help="share of downvotes")
    add("--seed", type=int, default=2026)
    add("--sql", action="store_true", help="list the driver calls of a vote")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.processes.split(",")]
    if any(n < 1 or LANES % n for n in counts):
        parser.error(f"process counts must divide {LANES}")
    shown = make_url(args.url).render_as_string(hide_password=True)
    problem = probe(args.url)
    if problem is not None:
        print(f"PostgreSQL vote benchmark skipped: {shown}: {problem} (set {URL_VARIABLE})")
        return 0
    engine = create_storage_engine(args.url)
    workers = Workers(counts)  # they import socialcrm while this process seeds and captures
    try:
        drop_bench_tables(engine)  # left by an interrupted run
        benchmark(engine, workers, args, counts, shown)
    finally:
        workers.close()
        drop_bench_tables(engine)
        engine.dispose()
    return 0


def benchmark(
    engine: Engine, workers: Workers, args: argparse.Namespace, counts: list[int], shown: str
) -> None:
    import psycopg

    with engine.connect() as connection:
        server = connection.exec_driver_sql("SHOW server_version").scalar_one().split()[0]
        sync = connection.exec_driver_sql("SHOW synchronous_commit").scalar_one()
    print("socialcrm PostgreSQL vote benchmark: community.votes.cast vs. psycopg replay")
    print(
        f"  python {platform.python_version()}, PostgreSQL {server}, SQLAlchemy "
        f"{sqlalchemy.__version__}, psycopg {psycopg.__version__}, {os.cpu_count()} CPUs"
    )
    print(f"  {shown}, tables {PREFIX}*: synchronous_commit={sync}, one transaction per vote")
    started = time.perf_counter()
    upgrade(engine, SEED)
    upgrade(engine, RUN)
    warm, timed = seed(args.url, args)
    reset_run_schema(engine)
    seeded, _, _ = check(engine, args.url)
    texts, calls, missed = capture(args.url, warm + timed)
    expected, _, _ = check(engine, args.url)
    print(
        f"  data: {args.voters} voters, {args.authors} authors with 4 posts each; {len(warm)} "
        f"warm-up + {len(timed)} timed votes ({args.downvotes:.0%} down) on one UTC day"
    )
    print(f"  cap: {cap_summary(engine)}; setup {time.perf_counter() - started:.1f}s")
    timed_calls = calls[len(warm) :]
    sides = {
        "socialcrm": (socialcrm_votes, (args.url,), (warm, timed)),
        "psycopg": (psycopg_votes, (conninfo(args.url), texts), (calls[: len(warm)], timed_calls)),
    }
    rates: dict[tuple[str, int], list[float]] = {}
    retries, failures = 0, []
    for n in counts:
        for run in range(args.runs):
            for side, (work, shared, votes) in sides.items():  # interleaved: drift hits both
                rate, retried = workers.run(engine, work, shared, votes, n)
                rates.setdefault((side, n), []).append(rate)
                retries += retried
                totals, bad_scores, fixes = check(engine, args.url)
                if totals != expected or bad_scores or fixes:
                    diff = {k: (v, expected[k]) for k, v in totals.items() if v != expected[k]}
                    failures.append(
                        f"    {side} x{n} run {run + 1}: (run, capture) {diff}; {bad_scores} "
                        f"posts with a wrong score; recompute() fixed {fixes}"
                    )

    print(f"\n== Results (best of {args.runs} runs, {len(timed):,} timed votes each) ==")
    print("  processes  socialcrm votes/s  psycopg votes/s   ratio   runs: socialcrm | psycopg")
    for n in counts:
        sc, pg = rates[("socialcrm", n)], rates[("psycopg", n)]
        runs = " ".join(f"{r:,.0f}" for r in sc) + " | " + " ".join(f"{r:,.0f}" for r in pg)
        best = f"{max(sc):>17,.0f}  {max(pg):>15,.0f}  {max(pg) / max(sc):>5.2f}x"
        print(f"  {n:>9}  {best}   {runs}")
    kinds = [Counter(kind for kind, *_ in vote) for vote in timed_calls]
    statements = [k["execute"] + k["executemany"] for k in kinds]
    framed = sum(k["ping"] == 1 and k["commit"] == 1 and not k["rollback"] for k in kinds)
    rows = ", ".join(
        f"{table} {(count - seeded[table]) / len(calls):.2f}"
        for table, count in expected.items()
        if "(" not in table and count != seeded[table]
    )
    for line in (
        "",
        f"  statements per vote: {sum(statements) / len(timed):.2f} (min {min(statements)}, "
        f"max {max(statements)}) in the transaction, + COMMIT, + 1 pre-ping SELECT 1 before it",
        f"  capture check: {framed}/{len(timed)} timed votes were ping, statements, one COMMIT; "
        f"{sum(missed[len(warm) :])} driver calls missed by cursor events",
        f"  rows per vote: {rows}; replayed votes retried (deadlock etc.): {retries}",
        f"  after each of the {len(counts) * args.runs * 2} runs: "
        + ("OK" if not failures else f"FAILED {len(failures)}")
        + " (row counts, sum(votes.value), sum(ledger.requested) = capture's; every post "
        "score = sum of its votes; reputation.recompute() == {})",
        *failures,
    ):
        print(line)
    if args.sql:
        print("\n== Driver calls per timed vote ==")
        mix = Counter(
            kind.upper()
            if kind not in ("execute", "executemany")
            else ("(many) " if kind == "executemany" else "") + " ".join(texts[sql].split())
            for vote in timed_calls
            for kind, sql, _ in vote
        )
        for text, count in mix.most_common():
            print(f"  {count / len(timed):6.2f}/vote  {text[:110]}")


if __name__ == "__main__":
    sys.exit(main())

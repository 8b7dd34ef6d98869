"""Votes per second: ``community.votes.cast`` on a SQLite file against a raw sqlite3 replay.

Run ``make bench`` (or ``python benchmarks/bench_votes.py --help``). See
``benchmarks/README.md`` for the method and how to read the output. The script
always exits 0: it is a report, not a gate.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import platform
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import event

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

TARGET_VOTES_PER_SECOND = 2_000
TARGET_RATIO = 2.5
#: The timed votes happen on one UTC day, so popular authors reach the daily cap.
START = datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc)
#: Everyone may vote (thresholds 0) so the privilege check still runs, unbypassed.
# The seed posts every thread and reply at one instant, so no wait between posts; the
# daily likes limit stays on (its count is part of every vote measured). A run with
# more than about 50 upvotes per voter needs a higher ``max_likes_per_day``.
SETTINGS = (
    Settings()
    .with_privileges(vote_up=0, vote_down=0)
    .with_rate_limits(seconds_between_posts=(0, 0, 0, 0, 0))
)
#: The pragmas the adapter gives every SQLite connection (engines.py).
PRAGMAS = (
    "PRAGMA busy_timeout = 30000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
)

Call = tuple[str, Any, Any]  # ("execute" | "executemany" | "commit" | "rollback", sql, params)
Vote = tuple[int, int, int]  # (voter, post, value)

#: The clock of every timing; ``--cpu`` swaps in the process's CPU time.
_timer = time.perf_counter


# ---------------------------------------------------------------- driver-level capture


class _CaptureState:
    log: list[Call] = []
    on = False


class _CapturingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        if _CaptureState.on:
            _CaptureState.log.append(("execute", sql, parameters))
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> Any:
        if _CaptureState.on:
            seq = [tuple(p) if isinstance(p, list) else p for p in seq]
            _CaptureState.log.append(("executemany", sql, seq))
        return super().executemany(sql, seq)


class CapturingConnection(sqlite3.Connection):
    """A sqlite3 connection that records every statement, commit and rollback it is given.

    Used as the driver connection of the capture run: it sees the statements
    SQLAlchemy runs through cursors *and* those the adapter runs straight on the
    driver connection (which bypass SQLAlchemy's cursor events).
    """

    def cursor(self, factory: Any = _CapturingCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq)

    def commit(self) -> None:
        if _CaptureState.on:
            _CaptureState.log.append(("commit", None, None))
        super().commit()

    def rollback(self) -> None:
        if _CaptureState.on:
            _CaptureState.log.append(("rollback", None, None))
        super().rollback()


def _capturing_factory(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    cparams["factory"] = CapturingConnection


# ---------------------------------------------------------------- the data set


def open_community(path: Path, *, capture: bool = False) -> tuple[Community, ManualClock]:
    """A community on the file, configured exactly as ``Community.from_url`` would."""
    storage = SQLAlchemyStorage(f"sqlite:///{path}")
    if capture:
        # Same storage, same engine; only the driver connections it opens from now
        # on are CapturingConnection (the pool's migration connection is dropped).
        event.listen(storage.engine, "do_connect", _capturing_factory)
        storage.engine.dispose()
    clock = ManualClock(START)
    community = Community(storage, settings=SETTINGS, clock=clock, entry_points=False)
    return community, clock


def build_template(path: Path, args: argparse.Namespace) -> list[Vote]:
    """Create the members and posts once; return the votes to cast, in order."""
    rng = random.Random(args.seed)
    community, clock = open_community(path)
    clock.set(START.replace(day=START.day - 1))
    with community, community.unit_of_work():
        admin = community.members.join(external_id="admin", display_name="Admin", roles=["admin"])
        community.spaces.create(actor=admin.id, slug="help", name="Help")
        authors = [
            community.members.join(external_id=f"author-{i}", display_name=f"Author {i}").id
            for i in range(args.authors)
        ]
        voters = [
            community.members.join(external_id=f"voter-{i}", display_name=f"Voter {i}").id
            for i in range(args.voters)
        ]
        threads: list[int] = []
        posts_by_author: dict[int, list[int]] = {a: [] for a in authors}
        for author in authors:
            for n in range(2):
                thread = community.threads.start(
                    actor=author,
                    space="help",
                    kind="question",
                    title=f"Question {author}-{n}",
                    body=f"How do I do this? ({author}-{n})",
                )
                threads.append(thread.id)
                posts_by_author[author].append(thread.opening_post_id or 0)
        for author in authors:
            for thread_id in rng.sample(threads, 2):
                reply = community.posts.reply(
                    actor=author, thread=thread_id, body=f"Like this ({thread_id})."
                )
                posts_by_author[author].append(reply.id)
    _checkpoint(path)
    # Author popularity follows a Zipf-like law: a few authors get far more than 20
    # upvotes in the day (capped), the long tail stays under the cap.
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(authors))]
    total = args.warmup + args.votes
    votes: list[Vote] = []
    used: set[tuple[int, int]] = set()
    while len(votes) < total:
        author = rng.choices(authors, weights)[0]
        post = rng.choice(posts_by_author[author])
        voter = rng.choice(voters)
        if (voter, post) in used:
            continue
        used.add((voter, post))
        votes.append((voter, post, -1 if rng.random() < args.downvotes else 1))
    return votes


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so copying the main file copies the database."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def fresh_copy(template: Path, workdir: Path, name: str) -> Path:
    target = workdir / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


# ---------------------------------------------------------------- runs


def cast_votes(community: Community, clock: ManualClock, votes: Sequence[Vote]) -> None:
    cast = community.votes.cast
    for voter, post, value in votes:
        clock.advance(seconds=1)
        cast(actor=voter, post=post, value=value)


def socialcrm_run(
    template: Path,
    workdir: Path,
    votes: list[Vote],
    warmup: int,
    profiler: cProfile.Profile | None = None,
) -> float:
    """Seconds taken by the timed casts on a fresh copy (warm-up casts excluded)."""
    community, clock = open_community(fresh_copy(template, workdir, "socialcrm.db"))
    with community:
        cast_votes(community, clock, votes[:warmup])
        timed = votes[warmup:]
        if profiler is not None:
            profiler.enable()
        started = _timer()
        cast_votes(community, clock, timed)
        elapsed = _timer() - started
        if profiler is not None:
            profiler.disable()
    return elapsed


def retract_run(template: Path, workdir: Path, votes: list[Vote], count: int) -> float:
    """Seconds taken to retract the last ``count`` votes cast (each one a ledger reversal).

    All votes are cast first (untimed); the last ones are still inside the vote lock
    (one second apart, ``vote_lock_seconds`` is 300), and their authors' ledgers are
    as long as the run makes them.
    """
    community, clock = open_community(fresh_copy(template, workdir, "retract.db"))
    with community:
        cast_votes(community, clock, votes)
        retract = community.votes.retract
        started = _timer()
        for voter, post, _value in votes[-count:]:
            retract(actor=voter, post=post)
        elapsed = _timer() - started
    return elapsed


def capture_run(
    template: Path, workdir: Path, votes: list[Vote]
) -> tuple[list[list[Call]], int, Path]:
    """Cast every vote on a fresh copy, recording the driver calls of each vote.

    Also counts what SQLAlchemy's ``before_cursor_execute`` event sees, to show how
    many statements bypass it.
    """
    path = fresh_copy(template, workdir, "captured.db")
    community, clock = open_community(path, capture=True)
    seen_by_event = 0

    def count(*_args: Any) -> None:
        nonlocal seen_by_event
        seen_by_event += 1

    engine = community.storage.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", count)
    per_vote: list[list[Call]] = []
    _CaptureState.log, _CaptureState.on = [], True
    try:
        with community:
            for vote in votes:
                mark = len(_CaptureState.log)
                cast_votes(community, clock, [vote])
                per_vote.append(_CaptureState.log[mark:])
    finally:
        _CaptureState.on = False
        event.remove(engine, "before_cursor_execute", count)
    return per_vote, seen_by_event, path


def replay(conn: sqlite3.Connection, calls: Sequence[Sequence[Call]]) -> None:
    cur = conn.cursor()
    for vote in calls:
        for kind, sql, params in vote:
            if kind == "execute":
                cur.execute(sql, params).fetchall()
            elif kind == "executemany":
                cur.executemany(sql, params)
            elif kind == "commit":
                conn.commit()
            else:
                conn.rollback()


def raw_run(
    template: Path, workdir: Path, calls: list[list[Call]], warmup: int
) -> tuple[float, Path]:
    """Replay the captured calls with the stdlib sqlite3 module on a fresh copy."""
    path = fresh_copy(template, workdir, "raw.db")
    conn = sqlite3.connect(path, isolation_level=None)  # BEGIN/COMMIT as captured
    for pragma in PRAGMAS:
        conn.execute(pragma).fetchall()
    replay(conn, calls[:warmup])
    started = _timer()
    replay(conn, calls[warmup:])
    elapsed = _timer() - started
    conn.close()
    return elapsed, path


def fingerprint(path: Path) -> tuple[Any, ...]:
    """Totals that must agree between the socialcrm and the replayed database."""
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(sql).fetchone()
            for sql in (
                "SELECT count(*), sum(value) FROM socialcrm_votes",
                "SELECT count(*), sum(delta), sum(requested) FROM socialcrm_ledger",
                "SELECT sum(reputation) FROM socialcrm_members",
                "SELECT sum(score) FROM socialcrm_posts",
            )
        )
    finally:
        conn.close()


def cap_summary(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        capped_votes, capped_authors = conn.execute(
            "SELECT count(*), count(DISTINCT member_id) FROM socialcrm_ledger "
            "WHERE requested > 0 AND delta < requested AND undoes IS NULL"
        ).fetchone()
        rewarded = conn.execute(
            "SELECT count(DISTINCT member_id) FROM socialcrm_ledger WHERE requested > 0"
        ).fetchone()[0]
    finally:
        conn.close()
    return (
        f"{capped_votes} upvotes hit the daily cap; {capped_authors} of {rewarded} upvoted "
        f"authors reached it (warm-up included)"
    )


# ---------------------------------------------------------------- report


def _filesystem(path: Path) -> str:
    best, kind = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) >= len(best):
                best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def _one_transaction(vote: list[Call]) -> bool:
    begins = [
        i for i, (kind, sql, _) in enumerate(vote) if kind == "execute" and sql == "BEGIN IMMEDIATE"
    ]
    commits = [i for i, (kind, _, _) in enumerate(vote) if kind == "commit"]
    return len(begins) == 1 and len(commits) == 1 and begins[0] < commits[0]


def statement_mix(calls: list[list[Call]]) -> list[str]:
    """The distinct driver calls of the timed votes, most frequent first."""
    counts: Counter[str] = Counter()
    for vote in calls:
        for kind, sql, _params in vote:
            text = kind.upper() if kind in ("commit", "rollback") else " ".join(sql.split())
            counts[text] += 1
    n = len(calls)
    return [f"  {count / n:6.2f}/vote  {text[:110]}" for text, count in counts.most_common()]


@contextmanager
def _workdir(where: str | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="socialcrm-bench-", dir=where) as name:
        yield Path(name)


def _best(label: str, times: list[float], n: int, runs_header: int | None) -> float:
    rates = [n / t for t in times]
    best = max(rates)
    runs = ", ".join(f"{r:,.0f}" for r in rates)
    if runs_header is not None:
        print(f"== Results (best of {runs_header} runs, {n} timed votes each) ==")
    print(f"  {label:<26} {best:>9,.0f} votes/s  ({1000 / best:.3f} ms/vote; runs: {runs})")
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=5_000, help="timed votes per run")
    parser.add_argument("--warmup", type=int, default=300, help="untimed votes first")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; best counts")
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--authors", type=int, default=250)
    parser.add_argument("--downvotes", type=float, default=0.1, help="share of downvotes")
    parser.add_argument(
        "--retractions",
        type=int,
        default=250,
        help="votes retracted after a full run, timed apart (0: skip; at most 290, the lock)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", default=None, help="where the temporary files go")
    parser.add_argument("--sql", action="store_true", help="list the statements of a vote")
    parser.add_argument(
        "--profile", action="store_true", help="profile one more socialcrm run (cProfile)"
    )
    parser.add_argument(
        "--profile-sort",
        default="cumulative",
        help="pstats sort key of the profile (cumulative, tottime, calls, ...)",
    )
    parser.add_argument("--profile-top", type=int, default=25, help="rows of the profile shown")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time both sides with the process's CPU time (steadier on a busy machine)",
    )
    args = parser.parse_args(argv)
    global _timer
    _timer = time.process_time if args.cpu else time.perf_counter

    with _workdir(args.dir) as workdir:
        template = workdir / "template.db"
        print("socialcrm vote benchmark: community.votes.cast vs. raw sqlite3 replay")
        print(
            f"  python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"SQLAlchemy {sqlalchemy.__version__}, {platform.machine()}"
        )
        print(
            f"  files in {workdir} ({_filesystem(workdir)}): WAL, synchronous=NORMAL, "
            "foreign_keys=ON, one transaction per vote"
        )
        setup_started = time.perf_counter()
        votes = build_template(template, args)
        print(
            f"  data: {args.voters} voters, {args.authors} authors with 4 posts each; "
            f"{args.warmup} warm-up + {args.votes} timed votes ({args.downvotes:.0%} down) "
            f"on one UTC day; setup {time.perf_counter() - setup_started:.1f}s"
        )
        calls, seen_by_event, captured = capture_run(template, workdir, votes)
        timed_calls = calls[args.warmup :]
        statements = [
            sum(kind == "execute" or kind == "executemany" for kind, _, _ in v) for v in timed_calls
        ]
        per_vote = sum(statements) / len(statements)
        framed = sum(_one_transaction(v) for v in timed_calls)
        print(f"  cap: {cap_summary(captured)}")
        print("")
        sc_times, raw_times = [], []
        raw_path = captured
        for _ in range(args.runs):  # interleaved, so drift hits both sides alike
            sc_times.append(socialcrm_run(template, workdir, votes, args.warmup))
            elapsed, raw_path = raw_run(template, workdir, calls, args.warmup)
            raw_times.append(elapsed)
        same = fingerprint(raw_path) == fingerprint(captured)
        sc = _best("socialcrm votes.cast", sc_times, args.votes, args.runs)
        raw = _best("raw sqlite3 replay", raw_times, args.votes, None)
        ratio = raw / sc
        verdict = {True: "PASS", False: "FAIL"}
        for line in (
            f"  {'ratio (raw / socialcrm)':<26} {ratio:>9.2f}x  (time per vote, socialcrm / raw)",
            f"  {'statements per vote':<26} {per_vote:>9.2f}   (with BEGIN IMMEDIATE, plus COMMIT; "
            f"min {min(statements)}, max {max(statements)})",
            f"  {'seen by cursor events':<26} {seen_by_event / len(calls):>9.2f}   per vote "
            "(before_cursor_execute; the rest go straight to the driver)",
            f"  replay check: {framed}/{len(timed_calls)} timed votes ran as one BEGIN IMMEDIATE"
            f"...COMMIT; final databases {'identical' if same else 'DIFFER'}",
            "",
            f"  target >= {TARGET_VOTES_PER_SECOND:,} votes/s:  "
            f"{verdict[sc >= TARGET_VOTES_PER_SECOND]} ({sc:,.0f})",
            f"  target <= {TARGET_RATIO:g}x raw sqlite3: {verdict[ratio <= TARGET_RATIO]} "
            f"({ratio:.2f}x)",
        ):
            print(line)
        retractions = min(args.retractions, 290, len(votes))
        if retractions > 0:
            times = [retract_run(template, workdir, votes, retractions) for _ in range(args.runs)]
            _best("socialcrm votes.retract", times, retractions, None)
        if args.sql:
            print("")
            print("== Driver calls per timed vote ==")
            for line in statement_mix(timed_calls):
                print(line)
        if args.profile:
            _profile(template, workdir, votes, args.warmup, args.profile_sort, args.profile_top)
    return 0


def _profile(
    template: Path, workdir: Path, votes: list[Vote], warmup: int, sort: str, top: int
) -> None:
    profiler = cProfile.Profile()
    elapsed = socialcrm_run(template, workdir, votes, warmup, profiler)
    print("")
    print(
        f"== cProfile of one socialcrm run ({(len(votes) - warmup) / elapsed:,.0f} votes/s "
        "under the profiler; not comparable) =="
    )
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    timed = len(votes) - warmup
    print(
        f"  {stats.total_calls / timed:,.0f} Python function calls per vote "  # type: ignore[attr-defined]
        f"({stats.prim_calls / timed:,.0f} primitive); deterministic, unlike the times"  # type: ignore[attr-defined]
    )
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print("\n".join(lines[max(0, start - 2) :]).rstrip())


if __name__ == "__main__":
    sys.exit(main())

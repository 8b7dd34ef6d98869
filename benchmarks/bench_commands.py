"""Commands per second for thread start, reply and accept on a SQLite file.

Run ``python benchmarks/bench_commands.py`` (``--help`` for options). Each command is
its own transaction, every built-in plugin is on, with the settings of
``bench_votes.py`` (privilege thresholds 0, no wait between posts). A template holds
the members and one space; each run copies it to a fresh file, then starts
``--threads`` questions, posts ``--replies`` answers on them and accepts one answer
per question, each phase timed apart. The best of ``--runs`` counts. It always exits
0: a report, not a gate.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_votes import START

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

SETTINGS = Settings().with_privileges(vote_up=0, vote_down=0).with_rate_limits(enabled=False)


_timer = time.perf_counter


def _open(path: Path) -> tuple[Community, ManualClock]:
    clock = ManualClock(START)
    storage = SQLAlchemyStorage(f"sqlite:///{path}")
    return Community(storage, settings=SETTINGS, clock=clock, entry_points=False), clock


def build_template(path: Path, members: int) -> list[int]:
    """The members (the first one an admin) and the space ``help``; return member ids."""
    community, _clock = _open(path)
    with community, community.unit_of_work():
        admin = community.members.join(external_id="admin", display_name="Admin", roles=["admin"])
        community.spaces.create(actor=admin.id, slug="help", name="Help")
        ids = [
            community.members.join(external_id=f"m-{i}", display_name=f"Member {i}").id
            for i in range(members)
        ]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return ids


def one_run(template: Path, workdir: Path, ids: list[int], args: argparse.Namespace) -> list[float]:
    """Seconds taken by each phase (start, reply, accept) on a fresh copy."""
    path = workdir / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    community, clock = _open(path)
    n = len(ids)
    with community:
        started = _timer()
        threads: list[tuple[int, int]] = []
        for i in range(args.threads):
            clock.advance(seconds=1)
            asker = ids[i % n]
            thread = community.threads.start(
                actor=asker,
                space="help",
                kind="question",
                title=f"Question number {i}",
                body=f"How do I do thing {i}? It does not work.",
            )
            threads.append((thread.id, asker))
        start_s = _timer() - started
        started = _timer()
        answers: list[int] = []
        for i in range(args.replies):
            clock.advance(seconds=1)
            thread_id, asker = threads[i % len(threads)]
            author = ids[(i * 7 + 3) % n]
            if author == asker:
                author = ids[(i * 7 + 4) % n]
            reply = community.posts.reply(actor=author, thread=thread_id, body=f"Like this: {i}.")
            if i < len(threads):
                answers.append(reply.id)
        reply_s = _timer() - started
        started = _timer()
        for (_thread_id, asker), answer in zip(threads, answers, strict=False):
            clock.advance(seconds=1)
            community.threads.accept(actor=asker, answer=answer)
        accept_s = _timer() - started
    return [start_s, reply_s, accept_s]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; always 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with the process's CPU time (steadier on a busy machine)",
    )
    args = parser.parse_args(argv)
    global _timer
    _timer = time.process_time if args.cpu else time.perf_counter
    with tempfile.TemporaryDirectory(prefix="socialcrm-bench-") as name:
        workdir = Path(name)
        template = workdir / "template.db"
        ids = build_template(template, args.members)
        runs = [one_run(template, workdir, ids, args) for _ in range(args.runs)]
    counts = (args.threads, args.replies, min(args.threads, args.replies))
    print(
        "socialcrm command benchmark (SQLite file, one transaction per command, "
        f"best of {args.runs}, "
        f"{'CPU' if args.cpu else 'wall-clock'} time)"
    )
    for index, label in enumerate(("threads.start", "posts.reply", "threads.accept")):
        rates = [counts[index] / run[index] for run in runs]
        listed = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"  {label:<16} {max(rates):>8,.0f} /s  (runs: {listed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

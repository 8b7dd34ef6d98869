"""The ``socialcrm`` command: ``socialcrm demo`` and ``socialcrm --version``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_DB = "socialcrm-demo.db"
DEMO_DAYS = 25  # Monday 5 January to Thursday 29 January 2026


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialcrm", description="socialcrm: a customer community core."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="build a demo support community in a SQLite file",
        description="Simulate a few weeks of a customer-support community in a SQLite file "
        "(through the public API, with a manual clock and a fixed random seed), then print "
        "leaderboards, top threads and a reputation history.",
    )
    demo.add_argument(
        "--db", default=DEFAULT_DB, help=f"SQLite file to create (default {DEFAULT_DB})"
    )
    demo.add_argument(
        "--overwrite", action="store_true", help="delete an existing file (and its -wal/-shm) first"
    )
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    return parser


def _sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def run_demo(db: Path, *, overwrite: bool, seed: int) -> int:
    """Create ``db`` and fill it with the simulated community; return the exit status."""
    from socialcrm import Community, ManualClock
    from socialcrm.demo import report, simulate

    existing = [p for p in _sidecars(db) if p.exists()]
    if existing and not overwrite:
        print(
            f"socialcrm demo: {db} already exists; pass --overwrite to replace it",
            file=sys.stderr,
        )
        return 2
    if db.is_dir():
        print(f"socialcrm demo: {db} is a directory", file=sys.stderr)
        return 2
    for path in existing:
        path.unlink()
    db.parent.mkdir(parents=True, exist_ok=True)
    clock = ManualClock()
    community = Community.from_url(f"sqlite:///{db.resolve()}", clock=clock, entry_points=False)
    with community:
        print(f"socialcrm demo: writing {db}")
        print("")
        demo = simulate(community, clock, seed=seed, days=DEMO_DAYS, out=print)
        report(demo, print)
    print("")
    print(f"Done. Explore it with Community.from_url('sqlite:///{db}').")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    if args.version:
        from socialcrm import __version__

        print(f"socialcrm {__version__}")
        return 0
    if args.command == "demo":
        from socialcrm.errors import SocialCRMError

        try:
            return run_demo(Path(args.db), overwrite=args.overwrite, seed=args.seed)
        except SocialCRMError as exc:
            print(f"socialcrm demo: {exc.code}: {exc.message}", file=sys.stderr)
            return 1
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())

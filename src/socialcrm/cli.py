"""The ``socialcrm`` command: ``demo``, ``db``, ``import stackexchange`` and ``--version``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_DB = "socialcrm-demo.db"
DEMO_DAYS = 25  # Monday 5 January to Thursday 29 January 2026

#: Environment variable holding the database URL of the ``db`` commands.
DATABASE_URL_VARIABLE = "SOCIALCRM_DATABASE_URL"
#: The ``db`` commands' URL when neither ``--url`` nor the variable gives one.
DEFAULT_DATABASE_URL = "sqlite:///socialcrm.db"
#: Same as ``socialcrm.adapters.sqlalchemy.DEFAULT_TABLE_PREFIX`` (not imported: fast --help).
DEFAULT_TABLE_PREFIX = "socialcrm_"

#: Which extra installs the driver of each backend, for the "missing driver" message.
_DRIVER_EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


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

    db = commands.add_parser(
        "db",
        help="create, upgrade or inspect the schema in a database",
        description="Run socialcrm's schema migrations (Alembic, shipped in the package) on "
        "SQLite, PostgreSQL or MariaDB.",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    for name, summary in (
        ("upgrade", "create the tables or upgrade them to the latest revision"),
        ("current", "print the schema's revision (or 'none') and whether it is the latest"),
    ):
        sub = db_commands.add_parser(name, help=summary, description=summary.capitalize() + ".")
        sub.add_argument(
            "--db",
            "--url",  # the first spelling; kept so that existing scripts keep working
            dest="url",
            default=None,
            help=f"database URL (default: ${DATABASE_URL_VARIABLE}, else {DEFAULT_DATABASE_URL}); "
            "--url is the same option",
        )
        sub.add_argument(
            "--prefix",
            default=DEFAULT_TABLE_PREFIX,
            help=f"prefix of every table name (default {DEFAULT_TABLE_PREFIX})",
        )
    importer = commands.add_parser(
        "import",
        help="import an existing community's history",
        description="Import a community's history by replaying it through socialcrm's rules.",
    )
    sources = importer.add_subparsers(dest="import_source", metavar="SOURCE")
    se = sources.add_parser(
        "stackexchange",
        help="a Stack Exchange data dump (a directory of Users.xml, Posts.xml, Votes.xml...)",
        description="Import a Stack Exchange data dump: members, questions, answers, "
        "comments, and every vote and accept replayed in time order through the Stack "
        "Exchange reward rules. Running it again changes nothing; an interrupted import "
        "resumes. See docs/migrating.md.",
    )
    se.add_argument("directory", type=Path, help="the dump's directory")
    se.add_argument(
        "--db",
        "--url",
        dest="db",
        default=None,
        help=f"database URL (default: ${DATABASE_URL_VARIABLE}, else {DEFAULT_DATABASE_URL})",
    )
    se.add_argument(
        "--compare",
        action="store_true",
        help="afterwards, compare each member's reputation with Users.xml",
    )
    se.add_argument(
        "--batch-size", type=int, default=1000, help="rows per transaction (default 1000)"
    )
    se.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser


def run_import_stackexchange(
    directory: Path, url: str, *, compare: bool, batch_size: int, progress: bool
) -> int:
    """Import a Stack Exchange dump into ``url``, print the report; return the exit status."""
    from contextlib import nullcontext

    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
    from socialcrm.errors import SocialCRMError
    from socialcrm.importers.stackexchange import (
        StackExchangeImporter,
        TerminalProgress,
        compare_reputation,
    )

    if not directory.is_dir():
        print(f"socialcrm import: {directory} is not a directory", file=sys.stderr)
        return 2
    display: Any = nullcontext(None)
    if progress and sys.stderr.isatty():
        try:
            from rich.console import Console
        except ImportError:
            print("(no progress bars: pip install 'socialcrm[import]' for them)", file=sys.stderr)
        else:
            display = TerminalProgress(Console(stderr=True))
    storage = SQLAlchemyStorage(url)
    try:
        with display as shown:
            importer = StackExchangeImporter(
                storage, directory, batch_size=batch_size, progress=shown
            )
            report = importer.run()
        print("\n".join(report.lines()))
        if compare:
            print("")
            print("\n".join(compare_reputation(importer.community, directory).lines()))
        return 0
    except SocialCRMError as error:
        print(f"socialcrm import: {error.code}: {error.message}", file=sys.stderr)
        return 1
    finally:
        storage.close()


def database_url(url: str | None) -> str:
    """The URL of the ``db`` commands: ``--url``, else the environment, else the default."""
    return url or os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL


def run_db(command: str, url: str, prefix: str) -> int:
    """Run ``db upgrade`` or ``db current`` on ``url``; return the exit status."""
    from sqlalchemy import exc as sa_exc
    from sqlalchemy.engine import make_url

    from socialcrm.adapters.sqlalchemy import create_storage_engine, current, head, upgrade
    from socialcrm.errors import SocialCRMError

    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as error:
        print(f"socialcrm db: not a database URL: {url!r} ({error})", file=sys.stderr)
        return 2
    shown = parsed.render_as_string(hide_password=True)
    database = parsed.database or ""
    if (
        command == "current"
        and parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).exists()
    ):
        # Connecting would create an empty file: report instead.
        print(f"none (no database file {database}; head is {head()})")
        return 0
    try:
        engine = create_storage_engine(parsed)
    except ImportError as error:
        extra = _DRIVER_EXTRAS.get(parsed.get_backend_name())
        hint = f"; pip install 'socialcrm[{extra}]'" if extra else ""
        print(f"socialcrm db: no driver for {shown}: {error}{hint}", file=sys.stderr)
        return 1
    except sa_exc.SQLAlchemyError as error:
        print(f"socialcrm db: cannot use {shown}: {error}", file=sys.stderr)
        return 1
    try:
        latest = head()
        before = current(engine, prefix)
        if command == "upgrade":
            upgrade(engine, prefix)
            after = current(engine, prefix)
            if before == after:
                print(f"{shown} (prefix {prefix}): already at {after} (head)")
            else:
                print(f"{shown} (prefix {prefix}): upgraded from {before or 'none'} to {after}")
        else:
            state = "head" if before == latest else f"head is {latest}"
            print(f"{before or 'none'} ({state})")
        return 0
    except (sa_exc.SQLAlchemyError, SocialCRMError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        print(
            f"socialcrm db {command}: {shown}: {detail[0] if detail else type(error).__name__}",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


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
    if args.command == "db":
        if args.db_command is None:
            print(
                "usage: socialcrm db {upgrade,current} [--url URL] [--prefix PREFIX]",
                file=sys.stderr,
            )
            return 2
        return run_db(args.db_command, database_url(args.url), args.prefix)
    if args.command == "import":
        if args.import_source != "stackexchange":
            print(
                "usage: socialcrm import stackexchange DIR [--db URL] [--compare]", file=sys.stderr
            )
            return 2
        return run_import_stackexchange(
            args.directory,
            database_url(args.db),
            compare=args.compare,
            batch_size=args.batch_size,
            progress=not args.no_progress,
        )
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())

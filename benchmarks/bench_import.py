"""How long the whole quantumcomputing Stack Exchange dump takes to import into SQLite.

Run ``.venv/bin/python benchmarks/bench_import.py`` (``--help`` for options). It imports
the dump in ``../shared/data/stackexchange/quantumcomputing`` (found next to the
repository, read in place) into a fresh SQLite file through
``socialcrm.importers.stackexchange`` — every vote and accept replayed through the
Stack Exchange rules, in batches of ``--batch-size`` rows per transaction — and
prints the seconds, the rows per second, the import report and the reputation
comparison with Users.xml. Target: under **15 seconds**. It runs ``--runs`` times
(default 3) on fresh files and reports each and the best. It always exits 0: a
report, not a gate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.importers.stackexchange import StackExchangeImporter, compare_reputation

DUMP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "stackexchange"
TARGET_SECONDS = 15.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; always 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, default=DUMP / "quantumcomputing")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.dump.is_dir():
        print(f"bench_import: no dump at {args.dump}; nothing to measure")
        return 0
    timings: list[float] = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as scratch:
            storage = SQLAlchemyStorage(f"sqlite:///{Path(scratch) / 'import.db'}")
            try:
                importer = StackExchangeImporter(storage, args.dump, batch_size=args.batch_size)
                started = time.perf_counter()
                report = importer.run()
                seconds = time.perf_counter() - started
                timings.append(seconds)
                print(
                    f"run {run}: {seconds:.2f} s, {report.rows_read:,} rows, "
                    f"{report.rows_read / seconds:,.0f} rows/s"
                )
                if run == args.runs:
                    print("")
                    print("\n".join(report.lines()))
                    print("")
                    print("\n".join(compare_reputation(importer.community, args.dump).lines()))
            finally:
                storage.close()
    best = min(timings)
    verdict = "PASS" if best < TARGET_SECONDS else "FAIL"
    print("")
    print(f"best of {len(timings)}: {best:.2f} s (target < {TARGET_SECONDS:.0f} s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

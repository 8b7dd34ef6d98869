"""Import a Stack Exchange data dump: members, questions, answers, comments, votes, accepts.

::

    from socialcrm.importers.stackexchange import import_stackexchange

    report = import_stackexchange("sqlite:///community.db", "dumps/quantumcomputing")
    print("\\n".join(report.lines()))

Reputation is never copied from Users.xml: every vote, accept and bounty is replayed in
time order through the Stack Exchange preset (:mod:`socialcrm.plugins.stackexchange`),
so the daily cap, the floor and the exemptions apply as they did. Voters are
anonymised in public dumps: each vote is cast by a placeholder member (never listed
or ranked), distinct per post. Badges, post links, suggested edits and the
association bonus are counted in the report but not imported. See docs/migrating.md.
"""

from __future__ import annotations

from pathlib import Path

from socialcrm.importers.stackexchange.compare import ASSOCIATION_BONUS, compare_reputation
from socialcrm.importers.stackexchange.configuration import ImportPrivileges, import_settings
from socialcrm.importers.stackexchange.progress import (
    ImportProgress,
    NoProgress,
    TerminalProgress,
)
from socialcrm.importers.stackexchange.replay import (
    DEFAULT_BATCH_SIZE,
    STAGES,
    StackExchangeImporter,
    source_name,
)
from socialcrm.importers.stackexchange.report import (
    Difference,
    ImportReport,
    ReputationComparison,
)
from socialcrm.ports import Storage
from socialcrm.settings import Settings


def import_stackexchange(
    storage: Storage | str,
    directory: str | Path,
    *,
    settings: Settings | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Import the dump in ``directory`` into ``storage`` (a storage or a database URL).

    Safe to run again: what an earlier run committed is skipped, so a finished
    import changes nothing and an interrupted one resumes. ``settings`` are the
    host's (reward amounts, cap, floor); the import lifts only the limits that
    history may exceed (:func:`import_settings`). Raises
    :class:`~socialcrm.errors.DumpError` for a missing, malformed or truncated file.
    """
    owned = isinstance(storage, str)
    if isinstance(storage, str):
        from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

        storage = SQLAlchemyStorage(storage)
    try:
        importer = StackExchangeImporter(
            storage, Path(directory), settings=settings, batch_size=batch_size, progress=progress
        )
        return importer.run()
    finally:
        if owned:
            storage.close()


__all__ = [
    "ASSOCIATION_BONUS",
    "DEFAULT_BATCH_SIZE",
    "STAGES",
    "Difference",
    "ImportPrivileges",
    "ImportProgress",
    "ImportReport",
    "NoProgress",
    "ReputationComparison",
    "StackExchangeImporter",
    "TerminalProgress",
    "compare_reputation",
    "import_settings",
    "import_stackexchange",
    "source_name",
]

"""A rank index: how many members hold each reputation, at four bucket widths.

``members.count_above(r)`` (the all-time rank) is ``COUNT(*)`` of the members
above ``r`` if read from the members table: a range scan that grows with the
rank, some 90 ms for a median member of a million on PostgreSQL. The table
``<prefix>reputation_counts`` answers it in a bounded number of rows instead:

* each row is ``(level, bucket, members)``: at level ``k`` the bucket of a
  reputation ``r`` is ``r >> LEVEL_SHIFTS[k]`` (floor division by 1, 64, 4,096 and
  262,144), and ``members`` is how many members have a reputation in it;
* placeholder members (stand-ins of a history import) are not counted;
* the members above ``r`` are those in the level-3 buckets above ``r``'s, plus at
  each lower level the buckets above ``r``'s inside ``r``'s bucket of the level
  above: at most 63 rows a level, one indexed query (see :func:`ranges_above`);
  only the top level is unbounded, one row per 262,144 points of reputation.

**Keeping it in step.** The member repository records every change of a cached
total (``add``, ``add_reputation``, ``set_reputation``) as a move from the old
value to the new one, knowing the old value from ``members.lock`` (which every
reputation change takes first) or reading it under the lock. Moves are summed
per ``(level, bucket)`` and written just before the unit commits, in one batch
sorted by key, as ``members = members + delta`` upserts: every writer locks index
rows in the same order and only at the very end of its transaction, after all its
member locks, so index rows add no deadlock and are held for one round trip. A
vote usually moves one member by less than 64, so it writes two level-0 rows.
A query in the same unit (``count_above``) writes the pending moves first, so it
sees the unit's own changes.

Rows whose count fell to 0 stay (there are at most a few per distinct reputation);
:func:`rebuild` recreates the index from the members table, for hosts that write
that table directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, MetaData, Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import TableKit, column
from socialcrm.adapters.sqlalchemy.prepared import Prepared, StatementFactory

#: Bit shifts of the four levels: buckets 1, 64, 4,096 and 262,144 wide.
LEVEL_SHIFTS = (0, 6, 12, 18)

#: Buckets of one level inside one bucket of the level above (``1 << 6``).
FAN_OUT = 64

#: Key of one index row: ``(level, bucket)``.
Key = tuple[int, int]


def keys_of(reputation: int) -> list[Key]:
    """The index rows a member with ``reputation`` is counted in, one per level."""
    return [(level, reputation >> shift) for level, shift in enumerate(LEVEL_SHIFTS)]


def moves(old: int | None, new: int | None) -> Counter[Key]:
    """Index deltas for a member going from ``old`` to ``new`` (``None``: not counted)."""
    deltas: Counter[Key] = Counter()
    if old is not None:
        for key in keys_of(old):
            deltas[key] -= 1
    if new is not None:
        for key in keys_of(new):
            deltas[key] += 1
    return deltas


def ranges_above(reputation: int) -> list[tuple[int, int, int | None]]:
    """Bucket ranges ``(level, first, last or None)`` holding every reputation above ``reputation``.

    The ranges are disjoint: at each level below the top, the buckets after
    ``reputation``'s own inside its bucket of the next level; at the top level, every
    bucket after its own. Empty ranges (``reputation``'s bucket is the last of its
    parent) are left out.
    """
    top = len(LEVEL_SHIFTS) - 1
    ranges: list[tuple[int, int, int | None]] = []
    for level, shift in enumerate(LEVEL_SHIFTS):
        bucket = reputation >> shift
        if level == top:
            ranges.append((level, bucket + 1, None))
            continue
        parent = reputation >> LEVEL_SHIFTS[level + 1]
        last = (parent + 1) * FAN_OUT - 1
        if bucket < last:
            ranges.append((level, bucket + 1, last))
    return ranges


def _upsert(table: Table, dialect_name: str) -> Any:
    """``INSERT ... (level, bucket, members)`` adding ``members`` to an existing row."""
    values: dict[str, Any] = {
        "level": bindparam("level"),
        "bucket": bindparam("bucket"),
        "members": bindparam("delta"),
    }
    if dialect_name in ("mysql", "mariadb"):
        statement = mysql.insert(table).values(values)
        return statement.on_duplicate_key_update(
            members=table.c.members + statement.inserted.members
        )
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table).values(values)
    return statement.on_conflict_do_update(
        index_elements=[table.c.level, table.c.bucket],
        set_={"members": table.c.members + statement.excluded.members},
    )


def add_reputation_count_tables(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The ``reputation_counts`` table: the rank index (no foreign keys)."""
    kit = TableKit(metadata, prefix)
    reputation_counts = kit.keyed(
        "reputation_counts",
        ("level", "bucket"),
        column("level", Integer),
        column("bucket", Integer),
        column("members", Integer),
    )
    return {"reputation_counts": reputation_counts}


class ReputationCountStatements:
    """The rank index's statements, built once per storage."""

    def __init__(self, tables: Tables, prepare: StatementFactory) -> None:
        counts = tables.reputation_counts
        self.table = counts
        self.upsert: Prepared = prepare.hot(_upsert(counts, prepare.dialect.name))
        # One statement per shape of ranges (which levels have an upper bound: a
        # handful), so each is compiled once and then found in the compiled cache.
        self._above: dict[tuple[bool, ...], Prepared] = {}
        self._prepare = prepare

    def above(
        self, ranges: Sequence[tuple[int, int, int | None]]
    ) -> tuple[Prepared, dict[str, int]]:
        """The summing query for ``ranges`` and its parameters."""
        shape = tuple(last is not None for _level, _first, last in ranges)
        params: dict[str, int] = {}
        for index, (level, first, last) in enumerate(ranges):
            params[f"level_{index}"] = level
            params[f"first_{index}"] = first
            if last is not None:
                params[f"last_{index}"] = last
        statement = self._above.get(shape)
        if statement is None:
            c = self.table.c
            conditions: list[ColumnElement[bool]] = []
            for index, (_level, _first, last) in enumerate(ranges):
                parts = [
                    c.level == bindparam(f"level_{index}"),
                    c.bucket >= bindparam(f"first_{index}"),
                ]
                if last is not None:
                    parts.append(c.bucket <= bindparam(f"last_{index}"))
                conditions.append(and_(*parts))
            query = select(func.coalesce(func.sum(c.members), 0)).where(or_(*conditions))
            statement = self._above[shape] = self._prepare.hot(query)
        return statement, params


class ReputationCounts:
    """One unit's view of the rank index: pending moves, and the reads that flush them."""

    __slots__ = ("_conn", "_q", "_pending")

    def __init__(self, connection: Connection, statements: ReputationCountStatements) -> None:
        self._conn = connection
        self._q = statements
        self._pending: Counter[Key] = Counter()

    def move(self, old: int | None, new: int | None) -> None:
        """Record that a member's total went from ``old`` to ``new``."""
        if old != new:
            self._pending.update(moves(old, new))

    def flush(self) -> None:
        """Write the pending moves, sorted by key (called before every commit)."""
        rows = [
            {"level": level, "bucket": bucket, "delta": delta}
            for (level, bucket), delta in sorted(self._pending.items())
            if delta
        ]
        self._pending.clear()
        if rows:
            self._q.upsert.write_many(self._conn, rows)

    def discard(self) -> None:
        """Forget the pending moves (the unit rolled back)."""
        self._pending.clear()

    def count_above(self, reputation: int) -> int:
        """Members with a reputation strictly greater than ``reputation``."""
        self.flush()
        statement, params = self._q.above(ranges_above(reputation))
        return int(statement.scalar(self._conn, params))


def rebuild(connection: Connection, tables: Tables, ranked: ColumnElement[bool]) -> int:
    """Recreate the whole index from the members table; return the rows written.

    Runs in the caller's transaction. One ``GROUP BY`` over the members matching
    ``ranked`` (placeholders are not), then the sums per level computed here, so no
    dialect's integer division is relied on.
    """
    members = tables.members
    counts = tables.reputation_counts
    totals: Counter[Key] = Counter()
    grouped = (
        select(members.c.reputation, func.count()).where(ranked).group_by(members.c.reputation)
    )
    for reputation, how_many in connection.execute(grouped):
        for key in keys_of(int(reputation)):
            totals[key] += int(how_many)
    connection.execute(delete(counts))
    rows = [
        {"level": level, "bucket": bucket, "members": how_many}
        for (level, bucket), how_many in sorted(totals.items())
    ]
    if rows:
        connection.execute(counts.insert(), rows)
    return len(rows)


__all__ = [
    "FAN_OUT",
    "LEVEL_SHIFTS",
    "ReputationCountStatements",
    "ReputationCounts",
    "keys_of",
    "moves",
    "ranges_above",
    "rebuild",
]

"""Every write that could lose a concurrent change is a compare-and-set or runs under a lock.

A command reads rows without a lock (visibility, rights, the vote it changes) and
writes later; in between, another unit may commit. A write keyed only by the
row's id that sets absolute values computed from such a read loses that unit's
change (a retraction that deleted a vote changed meanwhile took the old value off
the score). So each UPDATE and DELETE the SQL adapter prepares is one of:

- a compare-and-set: its WHERE names a column besides the row's key (the state the
  caller read: ``value = :expected``, ``deleted_at IS NULL``, ``status = 'open'``);
- a relative change: every column it sets is ``column + :delta`` (commutative);
- listed in ``UNCONDITIONAL`` below, with the lock its callers must take first;
  the second test walks every caller in ``socialcrm.capabilities`` and checks
  that one of those lock calls comes before the write in the same function.

A new statement is found by the walk over the prepared statements, so it cannot
be added without choosing one of the three.
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

from sqlalchemy import BinaryExpression, Column, UniqueConstraint, create_engine
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.dml import Delete, Update

import socialcrm.capabilities
from socialcrm.adapters.sqlalchemy.prepared import StatementFactory
from socialcrm.adapters.sqlalchemy.schema import build_tables
from socialcrm.adapters.sqlalchemy.storage import _Statements

_THREAD_LOCKS = frozenset({"lock_live_thread", "lock_live_post", "live_post_under_thread_lock"})
_MEMBER_LOCK = frozenset({"members.lock"})

#: ``(statements group, statement)`` -> (the repository call, the locks one of which
#: must come first in every caller, or ``None`` with why no lock is needed).
UNCONDITIONAL: dict[tuple[str, str], tuple[str, frozenset[str] | str]] = {
    ("members", "update_profile"): ("members.update_profile", _MEMBER_LOCK),
    ("members", "set_roles"): ("members.set_roles", _MEMBER_LOCK),
    ("members", "set_reputation"): ("members.set_reputation", _MEMBER_LOCK),
    ("threads", "set_status"): ("threads.set_status", _THREAD_LOCKS),
    ("threads", "set_title_and_tags"): ("threads.set_title_and_tags", _THREAD_LOCKS),
    ("posts", "update_body"): ("posts.update_body", _THREAD_LOCKS),
    ("threads", "set_opening_post"): (
        "threads.set_opening_post",
        "written once, by the unit that creates the thread or approves its held opening post",
    ),
    ("spaces", "delete_member"): (
        "spaces.remove_member",
        "deleting a membership is idempotent; the caller is told whether a row went",
    ),
    # A member's ballot changes take turns on the member's row.
    ("polls", "clear_ballot"): ("polls.set_ballot", _MEMBER_LOCK),
    ("threads", "add_replies_at"): (
        "threads.record_reply",
        "the reply count is an increment; last_activity_at is the committing unit's time",
    ),
    ("activity", "add_visited_day"): (
        "activity.add_day",
        "increments, and visited set to true: both commute with any other unit's",
    ),
    ("imports", "update_checkpoint"): (
        "imports.update_checkpoint",
        "one importer per source; the checkpoint only moves forward within its run",
    ),
}


#: ``(file, function)`` that write a row the same unit inserted: no other unit sees
#: it before the commit, so there is nothing to lose.
CREATED_IN_THE_SAME_UNIT = {
    ("members/service.py", "join"): "rewrites the profile of the member it just inserted",
}


def _key_columns(table) -> set[str]:
    keys = {c.name for c in table.primary_key.columns}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys |= {c.name for c in constraint.columns}
    return keys


def _is_increment(table, name: str, value) -> bool:
    return (
        isinstance(value, BinaryExpression)
        and value.operator in (operators.add, operators.sub)
        and isinstance(value.left, Column)
        and value.left.table is table
        and value.left.name == name
    )


def _writes() -> Iterator[tuple[str, str, Update | Delete]]:
    engine = create_engine("sqlite://")
    statements = _Statements(build_tables(""), StatementFactory(engine.dialect, direct=False))
    for group in _Statements.__slots__:
        for name, prepared in vars(getattr(statements, group)).items():
            statement = getattr(prepared, "statement", None)
            if isinstance(statement, Update | Delete):
                yield group, name, statement


def _unguarded() -> list[tuple[str, str]]:
    found = []
    for group, name, statement in _writes():
        table = statement.table
        where = set()
        if statement.whereclause is not None:
            where = {
                element.name
                for element in visitors.iterate(statement.whereclause)
                if isinstance(element, Column) and element.table is table
            }
        if where - _key_columns(table):
            continue  # a compare-and-set on the state the caller read
        values = getattr(statement, "_values", None) or {}
        if (
            isinstance(statement, Update)
            and values
            and all(
                _is_increment(table, key if isinstance(key, str) else key.name, value)
                for key, value in values.items()
            )
        ):
            continue  # a relative change commutes with every other
        found.append((group, name))
    return found


def test_the_walk_finds_the_writes() -> None:
    names = {(group, name) for group, name, _ in _writes()}
    assert len(names) > 30
    assert ("votes", "remove") in names and ("members", "add_reputation") in names


def test_every_unconditional_write_is_listed_with_its_lock() -> None:
    unguarded = set(_unguarded())
    assert unguarded - set(UNCONDITIONAL) == set(), "compare-and-set it, or list it with a lock"
    assert set(UNCONDITIONAL) - unguarded == set(), "listed but conditional now: unlist it"


def _functions() -> Iterator[tuple[pathlib.Path, ast.FunctionDef]]:
    folder = pathlib.Path(socialcrm.capabilities.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                yield path, node


def _calls(function: ast.FunctionDef) -> list[tuple[int, set[str]]]:
    """``(line, names)`` of each call: ``f``, ``attr`` and ``owner.attr``."""
    calls = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        names = set()
        if isinstance(node.func, ast.Name):
            names.add(node.func.id)
        elif isinstance(node.func, ast.Attribute):
            names.add(node.func.attr)
            if isinstance(node.func.value, ast.Attribute):
                names.add(f"{node.func.value.attr}.{node.func.attr}")
        calls.append((node.lineno, names))
    return calls


def test_every_caller_of_an_unconditional_write_holds_its_lock_first() -> None:
    guarded = {
        call: locks for call, locks in UNCONDITIONAL.values() if isinstance(locks, frozenset)
    }
    seen: set[str] = set()
    missing = []
    for path, function in _functions():
        if (f"{path.parent.name}/{path.name}", function.name) in CREATED_IN_THE_SAME_UNIT:
            continue
        calls = _calls(function)
        for line, names in calls:
            for write in names & set(guarded):
                seen.add(write)
                if not any(
                    earlier < line and names_before & guarded[write]
                    for earlier, names_before in calls
                ):
                    missing.append(f"{path.parent.name}/{path.name}:{line} {write}")
    assert missing == []
    assert seen == set(guarded), "a listed write no capability calls: drop it from the list"

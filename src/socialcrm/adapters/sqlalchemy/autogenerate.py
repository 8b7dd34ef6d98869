"""Keep socialcrm's tables out of the host's Alembic autogenerate (Flask-Migrate too).

socialcrm migrates its own tables (``socialcrm db upgrade``, or on first use). In a
database the host shares, the host's ``alembic revision --autogenerate`` (or
``flask db migrate``) reflects those tables, finds them missing from the host's
metadata, and writes ``drop_table`` for each. These filters hide them:

>>> filters = autogenerate_filters()
>>> sorted(filters)
['include_name', 'include_object']
>>> filters["include_name"]("socialcrm_posts", "table", {})
False
>>> filters["include_name"]("orders", "table", {})
True

``Migrate(app, db, **autogenerate_filters())`` for Flask-Migrate;
``context.configure(..., **autogenerate_filters())`` in a plain Alembic ``env.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX

#: Alembic's ``include_name(name, type_, parent_names)`` hook.
IncludeName = Callable[[Any, str, Mapping[str, Any]], bool]

#: Alembic's ``include_object(object, name, type_, reflected, compare_to)`` hook.
IncludeObject = Callable[[Any, Any, str, bool, Any], bool]


def is_socialcrm_table(name: object, table_prefix: str = DEFAULT_TABLE_PREFIX) -> bool:
    """Whether a table of this name belongs to socialcrm (its prefix; its version table too)."""
    return isinstance(name, str) and name.startswith(table_prefix)


def _table_of(obj: Any, name: Any, type_: str) -> Any:
    if type_ == "table":
        return name
    table = getattr(obj, "table", None)
    if table is None:  # a foreign key constraint knows its table as ``parent``
        table = getattr(obj, "parent", None)
    return getattr(table, "name", None)


def autogenerate_filters(
    table_prefix: str = DEFAULT_TABLE_PREFIX,
    *,
    include_name: IncludeName | None = None,
    include_object: IncludeObject | None = None,
) -> dict[str, Callable[..., bool]]:
    """``include_name`` and ``include_object`` keywords that hide socialcrm's tables.

    Pass them to Alembic's ``context.configure`` or to Flask-Migrate's ``Migrate``.
    Every table whose name starts with ``table_prefix`` (the same prefix as the
    community's, ``SOCIALCRM_TABLE_PREFIX``), and every index, column and constraint
    of such a table, is left out of the comparison, so autogenerate neither drops
    nor alters them. The host's own filters, if given, still decide for everything
    else.
    """

    def socialcrm_include_name(name: Any, type_: str, parent_names: Mapping[str, Any]) -> bool:
        table = name if type_ == "table" else (parent_names or {}).get("table_name")
        if is_socialcrm_table(table, table_prefix):
            return False
        return include_name(name, type_, parent_names) if include_name else True

    def socialcrm_include_object(
        obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if is_socialcrm_table(_table_of(obj, name, type_), table_prefix):
            return False
        return include_object(obj, name, type_, reflected, compare_to) if include_object else True

    return {"include_name": socialcrm_include_name, "include_object": socialcrm_include_object}


__all__ = ["IncludeName", "IncludeObject", "autogenerate_filters", "is_socialcrm_table"]

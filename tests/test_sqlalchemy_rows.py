"""The generic row mapper of the SQL repositories, and the schema registry it reads with."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import attrs
import pytest

from socialcrm.adapters.sqlalchemy.repositories.audit import AUDIT_ROW
from socialcrm.adapters.sqlalchemy.repositories.members import MEMBER_ROW
from socialcrm.adapters.sqlalchemy.repositories.polls import OPTION_ROW, POLL_ROW
from socialcrm.adapters.sqlalchemy.rows import FromColumns, RowMapper, from_columns, json_tuple
from socialcrm.adapters.sqlalchemy.schema import TABLE_BUILDERS, build_tables
from socialcrm.capabilities.members.records import Member, Profile
from socialcrm.capabilities.votes.records import Vote

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@attrs.frozen(kw_only=True)
class _Sample:
    id: int
    tags: tuple[str, ...]
    key: str
    pair: str
    extra: int = 0


def test_columns_follow_the_fields_with_overrides_in_place() -> None:
    mapper = RowMapper(
        _Sample,
        {
            "tags": json_tuple,
            "key": "sample_key",
            "pair": from_columns("a", "b", convert="{}-{}".format),
        },
        supplied=("extra",),
    )
    assert mapper.columns == ("id", "tags", "sample_key", "a", "b")
    row = (3, '["x", "y"]', "k", "left", "right")
    assert mapper.from_row(row, extra=9) == _Sample(
        id=3, tags=("x", "y"), key="k", pair="left-right", extra=9
    )


def test_a_plain_record_reads_its_columns_by_field_name() -> None:
    mapper = RowMapper(Vote)
    assert mapper.columns == ("id", "post_id", "member_id", "value", "cast_at")
    assert mapper.from_row((1, 2, 3, -1, AT)) == Vote(
        id=1, post_id=2, member_id=3, value=-1, cast_at=AT
    )


def test_the_member_mapper_builds_roles_and_the_nested_profile() -> None:
    row = [7, "ext-7", "Ada", "admin,moderator", 12, AT, "bio", "Acme", "CTO", "FR"]
    row += [json.dumps(["rust", "sql"]), 2, 1, None]
    member = MEMBER_ROW.from_row(row)
    assert member == Member(
        id=7,
        external_id="ext-7",
        display_name="Ada",
        roles=frozenset({"admin", "moderator"}),
        reputation=12,
        joined_at=AT,
        profile=Profile(
            bio="bio", company="Acme", job_title="CTO", country="FR", interests=("rust", "sql")
        ),
        trust_level=2,
        trust_level_locked=True,
        trust_level_changed_at=None,
    )
    assert member.trust_level_locked is True
    assert MEMBER_ROW.from_row([*row[:3], "", *row[4:]]).roles == frozenset()


def test_json_columns_and_supplied_fields_of_the_repository_mappers() -> None:
    entry = AUDIT_ROW.from_row((1, AT, 2, "ban", "spam", 3, None, None, '{"a":1}', "{}", None))
    assert (dict(entry.before), dict(entry.after)) == ({"a": 1}, {})
    option = OPTION_ROW.from_row((5, 4, 0, "yes"))
    poll = POLL_ROW.from_row((4, 9, "Q?", 0, 1, None, 2, AT, None), options=(option,))
    assert (poll.multiple, poll.hide_results, poll.options) == (False, True, (option,))


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError):
        RowMapper(Vote).from_row((1, 2, 3))


def test_overrides_must_name_fields_and_say_how_to_combine_columns() -> None:
    with pytest.raises(ValueError, match="no fields"):
        RowMapper(Vote, {"nope": "x"})
    with pytest.raises(ValueError):
        FromColumns(("a", "b"))


def test_table_builders_come_in_foreign_key_order() -> None:
    tables = build_tables("fkorder_")
    seen: set[str] = set()
    for add_tables in TABLE_BUILDERS:
        own = {table.name for table in add_tables(type(tables.metadata)(), "fkorder_").values()}
        for name in own:
            for key in tables.metadata.tables[name].foreign_keys:
                assert key.column.table.name in seen | own, (add_tables.__name__, key)
        seen |= own
    assert seen == set(tables.metadata.tables)

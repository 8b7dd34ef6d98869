"""Comparing computed reputation with the ``Reputation`` that Users.xml recorded."""

from __future__ import annotations

from pathlib import Path

from socialcrm.community import Community
from socialcrm.importers.stackexchange import dump
from socialcrm.importers.stackexchange.replay import source_name
from socialcrm.importers.stackexchange.report import (
    Difference,
    ReputationComparison,
    ordered_by_size,
)

#: The bonus Stack Exchange gives members with 200+ reputation on another site.
ASSOCIATION_BONUS = 100


def compare_reputation(
    community: Community, directory: Path, *, source: str | None = None
) -> ReputationComparison:
    """Compare every imported member's reputation with the dump's ``Reputation``.

    Reads Users.xml again (streamed) and the community's storage in one read-only
    unit. Members of the dump that were not imported are left out.
    """
    directory = Path(directory)
    with community.storage.unit_of_work(read_only=True) as uow:
        mapped = uow.imports.local_ids(source=source or source_name(directory), kind="user")
        reputations = uow.members.reputations()
        with_entries = set(uow.ledger.totals())
    members = active = exact = bonus = 0
    others: list[Difference] = []
    for row in dump.rows(directory, dump.FILES["users"]):
        user_id = row.integer("Id")
        local = mapped.get(str(user_id))
        if local is None or local not in reputations:
            continue
        members += 1
        recorded = row.integer("Reputation")
        computed = reputations[local]
        if recorded <= 1 and local not in with_entries:
            continue
        active += 1
        if recorded == computed:
            exact += 1
        elif recorded - computed == ASSOCIATION_BONUS:
            bonus += 1
        else:
            name = row.text("DisplayName") or ""
            others.append(Difference(user_id, name, recorded, computed))
    return ReputationComparison(
        members=members,
        active=active,
        exact=exact,
        association_bonus=bonus,
        others=ordered_by_size(others),
    )


__all__ = ["ASSOCIATION_BONUS", "compare_reputation"]

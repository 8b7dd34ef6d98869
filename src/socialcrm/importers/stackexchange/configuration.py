"""How the importer's own community is configured: what history may do that members may not.

Stack Exchange enforced its privileges, vote locks and text limits when the history
happened; replaying it must not apply them a second time, against members whose
reputation is still being rebuilt. Reward amounts, the cap and the floor are never
changed: they are what the import is for.
"""

from __future__ import annotations

import attrs

from socialcrm.capabilities.members.records import Member
from socialcrm.core.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl
from socialcrm.settings import Settings


class ImportPrivileges:
    """Grants every privilege while history is replayed: Stack Exchange checked them then.

    Registered only on the importer's own ``Community``, never on the host's.
    """

    @hookimpl
    def socialcrm_privilege_check(
        self, member: Member, privilege: str, required: int, context: HookContext
    ) -> bool | None:
        """``True``: the dump's actions were allowed when they happened."""
        return True


def import_settings(base: Settings | None = None) -> Settings:
    """``base`` with the limits that Stack Exchange's own data may exceed lifted.

    Reward amounts, the cap and the floor stay ``base``'s. Lifted: the vote lock
    (dumps hold only the final vote), text lengths (bodies are rendered HTML,
    titles may be shorter than socialcrm's minimum), the tag privilege, the rate limits
    (the replay posts and votes at the pace the history happened, many commands per
    replayed second), and the bounty bounds (amounts Stack Exchange allowed in its time;
    offers by members whose computed reputation is short, since dumps lack the
    association bonus).
    """
    base = base or Settings()
    return attrs.evolve(
        base.with_rate_limits(enabled=False),
        bounties=attrs.evolve(
            base.bounties,
            min_amount=1,
            max_amount=100_000,
            max_days=365,
            require_reputation=False,
        ),
        vote_lock_seconds=0,
        title_min_length=1,
        title_max_length=500,
        body_max_length=1_000_000,
        comment_max_length=10_000,
        display_name_max_length=255,
        max_tags=10,
        new_tags_need_privilege=False,
    )


__all__ = ["ImportPrivileges", "import_settings"]

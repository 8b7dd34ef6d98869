"""Built-in privilege plugin: the champion role holds ``Settings.champions.privileges``."""

from __future__ import annotations

from socialcrm.capabilities.members.records import CHAMPION_ROLE, Member
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl


class ChampionPrivileges:
    """Grants champions their privileges whatever their reputation; ``socialcrm.champions``."""

    @hookimpl
    def socialcrm_privilege_check(
        self, member: Member, privilege: str, required: int, context: HookContext
    ) -> bool | None:
        """``True`` for a champion asking for one of the champion privileges; no opinion else."""
        if CHAMPION_ROLE in member.roles and privilege in context.settings.champions.privileges:
            return True
        return None

"""Built-in privilege plugin: moderators, staff and admins have every privilege."""

from __future__ import annotations

from socialcrm.capabilities.members.records import Member
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl


class StaffPrivileges:
    """Grants every reputation privilege to moderating roles; registered as ``socialcrm.staff``."""

    @hookimpl
    def socialcrm_privilege_check(
        self, member: Member, privilege: str, required: int, context: HookContext
    ) -> bool | None:
        """``True`` for moderators, staff and admins; no opinion otherwise."""
        return True if member.is_moderator else None

"""Who is acting: the host's signed-in user, as a socialcrm member id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from flask import current_app

from socialcrm.errors import Conflict, NotFound

if TYPE_CHECKING:
    from socialcrm.community import Community

#: Builds ``members.join`` keywords (at least ``display_name``) from a host user.
MemberProfile = Callable[[Any], Mapping[str, Any]]


def default_member_profile(user: Any) -> dict[str, Any]:
    """``display_name`` from the user's ``display_name``, ``name`` or ``username``."""
    for attribute in ("display_name", "name", "username"):
        value = getattr(user, attribute, None)
        if isinstance(value, str) and value.strip():
            return {"display_name": value}
    return {"display_name": f"user {user.get_id()}"}


def member_for_user(
    community: Community,
    external_id: str,
    user: Any,
    *,
    join: bool,
    profile: MemberProfile = default_member_profile,
) -> int | None:
    """The id of the member whose ``external_id`` is the host user's id.

    With ``join``, a user who is not a member yet joins (as a plain member) with the
    keywords ``profile(user)`` returns; two requests racing to join the same user
    end up with the same member.
    """
    try:
        return community.members.by_external_id(external_id).id
    except NotFound:
        if not join:
            return None
    try:
        return community.members.join(external_id=external_id, **profile(user)).id
    except Conflict:
        return community.members.by_external_id(external_id).id


def flask_login_signed_in() -> bool:
    """Whether Flask-Login (if installed and set up on the app) has a signed-in user."""
    try:
        from flask_login import current_user
    except ImportError:
        return False
    if getattr(current_app, "login_manager", None) is None:
        return False
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return bool(user is not None and user.is_authenticated)


def flask_login_actor(
    community: Community, *, join: bool, profile: MemberProfile = default_member_profile
) -> int | None:
    """The member of Flask-Login's ``current_user`` (``None`` if anonymous or not a member).

    Returns ``None`` when Flask-Login is not installed or not set up on the app.
    """
    try:
        from flask_login import current_user
    except ImportError:
        return None
    if getattr(current_app, "login_manager", None) is None:
        return None
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if user is None or not user.is_authenticated:
        return None
    return member_for_user(community, str(user.get_id()), user, join=join, profile=profile)


__all__ = [
    "MemberProfile",
    "default_member_profile",
    "flask_login_actor",
    "flask_login_signed_in",
    "member_for_user",
]

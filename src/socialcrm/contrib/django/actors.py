"""Who is acting: ``request.user`` (Django's auth), as a socialcrm member id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest

from socialcrm.community import Community
from socialcrm.contrib._http import no_actor_error
from socialcrm.contrib.django.community import current_options, get_community, resolve_object
from socialcrm.domain.records import Member
from socialcrm.errors import Conflict, NotFound

#: Builds ``members.join`` keywords (at least ``display_name``) from a Django user.
MemberProfile = Callable[[Any], Mapping[str, Any]]

_ACTOR_ATTRIBUTE = "_socialcrm_actor"


def default_member_profile(user: Any) -> dict[str, Any]:
    """``display_name`` from the user's full name, else the username, else ``user <pk>``."""
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    for value in (full_name, getattr(user, "username", None)):
        if isinstance(value, str) and value.strip():
            return {"display_name": value.strip()}
    return {"display_name": f"user {user.pk}"}


def member_for_user(
    community: Community,
    user: Any,
    *,
    join: bool,
    profile: MemberProfile = default_member_profile,
) -> int | None:
    """The id of the member whose ``external_id`` is ``str(user.pk)``.

    With ``join``, a user who is not a member yet joins (as a plain member) with the
    keywords ``profile(user)`` returns; two requests racing to join the same user
    end up with the same member.
    """
    external_id = str(user.pk)
    try:
        return community.members.by_external_id(external_id).id
    except NotFound:
        if not join:
            return None
    try:
        return community.members.join(external_id=external_id, **profile(user)).id
    except Conflict:
        return community.members.by_external_id(external_id).id


def current_actor(request: HttpRequest) -> int | None:
    """The acting member's id for ``request`` (``None``: anonymous, or not a member).

    ``request.user`` (from Django's ``AuthenticationMiddleware``) is looked up by
    external id ``str(user.pk)``; with ``SOCIALCRM["JOIN_ON_FIRST_USE"]`` a signed-in
    user who is not a member yet joins. Loaded once per request.
    """
    if hasattr(request, _ACTOR_ATTRIBUTE):
        cached: int | None = getattr(request, _ACTOR_ATTRIBUTE)
        return cached
    user = getattr(request, "user", None)
    actor: int | None = None
    if user is not None and user.is_authenticated:
        options = current_options()
        profile = resolve_object(options.member_profile) or default_member_profile
        actor = member_for_user(
            get_community(),
            user,
            join=options.join_on_first_use,
            profile=profile,  # type: ignore[arg-type]
        )
    setattr(request, _ACTOR_ATTRIBUTE, actor)
    return actor


def require_actor(request: HttpRequest) -> int:
    """The acting member's id, or ``PermissionDenied`` if there is none.

    Code ``not_signed_in`` (HTTP 401) for an anonymous visitor; ``not_a_member``
    (HTTP 403) for a signed-in user who is not a member (without
    ``SOCIALCRM["JOIN_ON_FIRST_USE"]`` the host calls ``members.join`` itself).
    """
    actor = current_actor(request)
    if actor is None:
        user = getattr(request, "user", None)
        raise no_actor_error(signed_in=bool(user is not None and user.is_authenticated))
    return actor


def current_member(request: HttpRequest) -> Member | None:
    """The acting member's record for ``request`` (``None``: anonymous, or not a member).

    For pages that show who is signed in (name, reputation, trust level): the
    member found from ``request.user`` by external id, never ``request.user.pk``
    taken as a member id.
    """
    actor = current_actor(request)
    return None if actor is None else get_community().members.get(actor)


__all__ = [
    "MemberProfile",
    "current_actor",
    "current_member",
    "default_member_profile",
    "member_for_user",
    "require_actor",
]

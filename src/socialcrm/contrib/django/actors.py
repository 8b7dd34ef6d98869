"""Who is acting: ``request.user`` (Django's auth), as a socialcrm member id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest

from socialcrm.capabilities.members.records import Member
from socialcrm.community import Community
from socialcrm.contrib._http import (
    no_actor_error,
    raw_actor_is_user_id,
    user_id_as_actor_error,
)
from socialcrm.contrib.django.community import current_options, get_community, resolve_object
from socialcrm.errors import Conflict, NotFound

#: Builds ``members.join`` keywords (at least ``display_name``) from a Django user.
MemberProfile = Callable[[Any], Mapping[str, Any]]

_ACTOR_ATTRIBUTE = "_socialcrm_actor"
_MEMBER_ATTRIBUTE = "_socialcrm_member"
_USER_MEMBER_ATTRIBUTE = "_socialcrm_user_member"


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

    Pass it as ``actor=current_member(request)``: the member found from
    ``request.user`` by external id, never ``request.user.pk`` taken as a member
    id. Also for pages that show who is signed in (name, reputation, trust level).
    Loaded once per request (after a command in the same request,
    ``members.get`` reads it afresh).
    """
    if hasattr(request, _MEMBER_ATTRIBUTE):
        cached: Member | None = getattr(request, _MEMBER_ATTRIBUTE)
        return cached
    actor = current_actor(request)
    member = None if actor is None else get_community().members.get(actor)
    setattr(request, _MEMBER_ATTRIBUTE, member)
    return member


def require_member(request: HttpRequest) -> Member:
    """The acting member's record, or ``PermissionDenied`` if there is none.

    Pass it as ``actor=require_member(request)`` in views that need a signed-in
    member; the codes are those of :func:`require_actor`.
    """
    member = current_member(request)
    if member is None:
        user = getattr(request, "user", None)
        raise no_actor_error(signed_in=bool(user is not None and user.is_authenticated))
    return member


def check_raw_actor(request: HttpRequest, community: Community, field: str, value: int) -> None:
    """Refuse ``actor=request.user.pk`` when that user is the member of another id.

    ``CommunityErrorMiddleware`` runs it, for the length of each request, on every
    raw integer given to an acting parameter (``actor``, ``moderator``,
    ``viewer``) of the project's community. It refuses (``PermissionDenied``, code
    ``actor_is_user_id``) only when the signed-in user's ``pk`` is that very
    number and the user's member has another id: the view passed the user's id
    where a member id belongs. A ``Member`` record is never checked, so a view that
    means to act as the member with that number passes its record.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not raw_actor_is_user_id(value, user.pk):
        return
    if community is not get_community():
        return
    member_id = getattr(request, _ACTOR_ATTRIBUTE, None)
    if member_id is None:
        if hasattr(request, _USER_MEMBER_ATTRIBUTE):
            member_id = getattr(request, _USER_MEMBER_ATTRIBUTE)
        else:
            try:
                member_id = community.members.by_external_id(str(user.pk)).id
            except NotFound:
                member_id = None
            setattr(request, _USER_MEMBER_ATTRIBUTE, member_id)
    if member_id is not None and member_id != value:
        raise user_id_as_actor_error(field, user.pk, member_id)


__all__ = [
    "MemberProfile",
    "check_raw_actor",
    "current_actor",
    "current_member",
    "default_member_profile",
    "member_for_user",
    "require_actor",
    "require_member",
]

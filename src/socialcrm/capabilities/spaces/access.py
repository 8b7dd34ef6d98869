"""Authorization: who may act, who may see a space, who holds a privilege. Deny by default.

Two ways of resolving the member behind ``actor``, kept apart on purpose:

* :func:`require_actor` is the chokepoint of every **command**. It takes the
  command's :class:`Transaction` (queries have none, so a query cannot call it by
  mistake) and refuses unknown actors and sanctioned ones: a suspension or ban
  refuses every command, a silence every command that publishes content. A
  command is assumed to publish unless it says ``posts=False``.
* :func:`require_viewer` and :func:`optional_viewer` resolve the member behind a
  **query**. Sanctions never stop anyone from reading.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import TypeVar

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.moderation.policy import blocking, describe
from socialcrm.capabilities.moderation.records import Sanction
from socialcrm.capabilities.spaces.records import Space
from socialcrm.capabilities.threads.records import Post, Thread, ThreadFilter
from socialcrm.core import validation
from socialcrm.core.context import HookContext
from socialcrm.errors import NotFound, PermissionDenied, Sanctioned
from socialcrm.ports import UnitOfWork
from socialcrm.services.runtime import Runtime, Transaction

T = TypeVar("T")

#: Roles that see every space, private ones included.
ALL_SPACES_ROLES = frozenset({"staff", "admin"})


def require_viewer(uow: UnitOfWork, actor: object) -> Member:
    """The member looking (in a query); an unknown actor is refused, never guessed."""
    actor_id = validation.identifier(actor, "actor")
    member = uow.members.get(actor_id)
    if member is None:
        raise PermissionDenied(f"no member with id {actor_id} may act", code="unknown_actor")
    return member


def optional_viewer(uow: UnitOfWork, actor: object) -> Member | None:
    """The member looking, or ``None`` for an anonymous visitor."""
    return None if actor is None else require_viewer(uow, actor)


def blocking_sanction(
    uow: UnitOfWork, member: Member, at: datetime, *, posts: bool
) -> Sanction | None:
    """The sanction that keeps ``member`` from a command at ``at`` (``None``: nothing does)."""
    return blocking(uow.sanctions.in_force(member.id, at), at, posts=posts)


def require_actor(tx: Transaction, actor: object, *, posts: bool = True) -> Member:
    """The member acting in a command; unknown and sanctioned actors are refused.

    :param posts: whether the command publishes content, which a silence forbids.
        Leave it ``True`` unless the command publishes nothing (a vote, an accept,
        a moderation action): a new command is then refused to silenced members
        until someone decides otherwise.
    :raises Sanctioned: (a ``PermissionDenied``) with the sanction's kind, end
        time and reason.
    """
    if not isinstance(tx, Transaction):
        raise TypeError("require_actor takes the command's Transaction; queries use require_viewer")
    member = require_viewer(tx.uow, actor)
    sanction = blocking_sanction(tx.uow, member, tx.now, posts=posts)
    if sanction is not None:
        raise Sanctioned(
            describe(sanction),
            kind=sanction.kind,
            until=sanction.ends_at,
            reason=sanction.reason,
            sanction_id=sanction.id,
        )
    tx.actors[member.id] = member
    return member


def require_moderator(member: Member, action: str) -> None:
    """Moderators, staff and admins only."""
    if not member.is_moderator:
        raise PermissionDenied(f"only moderators may {action}", code="moderators_only")


def require_role(member: Member, roles: frozenset[str], action: str) -> None:
    """Members holding one of ``roles`` only."""
    if member.roles.isdisjoint(roles):
        raise PermissionDenied(
            f"only {' or '.join(sorted(roles))} may {action}", code="role_required"
        )


def _visible_alone(
    member: Member | None, space: Space, memberships: frozenset[int] | None, uow: UnitOfWork
) -> tuple[bool, frozenset[int] | None]:
    if space.visibility == "public":
        return True, memberships
    if member is None:
        return False, memberships
    if space.visibility == "members":
        return True, memberships
    if not member.roles.isdisjoint(ALL_SPACES_ROLES):
        return True, memberships
    if memberships is None:
        memberships = uow.spaces.memberships(member.id)
    return space.id in memberships, memberships


def can_read_space(uow: UnitOfWork, member: Member | None, space: Space) -> bool:
    """Whether ``member`` (``None``: anonymous) may see the space and every ancestor."""
    memberships: frozenset[int] | None = None
    current: Space | None = space
    while current is not None:
        visible, memberships = _visible_alone(member, current, memberships, uow)
        if not visible:
            return False
        current = uow.spaces.get(current.parent_id) if current.parent_id is not None else None
    return True


def readable_spaces(
    uow: UnitOfWork, member: Member | None, spaces: dict[int, Space] | None = None
) -> dict[int, Space]:
    """Every space the member may see, keyed by id (of ``spaces``: every space by default)."""
    if spaces is None:
        spaces = {s.id: s for s in uow.spaces.list()}
    memberships: frozenset[int] | None = None
    verdict: dict[int, bool] = {}

    def visible(space_id: int) -> bool:
        nonlocal memberships
        if space_id in verdict:
            return verdict[space_id]
        space = spaces[space_id]
        ok, memberships = _visible_alone(member, space, memberships, uow)
        if ok and space.parent_id is not None:
            ok = visible(space.parent_id)
        verdict[space_id] = ok
        return ok

    return {sid: s for sid, s in spaces.items() if visible(sid)}


def hidden_space_ids(uow: UnitOfWork, member: Member | None) -> frozenset[int]:
    """The spaces ``member`` (``None``: anonymous) may not see: what every read leaves out.

    This is the one visibility rule for content that belongs to a space (ledger
    entries, audit entries, badge awards for posts, moderation decisions, tags):
    queries pass it to storage as ``exclude_space_ids`` so that the filter runs in
    the query, before paging and counting. Staff and admins see every space.
    """
    if member is not None and not member.roles.isdisjoint(ALL_SPACES_ROLES):
        return frozenset()
    spaces = {s.id: s for s in uow.spaces.list()}
    readable = readable_spaces(uow, member, spaces)
    return frozenset(sid for sid in spaces if sid not in readable)


def resolve_space(uow: UnitOfWork, member: Member | None, space: object) -> Space:
    """A space by slug or id that the member may see; ``NotFound`` otherwise."""
    if isinstance(space, str):
        found = uow.spaces.get_by_slug(space)
    else:
        found = uow.spaces.get(validation.identifier(space, "space"))
    if found is None or not can_read_space(uow, member, found):
        raise NotFound(f"no space {space!r}", code="space_not_found")
    return found


def sees_hidden(member: Member | None, author_id: int) -> bool:
    """Whether ``member`` sees hidden content by ``author_id``: its author and moderators."""
    return member is not None and (member.id == author_id or member.is_moderator)


def thread_filter(
    member: Member | None,
    space_ids: Collection[int],
    *,
    tag: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> ThreadFilter:
    """The :class:`ThreadFilter` of a thread list in ``space_ids`` as ``member`` sees it.

    Hidden threads are selected for moderators, and their own for other members.
    """
    return ThreadFilter(
        space_ids=space_ids,
        tag=tag,
        kind=kind,
        status=status,
        include_hidden=member is not None and member.is_moderator,
        hidden_visible_to=None if member is None else member.id,
    )


def visible_thread(
    uow: UnitOfWork, member: Member | None, thread_id: object
) -> tuple[Thread, Space]:
    """A thread (not deleted) in a space the member may see, with its space.

    A hidden thread (flags hid its opening post) is seen only by its author and
    moderators.
    """
    tid = validation.identifier(thread_id, "thread")
    thread = uow.threads.get(tid)
    if (
        thread is not None
        and thread.deleted_at is None
        and (thread.hidden_at is None or sees_hidden(member, thread.author_id))
    ):
        space = uow.spaces.get(thread.space_id)
        if space is not None and can_read_space(uow, member, space):
            return thread, space
    raise NotFound(f"no thread {tid}", code="thread_not_found")


def visible_on_thread(
    uow: UnitOfWork,
    member: Member | None,
    found: T | None,
    thread_id_of: Callable[[T], int],
    missing: NotFound,
) -> tuple[T, Thread]:
    """``found`` (a poll, a bounty: a row that lives on a thread) with its thread.

    A row whose thread the member may not see answers exactly like a missing row:
    ``missing`` is raised for both.
    """
    if found is not None:
        try:
            thread, _ = visible_thread(uow, member, thread_id_of(found))
        except NotFound:
            pass
        else:
            return found, thread
    raise missing


def visible_post(
    uow: UnitOfWork, member: Member | None, post_id: object
) -> tuple[Post, Thread, Space]:
    """A post (not deleted) in a visible thread, with its thread and space.

    Hidden posts, and posts of hidden threads, are seen only by their author and
    moderators.
    """
    pid = validation.identifier(post_id, "post")
    located = uow.posts.locate(pid)
    if located is not None:
        post, thread, space = located
        if (
            post.deleted_at is None
            and thread.deleted_at is None
            and (post.hidden_at is None or sees_hidden(member, post.author_id))
            and (thread.hidden_at is None or sees_hidden(member, thread.author_id))
            and can_read_space(uow, member, space)
        ):
            return post, thread, space
    raise NotFound(f"no post {pid}", code="post_not_found")


def has_privilege(runtime: Runtime, context: HookContext, member: Member, privilege: str) -> bool:
    """Whether the member holds the privilege (hook first, then reputation)."""
    thresholds = runtime.settings.privileges
    if privilege not in thresholds:
        raise NotFound(f"no privilege named {privilege!r}", code="unknown_privilege")
    required = thresholds[privilege]
    verdict = runtime.hooks.socialcrm_privilege_check(
        member=member, privilege=privilege, required=required, context=context
    )
    if verdict is None:
        return member.reputation >= required
    return bool(verdict)


def require_privilege(runtime: Runtime, tx: Transaction, member: Member, privilege: str) -> None:
    """Raise ``PermissionDenied`` naming the privilege and its reputation if it is missing."""
    if not has_privilege(runtime, tx.context, member, privilege):
        required = runtime.settings.privileges[privilege]
        raise PermissionDenied(
            f"{privilege.replace('_', ' ')} needs {required} reputation; "
            f"member {member.id} has {member.reputation}",
            privilege=privilege,
            required_reputation=required,
        )

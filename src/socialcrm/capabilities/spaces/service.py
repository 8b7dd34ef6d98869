"""Spaces: categories and subgroups with public, members-only or private visibility."""

from __future__ import annotations

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.spaces.access import (
    ALL_SPACES_ROLES,
    optional_viewer,
    readable_spaces,
    require_actor,
    require_role,
    resolve_space,
    thread_filter,
)
from socialcrm.capabilities.spaces.events import SpaceCreated, SpaceMemberAdded, SpaceMemberRemoved
from socialcrm.capabilities.spaces.records import (
    POSTING_POLICIES,
    VISIBILITIES,
    NewSpace,
    Space,
)
from socialcrm.core import validation
from socialcrm.errors import NotFound
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient

#: Roles that create spaces and manage their membership.
SPACE_MANAGERS = ALL_SPACES_ROLES


class Spaces(PublicAPI):
    """``community.spaces``: create spaces, manage private membership, list what one may see."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    @retry_transient
    def create(
        self,
        *,
        actor: int,
        slug: str,
        name: str,
        description: str = "",
        parent: str | int | None = None,
        visibility: str = "public",
        posting: str = "members",
    ) -> Space:
        """Create a space; staff and admins only.

        :param visibility: ``public`` (everyone, anonymous visitors included),
            ``members`` (any community member) or ``private`` (explicit members,
            staff and admins). A subgroup is visible only where its parent is.
        :param posting: who may start threads: ``members`` (anyone who can see the
            space) or ``moderators``.
        """
        settings = self._rt.settings
        slug = validation.slug(slug, max_length=settings.slug_max_length)
        name = validation.text(
            name, "name", min_length=1, max_length=settings.space_name_max_length
        )
        description = validation.text(
            description, "description", min_length=0, max_length=settings.profile_field_max_length
        )
        visibility = validation.choice(visibility, "visibility", VISIBILITIES)
        posting = validation.choice(posting, "posting", POSTING_POLICIES)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            require_role(acting, SPACE_MANAGERS, "create spaces")
            parent_id = None
            if parent is not None:
                parent_id = resolve_space(tx.uow, acting, parent).id
            space = tx.uow.spaces.add(
                NewSpace(
                    slug=slug,
                    name=name,
                    description=description,
                    parent_id=parent_id,
                    visibility=visibility,
                    posting=posting,
                    created_at=tx.now,
                )
            )
            tx.record(
                SpaceCreated(
                    at=tx.now,
                    actor_id=acting.id,
                    space_id=space.id,
                    slug=slug,
                    visibility=visibility,
                    parent_id=parent_id,
                )
            )
            record_audit(
                tx,
                actor_id=acting.id,
                action="space_created",
                space_id=space.id,
                after={
                    "space_id": space.id,
                    "slug": slug,
                    "visibility": visibility,
                    "posting": posting,
                    "parent_id": parent_id,
                },
            )
            return space

    def get(self, *, actor: int | None, space: str | int) -> Space:
        """A space by slug or id, if ``actor`` (``None``: anonymous) may see it."""
        with self._rt.query() as uow:
            return resolve_space(uow, optional_viewer(uow, actor), space)

    def list(self, *, actor: int | None, parent: str | int | None = None) -> list[Space]:
        """The spaces ``actor`` may see, by id; with ``parent``, only its direct subgroups."""
        with self._rt.query() as uow:
            member = optional_viewer(uow, actor)
            visible = readable_spaces(uow, member)
            if parent is None:
                return list(visible.values())
            parent_id = resolve_space(uow, member, parent).id
            return [s for s in visible.values() if s.parent_id == parent_id]

    def thread_counts(self, *, actor: int | None) -> dict[str, int]:
        """Threads per visible space, keyed by slug (spaces without threads give 0).

        Hidden threads count only for their author and moderators.
        """
        with self._rt.query() as uow:
            viewer = optional_viewer(uow, actor)
            visible = readable_spaces(uow, viewer)
            counts = uow.threads.count_by_space(thread_filter(viewer, list(visible)))
            return {s.slug: counts.get(sid, 0) for sid, s in visible.items()}

    @retry_transient
    def add_member(self, *, actor: int, space: str | int, member: int) -> bool:
        """Give ``member`` explicit membership of a (private) space; staff and admins only.

        Returns ``False`` if the membership already existed.
        """
        return self._membership(actor, space, member, add=True)

    @retry_transient
    def remove_member(self, *, actor: int, space: str | int, member: int) -> bool:
        """End explicit membership; ``False`` if there was none. Staff and admins only."""
        return self._membership(actor, space, member, add=False)

    def _membership(self, actor: int, space: str | int, member: int, *, add: bool) -> bool:
        target_id = validation.identifier(member, "member")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, SPACE_MANAGERS, "manage space membership")
            found = resolve_space(tx.uow, acting, space)
            if tx.uow.members.get(target_id) is None:
                raise NotFound(f"no member {target_id}", code="member_not_found")
            if add:
                changed = tx.uow.spaces.add_member(found.id, target_id)
                if changed:
                    tx.record(
                        SpaceMemberAdded(
                            at=tx.now, actor_id=acting.id, space_id=found.id, member_id=target_id
                        )
                    )
            else:
                changed = tx.uow.spaces.remove_member(found.id, target_id)
                if changed:
                    tx.record(
                        SpaceMemberRemoved(
                            at=tx.now, actor_id=acting.id, space_id=found.id, member_id=target_id
                        )
                    )
            if changed:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="space_member_added" if add else "space_member_removed",
                    space_id=found.id,
                    member_id=target_id,
                    before={"space_id": found.id, "member": not add},
                    after={"space_id": found.id, "member": add},
                )
            return changed

"""``community.badges``: definitions, who holds what, awarding and revoking by staff, backfill."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.badges.definitions import BADGE_TIERS, BadgeDefinition
from socialcrm.capabilities.badges.engine import apply_grants, award_badge
from socialcrm.capabilities.badges.events import BadgeRevoked
from socialcrm.capabilities.badges.records import BadgeAward
from socialcrm.capabilities.spaces.access import (
    hidden_space_ids,
    optional_viewer,
    require_actor,
    require_role,
)
from socialcrm.core import validation
from socialcrm.errors import NotFound, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient

#: Roles that may award and revoke badges by hand.
BADGE_STAFF_ROLES = frozenset({"staff", "admin"})

#: ``progress(members_done, awards_made)`` after each backfill batch.
BackfillProgress = Callable[[int, int], None]


class Badges(PublicAPI):
    """``community.badges``: the catalog, members' badges, holders, award, revoke, backfill."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ------------------------------------------------------------ catalog

    def definitions(self) -> list[BadgeDefinition]:
        """Every badge the plugins define, bronze first, then by slug."""
        return sorted(
            self._rt.badges.by_slug.values(), key=lambda d: (BADGE_TIERS.index(d.tier), d.slug)
        )

    def definition(self, badge: str) -> BadgeDefinition:
        """One badge's definition; ``NotFound`` (``badge_not_found``) for an unknown slug."""
        return self._rt.badges.get(badge)

    # ------------------------------------------------------------ queries

    def of(self, member: int, *, actor: int | None = None) -> list[BadgeAward]:
        """The member's badges that ``actor`` may see (revoked ones left out), oldest first.

        ``actor`` is the member looking (``None``, the default: an anonymous
        visitor). Badges earned in spaces the viewer cannot see (for a post or
        thread there) are left out; :meth:`of_unfiltered` lists them all.
        """
        mid = validation.identifier(member, "member")
        with self._rt.query() as uow:
            hidden = hidden_space_ids(uow, optional_viewer(uow, actor))
            if uow.members.get(mid) is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            return uow.badges.for_member(mid, exclude_space_ids=hidden)

    def of_unfiltered(self, member: int) -> list[BadgeAward]:
        """Every badge of the member, wherever earned. Trusted: never show it on a page."""
        mid = validation.identifier(member, "member")
        with self._rt.query() as uow:
            if uow.members.get(mid) is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            return uow.badges.for_member(mid)

    def holders(
        self, badge: str, *, actor: int | None = None, limit: int = 50, offset: int = 0
    ) -> list[BadgeAward]:
        """Awards of the badge that ``actor`` may see, oldest first.

        Placeholder members are never listed; awards earned in spaces the viewer
        (``None``: anonymous) cannot see are left out. :meth:`holders_unfiltered`
        lists them all.
        """
        slug = self._rt.badges.get(badge).slug
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            hidden = hidden_space_ids(uow, optional_viewer(uow, actor))
            return uow.badges.holders(slug, limit=limit, offset=offset, exclude_space_ids=hidden)

    def holders_unfiltered(
        self, badge: str, *, limit: int = 50, offset: int = 0
    ) -> list[BadgeAward]:
        """Every award of the badge, wherever earned. Trusted: never show it on a page."""
        slug = self._rt.badges.get(badge).slug
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            return uow.badges.holders(slug, limit=limit, offset=offset)

    def count_holders(self, badge: str, *, actor: int | None = None) -> int:
        """How many awards :meth:`holders` lists in all for ``actor``."""
        slug = self._rt.badges.get(badge).slug
        with self._rt.query() as uow:
            hidden = hidden_space_ids(uow, optional_viewer(uow, actor))
            return uow.badges.count_holders(slug, exclude_space_ids=hidden)

    def count_holders_unfiltered(self, badge: str) -> int:
        """How many awards :meth:`holders_unfiltered` lists. Trusted."""
        slug = self._rt.badges.get(badge).slug
        with self._rt.query() as uow:
            return uow.badges.count_holders(slug)

    # ------------------------------------------------------------ staff commands

    @retry_transient
    def award(
        self, *, actor: int, badge: str, member: int, subject: str = "", reason: str = ""
    ) -> BadgeAward | None:
        """Award a badge by hand (staff and admins); ``None`` if the member holds it already.

        Audited as ``badge_awarded``. ``subject`` is required for repeatable badges.
        """
        definition = self._rt.badges.get(badge)
        mid = validation.identifier(member, "member")
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, BADGE_STAFF_ROLES, "award badges")
            made = award_badge(tx, definition, mid, subject=subject, actor_id=acting.id)
            if made is not None:
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="badge_awarded",
                    reason=why,
                    member_id=mid,
                    post_id=made.post_id,
                    after={"badge": made.badge, "subject": made.subject, "award": made.id},
                )
            return made

    @retry_transient
    def revoke(self, *, actor: int, award: int, reason: str = "") -> BadgeAward:
        """Revoke an award (staff and admins); it is not awarded again automatically.

        Audited as ``badge_revoked``; records ``BadgeRevoked``. ``NotFound``
        (``badge_award_not_found``) for an unknown or already revoked award.
        """
        award_id = validation.identifier(award, "award")
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, BADGE_STAFF_ROLES, "revoke badges")
            found = tx.uow.badges.get(award_id)
            if found is None or not tx.uow.badges.revoke(award_id, at=tx.now, by=acting.id):
                raise NotFound(f"no badge award {award_id} to revoke", code="badge_award_not_found")
            record_audit(
                tx,
                actor_id=acting.id,
                action="badge_revoked",
                reason=why,
                member_id=found.member_id,
                post_id=found.post_id,
                before={"badge": found.badge, "subject": found.subject, "award": found.id},
            )
            tx.record(
                BadgeRevoked(
                    at=tx.now,
                    actor_id=acting.id,
                    award_id=found.id,
                    badge=found.badge,
                    member_id=found.member_id,
                    subject=found.subject,
                    reason=why,
                )
            )
            return tx.uow.badges.get(award_id) or found

    # ------------------------------------------------------------ jobs

    def backfill(
        self,
        *,
        badges: Collection[str] | None = None,
        progress: BackfillProgress | None = None,
    ) -> int:
        """Award what existing members have earned already; return how many awards were new.

        A host job (no actor): run it once after enabling badges or adding a badge
        plugin. Members are visited by id in batches of
        ``Settings.badges.backfill_batch_size``, each batch in its own unit of work,
        and ``progress(members_done, awards_made)`` is called after each. Running it
        again awards nothing new (awards are unique), and an interrupted run can
        simply be started again. Badges without a ``backfill`` are skipped;
        placeholder members are never visited.
        """
        wanted = self._wanted(badges)
        size = self._rt.settings.badges.backfill_batch_size
        done = made = 0
        while True:
            batch_made, visited = self._backfill_batch(wanted, offset=done, limit=size)
            done += visited
            made += batch_made
            if progress is not None and visited:
                progress(done, made)
            if visited < size:
                return made

    def _wanted(self, badges: Collection[str] | None) -> builtins.list[BadgeDefinition]:
        if badges is None:
            chosen = list(self._rt.badges.by_slug.values())
        elif isinstance(badges, str):
            raise ValidationError("badges must be a collection of slugs", field="badges")
        else:
            chosen = [self._rt.badges.get(slug) for slug in badges]
        return [d for d in chosen if d.backfill is not None]

    @retry_transient
    def _backfill_batch(
        self, wanted: builtins.list[BadgeDefinition], *, offset: int, limit: int
    ) -> tuple[int, int]:
        made = 0
        with self._rt.command() as tx:
            members = tx.uow.members.list(limit=limit, offset=offset)
            for member in members:
                for definition in wanted:
                    assert definition.backfill is not None
                    grants = definition.backfill(member, tx.context)
                    made += apply_grants(tx, definition, grants, actor_id=None)
        return made, len(members)


__all__ = ["BADGE_STAFF_ROLES", "BackfillProgress", "Badges"]

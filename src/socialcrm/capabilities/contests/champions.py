"""Champions (superusers): who leads by accepted answers, score and activity, and the champion role.

``champions.find`` ranks the authors of the posts written in a period, in the
spaces the community manager can see (optionally one space and its subgroups):

    champion_score = accepted_weight × accepted answers
                   + score_weight × net score of those posts
                   + post_weight × posts

with the weights of ``Settings.champions`` (15, 10 and 2: an accept, an upvote and
a little for activity). Only posts created in ``since <= created_at < until``
count, deleted ones never; an accepted answer counts when the answer was written
in the period, not when it was accepted, and self-answers accepted by their
asker do not count as accepted. Members whose score is 0 or less and placeholder
members are left out; with ``Settings.leaderboard_exclude_staff`` so are
moderators, staff and admins. Ties are broken by accepted answers, then member id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.members.events import RoleGranted, RoleRevoked
from socialcrm.capabilities.members.records import (
    CHAMPION_ROLE,
    MODERATING_ROLES,
    AuthorStats,
    Champion,
    Member,
)
from socialcrm.capabilities.spaces.access import (
    ALL_SPACES_ROLES,
    has_privilege,
    readable_spaces,
    require_actor,
    require_role,
    require_viewer,
    resolve_space,
)
from socialcrm.capabilities.spaces.tree import space_and_descendants
from socialcrm.core import validation
from socialcrm.core.context import HookContext
from socialcrm.errors import NotFound, PermissionDenied, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient
from socialcrm.settings import ChampionSettings

#: The period ``champions.find`` looks at when ``since`` is not given, in days.
CHAMPION_DEFAULT_DAYS = 30


def _moment(value: object, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be a timezone-aware datetime", field=field)
    return value


def champion_score(stats: AuthorStats, weights: ChampionSettings) -> int:
    """The ranking formula of the module docstring, with ``Settings.champions`` weights."""
    return (
        weights.accepted_weight * stats.accepted_answers
        + weights.score_weight * stats.score
        + weights.post_weight * stats.posts
    )


class Champions(PublicAPI):
    """``community.champions``: find the members to nurture; grant and revoke the champion role."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def find(
        self,
        *,
        actor: int,
        space: str | int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> list[Champion]:
        """The members who lead over ``since <= t < until``, best first (see the module).

        Needs the ``find_champions`` privilege (moderators, staff and admins hold
        it). ``since`` defaults to 30 days before ``until`` (or now); without
        ``until`` the period has no end. Only
        spaces the actor can see count; with ``space``, only it and its subgroups.
        Ties in ``champion_score`` share a rank.
        """
        settings = self._rt.settings
        limit, _ = validation.page(limit, 0, max_limit=settings.page_size_limit)
        now = self._rt.clock.now()
        # Without ``until`` the period is open-ended, so what was written just now counts.
        end = None if until is None else _moment(until, "until")
        start = (end or now) - timedelta(days=CHAMPION_DEFAULT_DAYS) if since is None else since
        start = _moment(start, "since")
        if end is not None and start >= end:
            raise ValidationError("since must be before until", field="since")
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            context = HookContext(uow=uow, settings=settings, now=now)
            if not has_privilege(self._rt, context, viewer, "find_champions"):
                raise PermissionDenied(
                    "finding champions needs the find_champions privilege",
                    privilege="find_champions",
                    required_reputation=settings.privileges["find_champions"],
                )
            visible = readable_spaces(uow, viewer)
            space_ids = list(visible)
            if space is not None:
                space_ids = space_and_descendants(visible, resolve_space(uow, viewer, space).id)
            excluded = (
                uow.members.ids_with_roles(MODERATING_ROLES)
                if settings.leaderboard_exclude_staff
                else frozenset()
            )
            stats = uow.posts.author_stats(
                since=start, until=end, space_ids=space_ids, exclude_member_ids=excluded
            )
            weights = settings.champions
            scored = [(champion_score(s, weights), s) for s in stats]
            scored = [(points, s) for points, s in scored if points > 0]
            scored.sort(key=lambda item: (-item[0], -item[1].accepted_answers, item[1].member_id))
            scored = scored[:limit]
            members = uow.members.get_many([s.member_id for _, s in scored])
        board: list[Champion] = []
        for index, (points, s) in enumerate(scored):
            member = members.get(s.member_id)
            if member is None:
                continue
            rank = board[-1].rank if board and board[-1].champion_score == points else index + 1
            board.append(
                Champion(
                    rank=rank,
                    member_id=s.member_id,
                    display_name=member.display_name,
                    champion_score=points,
                    accepted_answers=s.accepted_answers,
                    answers=s.answers,
                    posts=s.posts,
                    score=s.score,
                    is_champion=CHAMPION_ROLE in member.roles,
                )
            )
        return board

    @retry_transient
    def grant(self, *, actor: int, member: int, reason: str = "") -> Member:
        """Give ``member`` the champion role; staff and admins only (audited)."""
        return self._change(actor, member, reason, grant=True)

    @retry_transient
    def revoke(self, *, actor: int, member: int, reason: str = "") -> Member:
        """Take the champion role back; staff and admins only (audited)."""
        return self._change(actor, member, reason, grant=False)

    def _change(self, actor: int, member: int, reason: str, *, grant: bool) -> Member:
        target_id = validation.identifier(member, "member")
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, ALL_SPACES_ROLES, "grant or revoke the champion role")
            tx.uow.members.lock(target_id)  # the roles are rewritten from the current ones
            target = tx.uow.members.get(target_id)
            if target is None or target.is_placeholder:
                raise NotFound(f"no member {target_id}", code="member_not_found")
            if (CHAMPION_ROLE in target.roles) == grant:
                return target
            if grant:
                roles = target.roles | {CHAMPION_ROLE}
                event: RoleGranted | RoleRevoked = RoleGranted(
                    at=tx.now, actor_id=acting.id, member_id=target.id, role=CHAMPION_ROLE
                )
            else:
                roles = target.roles - {CHAMPION_ROLE}
                event = RoleRevoked(
                    at=tx.now, actor_id=acting.id, member_id=target.id, role=CHAMPION_ROLE
                )
            tx.uow.members.set_roles(target.id, frozenset(roles))
            tx.record(event)
            record_audit(
                tx,
                actor_id=acting.id,
                action="role_granted" if grant else "role_revoked",
                reason=why,
                member_id=target.id,
                before={"roles": sorted(target.roles)},
                after={"roles": sorted(roles)},
            )
            return attrs.evolve(target, roles=frozenset(roles))


__all__ = ["CHAMPION_DEFAULT_DAYS", "Champions", "champion_score"]

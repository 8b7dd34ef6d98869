"""Members: joining, profiles, roles, lookups."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

import attrs

from socialcrm.capabilities.audit.service import reason_text, record_audit
from socialcrm.capabilities.invitations.service import redeem_code
from socialcrm.capabilities.members.events import (
    MemberJoined,
    MemberVisited,
    ProfileUpdated,
    RoleGranted,
    RoleRevoked,
)
from socialcrm.capabilities.members.records import (
    PLACEHOLDER_ROLE,
    ROLES,
    Member,
    NewMember,
    Profile,
)
from socialcrm.capabilities.moderation.pipeline import moderate
from socialcrm.capabilities.spaces.access import require_actor, require_role, visible_thread
from socialcrm.capabilities.trust.activity import (
    AFTER_READS,
    AFTER_TL2_INPUTS,
    promote_after_activity,
)
from socialcrm.capabilities.trust.records import DayCounts
from socialcrm.clock import ensure_utc
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

_PROFILE_FIELDS = ("bio", "company", "job_title", "country")


def check_content(
    tx: Transaction,
    actor: Member,
    fields: dict[str, str],
    space: object,
    *,
    operation: str = "create",
) -> dict[str, str]:
    """Run the content pipeline on fields that cannot be held; return them as rewritten.

    Any blocking reason (``socialcrm_check_content`` or a ``block`` verdict) raises
    ``ContentRejected`` with every reason; so does a verdict asking for approval.
    """
    return moderate(tx, actor, fields, space, holdable=False, operation=operation).texts


def _rewritten_profile(profile: Profile, texts: dict[str, str]) -> Profile:
    changes = {
        name.removeprefix("profile."): value
        for name, value in texts.items()
        if name.startswith("profile.")
    }
    return attrs.evolve(profile, **changes) if changes else profile


class Members(PublicAPI):
    """``community.members``: join, look up, update profiles, grant and revoke roles."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _profile(self, base: Profile, values: dict[str, object]) -> Profile:
        settings = self._rt.settings
        changes: dict[str, object] = {}
        for name in _PROFILE_FIELDS:
            if values.get(name) is not None:
                changes[name] = validation.text(
                    values[name], name, min_length=0, max_length=settings.profile_field_max_length
                )
        interests = values.get("interests")
        if interests is not None:
            changes["interests"] = validation.tags(
                interests, max_count=settings.max_interests, max_length=settings.tag_max_length
            )
        return attrs.evolve(base, **changes)  # type: ignore[arg-type]

    @retry_transient
    def join(
        self,
        *,
        external_id: str,
        display_name: str,
        roles: Iterable[str] = ("member",),
        bio: str | None = None,
        company: str | None = None,
        job_title: str | None = None,
        country: str | None = None,
        interests: Iterable[str] | None = None,
        invite_code: str | None = None,
    ) -> Member:
        """Add a member for the host's user ``external_id``.

        The host calls this as trusted code, so it may give ``roles`` at join
        (``member`` is always included). A taken ``external_id`` raises ``Conflict``.

        With ``invite_code`` the member joins through an invitation: the code's
        use is counted, its inviter is recorded as the member's referrer, and a
        code tied to a space gives membership of it. An unknown, revoked, expired
        or used-up code refuses the join (``NotFound`` ``invite_not_found``, or
        ``Conflict`` ``invite_revoked``/``invite_expired``/``invite_used_up``) and
        nobody is added.
        """
        settings = self._rt.settings
        ext = validation.text(
            external_id, "external_id", min_length=1, max_length=settings.external_id_max_length
        )
        name = validation.display_name(display_name, settings)
        if isinstance(roles, str):
            raise ValidationError("roles must be a list of role names", field="roles")
        role_set = frozenset(validation.choice(r, "role", ROLES) for r in roles) | {"member"}
        profile = self._profile(
            Profile(),
            {
                "bio": bio,
                "company": company,
                "job_title": job_title,
                "country": country,
                "interests": list(interests) if interests is not None else None,
            },
        )
        with self._rt.command() as tx:
            member = tx.uow.members.add(
                NewMember(
                    external_id=ext,
                    display_name=name,
                    profile=profile,
                    roles=role_set,
                    reputation=settings.reputation_start,
                    joined_at=tx.now,
                )
            )
            fields = {"display_name": name}
            fields.update(
                {
                    f"profile.{k}": getattr(profile, k)
                    for k in _PROFILE_FIELDS
                    if getattr(profile, k)
                }
            )
            texts = check_content(tx, member, fields, None)
            rewritten = _rewritten_profile(profile, texts)
            if texts["display_name"] != name or rewritten != profile:
                name, profile = texts["display_name"], rewritten
                tx.uow.members.update_profile(member.id, display_name=name, profile=profile)
                member = attrs.evolve(member, display_name=name, profile=profile)
            tx.record(
                MemberJoined(
                    at=tx.now,
                    actor_id=member.id,
                    member_id=member.id,
                    external_id=ext,
                    display_name=name,
                    roles=role_set,
                )
            )
            if invite_code is not None:
                invitation = redeem_code(tx, member, invite_code)
                tx.uow.referrals.add(
                    referrer_id=invitation.inviter_id,
                    referred_id=member.id,
                    invitation_id=invitation.id,
                    joined_at=tx.now,
                )
        return member

    def get(self, member_id: int) -> Member:
        """The member with this id; ``NotFound`` otherwise."""
        mid = validation.identifier(member_id, "member")
        with self._rt.query() as uow:
            member = uow.members.get(mid)
        if member is None:
            raise NotFound(f"no member {mid}", code="member_not_found")
        return member

    def by_external_id(self, external_id: str) -> Member:
        """The member for the host's user id; ``NotFound`` otherwise."""
        if not isinstance(external_id, str):
            raise ValidationError("external_id must be a string", field="external_id")
        with self._rt.query() as uow:
            member = uow.members.get_by_external_id(external_id.strip())
        if member is None:
            raise NotFound(f"no member with external id {external_id!r}", code="member_not_found")
        return member

    def list(self, *, limit: int = 50, offset: int = 0) -> list[Member]:
        """The member directory, oldest members first."""
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            return uow.members.list(limit=limit, offset=offset)

    # ------------------------------------------------------------ activity (trust levels)

    def _activity_time(self, at: object) -> datetime:
        now = self._rt.clock.now()
        if at is None:
            return now
        if not isinstance(at, datetime):
            raise ValidationError(f"at must be a datetime, got {at!r}", field="at")
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValidationError("at must be timezone-aware", field="at")
        if at > now:
            raise ValidationError("at must not be in the future", field="at")
        # The day is the UTC day: a visit at 00:30 in Paris counts for the day before.
        return ensure_utc(at)

    def _posts_read(self, posts_read: object) -> int | frozenset[int]:
        limit = self._rt.settings.trust.max_posts_per_read
        if isinstance(posts_read, bool):
            raise ValidationError("posts_read must be a count or post ids", field="posts_read")
        if isinstance(posts_read, int):
            if not 0 <= posts_read <= limit:
                raise ValidationError(
                    f"posts_read must be from 0 to {limit}, got {posts_read}", field="posts_read"
                )
            return posts_read
        if isinstance(posts_read, (str, bytes)) or not isinstance(posts_read, Collection):
            raise ValidationError("posts_read must be a count or post ids", field="posts_read")
        ids = frozenset(validation.identifier(i, "posts_read") for i in posts_read)
        if len(ids) > limit:
            raise ValidationError(f"at most {limit} post ids per read", field="posts_read")
        return ids

    @retry_transient
    def record_visit(self, member: int, *, at: datetime | None = None) -> Member:
        """Record that the member visited the community (one visit per UTC day counts).

        Trusted host call, e.g. from a middleware once per session or request.
        ``at`` (aware, not in the future; the clock's now by default) picks the
        day, for imports. A TL1 member is checked for promotion when the day is new
        (visits count for TL2 only). The first visit of a day records ``MemberVisited``
        (the enthusiast badge counts those days). Returns the member, with the level
        after any promotion.
        """
        mid = validation.identifier(member, "member")
        moment = self._activity_time(at)
        with self._rt.command() as tx:
            found = tx.uow.members.get(mid)
            if found is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            if not self._rt.settings.trust.enabled:
                return found
            if tx.uow.activity.mark_visited(mid, moment.date()):
                tx.record(MemberVisited(at=tx.now, actor_id=mid, member_id=mid, visited_at=moment))
                found = promote_after_activity(tx, found, actor_id=mid, levels=AFTER_TL2_INPUTS)
            return found

    @retry_transient
    def record_read(
        self,
        member: int,
        *,
        thread: int,
        posts_read: int | Collection[int],
        seconds: int = 0,
        at: datetime | None = None,
    ) -> Member:
        """Record that the member read posts of a thread for ``seconds`` seconds.

        ``posts_read`` is a count or the ids of the posts read (ids that are not
        live posts of the thread are ignored); at most
        ``TrustSettings.max_posts_per_read`` per call, and ``seconds`` at most
        ``TrustSettings.max_reading_seconds_per_read``. Report each post once:
        socialcrm does not remember which posts a member read. The thread counts
        as entered (once, ever) and the day as visited. A thread the member may
        not see raises ``NotFound``, and nothing is recorded. A member below TL2 is
        checked for promotion. Returns the member, with the level after any
        promotion.
        """
        mid = validation.identifier(member, "member")
        trust = self._rt.settings.trust
        count_or_ids = self._posts_read(posts_read)
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValidationError(f"seconds must be an integer, got {seconds!r}", field="seconds")
        if not 0 <= seconds <= trust.max_reading_seconds_per_read:
            raise ValidationError(
                f"seconds must be from 0 to {trust.max_reading_seconds_per_read}, got {seconds}",
                field="seconds",
            )
        moment = self._activity_time(at)
        day = moment.date()
        with self._rt.command() as tx:
            found = tx.uow.members.get(mid)
            if found is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            topic, _ = visible_thread(tx.uow, found, thread)
            if not trust.enabled:
                return found
            activity = tx.uow.activity
            if isinstance(count_or_ids, int):
                count = count_or_ids
            else:
                count = activity.count_thread_posts(topic.id, count_or_ids)
            changed = activity.mark_visited(mid, day)
            if count or seconds:
                activity.add_day(mid, day, DayCounts(posts_read=count, reading_seconds=seconds))
                changed = True
            changed = activity.enter_topic(mid, topic.id, day) or changed
            if changed:
                found = promote_after_activity(tx, found, actor_id=mid, levels=AFTER_READS)
            return found

    @retry_transient
    def update_profile(
        self,
        *,
        actor: int,
        member: int,
        display_name: str | None = None,
        bio: str | None = None,
        company: str | None = None,
        job_title: str | None = None,
        country: str | None = None,
        interests: Iterable[str] | None = None,
    ) -> Member:
        """Change a display name or profile fields (``None`` keeps a field); self or admin."""
        target_id = validation.identifier(member, "member")
        settings = self._rt.settings
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            # Under the member's row lock: the fields left as ``None`` keep their
            # current values, which a concurrent edit must not have changed meanwhile.
            tx.uow.members.lock(target_id)
            target = tx.uow.members.get(target_id)
            if target is None:
                raise NotFound(f"no member {target_id}", code="member_not_found")
            if acting.id != target.id:
                require_role(acting, frozenset({"admin"}), "change another member's profile")
            name = target.display_name
            if display_name is not None:
                name = validation.display_name(display_name, settings)
            profile = self._profile(
                target.profile,
                {
                    "bio": bio,
                    "company": company,
                    "job_title": job_title,
                    "country": country,
                    "interests": list(interests) if interests is not None else None,
                },
            )
            fields = {} if display_name is None else {"display_name": name}
            fields.update(
                {
                    f"profile.{k}": getattr(profile, k)
                    for k in _PROFILE_FIELDS
                    if getattr(profile, k) != getattr(target.profile, k) and getattr(profile, k)
                }
            )
            if name == target.display_name and profile == target.profile:
                return target
            texts = check_content(tx, acting, fields, None, operation="edit")
            name = texts.get("display_name", name)
            profile = _rewritten_profile(profile, texts)
            tx.uow.members.update_profile(target.id, display_name=name, profile=profile)
            tx.record(ProfileUpdated(at=tx.now, actor_id=acting.id, member_id=target.id))
            if acting.id != target.id:
                # Names of the changed fields only: a bio may be long, the log stays small.
                changed = [
                    k
                    for k in (*_PROFILE_FIELDS, "interests")
                    if getattr(profile, k) != getattr(target.profile, k)
                ]
                if name != target.display_name:
                    changed.insert(0, "display_name")
                record_audit(
                    tx,
                    actor_id=acting.id,
                    action="profile_updated",
                    member_id=target.id,
                    before={"display_name": target.display_name, "changed": changed},
                    after={"display_name": name, "changed": changed},
                )
            return attrs.evolve(target, display_name=name, profile=profile)

    @retry_transient
    def grant_role(self, *, actor: int, member: int, role: str, reason: str = "") -> Member:
        """Give a member a role (moderator, staff or admin); admins only.

        The change and ``reason`` go to the audit log.
        """
        return self._change_role(actor, member, role, reason, grant=True)

    @retry_transient
    def revoke_role(self, *, actor: int, member: int, role: str, reason: str = "") -> Member:
        """Take a role back; admins only, and an admin cannot revoke their own admin role.

        The change and ``reason`` go to the audit log.
        """
        return self._change_role(actor, member, role, reason, grant=False)

    def _change_role(
        self, actor: int, member: int, role: str, reason: str, *, grant: bool
    ) -> Member:
        target_id = validation.identifier(member, "member")
        # "member" is everyone's; "placeholder" is given at join only (imports).
        grantable = [r for r in ROLES if r not in ("member", PLACEHOLDER_ROLE)]
        role = validation.choice(role, "role", grantable)
        why = reason_text(reason, self._rt, required=False)
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            require_role(acting, frozenset({"admin"}), "grant or revoke roles")
            # Under the member's row lock: the new roles are computed from the current
            # ones, and a concurrent grant of another role must not be lost.
            tx.uow.members.lock(target_id)
            target = tx.uow.members.get(target_id)
            if target is None:
                raise NotFound(f"no member {target_id}", code="member_not_found")
            if grant:
                if role in target.roles:
                    return target
                roles = target.roles | {role}
                event: RoleGranted | RoleRevoked = RoleGranted(
                    at=tx.now, actor_id=acting.id, member_id=target.id, role=role
                )
            else:
                if role not in target.roles:
                    return target
                if role == "admin" and target.id == acting.id:
                    raise Conflict(
                        "an admin cannot revoke their own admin role", code="self_demotion"
                    )
                roles = target.roles - {role}
                event = RoleRevoked(at=tx.now, actor_id=acting.id, member_id=target.id, role=role)
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

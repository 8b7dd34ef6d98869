"""Invitations: unguessable invite codes and links, single or multi use, tied to a space or not.

A code is ``secrets.token_urlsafe`` (144 random bits); storage keeps only its
SHA-256 digest, so a leaked database does not leak working codes. The code is
shown once, by :meth:`Invitations.create`.

Redeeming a code (``members.join(..., invite_code=...)`` for a new member,
:meth:`Invitations.redeem` for an existing one) counts one use with a
compare-and-set, so concurrent redemptions never pass ``max_uses``; a code tied
to a space gives explicit membership of it (that is how invitation-only, i.e.
``private``, spaces are entered). Joining with a code records who referred whom.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from socialcrm.capabilities.invitations.events import (
    InvitationCreated,
    InvitationRedeemed,
    InvitationRevoked,
)
from socialcrm.capabilities.invitations.records import (
    Invitation,
    IssuedInvitation,
    NewInvitation,
    hash_invite_code,
)
from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.spaces.access import (
    ALL_SPACES_ROLES,
    require_actor,
    require_privilege,
    require_viewer,
    resolve_space,
)
from socialcrm.capabilities.spaces.events import SpaceMemberAdded
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient

#: Random bytes in a code (``secrets.token_urlsafe``: 24 URL-safe characters).
CODE_BYTES = 18
#: The longest code accepted at redemption (longer input is refused unhashed).
CODE_MAX_LENGTH = 128


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be a timezone-aware datetime", field=field)
    return value


def _refusal(invitation: Invitation, at: datetime) -> Conflict:
    """Why the invitation cannot be used at ``at``."""
    if invitation.revoked_at is not None:
        return Conflict("this invite code was revoked", code="invite_revoked")
    if invitation.expires_at is not None and at >= invitation.expires_at:
        return Conflict("this invite code has expired", code="invite_expired")
    return Conflict("this invite code has been used up", code="invite_used_up")


def redeem_code(tx: Transaction, member: Member, code: object) -> Invitation:
    """Use ``code`` for ``member`` in the command's unit: count the use, join its space.

    :raises NotFound: (``invite_not_found``) for a code that does not exist.
    :raises Conflict: ``invite_revoked``, ``invite_expired`` or ``invite_used_up``.
    """
    text = validation.text(code, "invite_code", min_length=1, max_length=CODE_MAX_LENGTH)
    invitation = tx.uow.invitations.get_by_code_hash(hash_invite_code(text))
    if invitation is None:
        raise NotFound("no such invite code", code="invite_not_found")
    if not tx.uow.invitations.use(invitation.id, at=tx.now):
        current = tx.uow.invitations.get(invitation.id) or invitation
        raise _refusal(current, tx.now)
    if invitation.space_id is not None and tx.uow.spaces.add_member(invitation.space_id, member.id):
        tx.record(
            SpaceMemberAdded(
                at=tx.now,
                actor_id=member.id,
                space_id=invitation.space_id,
                member_id=member.id,
            )
        )
    tx.record(
        InvitationRedeemed(
            at=tx.now,
            actor_id=member.id,
            invitation_id=invitation.id,
            member_id=member.id,
            inviter_id=invitation.inviter_id,
            space_id=invitation.space_id,
        )
    )
    return invitation


class Invitations(PublicAPI):
    """``community.invitations``: create, list, revoke and redeem invite codes."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _expiry(self, expires_at: object, now: datetime) -> datetime:
        settings = self._rt.settings
        if expires_at is None:
            return now + timedelta(days=settings.invitation_default_days)
        moment = _aware(expires_at, "expires_at")
        if moment <= now:
            raise ValidationError("expires_at must be in the future", field="expires_at")
        if moment > now + timedelta(days=settings.invitation_max_days):
            raise ValidationError(
                f"an invitation lasts at most {settings.invitation_max_days} days",
                field="expires_at",
            )
        return moment

    @retry_transient
    def create(
        self,
        *,
        actor: int,
        max_uses: int = 1,
        expires_at: datetime | None = None,
        space: str | int | None = None,
    ) -> IssuedInvitation:
        """Create an invite code; the result holds the code, shown only this once.

        Needs the ``invite`` privilege. ``max_uses`` is from 1 to
        ``Settings.invitation_max_uses``; ``expires_at`` defaults to
        ``Settings.invitation_default_days`` from now and may be at most
        ``Settings.invitation_max_days`` away. ``space`` ties the code to a
        ``private`` (invitation-only) space, whose membership it then gives; only
        staff and admins may do that.
        """
        settings = self._rt.settings
        if isinstance(max_uses, bool) or not isinstance(max_uses, int):
            raise ValidationError("max_uses must be an integer", field="max_uses")
        if not 1 <= max_uses <= settings.invitation_max_uses:
            raise ValidationError(
                f"max_uses must be from 1 to {settings.invitation_max_uses}", field="max_uses"
            )
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            require_privilege(self._rt, tx, acting, "invite")
            expiry = self._expiry(expires_at, tx.now)
            space_id = None
            if space is not None:
                found = resolve_space(tx.uow, acting, space)
                if found.visibility != "private":
                    raise ValidationError(
                        "only private (invitation-only) spaces take invite codes", field="space"
                    )
                if acting.roles.isdisjoint(ALL_SPACES_ROLES):
                    raise PermissionDenied(
                        "only staff or admins may invite into a space", code="role_required"
                    )
                space_id = found.id
            code = secrets.token_urlsafe(CODE_BYTES)
            invitation = tx.uow.invitations.add(
                NewInvitation(
                    code_hash=hash_invite_code(code),
                    inviter_id=acting.id,
                    space_id=space_id,
                    max_uses=max_uses,
                    expires_at=expiry,
                    created_at=tx.now,
                )
            )
            tx.record(
                InvitationCreated(
                    at=tx.now,
                    actor_id=acting.id,
                    invitation_id=invitation.id,
                    space_id=space_id,
                    max_uses=max_uses,
                    expires_at=expiry,
                )
            )
            return IssuedInvitation(invitation=invitation, code=code)

    @staticmethod
    def link(base_url: str, code: str, *, parameter: str = "invite") -> str:
        """The invitation link: ``base_url`` with ``?invite=<code>`` added to its query.

        ``base_url`` must be an absolute ``http``/``https`` URL or a path starting with
        ``/``; anything else (an unparsable host, ``javascript:``...) raises
        ``ValidationError``.
        """
        if not isinstance(base_url, str) or not base_url.strip():
            raise ValidationError("base_url must be a URL", field="base_url")
        if not isinstance(code, str) or not code.strip():
            raise ValidationError("code must be an invite code", field="code")
        if not isinstance(parameter, str) or not parameter.strip():
            raise ValidationError("parameter must be a query parameter name", field="parameter")
        try:
            parts = urlsplit(base_url.strip())
            parts.port  # noqa: B018 - parsing the port is what refuses "http://host:x"
        except ValueError as error:
            raise ValidationError(f"base_url is not a URL: {error}", field="base_url") from None
        if not (parts.scheme in ("http", "https") and parts.netloc) and not (
            not parts.scheme and not parts.netloc and parts.path.startswith("/")
        ):
            raise ValidationError(
                "base_url must be an http(s) URL or a path starting with /", field="base_url"
            )
        extra = urlencode({parameter.strip(): code.strip()})
        query = f"{parts.query}&{extra}" if parts.query else extra
        return urlunsplit(parts._replace(query=query))

    def list(self, *, actor: int, limit: int = 50, offset: int = 0) -> list[Invitation]:
        """The actor's own invitations, newest first (codes are never shown again)."""
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            member = require_viewer(uow, actor)
            return uow.invitations.by_inviter(member.id, limit=limit, offset=offset)

    @retry_transient
    def revoke(self, *, actor: int, invitation: int) -> bool:
        """Refuse the code from now on (its inviter, staff or admins); ``False`` if it was."""
        invitation_id = validation.identifier(invitation, "invitation")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            found = tx.uow.invitations.get(invitation_id)
            is_staff = not acting.roles.isdisjoint(ALL_SPACES_ROLES)
            if found is None or (found.inviter_id != acting.id and not is_staff):
                raise NotFound(f"no invitation {invitation_id}", code="invitation_not_found")
            if not tx.uow.invitations.revoke(invitation_id, at=tx.now):
                return False
            tx.record(
                InvitationRevoked(
                    at=tx.now,
                    actor_id=acting.id,
                    invitation_id=invitation_id,
                    inviter_id=found.inviter_id,
                )
            )
            return True

    @retry_transient
    def redeem(self, *, actor: int, code: str) -> Invitation:
        """An existing member uses a space's invite code: they become a member of that space.

        A code without a space has nothing to give an existing member (it is for
        joining, with ``members.join(..., invite_code=...)``): ``Conflict``
        (``invite_without_space``), and no use is counted. No referral is
        recorded for existing members.
        """
        with self._rt.command() as tx:
            acting = require_actor(tx, actor, posts=False)
            text = validation.text(code, "invite_code", min_length=1, max_length=CODE_MAX_LENGTH)
            found = tx.uow.invitations.get_by_code_hash(hash_invite_code(text))
            if found is not None and found.space_id is None:
                raise Conflict(
                    "this invite code is for joining the community", code="invite_without_space"
                )
            return redeem_code(tx, acting, text)


__all__ = ["CODE_BYTES", "CODE_MAX_LENGTH", "Invitations", "redeem_code"]

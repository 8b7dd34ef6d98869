"""Enforcing the rate limits: ask the ``socialcrm_rate_limits`` rules, refuse with the answer.

The limits count from storage inside the command's own transaction, so a command
that is refused, fails or rolls back leaves nothing counted; for posting actions
the actor's member row is locked first, so two workers posting for the same
member queue behind each other and both see the other's post.
"""

from __future__ import annotations

import attrs

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.ratelimits.policy import POSTING_ACTIONS
from socialcrm.capabilities.ratelimits.records import LimitBreach
from socialcrm.capabilities.threads.records import Thread
from socialcrm.capabilities.votes.records import Vote
from socialcrm.errors import PermissionDenied, RateLimited
from socialcrm.services.runtime import Transaction
from socialcrm.settings import RateLimitSettings


def enforce_rate_limits(
    tx: Transaction,
    acting: Member,
    action: str,
    *,
    thread: Thread | None = None,
    value: int | None = None,
    previous: Vote | None = None,
) -> None:
    """Raise ``RateLimited`` (or ``PermissionDenied``) if a rule refuses the command.

    Moderators, staff and admins are exempt; so is everyone when
    ``Settings.rate_limits.enabled`` is false.
    """
    if not tx.runtime.settings.rate_limits.enabled or acting.is_moderator:
        return
    if action in POSTING_ACTIONS:
        tx.uow.members.lock(acting.id)
    results = tx.runtime.hooks.socialcrm_rate_limits(
        actor=acting,
        action=action,
        context=tx.context,
        thread=thread,
        value=value,
        previous=previous,
    )
    breaches = [b for b in results if b is not None]
    if not breaches:
        return
    if not all(isinstance(b, LimitBreach) for b in breaches):
        raise TypeError("socialcrm_rate_limits implementations return a LimitBreach or None")
    lasting = [b for b in breaches if b.retry_after is None]
    if lasting:
        raise PermissionDenied(
            "; ".join(b.message for b in lasting) + _settings_hint(lasting),
            code=lasting[0].limit,
        )
    retry_after = max(b.retry_after for b in breaches if b.retry_after is not None)
    raise RateLimited(
        "; ".join(b.message for b in breaches) + _settings_hint(breaches),
        retry_after=retry_after,
        limits=tuple(b.limit for b in breaches),
    )


def _settings_hint(breaches: list[LimitBreach]) -> str:
    """Where the limits are set, for the developer who meets them in a test or a script."""
    fields = attrs.fields_dict(RateLimitSettings)
    names = [f"Settings.rate_limits.{b.limit}" for b in breaches if b.limit in fields]
    where = f"set by {', '.join(dict.fromkeys(names))}; " if names else ""
    return (
        f" ({where}tests and scripts: Settings.for_testing(), or "
        "Settings().with_rate_limits(enabled=False))"
    )


__all__ = ["enforce_rate_limits"]

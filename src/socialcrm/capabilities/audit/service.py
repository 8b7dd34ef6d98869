"""The moderation audit log: what moderators, staff and admins did, and reading it back.

Commands write entries with :func:`record_audit` in their own unit of work, so an
entry exists exactly when the action committed: a rejected or rolled-back action
leaves none.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry
from socialcrm.capabilities.spaces.access import hidden_space_ids, require_moderator, require_viewer
from socialcrm.core import validation
from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction

#: Every action the built-in commands write to the audit log.
AUDIT_ACTIONS = (
    "sanction_imposed",
    "sanction_lifted",
    "sanction_expired",
    "role_granted",
    "role_revoked",
    "profile_updated",
    "space_created",
    "space_member_added",
    "space_member_removed",
    "post_edited",
    "post_deleted",
    "thread_closed",
    "thread_reopened",
    "answer_accepted",
    "answer_unaccepted",
    "serial_votes_reversed",
    "trust_level_changed",
    "submission_approved",
    "submission_edited_and_approved",
    "submission_rejected",
    "review_item_dismissed",
    "flags_agreed",
    "flags_disagreed",
    "flags_deferred",
    "moderation_budget_exceeded",
    "badge_awarded",
    "badge_revoked",
    "bounty_awarded",
    "bounty_refunded",
)


def record_audit(
    tx: Transaction,
    *,
    actor_id: int | None,
    action: str,
    reason: str = "",
    member_id: int | None = None,
    post_id: int | None = None,
    thread_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    space_id: int | None = None,
) -> AuditEntry:
    """Append an audit entry at the command's time, in the command's unit of work.

    ``space_id`` is the space the action concerns; when not given it is the space
    of ``thread_id``, else of ``post_id``. Readers who cannot see that space never
    get the entry (see :meth:`Audit.entries`).
    """
    if space_id is None:
        space_id = _space_of(tx, thread_id=thread_id, post_id=post_id)
    new = NewAuditEntry(
        at=tx.now,
        actor_id=actor_id,
        action=action,
        reason=reason,
        member_id=member_id,
        post_id=post_id,
        thread_id=thread_id,
        before=before,
        after=after,
        space_id=space_id,
    )
    return tx.uow.audit.append(new)


def _space_of(tx: Transaction, *, thread_id: int | None, post_id: int | None) -> int | None:
    if thread_id is not None:
        thread = tx.uow.threads.get(thread_id)
        if thread is not None:
            return thread.space_id
    if post_id is not None:
        located = tx.uow.posts.locate(post_id)
        if located is not None:
            return located[2].id
    return None


def reason_text(value: object, runtime: Runtime, *, required: bool) -> str:
    """A moderator's reason: stripped, within ``Settings.moderation_reason_max_length``."""
    if value is None and not required:
        return ""
    return validation.text(
        value,
        "reason",
        min_length=1 if required else 0,
        max_length=runtime.settings.moderation_reason_max_length,
    )


def _optional_id(value: object, field: str) -> int | None:
    return None if value is None else validation.identifier(value, field)


def _moment(value: object, field: str) -> datetime | None:
    return None if value is None else aware(value, field)


class Audit(PublicAPI):
    """``community.audit``: the append-only log of moderator and admin actions."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def entries(
        self,
        *,
        actor: int,
        moderator: int | None = None,
        member: int | None = None,
        post: int | None = None,
        thread: int | None = None,
        action: str | Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        cursor: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[AuditEntry]:
        """Audit entries the viewer may see, newest first; moderators, staff and admins only.

        Entries about a space the viewer cannot see (its threads, posts, held
        submissions, membership changes) are left out inside the query, so a
        moderator who is not a member of a private space gets exactly what they
        would get if that space did not exist, whatever the filters (a private
        thread id gives ``[]``, like an unknown one).

        Every filter given must match: ``moderator`` (who acted), ``member``,
        ``post`` and ``thread`` (what it was done to), ``action`` (one name or
        several, from :data:`AUDIT_ACTIONS`), ``since <= at < until``. Page with
        ``limit``/``offset``, or pass ``cursor`` the ``id`` of the last entry of
        the previous page to get the entries after it (stable while new entries
        are written).
        """
        moderator_id = _optional_id(moderator, "moderator")
        member_id = _optional_id(member, "member")
        post_id = _optional_id(post, "post")
        thread_id = _optional_id(thread, "thread")
        before_id = _optional_id(cursor, "cursor")
        actions: builtins.list[str] | None = None
        if action is not None:
            if isinstance(action, str):
                names = [action]
            elif isinstance(action, (list, tuple, set, frozenset)):
                names = list(action)
            else:
                raise ValidationError(
                    "action must be an action name or a list of them", field="action"
                )
            if not names:
                raise ValidationError("action must name at least one action", field="action")
            actions = [validation.choice(name, "action", AUDIT_ACTIONS) for name in names]
        start, end = _moment(since, "since"), _moment(until, "until")
        if start is not None and end is not None and end < start:
            raise ValidationError("until must not be before since", field="until")
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            viewer = require_viewer(uow, actor)
            require_moderator(viewer, "read the audit log")
            query = AuditQuery(
                exclude_space_ids=hidden_space_ids(uow, viewer),
                actor_id=moderator_id,
                member_id=member_id,
                post_id=post_id,
                thread_id=thread_id,
                actions=actions,
                since=start,
                until=end,
                before_id=before_id,
            )
            return uow.audit.entries(query, limit=limit, offset=offset)


__all__ = ["AUDIT_ACTIONS", "Audit", "record_audit", "reason_text"]

"""Records of the audit capability: lines of the append-only moderation audit log."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, cast

import attrs

from socialcrm.capabilities.audit.policy import check_audit_entry
from socialcrm.core import validation
from socialcrm.errors import ValidationError


def _frozen_json(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of a JSON object (``None``: empty); ``TypeError`` if not JSON-able."""
    if value is None:
        return MappingProxyType({})
    if isinstance(value, MappingProxyType):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping of JSON values, got {type(value).__name__}")
    copied = json.loads(json.dumps(dict(value), allow_nan=False))
    return MappingProxyType(copied)


def _json_state(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of a JSON object (``None``: empty); anything else as given.

    What is not a JSON object is kept for :func:`check_audit_entry` to refuse
    with a ``ValidationError`` naming the field.
    """
    try:
        return _frozen_json(value)
    except (TypeError, ValueError):
        return cast("Mapping[str, Any]", value)


@attrs.frozen
class NewAuditEntry:
    """An audit log entry to append (:meth:`socialcrm.ports.AuditRepository.append`).

    The fields of :class:`AuditEntry` that the writer gives; the storage hands out
    the ``id``. ``before`` and ``after`` become read-only copies (``None``: empty).
    Checked once, when built (:func:`~socialcrm.capabilities.audit.policy.check_audit_entry`):
    ``ValidationError`` for a naive ``at``, an empty action or one longer than 64
    characters, or ``before``/``after`` that are not JSON objects.
    """

    at: datetime
    actor_id: int | None
    action: str
    reason: str = ""
    member_id: int | None = None
    post_id: int | None = None
    thread_id: int | None = None
    before: Mapping[str, Any] = attrs.field(default=None, converter=_json_state, hash=False)
    after: Mapping[str, Any] = attrs.field(default=None, converter=_json_state, hash=False)
    space_id: int | None = None

    def __attrs_post_init__(self) -> None:
        check_audit_entry(at=self.at, action=self.action, before=self.before, after=self.after)


def _frozen_names(value: Collection[str] | None) -> frozenset[str] | None:
    """``None`` (any action), or the action names as a frozenset; refuses anything else."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Collection):
        raise ValidationError(
            f"actions must be a collection of names, got {value!r}", field="actions"
        )
    if not all(isinstance(name, str) for name in value):
        raise ValidationError(f"actions must be names (strings), got {value!r}", field="actions")
    return frozenset(value)


def _frozen_ids(value: Collection[int]) -> frozenset[int]:
    """The space ids as a frozenset; refuses anything but a collection of ids."""
    if isinstance(value, str) or not isinstance(value, Collection):
        raise ValidationError(
            f"exclude_space_ids must be a collection of ids, got {value!r}",
            field="exclude_space_ids",
        )
    return frozenset(validation.identifier(i, "exclude_space_ids") for i in value)


@attrs.frozen(kw_only=True)
class AuditQuery:
    """Which audit entries to read (:meth:`socialcrm.ports.AuditRepository.entries`).

    Every filter given must match; the defaults match every entry. ``actor_id``,
    ``member_id``, ``post_id`` and ``thread_id`` keep the entries naming that id;
    ``actions`` (``None``: any; kept as a frozenset, so an empty one matches
    nothing) the entries with one of those actions; ``since <= at < until``
    (``None`` bounds are open); ``before_id`` the entries with a smaller id (a
    cursor: the last id of the previous page). Entries whose ``space_id`` is in
    ``exclude_space_ids`` (kept as a frozenset) are left out. Checked once, when
    built: ``ValidationError`` for ids that are not positive integers, action names
    that are not strings, collections given as a bare string, and naive or
    non-datetime bounds.
    """

    actor_id: int | None = None
    member_id: int | None = None
    post_id: int | None = None
    thread_id: int | None = None
    actions: frozenset[str] | None = attrs.field(default=None, converter=_frozen_names)
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None
    exclude_space_ids: frozenset[int] = attrs.field(default=(), converter=_frozen_ids)

    def __attrs_post_init__(self) -> None:
        for field in ("actor_id", "member_id", "post_id", "thread_id", "before_id"):
            value = getattr(self, field)
            if value is not None:
                validation.identifier(value, field)
        for field in ("since", "until"):
            value = getattr(self, field)
            if value is not None:
                validation.aware(value, field)


@attrs.frozen
class AuditEntry:
    """One line of the append-only moderation audit log.

    ``actor_id`` is the moderator, staff member or admin who acted (``None`` for a
    host job, such as recording expired sanctions). ``action`` says what they did
    (``sanction_imposed``, ``role_granted``, ``post_deleted``...); ``member_id``,
    ``post_id`` and ``thread_id`` name what it was done to, where that applies.
    ``before`` and ``after`` are small read-only JSON objects describing the state
    the action changed. ``space_id`` is the space the action concerns (``None``:
    none, e.g. a sanction); reads leave out entries of spaces the reader cannot see.
    """

    id: int
    at: datetime
    actor_id: int | None
    action: str
    reason: str = ""
    member_id: int | None = None
    post_id: int | None = None
    thread_id: int | None = None
    before: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_json, hash=False)
    after: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_json, hash=False)
    space_id: int | None = None


__all__ = ["AuditEntry", "AuditQuery", "NewAuditEntry"]

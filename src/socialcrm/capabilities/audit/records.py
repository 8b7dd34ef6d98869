"""Records of the audit capability: lines of the append-only moderation audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, cast

import attrs

from socialcrm.capabilities.audit.policy import check_audit_entry


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


__all__ = ["AuditEntry", "NewAuditEntry"]

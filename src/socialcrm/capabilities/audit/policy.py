"""Rules of the audit log: which rows storage may write.

:class:`~socialcrm.capabilities.audit.records.NewAuditEntry` calls
:func:`check_audit_entry` when built, so every adapter is handed only entries that
every adapter can store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError

#: The longest ``action`` name an audit entry may have (a column size in SQL).
AUDIT_ACTION_MAX_LENGTH = 64


def _json_object(value: object, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be a JSON object (a dict)", field=field)
    try:
        json.dumps(dict(value), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"{field} is not JSON-serializable: {error}", field=field) from None


def check_audit_entry(*, at: object, action: object, before: object, after: object) -> None:
    """Refuse a naive time, an empty or too long action, or state that is not a JSON object."""
    aware(at, "at")
    if not isinstance(action, str) or not action or len(action) > AUDIT_ACTION_MAX_LENGTH:
        raise ValidationError(
            f"action must be a name of 1 to {AUDIT_ACTION_MAX_LENGTH} characters", field="action"
        )
    _json_object(before, "before")
    _json_object(after, "after")


__all__ = ["AUDIT_ACTION_MAX_LENGTH", "check_audit_entry"]

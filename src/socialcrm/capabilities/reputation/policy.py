"""Rules of the reputation ledger: which entries storage may append.

:class:`~socialcrm.capabilities.reputation.records.NewLedgerEntry` calls
:func:`check_ledger_entry` when built, so every adapter is handed only entries
that every adapter can store.
"""

from __future__ import annotations

from datetime import date, datetime

from socialcrm.core.validation import aware
from socialcrm.errors import ValidationError

#: The longest ``rule`` or ``event`` name a ledger entry may have (a column size in SQL).
LEDGER_NAME_MAX_LENGTH = 64
#: The longest ``cause`` a ledger entry may have (a column size in SQL).
LEDGER_CAUSE_MAX_LENGTH = 255


def _name(value: object, field: str, max_length: int) -> None:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise ValidationError(
            f"{field} must be a text of 1 to {max_length} characters", field=field
        )


def check_ledger_entry(
    *, at: object, rule: object, event: object, cause: object, cap_day: object
) -> None:
    """Refuse a naive time, an empty or too long rule, event or cause, or a bad cap day.

    ``cap_day`` is ``None`` or a calendar day (a ``date``, not a ``datetime``).
    """
    aware(at, "at")
    _name(rule, "rule", LEDGER_NAME_MAX_LENGTH)
    _name(event, "event", LEDGER_NAME_MAX_LENGTH)
    _name(cause, "cause", LEDGER_CAUSE_MAX_LENGTH)
    if cap_day is not None and (not isinstance(cap_day, date) or isinstance(cap_day, datetime)):
        raise ValidationError(f"cap_day must be a date, got {cap_day!r}", field="cap_day")


__all__ = ["LEDGER_CAUSE_MAX_LENGTH", "LEDGER_NAME_MAX_LENGTH", "check_ledger_entry"]

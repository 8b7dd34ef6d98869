"""Records of the reputation capability: the ledger, what rules ask for, leaderboards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import attrs

from socialcrm.capabilities.reputation.policy import check_ledger_entry
from socialcrm.core import validation
from socialcrm.errors import ValidationError

#: Per-activity leaderboards and the ledger rules whose active entries they count.
ACTIVITY_BOARDS: dict[str, tuple[str, ...]] = {
    "accepted_answers": ("answer_accepted",),
    "upvotes_received": ("question_upvoted", "answer_upvoted", "post_upvoted"),
}


@attrs.frozen
class NewLedgerEntry:
    """A reputation change to append (:meth:`socialcrm.ports.LedgerRepository.append`).

    The fields of :class:`LedgerEntry` that the writer gives; the storage hands
    out the ``id``. Checked once, when built
    (:func:`~socialcrm.capabilities.reputation.policy.check_ledger_entry`):
    ``ValidationError`` for a naive ``at``, an empty or too long ``rule``,
    ``event`` or ``cause``, or a ``cap_day`` that is not a date.
    """

    member_id: int
    delta: int
    requested: int
    rule: str
    event: str
    cause: str
    at: datetime
    undoes: int | None = None
    cap_day: date | None = None
    space_id: int | None = None
    post_id: int | None = None

    def __attrs_post_init__(self) -> None:
        check_ledger_entry(
            at=self.at, rule=self.rule, event=self.event, cause=self.cause, cap_day=self.cap_day
        )


def _ids(value: object, field: str) -> frozenset[int]:
    """The ids as a frozenset (what the filters test against); each a positive integer."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(f"{field} must be a collection of ids, got {value!r}", field=field)
    return frozenset(validation.identifier(one, field) for one in value)


def _space_ids(value: object) -> frozenset[int] | None:
    return None if value is None else _ids(value, "space_ids")


def _exclude_member_ids(value: object) -> frozenset[int]:
    return _ids(value, "exclude_member_ids")


def _exclude_space_ids(value: object) -> frozenset[int]:
    return _ids(value, "exclude_space_ids")


@attrs.frozen(kw_only=True)
class LedgerWindow:
    """Which ledger entries a ranking counts (:meth:`socialcrm.ports.LedgerRepository.gains`
    and :meth:`~socialcrm.ports.LedgerRepository.rule_counts`).

    Entries with ``since <= at < until`` (a ``None`` bound is open); ``space_ids``
    ``None`` means every entry, otherwise only entries whose ``space_id`` is in it
    (empty: none). Entries whose ``space_id`` is in ``exclude_space_ids`` never
    count (entries with no space always may), nor do entries of the members in
    ``exclude_member_ids``. Built once, checked once: the constructor refuses
    (``ValidationError``) a bound that is not a timezone-aware datetime and id
    collections that are not collections of positive integers; it keeps them as
    frozensets.
    """

    since: datetime | None
    until: datetime | None
    space_ids: frozenset[int] | None = attrs.field(converter=_space_ids)
    exclude_member_ids: frozenset[int] = attrs.field(
        default=frozenset(), converter=_exclude_member_ids
    )
    exclude_space_ids: frozenset[int] = attrs.field(
        default=frozenset(), converter=_exclude_space_ids
    )

    def __attrs_post_init__(self) -> None:
        if self.since is not None:
            validation.aware(self.since, "since")
        if self.until is not None:
            validation.aware(self.until, "until")


@attrs.frozen
class LedgerEntry:
    """One append-only reputation change as it was applied.

    ``delta`` is what was actually applied (after the daily cap and the floor),
    ``requested`` what the rule asked for. ``cause`` ties the entry to the thing
    that produced it (``thread:<id>:post:<id>:vote:<id>``,
    ``thread:<id>:post:<id>:accept``), ``undoes``
    to the entry a compensating entry reverses. ``cap_day`` is the UTC day whose
    daily cap the entry counts against (``None`` when exempt).
    """

    id: int
    member_id: int
    delta: int
    requested: int
    rule: str
    event: str
    cause: str
    at: datetime
    undoes: int | None = None
    cap_day: date | None = None
    space_id: int | None = None
    post_id: int | None = None


@attrs.frozen
class LeaderboardRow:
    """A leaderboard line: ``score`` is total reputation or the period's gain."""

    rank: int
    member_id: int
    display_name: str
    score: int


@attrs.frozen
class ReputationChange:
    """What a reward rule asks for: give ``delta`` to ``member_id``.

    ``capped`` changes count against the member's daily reputation cap.
    """

    member_id: int
    delta: int
    rule: str
    capped: bool = False


__all__ = [
    "ACTIVITY_BOARDS",
    "LeaderboardRow",
    "LedgerEntry",
    "LedgerWindow",
    "NewLedgerEntry",
    "ReputationChange",
]

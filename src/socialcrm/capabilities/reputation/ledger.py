"""The reputation ledger engine: reward rules in, capped and floored entries out.

Each change is appended to the ledger with the delta actually applied (after the
daily cap and the floor); the member's cached total moves by that same delta in the
same transaction. Undoing writes one compensating entry per undone entry, based on
the stored delta — never a delta recomputed from today's settings — so a capped
upvote that granted nothing takes nothing back when undone (the Askbot failure of
DESIGN.md §3).

Undoing never creates reputation at the floor: the member ends where a replay of
their other live entries puts them (gains as stored, losses floored again), i.e. no
higher than if the undone entries had never been made. Undoing a gain that the floor
later absorbed takes back no more than it is still worth, and a loss is refunded only
as far as it still weighs; the compensating entries share the difference.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from socialcrm.capabilities.reputation.events import ReputationChanged
from socialcrm.capabilities.reputation.records import (
    LedgerEntry,
    NewLedgerEntry,
    ReputationChange,
)
from socialcrm.core.events import Event
from socialcrm.errors import Conflict, NotFound, RetryableStorageError

if TYPE_CHECKING:
    from socialcrm.services.runtime import Handler, Runtime, Transaction


def _space_and_post(event: Event) -> tuple[int | None, int | None]:
    space_id = getattr(event, "space_id", None)
    post_id = getattr(event, "post_id", None)
    if post_id is None:
        post_id = getattr(event, "answer_id", None)
    return space_id, post_id


def _floored(delta: int, current: int, floor: int) -> int:
    # A loss never takes a member below the floor; a member already below it
    # (settings changed) is not lifted by a loss either.
    if delta < 0:
        return max(delta, min(0, floor - current))
    return delta


def _write(
    tx: Transaction,
    event: Event,
    *,
    member_id: int,
    delta: int,
    requested: int,
    rule: str,
    cause: str,
    undoes: int | None,
    cap_day: date | None,
    space_id: int | None,
    post_id: int | None,
) -> LedgerEntry:
    uow = tx.uow
    new = NewLedgerEntry(
        member_id=member_id,
        delta=delta,
        requested=requested,
        rule=rule,
        event=event.name,
        cause=cause,
        at=tx.now,
        undoes=undoes,
        cap_day=cap_day,
        space_id=space_id,
        post_id=post_id,
    )
    entry = uow.ledger.append(new)
    if delta:
        uow.members.add_reputation(member_id, delta)
    return entry


def _announce(tx: Transaction, event: Event, entry: LedgerEntry, reputation: int) -> None:
    tx.record_side_effect(
        ReputationChanged(
            at=tx.now,
            actor_id=event.actor_id,
            member_id=entry.member_id,
            entry_id=entry.id,
            delta=entry.delta,
            requested=entry.requested,
            rule=entry.rule,
            cause=entry.cause,
            reputation=reputation,
        )
    )


def _replayed(
    changes: list[tuple[int, int, int]], without: set[int], *, start: int, floor: int
) -> tuple[int, int]:
    """Replay live ``(id, delta, requested)`` changes: ``(total of all, total without some)``.

    A gain counts as stored (the daily cap it met stays met); a loss is floored again
    against the replayed total, since what it took depended on how far above the
    floor the member stood.
    """
    everything = kept = start
    for entry_id, delta, requested in changes:
        if requested < 0:
            everything += _floored(requested, everything, floor)
            if entry_id not in without:
                kept += _floored(requested, kept, floor)
        else:
            everything += delta
            if entry_id not in without:
                kept += delta
    return everything, kept


def _shared(total: int, natural: list[tuple[int, int]]) -> dict[int, int]:
    """Split ``total`` over compensating entries whose exact inverses are ``natural``.

    Each entry keeps its exact inverse where it can; refunds (or take-backs) are
    trimmed newest first until the entries sum to ``total``. Whatever cannot be
    trimmed (a total written before this rule) goes on the newest entry.
    """
    shares = dict(natural)
    excess = sum(shares.values()) - total
    for entry_id, amount in reversed(natural):
        if excess == 0:
            break
        if excess > 0 and amount > 0:
            cut = min(amount, excess)
        elif excess < 0 and amount < 0:
            cut = max(amount, excess)
        else:
            continue
        shares[entry_id] -= cut
        excess -= cut
    if excess and natural:
        shares[natural[-1][0]] -= excess
    return shares


def _compensations(
    tx: Transaction, member_id: int, current: int, originals: list[LedgerEntry]
) -> dict[int, int]:
    """The delta of each compensating entry that undoes ``originals`` for one member.

    The member ends where a replay of their other live entries puts them, never
    higher: a cached total above the replay of all live entries (a ledger written
    before this rule) is not kept, one below it is (the difference is kept as is).
    """
    settings = tx.runtime.settings
    everything, kept = _replayed(
        tx.uow.ledger.live_changes(member_id),
        {e.id for e in originals},
        start=settings.reputation_start,
        floor=settings.reputation_floor,
    )
    target = min(current + kept - everything, kept)
    total = _floored(target - current, current, settings.reputation_floor)
    return _shared(total, [(e.id, -e.delta) for e in originals])


def reverse(tx: Transaction, event: Event) -> None:
    """Write a compensating entry for every active entry of the causes the event reverses.

    The entries of one member are undone together, so that the member ends no
    higher than if they had never been made (see :func:`_compensations`).

    The command holds the lock of what it reverses (the thread, the vote), so the
    entries read here stay active until it commits; the members are locked in
    ascending id order (the lock order). Storage refuses a second compensation of
    an entry: if a unit outside that order got there first, the command retries
    and reads the entries again.
    """
    entries = tx.uow.ledger.active_for_causes(event.reversed_causes, event.reversed_cause_prefixes)
    members = sorted({original.member_id for original in entries})
    for member_id in members:
        tx.uow.members.lock(member_id)
    for member_id in members:
        current = tx.uow.members.lock(member_id)
        if current is None:
            continue
        mine = [e for e in entries if e.member_id == member_id]
        shares = _compensations(tx, member_id, current, mine)
        # Refunds first, so that the member never passes below the floor on the way.
        for original in sorted(mine, key=lambda e: shares[e.id] < 0):
            delta = shares[original.id]
            try:
                entry = _write(
                    tx,
                    event,
                    member_id=original.member_id,
                    delta=delta,
                    requested=-original.delta,
                    rule=original.rule,
                    cause=original.cause,
                    undoes=original.id,
                    cap_day=original.cap_day,
                    space_id=original.space_id,
                    post_id=original.post_id,
                )
            except Conflict as clash:
                if clash.code != "already_undone":
                    raise
                raise RetryableStorageError(
                    f"ledger entry {original.id} was undone by a concurrent command"
                ) from clash
            current += delta
            _announce(tx, event, entry, current)


def apply_change(tx: Transaction, event: Event, change: ReputationChange, cause: str) -> None:
    """Apply one rule's change: lock the member, cap, floor, append, increment."""
    settings = tx.runtime.settings
    current = tx.uow.members.lock(change.member_id)
    if current is None:
        raise NotFound(
            f"reward rule {change.rule!r} named unknown member {change.member_id}",
            code="member_not_found",
        )
    delta = change.delta
    cap_day = None
    if change.capped:
        cap_day = tx.now.date()
        if delta > 0:
            room = settings.daily_reputation_cap - tx.uow.ledger.cap_used(change.member_id, cap_day)
            delta = max(0, min(delta, room))
    delta = _floored(delta, current, settings.reputation_floor)
    space_id, post_id = _space_and_post(event)
    entry = _write(
        tx,
        event,
        member_id=change.member_id,
        delta=delta,
        requested=change.delta,
        rule=change.rule,
        cause=cause,
        undoes=None,
        cap_day=cap_day,
        space_id=space_id,
        post_id=post_id,
    )
    _announce(tx, event, entry, current + delta)


def apply_event_reputation(tx: Transaction, event: Event) -> None:
    """Reverse what the event takes back, then apply what the reward rules give."""
    if event.reversed_causes or event.reversed_cause_prefixes:
        reverse(tx, event)
    cause = event.cause
    if cause is None:
        return
    results = tx.runtime.hooks.socialcrm_reputation_changes(event=event, context=tx.context)
    applied: list[ReputationChange] = []
    for changes in results:
        if not changes:
            continue
        for change in changes:
            if not isinstance(change, ReputationChange):
                raise TypeError(
                    f"reward rules must return ReputationChange records, got {change!r}"
                )
            if change.delta == 0 and not change.capped:
                continue
            applied.append(change)
    members = sorted({change.member_id for change in applied})
    if len(members) > 1:
        # Members in ascending id order (the lock order): a downvote locks the author
        # and the voter, and two members downvoting each other must not lock them in
        # opposite orders. One member needs no pre-lock (apply_change takes it).
        for member_id in members:
            tx.uow.members.lock(member_id)
    for change in applied:
        apply_change(tx, event, change, cause)


_BASE_REPUTATION_PROPERTIES = (
    Event.cause,
    Event.reversed_causes,
    Event.reversed_cause_prefixes,
)


def _reputation(tx: Transaction, event: Event) -> None:
    if event.cause is not None or event.reversed_causes or event.reversed_cause_prefixes:
        apply_event_reputation(tx, event)


def reputation_subscription(
    runtime: Runtime, event_type: type[Event], side_effect: bool
) -> Handler | None:
    """The ledger's handler for events of this type: none for side effects (the ledger
    recorded them itself) nor for types that never carry or reverse a cause."""
    properties = (
        event_type.cause,
        event_type.reversed_causes,
        event_type.reversed_cause_prefixes,
    )
    if side_effect or properties == _BASE_REPUTATION_PROPERTIES:
        return None
    return _reputation

"""The reputation ledger in memory: append-only entries, undone by later entries."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import excluded_members, in_window, newest_first, visible
from socialcrm.capabilities.reputation.records import LedgerEntry, LedgerWindow, NewLedgerEntry
from socialcrm.errors import Conflict


class MemoryLedger(MemoryRepository):
    """:class:`socialcrm.ports.LedgerRepository` in memory."""

    def append(self, new: NewLedgerEntry) -> LedgerEntry:
        """Append an entry; ``Conflict`` (``already_undone``) if ``undoes`` is undone already."""
        if new.undoes is not None and new.undoes in self._t.undone:
            raise Conflict(f"ledger entry {new.undoes} is undone already", code="already_undone")
        entry = LedgerEntry(id=self._j.next_id("ledger"), **attrs.asdict(new, recurse=False))
        self._j.insert(self._t.ledger, entry)
        if entry.cap_day is not None:
            key = (entry.member_id, entry.cap_day)
            self._j.put(
                self._t.ledger_by_cap_day, key, self._t.ledger_by_cap_day.get(key, ()) + (entry.id,)
            )
        if entry.undoes is not None:
            self._j.set_add(self._t.undone, entry.undoes)
        return entry

    def cap_used(self, member_id: int, cap_day: date) -> int:
        """The sum of the member's entries counted against the cap of ``cap_day``."""
        ids = self._t.ledger_by_cap_day.get((member_id, cap_day), ())
        return sum(self._t.ledger[i].delta for i in ids)

    def _live(self) -> Iterator[LedgerEntry]:
        """Entries neither undoing another nor undone, by id."""
        undone = self._t.undone
        for _, e in sorted(self._t.ledger.items()):
            if e.undoes is None and e.id not in undone:
                yield e

    def active_for_causes(
        self, causes: Collection[str] = (), prefixes: Collection[str] = ()
    ) -> list[LedgerEntry]:
        """Live entries whose cause is one of ``causes`` or starts with one of ``prefixes``."""
        exact = set(causes)
        starts = tuple(prefixes)
        return [
            e for e in self._live() if e.cause in exact or (starts and e.cause.startswith(starts))
        ]

    def live_changes(self, member_id: int) -> list[tuple[int, int, int]]:
        """(id, delta, requested) of the member's live entries, by id."""
        return [(e.id, e.delta, e.requested) for e in self._live() if e.member_id == member_id]

    def history(
        self,
        member_id: int,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> list[LedgerEntry]:
        """One page of the member's entries, newest first, without those of hidden spaces."""
        hidden = set(exclude_space_ids)
        mine = (
            e
            for e in self._t.ledger.values()
            if e.member_id == member_id and visible(e.space_id, hidden)
        )
        return newest_first(mine, limit=limit, offset=offset)

    def totals(self) -> dict[int, int]:
        """The sum of every member's entries, keyed by member id."""
        sums: dict[int, int] = {}
        for e in self._t.ledger.values():
            sums[e.member_id] = sums.get(e.member_id, 0) + e.delta
        return sums

    def _in_ranking(self, window: LedgerWindow) -> Iterator[LedgerEntry]:
        """The entries a ranking over ``window`` counts (placeholders never do)."""
        excluded = excluded_members(self._t, window.exclude_member_ids)
        spaces = window.space_ids
        for e in self._t.ledger.values():
            if (
                in_window(e.at, window.since, window.until)
                and (spaces is None or e.space_id in spaces)
                and visible(e.space_id, window.exclude_space_ids)
                and e.member_id not in excluded
            ):
                yield e

    def gains(self, window: LedgerWindow, *, limit: int) -> list[tuple[int, int]]:
        """(member id, net gain) of the members with a positive gain, largest first."""
        sums: dict[int, int] = {}
        for e in self._in_ranking(window):
            sums[e.member_id] = sums.get(e.member_id, 0) + e.delta
        return _ranked(sums, limit)

    def rule_counts(
        self, rules: Collection[str], window: LedgerWindow, *, limit: int
    ) -> list[tuple[int, int]]:
        """(member id, live entries of ``rules``) per member, most first."""
        wanted = set(rules)
        undone = self._t.undone
        counts: dict[int, int] = {}
        for e in self._in_ranking(window):
            if e.rule in wanted and e.undoes is None and e.id not in undone:
                counts[e.member_id] = counts.get(e.member_id, 0) + 1
        return _ranked(counts, limit)


def _ranked(scores: dict[int, int], limit: int) -> list[tuple[int, int]]:
    """The positive scores, highest first then member id ascending, at most ``limit``."""
    return sorted(((m, s) for m, s in scores.items() if s > 0), key=lambda r: (-r[1], r[0]))[:limit]


__all__ = ["MemoryLedger"]

"""Flags in memory: one per flagger and subject, decided by moderators."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, first_by, visible
from socialcrm.capabilities.flags.records import Flag, FlagAccuracy, NewFlag
from socialcrm.errors import Conflict


def _is_open(flag: Flag) -> bool:
    return flag.status == "open"


class MemoryFlags(MemoryRepository):
    """:class:`socialcrm.ports.FlagRepository` in memory."""

    def add(self, new: NewFlag) -> Flag:
        """Raise a flag; ``Conflict`` (``duplicate_flag``) if the flagger flagged it already."""
        key = (new.flagger_id, new.member_id, new.post_id)
        if key in self._t.flag_by_key:
            what = f"post {new.post_id}" if new.post_id is not None else f"member {new.member_id}"
            raise Conflict(f"member {new.flagger_id} already flagged {what}", code="duplicate_flag")
        flag = Flag(id=self._j.next_id("flags"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.flags, flag, index=self._t.flag_by_key, key=key)

    def get(self, flag_id: int) -> Flag | None:
        """The flag with this id, or ``None``."""
        return self._t.flags.get(flag_id)

    def _where(self, keep: Callable[[Flag], bool]) -> list[Flag]:
        return by_id(f for f in self._t.flags.values() if keep(f))

    def for_post(self, post_id: int) -> list[Flag]:
        """The flags on a post, by id."""
        return self._where(lambda f: f.post_id == post_id)

    def about_member(self, member_id: int) -> list[Flag]:
        """Every flag about a member or their posts, by id."""
        return self._where(lambda f: f.member_id == member_id)

    def member_flags(self, member_id: int) -> list[Flag]:
        """The flags on the member themself (not on a post), by id."""
        return self._where(lambda f: f.member_id == member_id and f.post_id is None)

    def open_flags(self, *, limit: int) -> list[Flag]:
        """The oldest open flags."""
        found = (f for f in self._t.flags.values() if _is_open(f))
        return first_by(found, lambda f: (f.created_at, f.id), limit=limit)

    def count_open(self) -> int:
        """How many flags are open."""
        return sum(1 for f in self._t.flags.values() if _is_open(f))

    def decide(self, flag_ids: Collection[int], *, status: str, by: int, at: datetime) -> int:
        """Decide the open ones of these flags; how many were open."""
        return sum(
            self._j.evolve_if(
                self._t.flags, flag_id, _is_open, status=status, decided_by=by, decided_at=at
            )
            for flag_id in set(flag_ids)
        )

    def accuracy(self, flagger_id: int, *, exclude_space_ids: Collection[int] = ()) -> FlagAccuracy:
        """How many of the flagger's flags were agreed with and disagreed with."""
        hidden = set(exclude_space_ids)
        mine = [
            f.status
            for f in self._t.flags.values()
            if f.flagger_id == flagger_id and visible(f.space_id, hidden)
        ]
        return FlagAccuracy(agreed=mine.count("agreed"), disagreed=mine.count("disagreed"))

    def raised_since(self, flagger_id: int, since: datetime) -> tuple[int, datetime | None]:
        """How many flags the flagger raised after ``since``, and when the first was."""
        times = [
            f.created_at
            for f in self._t.flags.values()
            if f.flagger_id == flagger_id and f.created_at > since
        ]
        return len(times), min(times, default=None)

    def decided(
        self, *, since: datetime, until: datetime, exclude_space_ids: Collection[int] = ()
    ) -> list[Flag]:
        """The flags decided in the window, by decision time."""
        hidden = set(exclude_space_ids)
        found = [
            f
            for f in self._t.flags.values()
            if f.decided_at is not None
            and since <= f.decided_at < until
            and visible(f.space_id, hidden)
        ]
        found.sort(key=lambda f: (f.decided_at, f.id))
        return found

    def agreed_posts(self, member_id: int, *, since: datetime) -> int:
        """How many of the member's posts drew an agreed flag raised since ``since``."""
        return len(
            {
                f.post_id
                for f in self._t.flags.values()
                if f.member_id == member_id
                and f.post_id is not None
                and f.status == "agreed"
                and f.created_at >= since
            }
        )


__all__ = ["MemoryFlags"]

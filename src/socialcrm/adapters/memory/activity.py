"""Member activity in memory: visits, reading, likes and topics per UTC day (trust-level inputs)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.tables import ActivityDay
from socialcrm.capabilities.trust.records import ActivityTotals, DayCounts, MemberActivity


class MemoryActivity(MemoryRepository):
    """:class:`socialcrm.ports.ActivityRepository` in memory."""

    def _days(self, member_id: int) -> dict[date, ActivityDay]:
        return self._t.member_days.setdefault(member_id, {})

    def _topics(self, member_id: int) -> dict[int, tuple[date | None, date | None]]:
        return self._t.member_topics.setdefault(member_id, {})

    def mark_visited(self, member_id: int, day: date) -> bool:
        """Count a visit on ``day``; ``False`` if the member visited that day already."""
        row = self._days(member_id).get(day)
        if row is not None and row.visited:
            return False
        self.add_day(member_id, day, DayCounts(visited=True))
        return True

    def add_day(self, member_id: int, day: date, counts: DayCounts) -> None:
        """Add ``counts`` to the member's day."""
        days = self._days(member_id)
        row = days.get(day, ActivityDay())
        added = {name: getattr(row, name) + value for name, value in counts.counters().items()}
        self._j.put(days, day, ActivityDay(visited=row.visited or counts.visited, **added))

    def add_like(self, giver_id: int, receiver_id: int, day: date, delta: int) -> None:
        """Count ``delta`` likes given by one member and received by another."""
        self.add_day(giver_id, day, DayCounts(likes_given=delta))
        self.add_day(receiver_id, day, DayCounts(likes_received=delta))

    def enter_topic(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record the first day the member entered the thread; ``False`` if not earlier."""
        topics = self._topics(member_id)
        entered, replied = topics.get(thread_id, (None, None))
        if entered is not None and entered <= day:
            return False
        self._j.put(topics, thread_id, (day, replied))
        return True

    def record_topic_reply(self, member_id: int, thread_id: int, day: date) -> bool:
        """Record the last day the member replied in the thread; ``False`` if not later."""
        topics = self._topics(member_id)
        entered, replied = topics.get(thread_id, (None, None))
        if replied is not None and replied >= day:
            return False
        self._j.put(topics, thread_id, (entered, day))
        return True

    def _totals(self, member_id: int, since: date | None) -> ActivityTotals:
        days = [
            row
            for day, row in self._t.member_days.get(member_id, {}).items()
            if since is None or day >= since
        ]
        topics = self._t.member_topics.get(member_id, {}).values()
        return ActivityTotals(
            days_visited=sum(1 for row in days if row.visited),
            topics_entered=sum(
                1
                for entered, _ in topics
                if entered is not None and (since is None or entered >= since)
            ),
            posts_read=sum(row.posts_read for row in days),
            reading_seconds=sum(row.reading_seconds for row in days),
            likes_given=sum(row.likes_given for row in days),
            likes_received=sum(row.likes_received for row in days),
            topics_replied_to=sum(
                1
                for _, replied in topics
                if replied is not None and (since is None or replied >= since)
            ),
        )

    def activity(self, member_id: int, *, since: date) -> MemberActivity:
        """The member's totals of all time and since ``since``."""
        return MemberActivity(
            member_id=member_id,
            all_time=self._totals(member_id, None),
            recent=self._totals(member_id, since),
        )

    def activities(self, member_ids: Collection[int], *, since: date) -> dict[int, MemberActivity]:
        """:meth:`activity` of each member, keyed by id."""
        return {member_id: self.activity(member_id, since=since) for member_id in member_ids}

    def created_since(self, since: datetime, space_ids: Collection[int]) -> tuple[int, int]:
        """How many live threads and live posts in them were created since ``since``."""
        spaces = set(space_ids)
        live = {
            t.id: t
            for t in self._t.threads.values()
            if t.deleted_at is None and t.space_id in spaces
        }
        threads = sum(1 for t in live.values() if t.created_at >= since)
        posts = sum(
            1
            for p in self._t.posts.values()
            if p.thread_id in live and p.deleted_at is None and p.created_at >= since
        )
        return threads, posts

    def count_thread_posts(self, thread_id: int, post_ids: Collection[int]) -> int:
        """How many of these posts are live posts of the thread."""
        found = (self._t.posts.get(i) for i in set(post_ids))
        return sum(
            1 for p in found if p is not None and p.thread_id == thread_id and p.deleted_at is None
        )


__all__ = ["MemoryActivity"]

"""The in-memory repositories of rewards (badges, later bounties), beside :mod:`.memory`.

They share the memory adapter's tables and undo journal (passed in), so they roll
back with the unit like every other repository.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs

from socialcrm.domain.badges import AuthoredPost, BadgeAward
from socialcrm.domain.bounties import Bounty, check_closed_status
from socialcrm.domain.records import PLACEHOLDER_ROLE
from socialcrm.errors import Conflict, NotFound


class MemoryBadges:
    """:class:`socialcrm.ports.BadgeRepository` over the memory adapter's tables."""

    def __init__(self, journal: Any) -> None:
        self._j = journal
        self._t = journal.t

    def award(
        self,
        *,
        badge: str,
        member_id: int,
        subject: str,
        awarded_at: datetime,
        post_id: int | None = None,
        space_id: int | None = None,
    ) -> BadgeAward | None:
        if member_id not in self._t.members:
            raise NotFound(f"no member {member_id}", code="member_not_found")
        key = (badge, member_id, subject)
        if key in self._t.badge_by_key:
            return None
        award = BadgeAward(
            id=self._j.next_id("badge_awards"),
            badge=badge,
            member_id=member_id,
            subject=subject,
            awarded_at=awarded_at,
            post_id=post_id,
            space_id=space_id,
        )
        self._j.put(self._t.badge_awards, award.id, award)
        self._j.put(self._t.badge_by_key, key, award.id)
        return award

    def held(self, badge: str, member_id: int, subject: str) -> bool:
        return (badge, member_id, subject) in self._t.badge_by_key

    def get(self, award_id: int) -> BadgeAward | None:
        return self._t.badge_awards.get(award_id)

    def for_member(
        self, member_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> builtins.list[BadgeAward]:
        hidden = set(exclude_space_ids)
        return sorted(
            (
                a
                for a in self._t.badge_awards.values()
                if a.member_id == member_id
                and a.revoked_at is None
                and (a.space_id is None or a.space_id not in hidden)
            ),
            key=lambda a: a.id,
        )

    def _holders(self, badge: str, hidden: Collection[int]) -> builtins.list[BadgeAward]:
        members = self._t.members
        excluded = set(hidden)
        return sorted(
            (
                a
                for a in self._t.badge_awards.values()
                if a.badge == badge
                and a.revoked_at is None
                and PLACEHOLDER_ROLE not in members[a.member_id].roles
                and (a.space_id is None or a.space_id not in excluded)
            ),
            key=lambda a: a.id,
        )

    def holders(
        self,
        badge: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> builtins.list[BadgeAward]:
        return self._holders(badge, exclude_space_ids)[offset : offset + limit]

    def count_holders(self, badge: str, *, exclude_space_ids: Collection[int] = ()) -> int:
        return len(self._holders(badge, exclude_space_ids))

    def revoke(self, award_id: int, *, at: datetime, by: int | None) -> bool:
        award = self._t.badge_awards.get(award_id)
        if award is None:
            raise NotFound(f"no badge award {award_id}", code="badge_award_not_found")
        if award.revoked_at is not None:
            return False
        self._j.put(
            self._t.badge_awards, award_id, attrs.evolve(award, revoked_at=at, revoked_by=by)
        )
        return True

    def accepted_answers(self, member_id: int) -> int:
        count = 0
        for thread in self._t.threads.values():
            if thread.accepted_answer_id is None or thread.deleted_at is not None:
                continue
            answer = self._t.posts.get(thread.accepted_answer_id)
            if (
                answer is not None
                and answer.deleted_at is None
                and answer.author_id == member_id
                and thread.author_id != member_id
            ):
                count += 1
        return count

    def authored_posts(self, member_id: int) -> builtins.list[AuthoredPost]:
        found = []
        for post in self._t.posts.values():
            if post.author_id != member_id or post.deleted_at is not None:
                continue
            thread = self._t.threads.get(post.thread_id)
            if thread is None or thread.deleted_at is not None:
                continue
            found.append(
                AuthoredPost(
                    post_id=post.id,
                    thread_id=thread.id,
                    thread_kind=thread.kind,
                    is_opening=post.is_opening,
                    score=post.score,
                    views=self._t.thread_views.get(thread.id, 0),
                )
            )
        found.sort(key=lambda p: p.post_id)
        return found

    def votes_given(self, member_id: int) -> tuple[int, int]:
        ups = downs = 0
        for vote in self._t.votes.values():
            if vote.member_id == member_id:
                if vote.value > 0:
                    ups += 1
                else:
                    downs += 1
        return ups, downs


class MemoryBounties:
    """:class:`socialcrm.ports.BountyRepository` over the memory adapter's tables."""

    def __init__(self, journal: Any) -> None:
        self._j = journal
        self._t = journal.t

    def open(
        self,
        *,
        thread_id: int,
        offered_by: int,
        amount: int,
        started_at: datetime,
        ends_at: datetime,
    ) -> Bounty:
        if thread_id in self._t.open_bounty_by_thread:
            raise Conflict(
                f"thread {thread_id} has an open bounty already", code="bounty_already_open"
            )
        bounty = Bounty(
            id=self._j.next_id("bounties"),
            thread_id=thread_id,
            offered_by=offered_by,
            amount=amount,
            started_at=started_at,
            ends_at=ends_at,
        )
        self._j.put(self._t.bounties, bounty.id, bounty)
        self._j.put(self._t.open_bounty_by_thread, thread_id, bounty.id)
        return bounty

    def get(self, bounty_id: int) -> Bounty | None:
        return self._t.bounties.get(bounty_id)

    def open_for_thread(self, thread_id: int) -> Bounty | None:
        bounty_id = self._t.open_bounty_by_thread.get(thread_id)
        return None if bounty_id is None else self._t.bounties[bounty_id]

    def for_thread(self, thread_id: int) -> builtins.list[Bounty]:
        return sorted(
            (b for b in self._t.bounties.values() if b.thread_id == thread_id), key=lambda b: b.id
        )

    def close(
        self,
        bounty_id: int,
        *,
        status: str,
        closed_at: datetime,
        closed_by: int | None,
        answer_id: int | None = None,
        awarded_to: int | None = None,
        awarded_amount: int = 0,
    ) -> bool:
        check_closed_status(status)
        bounty = self._t.bounties.get(bounty_id)
        if bounty is None:
            raise NotFound(f"no bounty {bounty_id}", code="bounty_not_found")
        if not bounty.is_open:
            return False
        closed = attrs.evolve(
            bounty,
            status=status,
            closed_at=closed_at,
            closed_by=closed_by,
            answer_id=answer_id,
            awarded_to=awarded_to,
            awarded_amount=awarded_amount,
        )
        self._j.put(self._t.bounties, bounty_id, closed)
        self._j.delete(self._t.open_bounty_by_thread, bounty.thread_id)
        return True

    def due(self, at: datetime, *, limit: int) -> builtins.list[Bounty]:
        found = [b for b in self._t.bounties.values() if b.is_open and b.ends_at <= at]
        found.sort(key=lambda b: (b.ends_at, b.id))
        return found[: max(limit, 0)]


__all__ = ["MemoryBadges", "MemoryBounties"]

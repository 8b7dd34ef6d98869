"""Badge awards in memory, and the counts over posts and votes that badge rules read."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from socialcrm.adapters.memory.journal import MemoryRepository
from socialcrm.adapters.memory.queries import by_id, live_posts, require, visible
from socialcrm.capabilities.badges.records import AuthoredPost, BadgeAward, NewBadgeAward
from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE


class MemoryBadges(MemoryRepository):
    """:class:`socialcrm.ports.BadgeRepository` in memory."""

    def award(self, new: NewBadgeAward) -> BadgeAward | None:
        """Award once per (badge, member, subject); ``None`` if held already."""
        require(self._t.members, new.member_id, "member", "member_not_found")
        key = (new.badge, new.member_id, new.subject)
        if key in self._t.badge_by_key:
            return None
        award = BadgeAward(id=self._j.next_id("badge_awards"), **attrs.asdict(new, recurse=False))
        return self._j.insert(self._t.badge_awards, award, index=self._t.badge_by_key, key=key)

    def held(self, badge: str, member_id: int, subject: str) -> bool:
        """Whether the member was ever awarded the badge for this subject."""
        return (badge, member_id, subject) in self._t.badge_by_key

    def get(self, award_id: int) -> BadgeAward | None:
        """The award with this id, or ``None``."""
        return self._t.badge_awards.get(award_id)

    def for_member(
        self, member_id: int, *, exclude_space_ids: Collection[int] = ()
    ) -> list[BadgeAward]:
        """The member's unrevoked awards outside hidden spaces, by id."""
        hidden = set(exclude_space_ids)
        return by_id(
            a
            for a in self._t.badge_awards.values()
            if a.member_id == member_id and a.revoked_at is None and visible(a.space_id, hidden)
        )

    def _holders(self, badge: str, hidden: Collection[int]) -> list[BadgeAward]:
        members = self._t.members
        excluded = set(hidden)
        return by_id(
            a
            for a in self._t.badge_awards.values()
            if a.badge == badge
            and a.revoked_at is None
            and PLACEHOLDER_ROLE not in members[a.member_id].roles
            and visible(a.space_id, excluded)
        )

    def holders(
        self,
        badge: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> list[BadgeAward]:
        """One page of the badge's unrevoked awards to ranked members, by id."""
        return self._holders(badge, exclude_space_ids)[offset : offset + limit]

    def count_holders(self, badge: str, *, exclude_space_ids: Collection[int] = ()) -> int:
        """How many awards :meth:`holders` would find without paging."""
        return len(self._holders(badge, exclude_space_ids))

    def revoke(self, award_id: int, *, at: datetime, by: int | None) -> bool:
        """Revoke once; ``False`` if revoked already, ``NotFound`` if unknown."""
        require(self._t.badge_awards, award_id, "badge award", "badge_award_not_found")
        return self._j.evolve_if(
            self._t.badge_awards,
            award_id,
            lambda a: a.revoked_at is None,
            revoked_at=at,
            revoked_by=by,
        )

    def accepted_answers(self, member_id: int) -> int:
        """How many live answers of the member are accepted on others' live questions."""
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

    def authored_posts(self, member_id: int) -> list[AuthoredPost]:
        """The member's live posts in live threads, with their score and views, by post id."""
        found = [
            AuthoredPost(
                post_id=post.id,
                thread_id=thread.id,
                thread_kind=thread.kind,
                is_opening=post.is_opening,
                score=post.score,
                views=self._t.thread_views.get(thread.id, 0),
            )
            for post, thread in live_posts(self._t)
            if post.author_id == member_id
        ]
        found.sort(key=lambda p: p.post_id)
        return found

    def votes_given(self, member_id: int) -> tuple[int, int]:
        """How many upvotes and downvotes the member has cast."""
        ups = downs = 0
        for vote in self._t.votes.values():
            if vote.member_id == member_id:
                if vote.value > 0:
                    ups += 1
                else:
                    downs += 1
        return ups, downs


__all__ = ["MemoryBadges"]

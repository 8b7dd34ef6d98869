"""In-memory storage: the same behaviour as the SQL adapters, for tests and prototypes.

Isolation comes from one re-entrant lock held for the whole unit of work (units
run one at a time, like SQLite's ``BEGIN IMMEDIATE``). Rollback replays an undo
log of the unit's writes in reverse, so a rejected command leaves the data
exactly as it was without copying the whole store.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import attrs

from socialcrm.adapters.memory_engagement import (
    EngagementTables,
    MemoryContests,
    MemoryInvitations,
    MemoryPolls,
    MemoryReferrals,
)
from socialcrm.adapters.memory_rewards import MemoryBadges, MemoryBounties
from socialcrm.domain.badges import BadgeAward
from socialcrm.domain.bounties import Bounty
from socialcrm.domain.engagement import AuthorStats
from socialcrm.domain.moderation import check_decision, check_review_item
from socialcrm.domain.records import (
    ActivityTotals,
    AuditEntry,
    Comment,
    Flag,
    FlagAccuracy,
    LedgerEntry,
    Member,
    MemberActivity,
    NewOutboxMessage,
    OutboxMessage,
    Post,
    Profile,
    ReviewItem,
    Revision,
    Sanction,
    Space,
    Thread,
    Vote,
)
from socialcrm.domain.sanctions import check_audit_entry, check_lift, check_sanction
from socialcrm.errors import Conflict, NotFound


class _Tables:
    """The whole store: dicts of frozen records plus secondary indexes."""

    def __init__(self) -> None:
        self.members: dict[int, Member] = {}
        self.member_by_external: dict[str, int] = {}
        self.spaces: dict[int, Space] = {}
        self.space_by_slug: dict[str, int] = {}
        self.space_members: set[tuple[int, int]] = set()
        self.threads: dict[int, Thread] = {}
        self.tags: dict[str, datetime] = {}
        self.posts: dict[int, Post] = {}
        self.revisions: dict[int, Revision] = {}
        self.comments: dict[int, Comment] = {}
        self.votes: dict[int, Vote] = {}
        self.vote_by_key: dict[tuple[int, int], int] = {}
        self.ledger: dict[int, LedgerEntry] = {}
        self.undone: set[int] = set()
        # (member id, cap day) -> ledger ids: the daily cap is read on every upvote.
        self.ledger_by_cap_day: dict[tuple[int, date], tuple[int, ...]] = {}
        self.outbox: dict[int, OutboxMessage] = {}
        self.outbox_by_event_id: dict[str, int] = {}
        self.sanctions: dict[int, Sanction] = {}
        self.audit: dict[int, AuditEntry] = {}
        self.review: dict[int, ReviewItem] = {}
        self.flags: dict[int, Flag] = {}
        # (flagger id, flagged member id, post id or None) -> flag id: one flag per subject.
        self.flag_by_key: dict[tuple[int, int, int | None], int] = {}
        self.sequences: dict[str, int] = {}
        # member id -> UTC day -> that day's activity
        self.member_days: dict[int, dict[date, _Day]] = {}
        # member id -> thread id -> (first entered day, last reply day)
        self.member_topics: dict[int, dict[int, tuple[date | None, date | None]]] = {}
        self.import_ids: dict[tuple[str, str, str], int] = {}
        self.import_checkpoints: dict[tuple[str, str], int] = {}
        self.engagement = EngagementTables()
        self.thread_views: dict[int, int] = {}
        self.badge_awards: dict[int, BadgeAward] = {}
        self.badge_by_key: dict[tuple[str, int, str], int] = {}
        self.bounties: dict[int, Bounty] = {}
        self.open_bounty_by_thread: dict[int, int] = {}


@attrs.frozen
class _Day:
    visited: bool = False
    posts_read: int = 0
    reading_seconds: int = 0
    likes_given: int = 0
    likes_received: int = 0


class _Journal:
    """Records how to undo each write of the current unit."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables
        self.undo: list[Callable[[], None]] = []

    def next_id(self, name: str) -> int:
        # Like SQL sequences, ids handed out are not given back on rollback.
        value = self.t.sequences.get(name, 0) + 1
        self.t.sequences[name] = value
        return value

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        if key in table:
            old = table[key]
            self.undo.append(lambda: table.__setitem__(key, old))
        else:
            self.undo.append(lambda: table.pop(key, None))
        table[key] = value

    def delete(self, table: dict[Any, Any], key: Any) -> None:
        if key in table:
            old = table.pop(key)
            self.undo.append(lambda: table.__setitem__(key, old))

    def set_add(self, target: set[Any], item: Any) -> bool:
        if item in target:
            return False
        target.add(item)
        self.undo.append(lambda: target.discard(item))
        return True

    def set_remove(self, target: set[Any], item: Any) -> bool:
        if item not in target:
            return False
        target.discard(item)
        self.undo.append(lambda: target.add(item))
        return True

    def rollback(self) -> None:
        while self.undo:
            self.undo.pop()()


class _Repository:
    def __init__(self, journal: _Journal) -> None:
        self._j = journal
        self._t = journal.t


class _Members(_Repository):
    def add(
        self,
        *,
        external_id: str,
        display_name: str,
        profile: Profile,
        roles: frozenset[str],
        reputation: int,
        joined_at: datetime,
    ) -> Member:
        if external_id in self._t.member_by_external:
            raise Conflict(
                f"a member with external id {external_id!r} already exists",
                code="duplicate_external_id",
            )
        member = Member(
            id=self._j.next_id("members"),
            external_id=external_id,
            display_name=display_name,
            roles=frozenset(roles),
            reputation=reputation,
            joined_at=joined_at,
            profile=profile,
        )
        self._j.put(self._t.members, member.id, member)
        self._j.put(self._t.member_by_external, external_id, member.id)
        return member

    def get(self, member_id: int) -> Member | None:
        return self._t.members.get(member_id)

    def get_many(self, member_ids: Collection[int]) -> dict[int, Member]:
        found = (self._t.members.get(i) for i in member_ids)
        return {m.id: m for m in found if m is not None}

    def get_by_external_id(self, external_id: str) -> Member | None:
        member_id = self._t.member_by_external.get(external_id)
        return None if member_id is None else self._t.members[member_id]

    def lock(self, member_id: int) -> int | None:
        member = self._t.members.get(member_id)
        return None if member is None else member.reputation

    def _evolve(self, member_id: int, **changes: Any) -> None:
        member = self._t.members.get(member_id)
        if member is not None:
            self._j.put(self._t.members, member_id, attrs.evolve(member, **changes))

    def update_profile(self, member_id: int, *, display_name: str, profile: Profile) -> None:
        self._evolve(member_id, display_name=display_name, profile=profile)

    def set_roles(self, member_id: int, roles: frozenset[str]) -> None:
        self._evolve(member_id, roles=frozenset(roles))

    def add_reputation(self, member_id: int, delta: int) -> None:
        member = self._t.members.get(member_id)
        if member is not None:
            self._evolve(member_id, reputation=member.reputation + delta)

    def set_reputation(self, member_id: int, reputation: int) -> None:
        self._evolve(member_id, reputation=reputation)

    def _listed(self) -> Iterator[Member]:
        return (m for m in self._t.members.values() if not m.is_placeholder)

    def list(self, *, limit: int, offset: int = 0) -> builtins.list[Member]:
        ordered = sorted(m.id for m in self._listed())
        return [self._t.members[i] for i in ordered[offset : offset + limit]]

    def top(
        self, *, limit: int, offset: int = 0, exclude_ids: Collection[int] = ()
    ) -> builtins.list[Member]:
        excluded = set(exclude_ids)
        ranked = sorted(
            (m for m in self._listed() if m.id not in excluded),
            key=lambda m: (-m.reputation, m.id),
        )
        return ranked[offset : offset + limit]

    def count_above(self, reputation: int) -> int:
        return sum(1 for m in self._listed() if m.reputation > reputation)

    def reputations(self) -> dict[int, int]:
        return {m.id: m.reputation for m in self._t.members.values()}

    def trust_review_batch(self, *, after_id: int, limit: int) -> builtins.list[Member]:
        found = sorted(
            m.id
            for m in self._t.members.values()
            if m.id > after_id and not m.trust_level_locked and m.trust_level < 4
        )
        return [self._t.members[i] for i in found[:limit]]

    def compare_and_set_trust_level(
        self,
        member_id: int,
        *,
        expected_level: int,
        expected_locked: bool,
        level: int,
        locked: bool,
        changed_at: datetime | None,
    ) -> bool:
        member = self._t.members.get(member_id)
        if (
            member is None
            or member.trust_level != expected_level
            or member.trust_level_locked != expected_locked
        ):
            return False
        self._evolve(
            member_id,
            trust_level=level,
            trust_level_locked=locked,
            trust_level_changed_at=changed_at,
        )
        return True

    def ranked_reputations(self) -> dict[int, int]:
        return {m.id: m.reputation for m in self._listed()}

    def ids_with_roles(self, roles: Collection[str]) -> frozenset[int]:
        wanted = frozenset(roles)
        return frozenset(m.id for m in self._t.members.values() if not m.roles.isdisjoint(wanted))


class _Spaces(_Repository):
    def add(
        self,
        *,
        slug: str,
        name: str,
        description: str,
        parent_id: int | None,
        visibility: str,
        posting: str,
        created_at: datetime,
    ) -> Space:
        if slug in self._t.space_by_slug:
            raise Conflict(f"a space with slug {slug!r} already exists", code="duplicate_slug")
        space = Space(
            id=self._j.next_id("spaces"),
            slug=slug,
            name=name,
            description=description,
            parent_id=parent_id,
            visibility=visibility,
            posting=posting,
            created_at=created_at,
        )
        self._j.put(self._t.spaces, space.id, space)
        self._j.put(self._t.space_by_slug, slug, space.id)
        return space

    def get(self, space_id: int) -> Space | None:
        return self._t.spaces.get(space_id)

    def get_by_slug(self, slug: str) -> Space | None:
        space_id = self._t.space_by_slug.get(slug)
        return None if space_id is None else self._t.spaces[space_id]

    def list(self) -> list[Space]:
        return [self._t.spaces[i] for i in sorted(self._t.spaces)]

    def add_member(self, space_id: int, member_id: int) -> bool:
        return self._j.set_add(self._t.space_members, (space_id, member_id))

    def remove_member(self, space_id: int, member_id: int) -> bool:
        return self._j.set_remove(self._t.space_members, (space_id, member_id))

    def memberships(self, member_id: int) -> frozenset[int]:
        return frozenset(s for s, m in self._t.space_members if m == member_id)


_THREAD_SORTS: dict[str, Callable[[Thread, _Tables], Any]] = {
    "active": lambda t, _: (t.last_activity_at, t.id),
    "newest": lambda t, _: (t.created_at, t.id),
    "unanswered": lambda t, _: (t.created_at, t.id),
    "score": lambda t, tables: (
        tables.posts[t.opening_post_id].score if t.opening_post_id in tables.posts else 0,
        t.id,
    ),
}


class _Threads(_Repository):
    def add(
        self,
        *,
        space_id: int,
        kind: str,
        title: str,
        tags: tuple[str, ...],
        author_id: int,
        created_at: datetime,
    ) -> Thread:
        thread = Thread(
            id=self._j.next_id("threads"),
            space_id=space_id,
            kind=kind,
            title=title,
            tags=tuple(tags),
            status="open",
            author_id=author_id,
            opening_post_id=None,
            accepted_answer_id=None,
            reply_count=0,
            created_at=created_at,
            last_activity_at=created_at,
        )
        self._j.put(self._t.threads, thread.id, thread)
        return thread

    def get(self, thread_id: int) -> Thread | None:
        return self._t.threads.get(thread_id)

    def lock(self, thread_id: int, *, shared: bool = False) -> Thread | None:
        # The store's lock is held for the whole unit: nothing more to take.
        return self._t.threads.get(thread_id)

    def _evolve(self, thread_id: int, **changes: Any) -> None:
        thread = self._t.threads.get(thread_id)
        if thread is not None:
            self._j.put(self._t.threads, thread_id, attrs.evolve(thread, **changes))

    def set_opening_post(self, thread_id: int, post_id: int) -> None:
        self._evolve(thread_id, opening_post_id=post_id)

    def set_status(self, thread_id: int, status: str) -> None:
        self._evolve(thread_id, status=status)

    def set_title_and_tags(self, thread_id: int, *, title: str, tags: tuple[str, ...]) -> None:
        self._evolve(thread_id, title=title, tags=tuple(tags))

    def compare_and_set_accepted(
        self, thread_id: int, *, expected: int | None, new: int | None
    ) -> bool:
        thread = self._t.threads.get(thread_id)
        if thread is None or thread.accepted_answer_id != expected:
            return False
        self._evolve(thread_id, accepted_answer_id=new)
        return True

    def record_reply(self, thread_id: int, *, delta: int, at: datetime | None) -> None:
        thread = self._t.threads.get(thread_id)
        if thread is None:
            return
        changes: dict[str, Any] = {"reply_count": thread.reply_count + delta}
        if at is not None:
            changes["last_activity_at"] = at
        self._evolve(thread_id, **changes)

    def add_views(self, thread_id: int, count: int) -> int:
        if thread_id not in self._t.threads:
            raise NotFound(f"no thread {thread_id}", code="thread_not_found")
        total = self._t.thread_views.get(thread_id, 0) + count
        self._j.put(self._t.thread_views, thread_id, total)
        return total

    def views(self, thread_id: int) -> int:
        return self._t.thread_views.get(thread_id, 0)

    def mark_deleted(self, thread_id: int, at: datetime) -> bool:
        thread = self._t.threads.get(thread_id)
        if thread is None or thread.deleted_at is not None:
            return False
        self._evolve(thread_id, deleted_at=at)
        return True

    def set_hidden(self, thread_id: int, at: datetime | None) -> bool:
        thread = self._t.threads.get(thread_id)
        if thread is None or (thread.hidden_at is None) == (at is None):
            return False
        self._evolve(thread_id, hidden_at=at)
        return True

    def _matching(
        self,
        space_ids: Collection[int],
        tag: str | None,
        kind: str | None,
        status: str | None,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> Iterator[Thread]:
        spaces = set(space_ids)
        for thread in self._t.threads.values():
            if thread.deleted_at is not None or thread.space_id not in spaces:
                continue
            if (
                thread.hidden_at is not None
                and not include_hidden
                and thread.author_id != hidden_visible_to
            ):
                continue
            if tag is not None and tag not in thread.tags:
                continue
            if kind is not None and thread.kind != kind:
                continue
            if status is not None and thread.status != status:
                continue
            yield thread

    def list(
        self,
        *,
        space_ids: Collection[int],
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        sort: str = "active",
        limit: int = 20,
        offset: int = 0,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> list[Thread]:
        found = list(
            self._matching(space_ids, tag, kind, status, include_hidden, hidden_visible_to)
        )
        if sort == "unanswered":
            found = [t for t in found if t.kind == "question" and t.reply_count == 0]
        key = _THREAD_SORTS[sort]
        found.sort(key=lambda t: key(t, self._t), reverse=True)
        return found[offset : offset + limit]

    def count(
        self,
        *,
        space_ids: Collection[int],
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> int:
        matching = self._matching(space_ids, tag, kind, status, include_hidden, hidden_visible_to)
        return sum(1 for _ in matching)

    def count_by_space(
        self,
        space_ids: Collection[int],
        *,
        include_hidden: bool = False,
        hidden_visible_to: int | None = None,
    ) -> dict[int, int]:
        counts: dict[int, int] = {}
        for thread in self._matching(
            space_ids, None, None, None, include_hidden, hidden_visible_to
        ):
            counts[thread.space_id] = counts.get(thread.space_id, 0) + 1
        return counts

    def known_tags(
        self, names: Collection[str], *, exclude_space_ids: Collection[int] = ()
    ) -> frozenset[str]:
        known = {n for n in names if n in self._t.tags}
        hidden = set(exclude_space_ids)
        if not hidden or not known:
            return frozenset(known)
        used: dict[str, bool] = {}
        for thread in self._t.threads.values():
            for tag in thread.tags:
                if tag in known:
                    used[tag] = used.get(tag, False) or thread.space_id not in hidden
        return frozenset(n for n in known if used.get(n, True))

    def add_tags(self, names: Iterable[str], at: datetime) -> None:
        for name in names:
            if name not in self._t.tags:
                self._j.put(self._t.tags, name, at)


class _Posts(_Repository):
    def add(
        self,
        *,
        thread_id: int,
        author_id: int,
        body: str,
        is_opening: bool,
        created_at: datetime,
        community_wiki: bool = False,
    ) -> Post:
        post = Post(
            id=self._j.next_id("posts"),
            thread_id=thread_id,
            author_id=author_id,
            body=body,
            score=0,
            is_opening=is_opening,
            created_at=created_at,
            community_wiki=community_wiki,
        )
        self._j.put(self._t.posts, post.id, post)
        return post

    def get(self, post_id: int) -> Post | None:
        return self._t.posts.get(post_id)

    def lock(self, post_id: int) -> Post | None:
        # The store's lock is held for the whole unit: nothing more to take.
        return self._t.posts.get(post_id)

    def locate(self, post_id: int) -> tuple[Post, Thread, Space] | None:
        post = self._t.posts.get(post_id)
        thread = None if post is None else self._t.threads.get(post.thread_id)
        space = None if thread is None else self._t.spaces.get(thread.space_id)
        if post is None or thread is None or space is None:
            return None
        return post, thread, space

    def list_for_thread(self, thread_id: int, *, include_deleted: bool = False) -> list[Post]:
        posts = [
            p
            for p in self._t.posts.values()
            if p.thread_id == thread_id and (include_deleted or p.deleted_at is None)
        ]
        posts.sort(key=lambda p: (not p.is_opening, p.id))
        return posts

    def _evolve(self, post_id: int, **changes: Any) -> None:
        post = self._t.posts.get(post_id)
        if post is not None:
            self._j.put(self._t.posts, post_id, attrs.evolve(post, **changes))

    def update_body(self, post_id: int, *, body: str, edited_at: datetime) -> None:
        self._evolve(post_id, body=body, edited_at=edited_at)

    def add_revision(
        self,
        *,
        post_id: int,
        editor_id: int,
        edited_at: datetime,
        previous_body: str,
        previous_title: str | None,
    ) -> Revision:
        revision = Revision(
            id=self._j.next_id("revisions"),
            post_id=post_id,
            editor_id=editor_id,
            edited_at=edited_at,
            previous_body=previous_body,
            previous_title=previous_title,
        )
        self._j.put(self._t.revisions, revision.id, revision)
        return revision

    def revisions(self, post_id: int) -> list[Revision]:
        return sorted(
            (r for r in self._t.revisions.values() if r.post_id == post_id), key=lambda r: r.id
        )

    def mark_deleted(self, post_id: int, *, by: int, at: datetime) -> bool:
        post = self._t.posts.get(post_id)
        if post is None or post.deleted_at is not None:
            return False
        self._evolve(post_id, deleted_at=at, deleted_by=by)
        return True

    def add_score(self, post_id: int, delta: int) -> int | None:
        post = self._t.posts.get(post_id)
        if post is None or post.deleted_at is not None:
            return None
        self._evolve(post_id, score=post.score + delta)
        return post.score + delta

    def set_hidden(self, post_id: int, at: datetime | None) -> bool:
        post = self._t.posts.get(post_id)
        if post is None or (post.hidden_at is None) == (at is None):
            return False
        self._evolve(post_id, hidden_at=at)
        return True

    def by_author(self, author_id: int) -> list[Post]:
        return sorted(
            (
                p
                for p in self._t.posts.values()
                if p.author_id == author_id and p.deleted_at is None
            ),
            key=lambda p: p.id,
        )

    def add_comment(
        self, *, post_id: int, author_id: int, body: str, created_at: datetime
    ) -> Comment:
        comment = Comment(
            id=self._j.next_id("comments"),
            post_id=post_id,
            author_id=author_id,
            body=body,
            created_at=created_at,
        )
        self._j.put(self._t.comments, comment.id, comment)
        return comment

    def comments(self, post_id: int) -> list[Comment]:
        return sorted(
            (c for c in self._t.comments.values() if c.post_id == post_id), key=lambda c: c.id
        )

    def author_stats(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int],
        exclude_member_ids: Collection[int] = (),
    ) -> list[AuthorStats]:
        spaces = set(space_ids)
        excluded = set(exclude_member_ids)
        excluded.update(m.id for m in self._t.members.values() if m.is_placeholder)
        totals: dict[int, list[int]] = {}
        for post in self._t.posts.values():
            thread = self._t.threads.get(post.thread_id)
            if thread is None or thread.deleted_at is not None or post.deleted_at is not None:
                continue
            if thread.space_id not in spaces or post.author_id in excluded:
                continue
            if (since is not None and post.created_at < since) or (
                until is not None and post.created_at >= until
            ):
                continue
            row = totals.setdefault(post.author_id, [0, 0, 0, 0])
            row[0] += 1
            if thread.kind == "question" and not post.is_opening:
                row[1] += 1
                if thread.accepted_answer_id == post.id and post.author_id != thread.author_id:
                    row[2] += 1
            row[3] += post.score
        return [
            AuthorStats(
                member_id=mid, posts=r[0], answers=r[1], accepted_answers=r[2], score=r[3]
            )
            for mid, r in sorted(totals.items())
        ]
    def recent_by_author(self, author_id: int, *, since: datetime, limit: int) -> list[Post]:
        found = []
        for post in self._t.posts.values():
            thread = self._t.threads.get(post.thread_id)
            if (
                post.author_id == author_id
                and post.deleted_at is None
                and post.created_at >= since
                and thread is not None
                and thread.deleted_at is None
            ):
                found.append(post)
        found.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        return found[:limit]

    def count_authored_since(self, author_id: int, since: datetime) -> tuple[int, int]:
        mine = [
            p for p in self._t.posts.values() if p.author_id == author_id and p.created_at >= since
        ]
        opening = sum(1 for p in mine if p.is_opening)
        return opening, len(mine) - opening

    def last_authored_at(self, author_id: int) -> datetime | None:
        times = [p.created_at for p in self._t.posts.values() if p.author_id == author_id]
        return max(times, default=None)

    def trailing_replies(self, thread_id: int, author_id: int) -> int:
        in_thread = [p for p in self._t.posts.values() if p.thread_id == thread_id]
        last_other = max((p.id for p in in_thread if p.author_id != author_id), default=0)
        return sum(
            1
            for p in in_thread
            if p.author_id == author_id and not p.is_opening and p.id > last_other
        )


class _Votes(_Repository):
    def get(self, post_id: int, member_id: int) -> Vote | None:
        vote_id = self._t.vote_by_key.get((post_id, member_id))
        return None if vote_id is None else self._t.votes[vote_id]

    def add(self, *, post_id: int, member_id: int, value: int, cast_at: datetime) -> Vote:
        if (post_id, member_id) in self._t.vote_by_key:
            raise Conflict("this member already voted on this post", code="duplicate_vote")
        vote = Vote(
            id=self._j.next_id("votes"),
            post_id=post_id,
            member_id=member_id,
            value=value,
            cast_at=cast_at,
        )
        self._j.put(self._t.votes, vote.id, vote)
        self._j.put(self._t.vote_by_key, (post_id, member_id), vote.id)
        return vote

    def change(self, vote_id: int, *, value: int, cast_at: datetime) -> bool:
        vote = self._t.votes.get(vote_id)
        if vote is None or vote.value == value:
            return False
        self._j.put(self._t.votes, vote_id, attrs.evolve(vote, value=value, cast_at=cast_at))
        return True

    def remove(self, vote_id: int) -> bool:
        vote = self._t.votes.get(vote_id)
        if vote is None:
            return False
        self._j.delete(self._t.votes, vote_id)
        self._j.delete(self._t.vote_by_key, (vote.post_id, vote.member_id))
        return True

    def for_post(self, post_id: int) -> list[Vote]:
        return sorted(
            (v for v in self._t.votes.values() if v.post_id == post_id), key=lambda v: v.id
        )

    def count_cast_since(self, member_id: int, since: datetime) -> tuple[int, int]:
        mine = [
            v for v in self._t.votes.values() if v.member_id == member_id and v.cast_at >= since
        ]
        return len(mine), sum(1 for v in mine if v.value > 0)

    def repeated_pairs(
        self, *, since: datetime, until: datetime, min_votes: int
    ) -> list[tuple[int, Vote]]:
        pairs: dict[tuple[int, int], list[Vote]] = {}
        for vote in self._t.votes.values():
            post = self._t.posts.get(vote.post_id)
            if post is not None and since <= vote.cast_at < until:
                pairs.setdefault((vote.member_id, post.author_id), []).append(vote)
        found = [
            (author_id, vote)
            for (_voter, author_id), votes in pairs.items()
            if len(votes) >= min_votes
            for vote in votes
        ]
        found.sort(key=lambda pair: (pair[1].member_id, pair[0], pair[1].cast_at, pair[1].id))
        return found


class _Ledger(_Repository):
    def append(
        self,
        *,
        member_id: int,
        delta: int,
        requested: int,
        rule: str,
        event: str,
        cause: str,
        at: datetime,
        undoes: int | None = None,
        cap_day: date | None = None,
        space_id: int | None = None,
        post_id: int | None = None,
    ) -> LedgerEntry:
        if undoes is not None and undoes in self._t.undone:
            raise Conflict(f"ledger entry {undoes} is undone already", code="already_undone")
        entry = LedgerEntry(
            id=self._j.next_id("ledger"),
            member_id=member_id,
            delta=delta,
            requested=requested,
            rule=rule,
            event=event,
            cause=cause,
            at=at,
            undoes=undoes,
            cap_day=cap_day,
            space_id=space_id,
            post_id=post_id,
        )
        self._j.put(self._t.ledger, entry.id, entry)
        if cap_day is not None:
            key = (member_id, cap_day)
            self._j.put(
                self._t.ledger_by_cap_day, key, self._t.ledger_by_cap_day.get(key, ()) + (entry.id,)
            )
        if undoes is not None:
            self._j.set_add(self._t.undone, undoes)
        return entry

    def cap_used(self, member_id: int, cap_day: date) -> int:
        ids = self._t.ledger_by_cap_day.get((member_id, cap_day), ())
        return sum(self._t.ledger[i].delta for i in ids)

    def active_for_causes(
        self, causes: Collection[str] = (), prefixes: Collection[str] = ()
    ) -> list[LedgerEntry]:
        exact = set(causes)
        starts = tuple(prefixes)
        return [
            e
            for _, e in sorted(self._t.ledger.items())
            if e.undoes is None
            and e.id not in self._t.undone
            and (e.cause in exact or (starts and e.cause.startswith(starts)))
        ]

    def live_changes(self, member_id: int) -> list[tuple[int, int, int]]:
        return [
            (e.id, e.delta, e.requested)
            for _, e in sorted(self._t.ledger.items())
            if e.member_id == member_id and e.undoes is None and e.id not in self._t.undone
        ]

    def history(
        self,
        member_id: int,
        *,
        limit: int,
        offset: int = 0,
        exclude_space_ids: Collection[int] = (),
    ) -> list[LedgerEntry]:
        hidden = set(exclude_space_ids)
        entries = [
            e
            for e in self._t.ledger.values()
            if e.member_id == member_id and (e.space_id is None or e.space_id not in hidden)
        ]
        entries.sort(key=lambda e: e.id, reverse=True)
        return entries[offset : offset + limit]

    def totals(self) -> dict[int, int]:
        sums: dict[int, int] = {}
        for e in self._t.ledger.values():
            sums[e.member_id] = sums.get(e.member_id, 0) + e.delta
        return sums

    def gains(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int] | None,
        exclude_member_ids: Collection[int] = (),
        exclude_space_ids: Collection[int] = (),
        limit: int,
    ) -> list[tuple[int, int]]:
        spaces = None if space_ids is None else set(space_ids)
        hidden = set(exclude_space_ids)
        excluded = set(exclude_member_ids)
        excluded.update(m.id for m in self._t.members.values() if m.is_placeholder)
        sums: dict[int, int] = {}
        for e in self._t.ledger.values():
            if since is not None and e.at < since:
                continue
            if until is not None and e.at >= until:
                continue
            if spaces is not None and e.space_id not in spaces:
                continue
            if e.space_id is not None and e.space_id in hidden:
                continue
            if e.member_id in excluded:
                continue
            sums[e.member_id] = sums.get(e.member_id, 0) + e.delta
        ranked = sorted(((m, s) for m, s in sums.items() if s > 0), key=lambda r: (-r[1], r[0]))
        return ranked[:limit]

    def rule_counts(
        self,
        *,
        rules: Collection[str],
        since: datetime | None,
        until: datetime | None,
        space_ids: Collection[int] | None,
        exclude_member_ids: Collection[int] = (),
        exclude_space_ids: Collection[int] = (),
        limit: int,
    ) -> list[tuple[int, int]]:
        wanted = set(rules)
        spaces = None if space_ids is None else set(space_ids)
        hidden = set(exclude_space_ids)
        excluded = set(exclude_member_ids)
        excluded.update(m.id for m in self._t.members.values() if m.is_placeholder)
        counts: dict[int, int] = {}
        for e in self._t.ledger.values():
            if e.rule not in wanted or e.undoes is not None or e.id in self._t.undone:
                continue
            if since is not None and e.at < since:
                continue
            if until is not None and e.at >= until:
                continue
            if spaces is not None and e.space_id not in spaces:
                continue
            if e.space_id is not None and e.space_id in hidden:
                continue
            if e.member_id in excluded:
                continue
            counts[e.member_id] = counts.get(e.member_id, 0) + 1
        ranked = sorted(counts.items(), key=lambda r: (-r[1], r[0]))
        return ranked[:limit]


class _Outbox(_Repository):
    def add(
        self,
        *,
        event_id: str,
        name: str,
        payload: str,
        occurred_at: datetime,
        created_at: datetime,
    ) -> OutboxMessage:
        if event_id in self._t.outbox_by_event_id:
            raise Conflict(
                f"an outbox message with event id {event_id!r} already exists",
                code="duplicate_event_id",
            )
        message = OutboxMessage(
            id=self._j.next_id("outbox"),
            event_id=event_id,
            name=name,
            payload=payload,
            occurred_at=occurred_at,
            created_at=created_at,
        )
        self._j.put(self._t.outbox, message.id, message)
        self._j.put(self._t.outbox_by_event_id, event_id, message.id)
        return message

    def add_many(self, messages: Sequence[NewOutboxMessage]) -> None:
        ids = [m.event_id for m in messages]
        if len(set(ids)) != len(ids) or any(i in self._t.outbox_by_event_id for i in ids):
            raise Conflict(
                "an outbox message with one of these event ids already exists",
                code="duplicate_event_id",
            )
        for m in messages:
            self.add(
                event_id=m.event_id,
                name=m.name,
                payload=m.payload,
                occurred_at=m.occurred_at,
                created_at=m.created_at,
            )

    def pending(self, *, limit: int, lock: bool = False) -> list[OutboxMessage]:
        # ``lock`` needs nothing here: the store's lock is held for the whole unit.
        waiting = sorted(i for i, m in self._t.outbox.items() if m.delivered_at is None)
        return [self._t.outbox[i] for i in waiting[: max(limit, 0)]]

    def mark_delivered(self, ids: Collection[int], at: datetime) -> int:
        marked = 0
        for message_id in set(ids):
            message = self._t.outbox.get(message_id)
            if message is not None and message.delivered_at is None:
                self._j.put(self._t.outbox, message_id, attrs.evolve(message, delivered_at=at))
                marked += 1
        return marked

    def count_pending(self) -> int:
        return sum(1 for m in self._t.outbox.values() if m.delivered_at is None)

    def purge_delivered(self, *, before: datetime) -> int:
        old = [
            m
            for m in self._t.outbox.values()
            if m.delivered_at is not None and m.delivered_at < before
        ]
        for message in old:
            self._j.delete(self._t.outbox, message.id)
            self._j.delete(self._t.outbox_by_event_id, message.event_id)
        return len(old)


class _Activity(_Repository):
    def _days(self, member_id: int) -> dict[date, _Day]:
        return self._t.member_days.setdefault(member_id, {})

    def _topics(self, member_id: int) -> dict[int, tuple[date | None, date | None]]:
        return self._t.member_topics.setdefault(member_id, {})

    def mark_visited(self, member_id: int, day: date) -> bool:
        days = self._days(member_id)
        row = days.get(day, _Day())
        if row.visited:
            return False
        self._j.put(days, day, attrs.evolve(row, visited=True))
        return True

    def add_day(
        self,
        member_id: int,
        day: date,
        *,
        visited: bool = False,
        posts_read: int = 0,
        reading_seconds: int = 0,
        likes_given: int = 0,
        likes_received: int = 0,
    ) -> None:
        days = self._days(member_id)
        row = days.get(day, _Day())
        self._j.put(
            days,
            day,
            _Day(
                visited=row.visited or visited,
                posts_read=row.posts_read + posts_read,
                reading_seconds=row.reading_seconds + reading_seconds,
                likes_given=row.likes_given + likes_given,
                likes_received=row.likes_received + likes_received,
            ),
        )

    def add_like(self, giver_id: int, receiver_id: int, day: date, delta: int) -> None:
        self.add_day(giver_id, day, likes_given=delta)
        self.add_day(receiver_id, day, likes_received=delta)

    def enter_topic(self, member_id: int, thread_id: int, day: date) -> bool:
        topics = self._topics(member_id)
        entered, replied = topics.get(thread_id, (None, None))
        if entered is not None and entered <= day:
            return False
        self._j.put(topics, thread_id, (day, replied))
        return True

    def record_topic_reply(self, member_id: int, thread_id: int, day: date) -> bool:
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
        return MemberActivity(
            member_id=member_id,
            all_time=self._totals(member_id, None),
            recent=self._totals(member_id, since),
        )

    def activities(self, member_ids: Collection[int], *, since: date) -> dict[int, MemberActivity]:
        return {member_id: self.activity(member_id, since=since) for member_id in member_ids}

    def created_since(self, since: datetime, space_ids: Collection[int]) -> tuple[int, int]:
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
        found = (self._t.posts.get(i) for i in set(post_ids))
        return sum(
            1 for p in found if p is not None and p.thread_id == thread_id and p.deleted_at is None
        )


class _Sanctions(_Repository):
    def add(
        self,
        *,
        member_id: int,
        kind: str,
        reason: str,
        imposed_by: int,
        imposed_at: datetime,
        ends_at: datetime | None,
    ) -> Sanction:
        check_sanction(kind=kind, imposed_at=imposed_at, ends_at=ends_at)
        if member_id not in self._t.members:
            raise NotFound(f"no member {member_id}", code="member_not_found")
        sanction = Sanction(
            id=self._j.next_id("sanctions"),
            member_id=member_id,
            kind=kind,
            reason=reason,
            imposed_by=imposed_by,
            imposed_at=imposed_at,
            ends_at=ends_at,
        )
        self._j.put(self._t.sanctions, sanction.id, sanction)
        return sanction

    def get(self, sanction_id: int) -> Sanction | None:
        return self._t.sanctions.get(sanction_id)

    def in_force(self, member_id: int, at: datetime) -> list[Sanction]:
        return sorted(
            (
                s
                for s in self._t.sanctions.values()
                if s.member_id == member_id
                and s.lifted_at is None
                and (s.ends_at is None or s.ends_at > at)
            ),
            key=lambda s: s.id,
        )

    def lift(self, sanction_id: int, *, at: datetime, by: int | None, reason: str | None) -> bool:
        check_lift(at=at)
        sanction = self._t.sanctions.get(sanction_id)
        if sanction is None:
            raise NotFound(f"no sanction {sanction_id}", code="sanction_not_found")
        if sanction.lifted_at is not None:
            return False
        lifted = attrs.evolve(sanction, lifted_at=at, lifted_by=by, lift_reason=reason)
        self._j.put(self._t.sanctions, sanction_id, lifted)
        return True

    def due_to_expire(self, at: datetime, *, limit: int) -> list[Sanction]:
        due = [
            s
            for s in self._t.sanctions.values()
            if s.lifted_at is None and s.ends_at is not None and s.ends_at <= at
        ]
        due.sort(key=lambda s: (s.ends_at, s.id))
        return due[: max(limit, 0)]

    def history(self, member_id: int, *, limit: int, offset: int = 0) -> list[Sanction]:
        found = [s for s in self._t.sanctions.values() if s.member_id == member_id]
        found.sort(key=lambda s: s.id, reverse=True)
        return found[offset : offset + limit]


class _Audit(_Repository):
    def append(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        reason: str = "",
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        space_id: int | None = None,
    ) -> AuditEntry:
        check_audit_entry(at=at, action=action, before=before, after=after)
        entry = AuditEntry(
            id=self._j.next_id("audit"),
            at=at,
            actor_id=actor_id,
            action=action,
            reason=reason,
            member_id=member_id,
            post_id=post_id,
            thread_id=thread_id,
            before=before,
            after=after,
            space_id=space_id,
        )
        self._j.put(self._t.audit, entry.id, entry)
        return entry

    def entries(
        self,
        *,
        actor_id: int | None = None,
        member_id: int | None = None,
        post_id: int | None = None,
        thread_id: int | None = None,
        actions: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        exclude_space_ids: Collection[int] = (),
        limit: int,
        offset: int = 0,
    ) -> list[AuditEntry]:
        wanted = None if actions is None else set(actions)
        hidden = set(exclude_space_ids)
        found = [
            e
            for e in self._t.audit.values()
            if (actor_id is None or e.actor_id == actor_id)
            and (member_id is None or e.member_id == member_id)
            and (post_id is None or e.post_id == post_id)
            and (thread_id is None or e.thread_id == thread_id)
            and (wanted is None or e.action in wanted)
            and (since is None or e.at >= since)
            and (until is None or e.at < until)
            and (before_id is None or e.id < before_id)
            and (e.space_id is None or e.space_id not in hidden)
        ]
        found.sort(key=lambda e: e.id, reverse=True)
        return found[offset : offset + limit]


class _Flags(_Repository):
    def add(
        self,
        *,
        flagger_id: int,
        member_id: int,
        post_id: int | None,
        thread_id: int | None,
        space_id: int | None,
        reason: str,
        text: str,
        weight: int,
        created_at: datetime,
    ) -> Flag:
        key = (flagger_id, member_id, post_id)
        if key in self._t.flag_by_key:
            what = f"post {post_id}" if post_id is not None else f"member {member_id}"
            raise Conflict(f"member {flagger_id} already flagged {what}", code="duplicate_flag")
        flag = Flag(
            id=self._j.next_id("flags"),
            flagger_id=flagger_id,
            member_id=member_id,
            post_id=post_id,
            thread_id=thread_id,
            space_id=space_id,
            reason=reason,
            text=text,
            weight=weight,
            created_at=created_at,
        )
        self._j.put(self._t.flags, flag.id, flag)
        self._j.put(self._t.flag_by_key, key, flag.id)
        return flag

    def get(self, flag_id: int) -> Flag | None:
        return self._t.flags.get(flag_id)

    def _where(self, keep: Callable[[Flag], bool]) -> list[Flag]:
        return sorted((f for f in self._t.flags.values() if keep(f)), key=lambda f: f.id)

    def for_post(self, post_id: int) -> list[Flag]:
        return self._where(lambda f: f.post_id == post_id)

    def about_member(self, member_id: int) -> list[Flag]:
        return self._where(lambda f: f.member_id == member_id)

    def member_flags(self, member_id: int) -> list[Flag]:
        return self._where(lambda f: f.member_id == member_id and f.post_id is None)

    def open_flags(self, *, limit: int) -> list[Flag]:
        found = self._where(lambda f: f.status == "open")
        found.sort(key=lambda f: (f.created_at, f.id))
        return found[: max(limit, 0)]

    def count_open(self) -> int:
        return sum(1 for f in self._t.flags.values() if f.status == "open")

    def decide(self, flag_ids: Collection[int], *, status: str, by: int, at: datetime) -> int:
        changed = 0
        for flag_id in set(flag_ids):
            flag = self._t.flags.get(flag_id)
            if flag is None or flag.status != "open":
                continue
            decided = attrs.evolve(flag, status=status, decided_by=by, decided_at=at)
            self._j.put(self._t.flags, flag_id, decided)
            changed += 1
        return changed

    def accuracy(self, flagger_id: int, *, exclude_space_ids: Collection[int] = ()) -> FlagAccuracy:
        hidden = set(exclude_space_ids)
        mine = [
            f.status
            for f in self._t.flags.values()
            if f.flagger_id == flagger_id and (f.space_id is None or f.space_id not in hidden)
        ]
        return FlagAccuracy(agreed=mine.count("agreed"), disagreed=mine.count("disagreed"))

    def raised_since(self, flagger_id: int, since: datetime) -> tuple[int, datetime | None]:
        times = [
            f.created_at
            for f in self._t.flags.values()
            if f.flagger_id == flagger_id and f.created_at > since
        ]
        return len(times), min(times, default=None)

    def decided(
        self, *, since: datetime, until: datetime, exclude_space_ids: Collection[int] = ()
    ) -> list[Flag]:
        hidden = set(exclude_space_ids)
        found = [
            f
            for f in self._t.flags.values()
            if f.decided_at is not None
            and since <= f.decided_at < until
            and (f.space_id is None or f.space_id not in hidden)
        ]
        found.sort(key=lambda f: (f.decided_at, f.id))
        return found

    def agreed_posts(self, member_id: int, *, since: datetime) -> int:
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


class _Imports(_Repository):
    def map_id(self, *, source: str, kind: str, external_id: str, local_id: int) -> None:
        key = (source, kind, external_id)
        if key in self._t.import_ids:
            raise Conflict(
                f"{source} {kind} {external_id!r} was imported already",
                code="duplicate_import_id",
            )
        self._j.put(self._t.import_ids, key, local_id)

    def local_ids(self, *, source: str, kind: str) -> dict[str, int]:
        return {
            ext: local
            for (src, knd, ext), local in self._t.import_ids.items()
            if src == source and knd == kind
        }

    def checkpoint(self, *, source: str, stage: str) -> int:
        return self._t.import_checkpoints.get((source, stage), 0)

    def set_checkpoint(self, *, source: str, stage: str, position: int) -> None:
        self._j.put(self._t.import_checkpoints, (source, stage), position)


class _Review(_Repository):
    def add(
        self,
        *,
        kind: str,
        reason: str,
        reasons: Iterable[str],
        rules: Iterable[str],
        author_id: int,
        space_id: int,
        thread_id: int | None,
        post_id: int | None,
        thread_kind: str | None,
        title: str | None,
        body: str,
        tags: Iterable[str],
        community_wiki: bool,
        created_at: datetime,
    ) -> ReviewItem:
        check_review_item(kind=kind, reason=reason, created_at=created_at)
        item = ReviewItem(
            id=self._j.next_id("review"),
            kind=kind,
            status="pending",
            reason=reason,
            reasons=tuple(reasons),
            rules=tuple(rules),
            author_id=author_id,
            space_id=space_id,
            thread_id=thread_id,
            post_id=post_id,
            thread_kind=thread_kind,
            title=title,
            body=body,
            tags=tuple(tags),
            community_wiki=bool(community_wiki),
            created_at=created_at,
        )
        self._j.put(self._t.review, item.id, item)
        return item

    def get(self, item_id: int) -> ReviewItem | None:
        return self._t.review.get(item_id)

    def _pending(
        self, space_ids: Collection[int], reason: str | None, kind: str | None
    ) -> list[ReviewItem]:
        spaces = set(space_ids)
        found = [
            i
            for i in self._t.review.values()
            if i.status == "pending"
            and i.space_id in spaces
            and (reason is None or i.reason == reason)
            and (kind is None or i.kind == kind)
        ]
        found.sort(key=lambda i: (i.created_at, i.id))
        return found

    def pending(
        self,
        *,
        space_ids: Collection[int],
        reason: str | None = None,
        kind: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> list[ReviewItem]:
        return self._pending(space_ids, reason, kind)[offset : offset + limit]

    def count_pending(
        self, *, space_ids: Collection[int], reason: str | None = None, kind: str | None = None
    ) -> int:
        return len(self._pending(space_ids, reason, kind))

    def by_author(
        self, author_id: int, *, status: str | None = None, limit: int
    ) -> list[ReviewItem]:
        found = [
            i
            for i in self._t.review.values()
            if i.author_id == author_id and (status is None or i.status == status)
        ]
        found.sort(key=lambda i: (i.created_at, i.id))
        return found[:limit]

    def count_by_author(self, author_id: int, *, kind: str, status: str) -> int:
        return sum(
            1
            for i in self._t.review.values()
            if i.author_id == author_id and i.kind == kind and i.status == status
        )

    def decide(
        self,
        item_id: int,
        *,
        status: str,
        at: datetime,
        by: int,
        note: str = "",
        post_id: int | None = None,
        body: str | None = None,
        title: str | None = None,
    ) -> bool:
        check_decision(status=status, at=at)
        item = self._t.review.get(item_id)
        if item is None:
            raise NotFound(f"no review item {item_id}", code="review_item_not_found")
        if item.status != "pending":
            return False
        changes: dict[str, Any] = {"status": status, "decided_at": at, "decided_by": by}
        changes["note"] = note
        if post_id is not None:
            changes["post_id"] = post_id
        if body is not None:
            changes["body"] = body
        if title is not None:
            changes["title"] = title
        self._j.put(self._t.review, item_id, attrs.evolve(item, **changes))
        return True


class MemoryUnitOfWork:
    """A unit of work over the in-memory tables; see :class:`socialcrm.ports.UnitOfWork`."""

    def __init__(self, tables: _Tables) -> None:
        self._journal = _Journal(tables)
        self.after_commit: list[Callable[[], None]] = []
        self.members = _Members(self._journal)
        self.spaces = _Spaces(self._journal)
        self.threads = _Threads(self._journal)
        self.posts = _Posts(self._journal)
        self.votes = _Votes(self._journal)
        self.ledger = _Ledger(self._journal)
        self.outbox = _Outbox(self._journal)
        self.activity = _Activity(self._journal)
        self.sanctions = _Sanctions(self._journal)
        self.audit = _Audit(self._journal)
        self.flags = _Flags(self._journal)
        self.imports = _Imports(self._journal)
        self.invitations = MemoryInvitations(self._journal, tables.engagement)
        self.referrals = MemoryReferrals(self._journal, tables.engagement)
        self.polls = MemoryPolls(self._journal, tables.engagement)
        self.contests = MemoryContests(self._journal, tables.engagement)
        self.review = _Review(self._journal)
        self.badges = MemoryBadges(self._journal)
        self.bounties = MemoryBounties(self._journal)

    def commit(self) -> None:
        """Keep every write made so far."""
        self._journal.undo.clear()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the unit ends, after the store's lock is released."""
        self.after_commit.append(callback)

    def rollback(self) -> None:
        """Undo every write made since the last commit."""
        self._journal.rollback()


class MemoryStorage:
    """Storage in Python dicts: fast, isolated per instance, gone when the process ends."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._lock = threading.RLock()

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[MemoryUnitOfWork]:
        """Open a unit; writes not committed when the block ends are undone.

        ``read_only`` is accepted for the port; memory units always take the lock.
        """
        with self._lock:
            uow = MemoryUnitOfWork(self._tables)
            try:
                yield uow
            finally:
                uow.rollback()
        for callback in uow.after_commit:
            callback()

    def close(self) -> None:
        """Nothing to release; present for the port."""


__all__ = ["MemoryStorage", "MemoryUnitOfWork"]

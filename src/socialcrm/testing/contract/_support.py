"""Shared support of the storage contract suite.

The constants, hypothesis settings, seeding helpers, the seed graph, the table of
every write the port offers, and :class:`ContractBase`, the base of every contract
mixin.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import HealthCheck, settings

from socialcrm.capabilities.audit.records import AuditEntry, AuditQuery, NewAuditEntry
from socialcrm.capabilities.badges.records import NewBadgeAward
from socialcrm.capabilities.members.records import Member, NewMember, Profile
from socialcrm.capabilities.moderation.records import NewSanction, Sanction
from socialcrm.capabilities.outbox.records import OutboxMessage
from socialcrm.capabilities.reputation.records import LedgerEntry, NewLedgerEntry
from socialcrm.capabilities.spaces.records import NewSpace, Space
from socialcrm.capabilities.threads.records import NewPost, NewThread, Post, Thread, ThreadFilter
from socialcrm.capabilities.votes.records import Vote
from socialcrm.ports import Storage, UnitOfWork

#: Every datetime in the suite is whole seconds in UTC (kind to MariaDB and friends).
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

_serial = itertools.count(1)

#: Two health checks are silenced on purpose:
#:
#: * ``function_scoped_fixture``: examples share the test's ``storage`` fixture.
#:   That is safe because every example creates its own rows (unique external
#:   ids, slugs, threads, posts) and only asserts about those rows or about
#:   storage-wide invariants.
#: * ``differing_executors``: the same inherited method runs once per adapter
#:   subclass, i.e. from several ``self`` instances. The instances hold no state
#:   (the storage comes from the fixture), and an example saved in the database
#:   after failing on one adapter merely gets replayed on the others.
_property_settings = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _fresh(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def _assert_utc(value: datetime | None) -> None:
    assert value is not None
    assert value.tzinfo is not None, f"{value!r} is naive"
    assert value.utcoffset() == timedelta(0), f"{value!r} is not UTC"


# ---------------------------------------------------------------------------
# Seeding helpers: small writes with sensible defaults, usable inside any unit.
# ---------------------------------------------------------------------------


def _add_member(
    uow: UnitOfWork,
    *,
    reputation: int = 1,
    roles: frozenset[str] = frozenset({"member"}),
    profile: Profile | None = None,
    joined_at: datetime = T0,
) -> Member:
    external_id = _fresh("user")
    return uow.members.add(
        NewMember(
            external_id=external_id,
            display_name=f"Name of {external_id}",
            profile=profile if profile is not None else Profile(),
            roles=roles,
            reputation=reputation,
            joined_at=joined_at,
        )
    )


def _add_space(
    uow: UnitOfWork, *, parent_id: int | None = None, created_at: datetime = T0
) -> Space:
    slug = _fresh("space")
    return uow.spaces.add(_new_space(slug, parent_id=parent_id, created_at=created_at))


def _new_space(slug: str, *, parent_id: int | None = None, created_at: datetime = T0) -> NewSpace:
    """A public space anyone may post in, named after its slug."""
    return NewSpace(
        slug=slug,
        name=f"Space {slug}",
        description="A place to talk",
        parent_id=parent_id,
        visibility="public",
        posting="members",
        created_at=created_at,
    )


def _add_thread(
    uow: UnitOfWork,
    space_id: int,
    author_id: int,
    *,
    kind: str = "question",
    tags: tuple[str, ...] = (),
    created_at: datetime = T0,
) -> Thread:
    """A bare thread, tags registered first as the services do."""
    if tags:
        uow.threads.add_tags(tags, created_at)
    return uow.threads.add(
        NewThread(
            space_id=space_id,
            kind=kind,
            title=_fresh("title"),
            tags=tags,
            author_id=author_id,
            created_at=created_at,
        )
    )


def _add_post(
    uow: UnitOfWork,
    thread_id: int,
    author_id: int,
    *,
    is_opening: bool = False,
    created_at: datetime = T0,
) -> Post:
    return uow.posts.add(
        NewPost(
            thread_id=thread_id,
            author_id=author_id,
            body=_fresh("body"),
            is_opening=is_opening,
            created_at=created_at,
        )
    )


def _add_topic(
    uow: UnitOfWork,
    space_id: int,
    author_id: int,
    *,
    kind: str = "question",
    tags: tuple[str, ...] = (),
    created_at: datetime = T0,
) -> tuple[Thread, Post]:
    """A thread with its opening post, as the services create one."""
    thread = _add_thread(uow, space_id, author_id, kind=kind, tags=tags, created_at=created_at)
    opening = _add_post(uow, thread.id, author_id, is_opening=True, created_at=created_at)
    uow.threads.set_opening_post(thread.id, opening.id)
    return thread, opening


def _append(
    uow: UnitOfWork,
    member_id: int,
    delta: int,
    *,
    cause: str | None = None,
    at: datetime = T0,
    undoes: int | None = None,
    cap_day: date | None = None,
    space_id: int | None = None,
    post_id: int | None = None,
) -> LedgerEntry:
    return uow.ledger.append(
        NewLedgerEntry(
            member_id=member_id,
            delta=delta,
            requested=delta,
            rule="contract",
            event="contract_event",
            cause=cause if cause is not None else _fresh("cause"),
            at=at,
            undoes=undoes,
            cap_day=cap_day,
            space_id=space_id,
            post_id=post_id,
        )
    )


def _add_message(
    uow: UnitOfWork,
    *,
    payload: str | None = None,
    name: str = "contract_event",
    occurred_at: datetime = T0,
    created_at: datetime = T0,
) -> OutboxMessage:
    event_id = _fresh("event")
    return uow.outbox.add(
        event_id=event_id,
        name=name,
        payload=payload if payload is not None else f'{{"name":"{name}","id":"{event_id}"}}',
        occurred_at=occurred_at,
        created_at=created_at,
    )


def _new_sanction(
    member_id: int,
    imposed_by: int,
    *,
    kind: str = "silence",
    imposed_at: datetime = T0,
    ends_at: datetime | None = None,
    reason: str = "contract reason",
) -> NewSanction:
    return NewSanction(
        member_id=member_id,
        kind=kind,
        reason=reason,
        imposed_by=imposed_by,
        imposed_at=imposed_at,
        ends_at=ends_at,
    )


def _add_sanction(uow: UnitOfWork, member_id: int, imposed_by: int, **changes: Any) -> Sanction:
    return uow.sanctions.add(_new_sanction(member_id, imposed_by, **changes))


def _add_audit(
    uow: UnitOfWork,
    *,
    actor_id: int | None = 1,
    action: str = "contract_action",
    at: datetime = T0,
    member_id: int | None = None,
    post_id: int | None = None,
    thread_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    return uow.audit.append(
        NewAuditEntry(
            at=at,
            actor_id=actor_id,
            action=action,
            reason=reason,
            member_id=member_id,
            post_id=post_id,
            thread_id=thread_id,
            before=before,
            after=after,
        )
    )


@attrs.frozen
class _Graph:
    """A small community with one of everything, for the rollback tests."""

    author: Member
    voter: Member
    space: Space
    thread: Thread
    opening: Post
    reply: Post
    vote: Vote
    entry: LedgerEntry
    message: OutboxMessage
    sanction: Sanction
    audit_entry: AuditEntry


def _seed_graph(uow: UnitOfWork) -> _Graph:
    author = _add_member(uow, reputation=10)
    voter = _add_member(uow, reputation=20)
    space = _add_space(uow)
    uow.spaces.add_member(space.id, voter.id)
    uow.threads.add_tags(["beta"], T0)
    thread, opening = _add_topic(uow, space.id, author.id, tags=("alpha",))
    reply = _add_post(uow, thread.id, voter.id, created_at=_at(1))
    uow.threads.record_reply(thread.id, delta=1, at=_at(1))
    vote = uow.votes.add(post_id=opening.id, member_id=voter.id, value=1, cast_at=_at(2))
    uow.posts.add_score(opening.id, 1)
    entry = _append(uow, author.id, 10, at=_at(2), post_id=opening.id, space_id=space.id)
    uow.posts.add_revision(
        post_id=opening.id,
        editor_id=author.id,
        edited_at=_at(3),
        previous_body="first draft",
        previous_title="First title",
    )
    uow.posts.add_comment(post_id=opening.id, author_id=voter.id, body="Nice", created_at=_at(4))
    message = _add_message(uow, created_at=_at(4))
    sanction = _add_sanction(uow, voter.id, author.id, imposed_at=_at(5), ends_at=_at(60))
    audit_entry = _add_audit(
        uow, actor_id=author.id, member_id=voter.id, at=_at(5), after={"kind": "silence"}
    )
    refreshed = uow.threads.get(thread.id)
    assert refreshed is not None
    return _Graph(
        author,
        voter,
        space,
        refreshed,
        opening,
        reply,
        vote,
        entry,
        message,
        sanction,
        audit_entry,
    )


def _observe(uow: UnitOfWork, g: _Graph) -> dict[str, Any]:
    """Everything a reader can see about the seeded graph and what grows next to it."""
    space_ids = [space.id for space in uow.spaces.list()]
    people = (g.author.id, g.voter.id)
    return {
        "members": uow.members.list(limit=1000),
        "reputations": uow.members.reputations(),
        "ranked": uow.members.ranked_reputations(),
        "above 0": uow.members.count_above(0),
        "spaces": uow.spaces.list(),
        "memberships": [uow.spaces.memberships(m) for m in people],
        "thread": uow.threads.get(g.thread.id),
        "threads": uow.threads.list(ThreadFilter(space_ids=space_ids), limit=1000),
        "tags": uow.threads.known_tags(["alpha", "beta", "gamma"]),
        "posts": uow.posts.list_for_thread(g.thread.id, include_deleted=True),
        "revisions": uow.posts.revisions(g.opening.id),
        "comments": uow.posts.comments(g.opening.id),
        "votes": [uow.votes.for_post(g.opening.id), uow.votes.for_post(g.reply.id)],
        "ledger": [uow.ledger.history(m, limit=1000) for m in people],
        "outbox": uow.outbox.pending(limit=1000),
        "outbox_pending": uow.outbox.count_pending(),
        "sanctions": [uow.sanctions.history(m, limit=1000) for m in people],
        "audit": uow.audit.entries(AuditQuery(), limit=1000),
        "import_ids": uow.imports.local_ids(source="contract", kind="post"),
        "import_checkpoint": uow.imports.checkpoint(source="contract", stage="posts"),
        "badges": [uow.badges.for_member(m) for m in people],
        "views": uow.threads.views(g.thread.id),
        "bounties": uow.bounties.for_thread(g.thread.id),
    }


#: One write of every kind the port offers; each changes what ``_observe`` sees.
_WRITES: dict[str, Callable[[UnitOfWork, _Graph], object]] = {
    "members.add": lambda uow, g: _add_member(uow),
    "members.update_profile": lambda uow, g: uow.members.update_profile(
        g.author.id, display_name="Renamed", profile=Profile(bio="Changed")
    ),
    "members.set_roles": lambda uow, g: uow.members.set_roles(
        g.author.id, frozenset({"moderator"})
    ),
    "members.add_reputation": lambda uow, g: uow.members.add_reputation(g.author.id, 7),
    "members.set_reputation": lambda uow, g: uow.members.set_reputation(g.author.id, 999),
    "spaces.add": lambda uow, g: _add_space(uow),
    "spaces.add_member": lambda uow, g: uow.spaces.add_member(g.space.id, g.author.id),
    "spaces.remove_member": lambda uow, g: uow.spaces.remove_member(g.space.id, g.voter.id),
    "threads.add": lambda uow, g: _add_thread(uow, g.space.id, g.author.id),
    "threads.set_opening_post": lambda uow, g: uow.threads.set_opening_post(
        g.thread.id, g.reply.id
    ),
    "threads.set_status": lambda uow, g: uow.threads.set_status(g.thread.id, "closed"),
    "threads.set_title_and_tags": lambda uow, g: uow.threads.set_title_and_tags(
        g.thread.id, title="Retitled", tags=("alpha", "beta")
    ),
    "threads.compare_and_set_accepted": lambda uow, g: uow.threads.compare_and_set_accepted(
        g.thread.id, expected=None, new=g.reply.id
    ),
    "threads.record_reply": lambda uow, g: uow.threads.record_reply(
        g.thread.id, delta=1, at=_at(30)
    ),
    "threads.mark_deleted": lambda uow, g: uow.threads.mark_deleted(g.thread.id, _at(30)),
    "threads.add_tags": lambda uow, g: uow.threads.add_tags(["gamma"], _at(30)),
    "posts.add": lambda uow, g: _add_post(uow, g.thread.id, g.author.id, created_at=_at(30)),
    "posts.update_body": lambda uow, g: uow.posts.update_body(
        g.opening.id, body="Edited", edited_at=_at(30)
    ),
    "posts.add_revision": lambda uow, g: uow.posts.add_revision(
        post_id=g.opening.id,
        editor_id=g.author.id,
        edited_at=_at(30),
        previous_body="second draft",
        previous_title=None,
    ),
    "posts.mark_deleted": lambda uow, g: uow.posts.mark_deleted(
        g.reply.id, by=g.author.id, at=_at(30)
    ),
    "posts.add_score": lambda uow, g: uow.posts.add_score(g.opening.id, 1),
    "posts.add_comment": lambda uow, g: uow.posts.add_comment(
        post_id=g.opening.id, author_id=g.author.id, body="Thanks", created_at=_at(30)
    ),
    "votes.add": lambda uow, g: uow.votes.add(
        post_id=g.reply.id, member_id=g.author.id, value=1, cast_at=_at(30)
    ),
    "votes.change": lambda uow, g: uow.votes.change(g.vote.id, value=-1, cast_at=_at(30)),
    "votes.remove": lambda uow, g: uow.votes.remove(g.vote.id, value=g.vote.value),
    "ledger.append": lambda uow, g: _append(uow, g.voter.id, 5, at=_at(30)),
    "outbox.add": lambda uow, g: _add_message(uow, created_at=_at(30)),
    "outbox.mark_delivered": lambda uow, g: uow.outbox.mark_delivered([g.message.id], _at(30)),
    "sanctions.add": lambda uow, g: _add_sanction(uow, g.author.id, g.voter.id, kind="ban"),
    "sanctions.lift": lambda uow, g: uow.sanctions.lift(
        g.sanction.id, at=_at(30), by=g.author.id, reason="lifted early"
    ),
    "audit.append": lambda uow, g: _add_audit(uow, actor_id=g.voter.id, at=_at(30)),
    "imports.map_id": lambda uow, g: uow.imports.map_id(
        source="contract", kind="post", external_id="1", local_id=g.opening.id
    ),
    "imports.set_checkpoint": lambda uow, g: uow.imports.set_checkpoint(
        source="contract", stage="posts", position=7
    ),
    "badges.award": lambda uow, g: uow.badges.award(
        NewBadgeAward(badge="contract", member_id=g.author.id, subject="", awarded_at=_at(30))
    ),
    "threads.add_views": lambda uow, g: uow.threads.add_views(g.thread.id, 3),
    "bounties.open": lambda uow, g: uow.bounties.open(
        thread_id=g.thread.id,
        offered_by=g.author.id,
        amount=50,
        started_at=_at(30),
        ends_at=_at(90),
    ),  # fmt: skip
}


#: Accents, CJK and an emoji outside the BMP (MySQL's three-byte ``utf8`` loses it).
_UNICODE_BODY = "Ça ne marche pas — パスワード? **reset** 👍"


class _Boom(Exception):
    """Raised inside a unit of work to prove that an exception rolls it back."""


class ContractBase:
    """Base of the contract mixins: helpers that seed and observe a storage."""

    @staticmethod
    def _seed(storage: Storage) -> _Graph:
        with storage.unit_of_work() as uow:
            graph = _seed_graph(uow)
            uow.commit()
        return graph

    @staticmethod
    def _snapshot(storage: Storage, graph: _Graph) -> dict[str, Any]:
        with storage.unit_of_work() as uow:
            return _observe(uow, graph)

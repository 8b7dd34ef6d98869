"""The storage contract suite: one set of tests every storage adapter must pass.

:class:`StorageContract` checks the behaviour that :mod:`socialcrm.ports`
documents: transactions, uniqueness, orderings and tie-breaks, counters,
soft deletes, the ledger queries and the timezone of every datetime. socialcrm
runs it against its in-memory and SQLAlchemy adapters; host applications run it
against the adapters they write themselves.

Subclass it once per adapter and provide a ``storage`` fixture that yields a
fresh, empty storage and closes it afterwards::

    import pytest

    from socialcrm.testing import StorageContract
    from myapp.community_storage import DjangoStorage


    class TestDjangoStorage(StorageContract):
        @pytest.fixture
        def storage(self):
            storage = DjangoStorage()
            yield storage
            storage.close()

Notes for adapter authors:

* The class name has no ``Test`` prefix so pytest only collects your subclass.
* The fixture must be function-scoped and start empty: several tests count
  every row they can see (``members.list``, ``ledger.gains`` without a space
  filter).
* The few hypothesis property tests reuse that one storage across their
  examples; each example creates its own rows, so it never relies on the
  storage being empty.
* Datetimes are whole seconds in UTC, so databases that drop microseconds (or
  store naive UTC) still compare equal.
* To document a known gap, override the test in your subclass and mark it
  ``pytest.mark.xfail(reason=...)`` calling ``super()``, rather than skipping it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm.domain.records import (
    Comment,
    LedgerEntry,
    Member,
    OutboxMessage,
    Post,
    Profile,
    Revision,
    Space,
    Thread,
    Vote,
)
from socialcrm.errors import Conflict
from socialcrm.ports import Storage, UnitOfWork

__all__ = ["StorageContract"]

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
        external_id=external_id,
        display_name=f"Name of {external_id}",
        profile=profile if profile is not None else Profile(),
        roles=roles,
        reputation=reputation,
        joined_at=joined_at,
    )


def _add_space(
    uow: UnitOfWork, *, parent_id: int | None = None, created_at: datetime = T0
) -> Space:
    slug = _fresh("space")
    return uow.spaces.add(
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
        space_id=space_id,
        kind=kind,
        title=_fresh("title"),
        tags=tags,
        author_id=author_id,
        created_at=created_at,
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
        thread_id=thread_id,
        author_id=author_id,
        body=_fresh("body"),
        is_opening=is_opening,
        created_at=created_at,
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
    refreshed = uow.threads.get(thread.id)
    assert refreshed is not None
    return _Graph(author, voter, space, refreshed, opening, reply, vote, entry, message)


def _observe(uow: UnitOfWork, g: _Graph) -> dict[str, Any]:
    """Everything a reader can see about the seeded graph and what grows next to it."""
    space_ids = [space.id for space in uow.spaces.list()]
    people = (g.author.id, g.voter.id)
    return {
        "members": uow.members.list(limit=1000),
        "reputations": uow.members.reputations(),
        "spaces": uow.spaces.list(),
        "memberships": [uow.spaces.memberships(m) for m in people],
        "thread": uow.threads.get(g.thread.id),
        "threads": uow.threads.list(space_ids=space_ids, limit=1000),
        "tags": uow.threads.known_tags(["alpha", "beta", "gamma"]),
        "posts": uow.posts.list_for_thread(g.thread.id, include_deleted=True),
        "revisions": uow.posts.revisions(g.opening.id),
        "comments": uow.posts.comments(g.opening.id),
        "votes": [uow.votes.for_post(g.opening.id), uow.votes.for_post(g.reply.id)],
        "ledger": [uow.ledger.history(m, limit=1000) for m in people],
        "outbox": uow.outbox.pending(limit=1000),
        "outbox_pending": uow.outbox.count_pending(),
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
    "votes.remove": lambda uow, g: uow.votes.remove(g.vote.id),
    "ledger.append": lambda uow, g: _append(uow, g.voter.id, 5, at=_at(30)),
    "outbox.add": lambda uow, g: _add_message(uow, created_at=_at(30)),
    "outbox.mark_delivered": lambda uow, g: uow.outbox.mark_delivered([g.message.id], _at(30)),
}


#: Accents, CJK and an emoji outside the BMP (MySQL's three-byte ``utf8`` loses it).
_UNICODE_BODY = "Ça ne marche pas — パスワード? **reset** 👍"


class _Boom(Exception):
    """Raised inside a unit of work to prove that an exception rolls it back."""


class StorageContract:
    """Abstract test case for a :class:`socialcrm.ports.Storage` adapter.

    Subclass it with a ``Test`` name and a function-scoped ``storage`` fixture
    that yields a fresh, empty storage (see the module docstring). Every
    ``test_*`` method then runs against that adapter.
    """

    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        """Override in the subclass: yield a fresh, empty storage and close it after."""
        raise NotImplementedError(
            f"{type(self).__name__} must define a `storage` fixture yielding a fresh Storage"
        )

    # -- helpers ----------------------------------------------------------

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

    # =====================================================================
    # Units of work
    # =====================================================================

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_committed_write_is_visible_in_a_new_unit(self, storage: Storage, write: str) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            _WRITES[write](uow, graph)
            uow.commit()
        assert self._snapshot(storage, graph) != before

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_write_left_uncommitted_is_rolled_back(self, storage: Storage, write: str) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            _WRITES[write](uow, graph)
        assert self._snapshot(storage, graph) == before

    @pytest.mark.parametrize("write", sorted(_WRITES))
    def test_exception_inside_the_block_rolls_back_the_write(
        self, storage: Storage, write: str
    ) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with pytest.raises(_Boom):
            with storage.unit_of_work() as uow:
                _WRITES[write](uow, graph)
                raise _Boom
        assert self._snapshot(storage, graph) == before

    def test_explicit_rollback_discards_every_write_of_the_unit(self, storage: Storage) -> None:
        graph = self._seed(storage)
        before = self._snapshot(storage, graph)
        with storage.unit_of_work() as uow:
            for write in _WRITES.values():
                write(uow, graph)
            uow.rollback()
        assert self._snapshot(storage, graph) == before

    def test_a_unit_reads_its_own_uncommitted_writes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=3)
            uow.members.add_reputation(member.id, 4)
            entry = _append(uow, member.id, 4, cause="post:1:vote:1")
            assert uow.members.get(member.id) == attrs.evolve(member, reputation=7)
            assert uow.ledger.active_for_causes(causes=["post:1:vote:1"]) == [entry]

    def test_many_writes_commit_together(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.members.add_reputation(graph.author.id, 5)
            uow.posts.add_score(graph.opening.id, 2)
            entry = _append(uow, graph.author.id, 5)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations()[graph.author.id] == 15
            opening = uow.posts.get(graph.opening.id)
            assert opening is not None and opening.score == 3
            assert uow.ledger.history(graph.author.id, limit=1) == [entry]

    def test_on_commit_callbacks_run_once_after_the_unit_ends(self, storage: Storage) -> None:
        calls: list[str] = []
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
            uow.on_commit(lambda: calls.append("after"))
            assert calls == []
        assert calls == ["after"]
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.members.get(member.id) == member

    def test_read_only_units_read_committed_data(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.members.get(member.id) == member

    # =====================================================================
    # Conflicts
    # =====================================================================

    def test_duplicate_external_id_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            first = _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.members.add(
                    external_id=first.external_id,
                    display_name="Impostor",
                    profile=Profile(),
                    roles=frozenset(),
                    reputation=0,
                    joined_at=T0,
                )
            assert raised.value.code == "duplicate_external_id"
            other = _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_by_external_id(first.external_id) == first
            assert uow.members.get(other.id) == other

    def test_duplicate_slug_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            first = _add_space(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.spaces.add(
                    slug=first.slug,
                    name="Copy",
                    description="",
                    parent_id=None,
                    visibility="public",
                    posting="members",
                    created_at=T0,
                )
            assert raised.value.code == "duplicate_slug"
            other = _add_space(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.list() == [first, other]

    def test_duplicate_vote_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as raised:
                uow.votes.add(
                    post_id=graph.opening.id, member_id=graph.voter.id, value=-1, cast_at=_at(9)
                )
            assert raised.value.code == "duplicate_vote"
            other = uow.votes.add(
                post_id=graph.reply.id, member_id=graph.author.id, value=1, cast_at=_at(9)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.opening.id, graph.voter.id) == graph.vote
            assert uow.votes.for_post(graph.reply.id) == [other]

    def test_conflict_keeps_the_earlier_writes_of_the_unit(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            newcomer = _add_member(uow)
            uow.members.add_reputation(graph.author.id, 5)
            with pytest.raises(Conflict):
                uow.votes.add(
                    post_id=graph.opening.id, member_id=graph.voter.id, value=1, cast_at=_at(50)
                )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get(newcomer.id) == newcomer
            assert uow.members.reputations()[graph.author.id] == 15

    def test_duplicate_inside_one_uncommitted_unit_raises_at_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = _add_member(uow)
            with pytest.raises(Conflict) as raised:
                uow.members.add(
                    external_id=first.external_id,
                    display_name="Twin",
                    profile=Profile(),
                    roles=frozenset(),
                    reputation=0,
                    joined_at=T0,
                )
            assert raised.value.code == "duplicate_external_id"
            assert uow.members.get(first.id) == first

    # =====================================================================
    # Unknown ids
    # =====================================================================

    def test_get_methods_return_none_for_unknown_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.members.get(987654) is None
            assert uow.members.get_by_external_id("nobody") is None
            assert uow.members.lock(987654) is None
            assert uow.spaces.get(987654) is None
            assert uow.spaces.get_by_slug("nowhere") is None
            assert uow.threads.get(987654) is None
            assert uow.posts.get(987654) is None
            assert uow.votes.get(987654, 987654) is None

    def test_get_many_returns_only_members_that_exist(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            one, two = _add_member(uow), _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_many([one.id, two.id, 987654]) == {one.id: one, two.id: two}
            assert uow.members.get_many([]) == {}

    def test_records_are_the_frozen_domain_records(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            assert type(uow.members.get(graph.author.id)) is Member
            assert type(uow.spaces.get(graph.space.id)) is Space
            assert type(uow.threads.get(graph.thread.id)) is Thread
            assert type(uow.posts.get(graph.opening.id)) is Post
            assert type(uow.votes.get(graph.opening.id, graph.voter.id)) is Vote
            assert type(uow.posts.revisions(graph.opening.id)[0]) is Revision
            assert type(uow.posts.comments(graph.opening.id)[0]) is Comment
            assert type(uow.ledger.history(graph.author.id, limit=1)[0]) is LedgerEntry

    # =====================================================================
    # Datetimes
    # =====================================================================

    def test_datetimes_come_back_utc_aware_and_equal_to_what_was_stored(
        self, storage: Storage
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.update_body(graph.reply.id, body="Edited", edited_at=_at(40))
            uow.posts.mark_deleted(graph.reply.id, by=graph.author.id, at=_at(41))
            uow.threads.mark_deleted(graph.thread.id, _at(42))
            uow.commit()
        with storage.unit_of_work() as uow:
            member = uow.members.get(graph.author.id)
            space = uow.spaces.get(graph.space.id)
            thread = uow.threads.get(graph.thread.id)
            reply = uow.posts.get(graph.reply.id)
            vote = uow.votes.get(graph.opening.id, graph.voter.id)
            (revision,) = uow.posts.revisions(graph.opening.id)
            (comment,) = uow.posts.comments(graph.opening.id)
            (entry,) = uow.ledger.history(graph.author.id, limit=10)
        assert member is not None and space is not None and thread is not None
        assert reply is not None and vote is not None
        stored_and_expected = [
            (member.joined_at, T0),
            (space.created_at, T0),
            (thread.created_at, T0),
            (thread.last_activity_at, _at(1)),
            (thread.deleted_at, _at(42)),
            (reply.created_at, _at(1)),
            (reply.edited_at, _at(40)),
            (reply.deleted_at, _at(41)),
            (vote.cast_at, _at(2)),
            (revision.edited_at, _at(3)),
            (comment.created_at, _at(4)),
            (entry.at, _at(2)),
        ]
        for stored, expected in stored_and_expected:
            _assert_utc(stored)
            assert stored == expected

    # =====================================================================
    # Members
    # =====================================================================

    def test_member_round_trips_every_field(self, storage: Storage) -> None:
        profile = Profile(
            bio=_UNICODE_BODY,
            company="Acme",
            job_title="Engineer",
            country="FR",
            interests=("python", "databases", "apis"),
        )
        with storage.unit_of_work() as uow:
            added = uow.members.add(
                external_id="ext-42",
                display_name="Ada Lövelace 🧮",
                profile=profile,
                roles=frozenset({"member", "moderator"}),
                reputation=101,
                joined_at=_at(5),
            )
            uow.commit()
        assert added.external_id == "ext-42" and added.profile == profile
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(added.id)
            assert uow.members.get_by_external_id("ext-42") == loaded
        assert loaded == added
        assert loaded == Member(
            id=added.id,
            external_id="ext-42",
            display_name="Ada Lövelace 🧮",
            roles=frozenset({"member", "moderator"}),
            reputation=101,
            joined_at=_at(5),
            profile=profile,
        )

    def test_external_ids_are_case_sensitive(self, storage: Storage) -> None:
        # Host user ids are opaque strings: "Ab" and "ab" are two people.
        with storage.unit_of_work() as uow:
            upper = uow.members.add(
                external_id="User-Ab",
                display_name="Upper",
                profile=Profile(),
                roles=frozenset(),
                reputation=0,
                joined_at=T0,
            )
            lower = uow.members.add(
                external_id="user-ab",
                display_name="Lower",
                profile=Profile(),
                roles=frozenset(),
                reputation=0,
                joined_at=T0,
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get_by_external_id("User-Ab") == upper
            assert uow.members.get_by_external_id("user-ab") == lower
            assert uow.members.get_by_external_id("USER-AB") is None

    def test_roles_round_trip_as_a_frozenset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            none = _add_member(uow, roles=frozenset())
            many = _add_member(uow, roles=frozenset({"member", "staff", "admin"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded_none, loaded_many = uow.members.get(none.id), uow.members.get(many.id)
        assert loaded_none is not None and loaded_many is not None
        assert isinstance(loaded_none.roles, frozenset) and loaded_none.roles == frozenset()
        assert isinstance(loaded_many.roles, frozenset)
        assert loaded_many.roles == frozenset({"member", "staff", "admin"})

    def test_update_profile_replaces_display_name_and_profile(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, profile=Profile(bio="Old", interests=("a", "b")))
            uow.commit()
        new_profile = Profile(company="Initech", country="DE", interests=("c",))
        with storage.unit_of_work() as uow:
            uow.members.update_profile(member.id, display_name="New name", profile=new_profile)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded == attrs.evolve(member, display_name="New name", profile=new_profile)

    def test_set_roles_replaces_the_roles(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, roles=frozenset({"member", "moderator"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.members.set_roles(member.id, frozenset({"admin"}))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
            assert loaded is not None and loaded.roles == frozenset({"admin"})
            uow.members.set_roles(member.id, frozenset())
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded is not None and loaded.roles == frozenset()

    def test_add_reputation_adds_positive_and_negative_deltas(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=10)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.members.add_reputation(member.id, 15)
            uow.members.add_reputation(member.id, -30)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.members.get(member.id)
        assert loaded is not None and loaded.reputation == -5

    def test_set_reputation_overwrites_the_total(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=10)
            uow.members.add_reputation(member.id, 5)
            uow.members.set_reputation(member.id, 1234)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {member.id: 1234}

    def test_lock_returns_the_current_reputation(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow, reputation=40)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.lock(member.id) == 40
            uow.members.add_reputation(member.id, 2)
            assert uow.members.lock(member.id) == 42

    def test_list_orders_members_by_id_with_limit_and_offset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            members = [_add_member(uow, reputation=r) for r in (5, 50, 1, 20)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.list(limit=10) == members
            assert uow.members.list(limit=2, offset=1) == members[1:3]
            assert uow.members.list(limit=10, offset=4) == []

    def test_top_orders_by_reputation_then_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a, b, c, d, e = (_add_member(uow, reputation=r) for r in (10, 30, 10, -5, 30))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.top(limit=10) == [b, e, a, c, d]
            assert uow.members.top(limit=2, offset=1) == [e, a]
            assert uow.members.top(limit=10, exclude_ids=[a.id, e.id]) == [b, c, d]

    def test_count_above_is_strictly_greater(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            for reputation in (1, 5, 5, 9):
                _add_member(uow, reputation=reputation)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.count_above(5) == 1
            assert uow.members.count_above(4) == 3
            assert uow.members.count_above(0) == 4
            assert uow.members.count_above(9) == 0

    def test_reputations_maps_every_member(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {}
            a, b = _add_member(uow, reputation=3), _add_member(uow, reputation=0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.reputations() == {a.id: 3, b.id: 0}

    # =====================================================================
    # Spaces
    # =====================================================================

    def test_space_round_trips_every_field(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            parent = _add_space(uow)
            child = uow.spaces.add(
                slug="billing",
                name="Billing",
                description="Invoices and plans",
                parent_id=parent.id,
                visibility="private",
                posting="moderators",
                created_at=_at(7),
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.get(child.id) == child
            assert uow.spaces.get_by_slug("billing") == child
        assert child == Space(
            id=child.id,
            slug="billing",
            name="Billing",
            description="Invoices and plans",
            parent_id=parent.id,
            visibility="private",
            posting="moderators",
            created_at=_at(7),
        )

    def test_spaces_list_by_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            spaces = [_add_space(uow) for _ in range(3)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.list() == spaces

    def test_space_membership_is_added_once_and_removed_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, one, two = _add_member(uow), _add_space(uow), _add_space(uow)
            assert uow.spaces.memberships(member.id) == frozenset()
            assert uow.spaces.add_member(one.id, member.id) is True
            assert uow.spaces.add_member(one.id, member.id) is False
            assert uow.spaces.add_member(two.id, member.id) is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.spaces.memberships(member.id) == frozenset({one.id, two.id})
            assert uow.spaces.remove_member(one.id, member.id) is True
            assert uow.spaces.remove_member(one.id, member.id) is False
            uow.commit()
        with storage.unit_of_work() as uow:
            memberships = uow.spaces.memberships(member.id)
        assert isinstance(memberships, frozenset) and memberships == frozenset({two.id})

    # =====================================================================
    # Threads
    # =====================================================================

    def test_new_thread_is_open_without_opening_post_or_replies(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            uow.threads.add_tags(["python", "flask"], T0)
            thread = uow.threads.add(
                space_id=space.id,
                kind="discussion",
                title="Hello",
                tags=("python", "flask"),
                author_id=member.id,
                created_at=_at(3),
            )
            uow.commit()
        assert thread == Thread(
            id=thread.id,
            space_id=space.id,
            kind="discussion",
            title="Hello",
            tags=("python", "flask"),
            status="open",
            author_id=member.id,
            opening_post_id=None,
            accepted_answer_id=None,
            reply_count=0,
            created_at=_at(3),
            last_activity_at=_at(3),
        )
        with storage.unit_of_work() as uow:
            assert uow.threads.get(thread.id) == thread

    def test_set_opening_post_and_status(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, opening = _add_topic(uow, space.id, member.id)
            uow.threads.set_status(thread.id, "closed")
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded == attrs.evolve(thread, opening_post_id=opening.id, status="closed")
            uow.threads.set_status(thread.id, "open")
            uow.commit()
        with storage.unit_of_work() as uow:
            reopened = uow.threads.get(thread.id)
        assert reopened is not None and reopened.status == "open"

    def test_thread_tags_round_trip_in_order_and_are_replaced(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id, tags=("zeta", "alpha", "mu"))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded is not None and loaded.tags == ("zeta", "alpha", "mu")
            uow.threads.add_tags(["new"], T0)
            uow.threads.set_title_and_tags(thread.id, title="Better", tags=("new", "zeta"))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded == attrs.evolve(thread, title="Better", tags=("new", "zeta"))

    def test_compare_and_set_accepted_sets_only_from_the_expected_value(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            first = _add_post(uow, thread.id, member.id)
            second = _add_post(uow, thread.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.compare_and_set_accepted(thread.id, expected=None, new=first.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
            assert loaded is not None and loaded.accepted_answer_id == first.id
            assert uow.threads.compare_and_set_accepted(thread.id, expected=first.id, new=second.id)
            assert uow.threads.compare_and_set_accepted(thread.id, expected=second.id, new=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded is not None and loaded.accepted_answer_id is None

    def test_compare_and_set_accepted_with_a_stale_expectation_changes_nothing(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, _ = _add_topic(uow, space.id, member.id)
            first = _add_post(uow, thread.id, member.id)
            second = _add_post(uow, thread.id, member.id)
            assert uow.threads.compare_and_set_accepted(thread.id, expected=None, new=first.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            before = uow.threads.get(thread.id)
            assert not uow.threads.compare_and_set_accepted(thread.id, expected=None, new=second.id)
            assert not uow.threads.compare_and_set_accepted(thread.id, expected=second.id, new=None)
            assert uow.threads.get(thread.id) == before
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.get(thread.id) == before

    def test_record_reply_counts_and_moves_activity_only_when_given(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.record_reply(thread.id, delta=1, at=_at(10))
            uow.threads.record_reply(thread.id, delta=1, at=_at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.record_reply(thread.id, delta=-1, at=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.threads.get(thread.id)
        assert loaded == attrs.evolve(thread, reply_count=1, last_activity_at=_at(20))

    def test_deleted_thread_is_hidden_from_list_and_counts_but_not_from_get(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            kept = _add_thread(uow, space.id, member.id)
            gone = _add_thread(uow, space.id, member.id)
            uow.threads.mark_deleted(gone.id, _at(9))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.get(gone.id) == attrs.evolve(gone, deleted_at=_at(9))
            for sort in ("active", "newest", "score", "unanswered"):
                assert uow.threads.list(space_ids=[space.id], sort=sort) == [kept]
            assert uow.threads.count(space_ids=[space.id]) == 1
            assert uow.threads.count_by_space([space.id]) == {space.id: 1}

    def test_list_keeps_to_the_given_spaces(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            one, two, three = _add_space(uow), _add_space(uow), _add_space(uow)
            in_one = _add_thread(uow, one.id, member.id, created_at=_at(1))
            _add_thread(uow, two.id, member.id, created_at=_at(2))
            in_three = _add_thread(uow, three.id, member.id, created_at=_at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.list(space_ids=[one.id, three.id]) == [in_three, in_one]
            assert uow.threads.count(space_ids=[one.id, three.id]) == 2
            assert uow.threads.list(space_ids=[]) == []
            assert uow.threads.count(space_ids=[]) == 0

    def test_list_sorted_by_newest_breaks_ties_by_id_descending(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            t1, t2, t3, t4 = (
                _add_thread(uow, space.id, member.id, created_at=_at(m)) for m in (1, 3, 2, 3)
            )
            uow.threads.record_reply(t1.id, delta=1, at=_at(50))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(space_ids=[space.id], sort="newest")
        assert [t.id for t in listed] == [t4.id, t2.id, t3.id, t1.id]

    def test_list_sorted_by_activity_breaks_ties_by_id_descending(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            t1, t2, t3, t4 = (
                _add_thread(uow, space.id, member.id, created_at=_at(m)) for m in (1, 2, 3, 4)
            )
            uow.threads.record_reply(t1.id, delta=1, at=_at(10))
            uow.threads.record_reply(t2.id, delta=1, at=_at(10))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(space_ids=[space.id], sort="active")
            assert uow.threads.list(space_ids=[space.id]) == listed
        assert [t.id for t in listed] == [t2.id, t1.id, t4.id, t3.id]

    def test_list_sorted_by_score_uses_the_opening_post(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            topics = [_add_topic(uow, space.id, member.id, created_at=_at(m)) for m in (1, 2, 3, 4)]
            for (_, opening), score in zip(topics, (5, -1, 5, 0), strict=True):
                uow.posts.add_score(opening.id, score)
            # A well-voted reply must not lift its thread: only the opening post counts.
            reply = _add_post(uow, topics[1][0].id, member.id)
            uow.posts.add_score(reply.id, 100)
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(space_ids=[space.id], sort="score")
        t1, t2, t3, t4 = (thread.id for thread, _ in topics)
        assert [t.id for t in listed] == [t3, t1, t4, t2]

    def test_list_unanswered_shows_questions_without_replies_newest_first(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            lonely = _add_thread(uow, space.id, member.id, created_at=_at(1))
            answered = _add_thread(uow, space.id, member.id, created_at=_at(2))
            uow.threads.record_reply(answered.id, delta=1, at=_at(5))
            _add_thread(uow, space.id, member.id, kind="discussion", created_at=_at(3))
            later = _add_thread(uow, space.id, member.id, created_at=_at(4))
            tied = _add_thread(uow, space.id, member.id, created_at=_at(4))
            uow.commit()
        with storage.unit_of_work() as uow:
            listed = uow.threads.list(space_ids=[space.id], sort="unanswered")
        assert [t.id for t in listed] == [tied.id, later.id, lonely.id]

    def test_list_filters_by_tag_kind_and_status(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            both = _add_thread(
                uow, space.id, member.id, tags=("python", "flask"), created_at=_at(1)
            )
            python = _add_thread(
                uow, space.id, member.id, kind="idea", tags=("python",), created_at=_at(2)
            )
            django = _add_thread(uow, space.id, member.id, tags=("django",), created_at=_at(3))
            uow.threads.set_status(django.id, "closed")
            uow.commit()
        with storage.unit_of_work() as uow:
            ids = lambda **f: [t.id for t in uow.threads.list(space_ids=[space.id], **f)]  # noqa: E731
            assert ids(tag="python") == [python.id, both.id]
            assert ids(tag="flask") == [both.id]
            assert ids(tag="rust") == []
            assert ids(kind="idea") == [python.id]
            assert ids(status="closed") == [django.id]
            assert ids(status="open", kind="question") == [both.id]
            assert ids(tag="python", kind="question") == [both.id]

    def test_tag_filter_follows_replaced_tags(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id, tags=("old",))
            uow.threads.add_tags(["new"], T0)
            uow.threads.set_title_and_tags(thread.id, title="Renamed", tags=("new",))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.list(space_ids=[space.id], tag="old") == []
            assert [t.id for t in uow.threads.list(space_ids=[space.id], tag="new")] == [thread.id]
            assert uow.threads.count(space_ids=[space.id], tag="old") == 0

    def test_list_pages_with_limit_and_offset(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            threads = [_add_thread(uow, space.id, member.id, created_at=_at(m)) for m in range(25)]
            uow.commit()
        newest_first = [t.id for t in reversed(threads)]
        with storage.unit_of_work() as uow:
            page = lambda **p: [  # noqa: E731
                t.id for t in uow.threads.list(space_ids=[space.id], sort="newest", **p)
            ]
            assert page() == newest_first[:20]
            assert page(limit=10, offset=20) == newest_first[20:]
            assert page(limit=3, offset=5) == newest_first[5:8]

    def test_count_matches_list_without_limit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            for minute in range(6):
                thread = _add_thread(
                    uow,
                    space.id,
                    member.id,
                    kind=("question", "idea")[minute % 2],
                    tags=(("a",), ("a", "b"), ("b",))[minute % 3],
                    created_at=_at(minute),
                )
                if minute % 4 == 0:
                    uow.threads.set_status(thread.id, "closed")
            uow.commit()
        filters: list[dict[str, Any]] = [
            {},
            {"tag": "a"},
            {"tag": "b", "kind": "idea"},
            {"status": "closed"},
            {"status": "open", "tag": "a", "kind": "question"},
        ]
        with storage.unit_of_work() as uow:
            for f in filters:
                listed = uow.threads.list(space_ids=[space.id], limit=100, **f)
                assert uow.threads.count(space_ids=[space.id], **f) == len(listed), f

    def test_count_by_space_counts_live_threads_of_the_given_spaces(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            busy, quiet, empty, other = (_add_space(uow) for _ in range(4))
            _add_thread(uow, busy.id, member.id)
            _add_thread(uow, busy.id, member.id)
            _add_thread(uow, quiet.id, member.id)
            gone = _add_thread(uow, quiet.id, member.id)
            uow.threads.mark_deleted(gone.id, _at(1))
            _add_thread(uow, other.id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            counts = uow.threads.count_by_space([busy.id, quiet.id, empty.id])
            assert uow.threads.count_by_space([]) == {}
        assert set(counts) <= {busy.id, quiet.id, empty.id}
        assert (counts[busy.id], counts[quiet.id], counts.get(empty.id, 0)) == (2, 1, 0)

    def test_add_tags_creates_missing_names_and_is_idempotent(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.threads.known_tags(["a", "b"]) == frozenset()
            uow.threads.add_tags(["a", "b"], T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.threads.add_tags(["b", "c"], _at(1))
            uow.threads.add_tags([], _at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            known = uow.threads.known_tags(["a", "c", "zz"])
            assert uow.threads.known_tags([]) == frozenset()
        assert isinstance(known, frozenset) and known == frozenset({"a", "c"})

    def test_add_tags_tolerates_a_name_repeated_in_one_call(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.threads.add_tags(iter(["x", "y", "x"]), T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.threads.known_tags(["x", "y"]) == frozenset({"x", "y"})

    # =====================================================================
    # Posts, revisions, comments
    # =====================================================================

    def test_new_post_has_score_zero_and_round_trips(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            post = uow.posts.add(
                thread_id=thread.id,
                author_id=member.id,
                body=_UNICODE_BODY,
                is_opening=True,
                created_at=_at(2),
            )
            uow.commit()
        assert post == Post(
            id=post.id,
            thread_id=thread.id,
            author_id=member.id,
            body=_UNICODE_BODY,
            score=0,
            is_opening=True,
            created_at=_at(2),
        )
        with storage.unit_of_work() as uow:
            assert uow.posts.get(post.id) == post

    def test_list_for_thread_puts_the_opening_post_first_then_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread = _add_thread(uow, space.id, member.id)
            early_reply = _add_post(uow, thread.id, member.id)
            opening = _add_post(uow, thread.id, member.id, is_opening=True)
            uow.threads.set_opening_post(thread.id, opening.id)
            reply = _add_post(uow, thread.id, member.id)
            elsewhere = _add_thread(uow, space.id, member.id)
            _add_post(uow, elsewhere.id, member.id, is_opening=True)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.posts.list_for_thread(thread.id) == [opening, early_reply, reply]

    def test_deleted_posts_are_listed_only_on_request_and_still_found_by_get(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, space = _add_member(uow), _add_space(uow)
            thread, opening = _add_topic(uow, space.id, member.id)
            gone = _add_post(uow, thread.id, member.id)
            kept = _add_post(uow, thread.id, member.id)
            uow.posts.mark_deleted(gone.id, by=member.id, at=_at(5))
            uow.commit()
        deleted = attrs.evolve(gone, deleted_at=_at(5), deleted_by=member.id)
        with storage.unit_of_work() as uow:
            assert uow.posts.get(gone.id) == deleted
            assert uow.posts.list_for_thread(thread.id) == [opening, kept]
            assert uow.posts.list_for_thread(thread.id, include_deleted=True) == [
                opening,
                deleted,
                kept,
            ]

    def test_update_body_sets_body_and_edited_at(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.update_body(graph.reply.id, body="Better answer", edited_at=_at(8))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
        assert loaded == attrs.evolve(graph.reply, body="Better answer", edited_at=_at(8))

    def test_add_score_adds_positive_and_negative_deltas(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.posts.add_score(graph.reply.id, 3)
            uow.posts.add_score(graph.reply.id, -5)
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.posts.get(graph.reply.id)
        assert loaded is not None and loaded.score == -2

    def test_revisions_come_oldest_first_and_round_trip(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            second = uow.posts.add_revision(
                post_id=graph.opening.id,
                editor_id=graph.voter.id,
                edited_at=_at(10),
                previous_body="second draft",
                previous_title=None,
            )
            on_reply = uow.posts.add_revision(
                post_id=graph.reply.id,
                editor_id=graph.voter.id,
                edited_at=_at(11),
                previous_body="reply draft",
                previous_title=None,
            )
            uow.commit()
        assert second == Revision(
            id=second.id,
            post_id=graph.opening.id,
            editor_id=graph.voter.id,
            edited_at=_at(10),
            previous_body="second draft",
            previous_title=None,
        )
        with storage.unit_of_work() as uow:
            first, latest = uow.posts.revisions(graph.opening.id)
            assert uow.posts.revisions(graph.reply.id) == [on_reply]
            assert uow.posts.revisions(987654) == []
        assert (first.previous_body, first.previous_title) == ("first draft", "First title")
        assert latest == second

    def test_comments_come_oldest_first_and_round_trip(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            later = uow.posts.add_comment(
                post_id=graph.opening.id,
                author_id=graph.author.id,
                body="Thanks!",
                created_at=_at(12),
            )
            uow.commit()
        assert later == Comment(
            id=later.id,
            post_id=graph.opening.id,
            author_id=graph.author.id,
            body="Thanks!",
            created_at=_at(12),
        )
        with storage.unit_of_work() as uow:
            first, second = uow.posts.comments(graph.opening.id)
            assert uow.posts.comments(graph.reply.id) == []
        assert (first.body, first.created_at) == ("Nice", _at(4))
        assert second == later

    # =====================================================================
    # Votes
    # =====================================================================

    def test_vote_round_trips_and_is_found_by_post_and_member(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            vote = uow.votes.add(
                post_id=graph.reply.id, member_id=graph.author.id, value=-1, cast_at=_at(6)
            )
            uow.commit()
        assert vote == Vote(
            id=vote.id, post_id=graph.reply.id, member_id=graph.author.id, value=-1, cast_at=_at(6)
        )
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.reply.id, graph.author.id) == vote
            assert uow.votes.get(graph.reply.id, graph.voter.id) is None

    def test_change_updates_value_and_cast_at(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.votes.change(graph.vote.id, value=-1, cast_at=_at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            loaded = uow.votes.get(graph.opening.id, graph.voter.id)
        assert loaded == attrs.evolve(graph.vote, value=-1, cast_at=_at(20))

    def test_removed_vote_is_gone_and_the_member_may_vote_again(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            uow.votes.remove(graph.vote.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.get(graph.opening.id, graph.voter.id) is None
            assert uow.votes.for_post(graph.opening.id) == []
            again = uow.votes.add(
                post_id=graph.opening.id, member_id=graph.voter.id, value=-1, cast_at=_at(30)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.for_post(graph.opening.id) == [again]

    def test_for_post_lists_the_post_votes_by_id(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            others = [_add_member(uow) for _ in range(3)]
            votes = [
                uow.votes.add(post_id=graph.reply.id, member_id=m.id, value=v, cast_at=_at(9 - i))
                for i, (m, v) in enumerate(zip(others, (1, -1, 1), strict=True))
            ]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.votes.for_post(graph.reply.id) == votes
            assert uow.votes.for_post(graph.opening.id) == [graph.vote]

    # =====================================================================
    # Ledger
    # =====================================================================

    def test_ledger_entry_round_trips_every_field(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            full = uow.ledger.append(
                member_id=graph.voter.id,
                delta=7,
                requested=10,
                rule="answer_upvoted",
                event="vote_cast",
                cause=f"post:{graph.reply.id}:vote:{graph.vote.id}",
                at=_at(15),
                undoes=graph.entry.id,
                cap_day=date(2026, 1, 5),
                space_id=graph.space.id,
                post_id=graph.reply.id,
            )
            bare = _append(uow, graph.voter.id, -2, at=_at(16))
            uow.commit()
        assert full == LedgerEntry(
            id=full.id,
            member_id=graph.voter.id,
            delta=7,
            requested=10,
            rule="answer_upvoted",
            event="vote_cast",
            cause=f"post:{graph.reply.id}:vote:{graph.vote.id}",
            at=_at(15),
            undoes=graph.entry.id,
            cap_day=date(2026, 1, 5),
            space_id=graph.space.id,
            post_id=graph.reply.id,
        )
        assert (bare.undoes, bare.cap_day, bare.space_id, bare.post_id) == (None,) * 4
        with storage.unit_of_work() as uow:
            assert uow.ledger.history(graph.voter.id, limit=10) == [bare, full]

    def test_history_is_newest_first_and_pages(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, other = _add_member(uow), _add_member(uow)
            entries = [_append(uow, member.id, d, at=_at(10 - d)) for d in (1, 2, 3, 4)]
            _append(uow, other.id, 99)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.history(member.id, limit=10) == entries[::-1]
            assert uow.ledger.history(member.id, limit=2, offset=1) == [entries[2], entries[1]]
            assert uow.ledger.history(987654, limit=10) == []

    def test_totals_sum_deltas_of_members_with_entries(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a, b, _ = _add_member(uow), _add_member(uow), _add_member(uow)
            assert uow.ledger.totals() == {}
            for member, delta in ((a, 10), (a, -3), (b, -4), (b, 4)):
                _append(uow, member.id, delta)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.totals() == {a.id: 7, b.id: 0}

    def test_cap_used_sums_the_member_entries_of_that_day(self, storage: Storage) -> None:
        day, next_day = date(2026, 1, 5), date(2026, 1, 6)
        with storage.unit_of_work() as uow:
            member, other = _add_member(uow), _add_member(uow)
            _append(uow, member.id, 10, cap_day=day)
            _append(uow, member.id, 15, cap_day=day)
            _append(uow, member.id, -10, cap_day=day)
            _append(uow, member.id, 100, cap_day=None)
            _append(uow, member.id, 40, cap_day=next_day)
            _append(uow, other.id, 50, cap_day=day)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.cap_used(member.id, day) == 15
            assert uow.ledger.cap_used(member.id, next_day) == 40
            assert uow.ledger.cap_used(member.id, date(2026, 1, 7)) == 0

    def test_active_for_causes_matches_exact_causes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            vote = _append(uow, member.id, 10, cause="post:5:vote:1")
            accept = _append(uow, member.id, 15, cause="post:5:accept")
            _append(uow, member.id, 10, cause="post:5:vote:10")
            _append(uow, member.id, 10, cause="post:5:vote")
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.ledger.active_for_causes(causes=["post:5:accept", "post:5:vote:1"])
            assert found == [vote, accept]
            assert uow.ledger.active_for_causes(causes=["post:6:accept"]) == []
            assert uow.ledger.active_for_causes(causes=["POST:5:ACCEPT"]) == []
            assert uow.ledger.active_for_causes() == []

    def test_active_for_causes_matches_prefixes_at_their_boundary(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            five = [
                _append(uow, member.id, 10, cause="thread:1:post:5:vote:3"),
                _append(uow, member.id, 15, cause="thread:1:post:5:accept"),
            ]
            _append(uow, member.id, 10, cause="thread:1:post:50:vote:4")
            _append(uow, member.id, 10, cause="thread:1:post:5")
            _append(uow, member.id, 10, cause="Thread:1:Post:5:vote:9")
            seven = _append(uow, member.id, 10, cause="thread:1:post:7:vote:1")
            exact = _append(uow, member.id, 2, cause="thread:2:post:9:accept")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.active_for_causes(prefixes=["thread:1:post:5:"]) == five
            assert uow.ledger.active_for_causes(
                causes=["thread:2:post:9:accept"],
                prefixes=["thread:1:post:5:", "thread:1:post:7:"],
            ) == [*five, seven, exact]

    def test_active_for_causes_treats_prefixes_literally(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            literal = _append(uow, member.id, 1, cause="tag_a%:1")
            _append(uow, member.id, 1, cause="tagXab:1")
            _append(uow, member.id, 1, cause="tag\\a:1")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.active_for_causes(prefixes=["tag_a%:"]) == [literal]
            assert uow.ledger.active_for_causes(prefixes=["tag_"]) == [literal]

    def test_active_for_causes_leaves_out_undone_and_compensating_entries(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            undone = _append(uow, member.id, 10, cause="post:5:vote:1")
            _append(uow, member.id, -10, cause="post:5:vote:1", undoes=undone.id)
            again = _append(uow, member.id, 10, cause="post:5:vote:1")
            stray = _append(uow, member.id, 3, cause="post:5:vote:2")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.active_for_causes(causes=["post:5:vote:1"]) == [again]
            assert uow.ledger.active_for_causes(prefixes=["post:5:"]) == [again, stray]

    def test_rolled_back_compensation_leaves_the_entry_active(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            entry = _append(uow, member.id, 10, cause="post:8:accept")
            uow.commit()
        with storage.unit_of_work() as uow:
            _append(uow, member.id, -10, cause="post:8:accept", undoes=entry.id)
            assert uow.ledger.active_for_causes(causes=["post:8:accept"]) == []
        with storage.unit_of_work() as uow:
            assert uow.ledger.active_for_causes(causes=["post:8:accept"]) == [entry]

    # -- gains ------------------------------------------------------------

    def _seed_gains(self, storage: Storage) -> tuple[list[Member], Space, Space]:
        """Four members' ledger entries across two spaces and a few minutes."""
        with storage.unit_of_work() as uow:
            members = [_add_member(uow) for _ in range(4)]
            a, b, c, d = (m.id for m in members)
            one, two = _add_space(uow), _add_space(uow)
            rows = [
                (a, 10, 1, one.id),
                (a, 5, 2, two.id),
                (b, 20, 1, one.id),
                (b, -25, 2, one.id),
                (c, 15, 3, one.id),
                (d, 15, 1, one.id),
                (d, 4, 4, None),
            ]
            for member_id, delta, minute, space_id in rows:
                _append(uow, member_id, delta, at=_at(minute), space_id=space_id)
            uow.commit()
        return members, one, two

    def test_gains_rank_highest_sum_first_then_member_id(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            gains = uow.ledger.gains(since=None, until=None, space_ids=None, limit=10)
        assert gains == [(d.id, 19), (a.id, 15), (c.id, 15)]

    def test_gains_include_since_and_exclude_until(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            window = uow.ledger.gains(since=_at(2), until=_at(4), space_ids=None, limit=10)
            after = uow.ledger.gains(since=_at(3), until=None, space_ids=None, limit=10)
            before = uow.ledger.gains(since=None, until=_at(2), space_ids=None, limit=10)
        assert window == [(c.id, 15), (a.id, 5)]
        assert after == [(c.id, 15), (d.id, 4)]
        assert before == [(b.id, 20), (d.id, 15), (a.id, 10)]

    def test_gains_keep_to_the_given_spaces(self, storage: Storage) -> None:
        (a, b, c, d), one, two = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            in_one = uow.ledger.gains(since=None, until=None, space_ids=[one.id], limit=10)
            in_two = uow.ledger.gains(since=None, until=None, space_ids=[two.id], limit=10)
            in_none = uow.ledger.gains(since=None, until=None, space_ids=[], limit=10)
        assert in_one == [(c.id, 15), (d.id, 15), (a.id, 10)]
        assert in_two == [(a.id, 5)]
        assert in_none == []

    def test_gains_leave_out_sums_of_zero_or_less(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            zero, negative, positive = (_add_member(uow) for _ in range(3))
            for member, delta in ((zero, 5), (zero, -5), (negative, -1), (positive, 1)):
                _append(uow, member.id, delta)
            uow.commit()
        with storage.unit_of_work() as uow:
            gains = uow.ledger.gains(since=None, until=None, space_ids=None, limit=10)
        assert gains == [(positive.id, 1)]

    def test_gains_exclude_members_and_respect_the_limit(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            without_d = uow.ledger.gains(
                since=None, until=None, space_ids=None, exclude_member_ids=[d.id], limit=10
            )
            top_two = uow.ledger.gains(since=None, until=None, space_ids=None, limit=2)
        assert without_d == [(a.id, 15), (c.id, 15)]
        assert top_two == [(d.id, 19), (a.id, 15)]

    # =====================================================================
    # Outbox
    # =====================================================================

    def test_outbox_message_round_trips_and_starts_pending(self, storage: Storage) -> None:
        payload = '{"name":"vote_cast","body":"' + _UNICODE_BODY + '"}'
        with storage.unit_of_work() as uow:
            added = _add_message(
                uow, payload=payload, name="vote_cast", occurred_at=_at(1), created_at=_at(2)
            )
            uow.commit()
        assert isinstance(added, OutboxMessage)
        assert added.id >= 1 and added.delivered_at is None and not added.is_delivered
        with storage.unit_of_work() as uow:
            (message,) = uow.outbox.pending(limit=10)
        assert message == added
        assert message.payload == payload and message.name == "vote_cast"
        for stored, expected in ((message.occurred_at, _at(1)), (message.created_at, _at(2))):
            _assert_utc(stored)
            assert stored == expected

    def test_outbox_keeps_long_payloads_whole(self, storage: Storage) -> None:
        # More than MariaDB's TEXT holds (65,535 bytes), some of it outside the BMP.
        payload = '{"body":"' + "x" * 70_000 + "👍" * 1_000 + '"}'
        with storage.unit_of_work() as uow:
            _add_message(uow, payload=payload)
            uow.commit()
        with storage.unit_of_work() as uow:
            (message,) = uow.outbox.pending(limit=1)
        assert message.payload == payload

    def test_outbox_pending_comes_by_position_with_a_limit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = [_add_message(uow) for _ in range(3)]
            uow.commit()
        with storage.unit_of_work() as uow:
            second = [_add_message(uow) for _ in range(2)]
            uow.commit()
        added = first + second
        assert [m.id for m in added] == sorted(m.id for m in added)
        assert len({m.id for m in added}) == 5
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == added
            assert uow.outbox.pending(limit=2) == added[:2]
            assert uow.outbox.pending(limit=10, lock=True) == added
            assert uow.outbox.count_pending() == 5

    def test_outbox_duplicate_event_id_raises_conflict_and_keeps_the_unit_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            kept = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            before = _add_message(uow)
            with pytest.raises(Conflict) as raised:
                uow.outbox.add(
                    event_id=kept.event_id,
                    name="again",
                    payload="{}",
                    occurred_at=T0,
                    created_at=T0,
                )
            assert raised.value.code == "duplicate_event_id"
            with pytest.raises(Conflict):
                uow.outbox.add(
                    event_id=before.event_id,
                    name="again",
                    payload="{}",
                    occurred_at=T0,
                    created_at=T0,
                )
            after = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [kept, before, after]

    def test_mark_delivered_takes_messages_out_of_pending_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            messages = [_add_message(uow) for _ in range(4)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.mark_delivered([], _at(5)) == 0
            assert uow.outbox.mark_delivered([messages[0].id, messages[2].id, 10**9], _at(5)) == 2
            assert uow.outbox.mark_delivered([messages[0].id, messages[1].id], _at(6)) == 1
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [messages[3]]
            assert uow.outbox.count_pending() == 1

    def test_mark_delivered_left_uncommitted_leaves_the_message_pending(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            message = _add_message(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.mark_delivered([message.id], _at(5)) == 1
            assert uow.outbox.pending(limit=10) == []
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=10) == [message]

    def test_purge_deletes_only_messages_delivered_before_the_cutoff(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            old, at_cutoff, recent, waiting = [_add_message(uow) for _ in range(4)]
            uow.outbox.mark_delivered([old.id], _at(1))
            uow.outbox.mark_delivered([at_cutoff.id], _at(10))
            uow.outbox.mark_delivered([recent.id], _at(20))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(10)) == 1
        with storage.unit_of_work() as uow:
            # The purge above was not committed: the old message is still there.
            assert uow.outbox.purge_delivered(before=_at(10)) == 1
            assert uow.outbox.purge_delivered(before=_at(10)) == 0
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(30)) == 2
            assert uow.outbox.pending(limit=10) == [waiting]
            uow.commit()

    def test_outbox_positions_are_never_handed_out_again(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            first = [_add_message(uow) for _ in range(3)]
            uow.outbox.mark_delivered([m.id for m in first], _at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.outbox.purge_delivered(before=_at(2)) == 3
            uow.commit()
        with storage.unit_of_work() as uow:
            later = _add_message(uow)
            uow.commit()
        assert later.id > max(m.id for m in first)

    # =====================================================================
    # Properties
    # =====================================================================

    @_property_settings
    @given(deltas=st.lists(st.integers(-20, 20), max_size=8))
    def test_score_is_the_sum_of_its_add_score_deltas(
        self, storage: Storage, deltas: list[int]
    ) -> None:
        graph = self._seed(storage)
        for delta in deltas:
            with storage.unit_of_work() as uow:
                uow.posts.add_score(graph.reply.id, delta)
                uow.commit()
        with storage.unit_of_work() as uow:
            reply = uow.posts.get(graph.reply.id)
        assert reply is not None and reply.score == sum(deltas)

    @_property_settings
    @given(
        start=st.integers(-100, 100),
        committed=st.lists(st.integers(-50, 50), max_size=6),
        abandoned=st.lists(st.integers(-50, 50), min_size=1, max_size=6),
    )
    def test_rolled_back_increments_leave_the_committed_counters(
        self, storage: Storage, start: int, committed: list[int], abandoned: list[int]
    ) -> None:
        with storage.unit_of_work() as uow:
            graph = _seed_graph(uow)
            uow.members.set_reputation(graph.author.id, start)
            uow.commit()
        for deltas, keep in ((committed, True), (abandoned, False)):
            with storage.unit_of_work() as uow:
                for delta in deltas:
                    uow.members.add_reputation(graph.author.id, delta)
                    uow.posts.add_score(graph.reply.id, delta)
                    uow.threads.record_reply(graph.thread.id, delta=delta, at=None)
                if keep:
                    uow.commit()
        with storage.unit_of_work() as uow:
            member = uow.members.get(graph.author.id)
            reply = uow.posts.get(graph.reply.id)
            thread = uow.threads.get(graph.thread.id)
        assert member is not None and reply is not None and thread is not None
        assert member.reputation == start + sum(committed)
        assert reply.score == sum(committed)
        assert thread.reply_count == graph.thread.reply_count + sum(committed)

    @_property_settings
    @given(attempts=st.lists(st.tuples(st.integers(0, 3), st.sampled_from([1, -1])), max_size=10))
    def test_one_vote_per_member_per_post(
        self, storage: Storage, attempts: list[tuple[int, int]]
    ) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            voters = [_add_member(uow) for _ in range(4)]
            uow.commit()
        first_value: dict[int, int] = {}
        for index, value in attempts:
            with storage.unit_of_work() as uow:
                if index in first_value:
                    with pytest.raises(Conflict):
                        uow.votes.add(
                            post_id=graph.reply.id,
                            member_id=voters[index].id,
                            value=value,
                            cast_at=T0,
                        )
                else:
                    uow.votes.add(
                        post_id=graph.reply.id, member_id=voters[index].id, value=value, cast_at=T0
                    )
                    first_value[index] = value
                uow.commit()
        with storage.unit_of_work() as uow:
            votes = uow.votes.for_post(graph.reply.id)
        expected = sorted((voters[i].id, v) for i, v in first_value.items())
        assert sorted((v.member_id, v.value) for v in votes) == expected
        assert [v.id for v in votes] == sorted(v.id for v in votes)

    @_property_settings
    @given(reputations=st.lists(st.integers(-5, 5), min_size=1, max_size=6))
    def test_top_agrees_with_reputations_sorted_by_reputation_then_id(
        self, storage: Storage, reputations: list[int]
    ) -> None:
        with storage.unit_of_work() as uow:
            for reputation in reputations:
                _add_member(uow, reputation=reputation)
            uow.commit()
        with storage.unit_of_work() as uow:
            everyone = uow.members.reputations()
            # cast: in ports.py the method ``MemberRepository.list`` shadows the builtin
            # in ``top``'s annotation, which mypy then refuses to iterate.
            top = cast("list[Member]", uow.members.top(limit=len(everyone)))
            above = uow.members.count_above(reputations[0])
        expected = sorted(everyone.items(), key=lambda item: (-item[1], item[0]))
        assert [(m.id, m.reputation) for m in top] == expected
        assert above == sum(1 for r in everyone.values() if r > reputations[0])

    @_property_settings
    @given(
        rows=st.lists(
            st.tuples(
                st.integers(0, 2),  # member
                st.integers(-5, 10),  # delta
                st.integers(0, 9),  # minute
                st.integers(0, 2),  # space: first, second, none
            ),
            max_size=12,
        ),
        since=st.none() | st.integers(0, 9),
        until=st.none() | st.integers(0, 10),
        in_spaces=st.sampled_from([(0,), (1,), (0, 1)]),
    )
    def test_gains_agree_with_a_plain_sum(
        self,
        storage: Storage,
        rows: list[tuple[int, int, int, int]],
        since: int | None,
        until: int | None,
        in_spaces: tuple[int, ...],
    ) -> None:
        # Filtering by this example's own spaces keeps other examples' rows out.
        with storage.unit_of_work() as uow:
            members = [_add_member(uow).id for _ in range(3)]
            chosen = [_add_space(uow).id, _add_space(uow).id]
            spaces: list[int | None] = [*chosen, None]
            for member, delta, minute, space in rows:
                _append(uow, members[member], delta, at=_at(minute), space_id=spaces[space])
            uow.commit()
        sums: dict[int, int] = {}
        for member, delta, minute, space in rows:
            if space in in_spaces and (since is None or since <= minute):
                if until is None or minute < until:
                    sums[members[member]] = sums.get(members[member], 0) + delta
        expected = sorted(
            ((m, total) for m, total in sums.items() if total > 0),
            key=lambda item: (-item[1], item[0]),
        )
        with storage.unit_of_work() as uow:
            gains = uow.ledger.gains(
                since=None if since is None else _at(since),
                until=None if until is None else _at(until),
                space_ids=[chosen[i] for i in in_spaces],
                limit=10,
            )
        assert gains == expected

    @_property_settings
    @given(units=st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=8))
    def test_outbox_pending_is_every_committed_message_in_order(
        self, storage: Storage, units: list[tuple[int, bool]]
    ) -> None:
        # Deliver what earlier examples left, so only this example's messages are pending.
        with storage.unit_of_work() as uow:
            while leftovers := uow.outbox.pending(limit=100):
                uow.outbox.mark_delivered([m.id for m in leftovers], T0)
            uow.commit()
        committed: list[OutboxMessage] = []
        for count, keep in units:
            with storage.unit_of_work() as uow:
                added = [_add_message(uow) for _ in range(count)]
                if keep:
                    uow.commit()
                    committed.extend(added)
        with storage.unit_of_work() as uow:
            assert uow.outbox.pending(limit=100) == committed
            assert uow.outbox.count_pending() == len(committed)

"""Contract tests for the aggregate reads of engagement: members by role, author
statistics (champions) and rule counts (per-activity leaderboards).

The engagement capabilities' own storage is checked in
:mod:`socialcrm.testing.contract.invitations`, :mod:`socialcrm.testing.contract.polls`
and :mod:`socialcrm.testing.contract.contests`.
"""

from __future__ import annotations

from socialcrm.capabilities.members.records import AuthorStats
from socialcrm.capabilities.reputation.records import LedgerWindow, NewLedgerEntry
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _at,
    _fresh,
)
from socialcrm.testing.contract.contests import ContestContract


def _entry(
    uow: UnitOfWork,
    member_id: int,
    delta: int,
    *,
    rule: str,
    minute: int,
    space_id: int,
    undoes: int | None = None,
) -> int:
    entry = uow.ledger.append(
        NewLedgerEntry(
            member_id=member_id,
            delta=delta,
            requested=delta,
            rule=rule,
            event="contract_event",
            cause=_fresh("cause"),
            at=_at(minute),
            undoes=undoes,
            space_id=space_id,
        )
    )
    return entry.id


class EngagementContract(ContractBase):
    """Engagement aggregates: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_ids_with_roles(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            staff = _add_member(uow, roles=frozenset({"member", "staff"}))
            admin = _add_member(uow, roles=frozenset({"member", "admin", "champion"}))
            _add_member(uow)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert {staff.id, admin.id} <= uow.members.ids_with_roles(["staff", "admin"])
            found = uow.members.ids_with_roles(["champion"])
            assert admin.id in found and staff.id not in found
            assert uow.members.ids_with_roles([]) == frozenset()

    def test_author_stats_count_posts_answers_accepts_and_score(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            asker, helper, late = _add_member(uow), _add_member(uow), _add_member(uow)
            placeholder = _add_member(uow, roles=frozenset({"member", "placeholder"}))
            space, elsewhere = _add_space(uow), _add_space(uow)
            question, _ = _add_topic(uow, space.id, asker.id, created_at=_at(1))
            answer = _add_post(uow, question.id, helper.id, created_at=_at(2))
            own = _add_post(uow, question.id, asker.id, created_at=_at(3))
            _add_post(uow, question.id, placeholder.id, created_at=_at(3))
            uow.posts.add_score(answer.id, 4)
            assert uow.threads.compare_and_set_accepted(question.id, expected=None, new=answer.id)
            talk, _ = _add_topic(uow, space.id, helper.id, kind="discussion", created_at=_at(4))
            gone = _add_post(uow, talk.id, helper.id, created_at=_at(5))
            uow.posts.mark_deleted(gone.id, by=helper.id, at=_at(6))
            _add_post(uow, talk.id, helper.id, created_at=_at(6))
            _add_post(uow, question.id, late.id, created_at=_at(50))
            other_q, _ = _add_topic(uow, elsewhere.id, asker.id, created_at=_at(1))
            # The asker's own accepted answer is not counted as accepted.
            own_thread, _ = _add_topic(uow, space.id, late.id, created_at=_at(7))
            own_answer = _add_post(uow, own_thread.id, late.id, created_at=_at(8))
            uow.threads.compare_and_set_accepted(own_thread.id, expected=None, new=own_answer.id)
            uow.commit()
        assert own.id and other_q.id
        with storage.unit_of_work() as uow:
            stats = uow.posts.author_stats(since=_at(0), until=_at(40), space_ids=[space.id])
            assert stats == sorted(stats, key=lambda s: s.member_id)
            by_member = {s.member_id: s for s in stats}
            assert placeholder.id not in by_member
            assert by_member[asker.id] == AuthorStats(
                member_id=asker.id, posts=2, answers=1, accepted_answers=0, score=0
            )
            assert by_member[helper.id] == AuthorStats(
                member_id=helper.id, posts=3, answers=1, accepted_answers=1, score=4
            )
            assert by_member[late.id] == AuthorStats(
                member_id=late.id, posts=2, answers=1, accepted_answers=0, score=0
            )
            excluded = uow.posts.author_stats(
                since=None, until=None, space_ids=[space.id], exclude_member_ids=[helper.id]
            )
            assert helper.id not in {s.member_id for s in excluded}
            assert {s.member_id: s.posts for s in excluded}[late.id] == 3
            assert uow.posts.author_stats(since=None, until=None, space_ids=[]) == []

    def test_rule_counts_count_active_entries_only(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a, b = _add_member(uow), _add_member(uow)
            placeholder = _add_member(uow, roles=frozenset({"member", "placeholder"}))
            rule = _fresh("rule")[:60]
            for member, minute in ((a, 1), (a, 2), (b, 3), (placeholder, 3)):
                _entry(uow, member.id, 15, rule=rule, minute=minute, space_id=7)
            undone = _entry(uow, b.id, 15, rule=rule, minute=4, space_id=7)
            _entry(uow, b.id, -15, rule=rule, minute=5, space_id=7, undoes=undone)
            _entry(uow, b.id, 10, rule="other_rule", minute=4, space_id=7)
            _entry(uow, b.id, 15, rule=rule, minute=90, space_id=8)
            uow.commit()
        with storage.unit_of_work() as uow:
            counts = uow.ledger.rule_counts(
                [rule], LedgerWindow(since=_at(0), until=_at(60), space_ids=None), limit=10
            )
            assert counts == [(a.id, 2), (b.id, 1)]
            assert uow.ledger.rule_counts(
                [rule], LedgerWindow(since=None, until=None, space_ids=[8]), limit=10
            ) == [(b.id, 1)]
            assert uow.ledger.rule_counts(
                [rule], LedgerWindow(since=None, until=None, space_ids=None), limit=1
            ) == [(a.id, 2)]  # a tie: member id ascending
            assert uow.ledger.rule_counts(
                [rule],
                LedgerWindow(since=None, until=None, space_ids=None, exclude_member_ids=[a.id]),
                limit=10,
            ) == [(b.id, 2)]
            assert (
                uow.ledger.rule_counts(
                    [rule], LedgerWindow(since=None, until=None, space_ids=[]), limit=10
                )
                == []
            )


__all__ = ["ContestContract", "EngagementContract"]

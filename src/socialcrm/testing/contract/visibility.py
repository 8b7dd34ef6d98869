"""Contract tests for ``exclude_space_ids``: the reads that leave out spaces a viewer cannot see.

Every port query that can show content from a space takes ``exclude_space_ids``
(the spaces the viewer cannot see). Rows with no space always count; rows in an
excluded space never do, and the filter runs before paging, counting and ranking.
"""

from __future__ import annotations

import attrs

from socialcrm.capabilities.audit.records import AuditQuery, NewAuditEntry
from socialcrm.capabilities.badges.records import NewBadgeAward
from socialcrm.capabilities.flags.records import NewFlag
from socialcrm.capabilities.reputation.records import LedgerWindow
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_audit,
    _add_member,
    _add_space,
    _add_topic,
    _append,
    _at,
)


class VisibilityContract(ContractBase):
    """Reads filtered by space: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_ledger_reads_leave_out_excluded_spaces_before_paging_and_ranking(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            one, two = _add_member(uow), _add_member(uow)
            shown, hidden = _add_space(uow), _add_space(uow)
            free = _append(uow, one.id, 5, at=_at(1))
            public = _append(uow, one.id, 10, at=_at(2), space_id=shown.id)
            _append(uow, one.id, 50, at=_at(3), space_id=hidden.id)
            _append(uow, two.id, 40, at=_at(4), space_id=hidden.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            history = uow.ledger.history(one.id, limit=2, exclude_space_ids=[hidden.id])
            assert history == [public, free]
            assert len(uow.ledger.history(one.id, limit=10)) == 3
            gains = uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=None, exclude_space_ids=[hidden.id]),
                limit=10,
            )
            assert gains == [(one.id, 15)]
            assert uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=None, exclude_space_ids=[]), limit=10
            ) == [(one.id, 65), (two.id, 40)]
            counts = uow.ledger.rule_counts(
                ["contract"],
                LedgerWindow(since=None, until=None, space_ids=None, exclude_space_ids=[hidden.id]),
                limit=10,
            )
            assert counts == [(one.id, 2)]

    def test_audit_entries_keep_their_space_and_leave_out_excluded_ones(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            shown, hidden = _add_space(uow), _add_space(uow)
            free = _add_audit(uow, action="role_granted", at=_at(1))
            public = uow.audit.append(
                NewAuditEntry(
                    at=_at(2), actor_id=1, action="post_deleted", thread_id=3, space_id=shown.id
                )
            )
            secret = uow.audit.append(
                NewAuditEntry(
                    at=_at(3), actor_id=1, action="post_deleted", thread_id=4, space_id=hidden.id
                )
            )
            uow.commit()
        assert public.space_id == shown.id and free.space_id is None
        with storage.unit_of_work() as uow:
            everything, out = AuditQuery(), AuditQuery(exclude_space_ids=[hidden.id])
            assert uow.audit.entries(everything, limit=10) == [secret, public, free]
            assert uow.audit.entries(out, limit=1) == [public]
            assert uow.audit.entries(attrs.evolve(out, thread_id=4), limit=10) == []
            assert uow.audit.entries(AuditQuery(thread_id=4), limit=10) == [secret]

    def test_badge_awards_keep_their_space_and_reads_leave_out_excluded_ones(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            one, two = _add_member(uow), _add_member(uow)
            shown, hidden = _add_space(uow), _add_space(uow)
            free = uow.badges.award(
                NewBadgeAward(badge="b", member_id=one.id, subject="", awarded_at=_at(1))
            )
            secret = uow.badges.award(
                NewBadgeAward(
                    badge="b", member_id=two.id, subject="", awarded_at=_at(2), space_id=hidden.id
                )
            )
            public = uow.badges.award(
                NewBadgeAward(
                    badge="c", member_id=two.id, subject="", awarded_at=_at(3), space_id=shown.id
                )
            )
            uow.commit()
        assert free is not None and secret is not None and public is not None
        assert secret.space_id == hidden.id
        with storage.unit_of_work() as uow:
            assert uow.badges.for_member(two.id) == [secret, public]
            assert uow.badges.for_member(two.id, exclude_space_ids=[hidden.id]) == [public]
            assert uow.badges.holders("b", limit=10) == [free, secret]
            assert uow.badges.holders("b", limit=10, exclude_space_ids=[hidden.id]) == [free]
            assert uow.badges.count_holders("b", exclude_space_ids=[hidden.id]) == 1
            assert uow.badges.count_holders("b") == 2

    def test_decided_flags_and_accuracy_leave_out_excluded_spaces(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            flagger, author, mod = _add_member(uow), _add_member(uow), _add_member(uow)
            shown, hidden = _add_space(uow), _add_space(uow)
            ids = []
            for space in (shown, hidden):
                _, post = _add_topic(uow, space.id, author.id)
                ids.append(
                    uow.flags.add(
                        NewFlag(
                            flagger_id=flagger.id,
                            member_id=author.id,
                            post_id=post.id,
                            thread_id=post.thread_id,
                            space_id=space.id,
                            reason="spam",
                            text="",
                            weight=1,
                            created_at=_at(1),
                        )
                    ).id
                )
            uow.flags.decide(ids, status="agreed", by=mod.id, at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert len(uow.flags.decided(since=_at(0), until=_at(9))) == 2
            kept = uow.flags.decided(since=_at(0), until=_at(9), exclude_space_ids=[hidden.id])
            assert [f.id for f in kept] == ids[:1]
            assert uow.flags.accuracy(flagger.id).agreed == 2
            assert uow.flags.accuracy(flagger.id, exclude_space_ids=[hidden.id]).agreed == 1

    def test_a_tag_used_only_in_excluded_spaces_is_not_known(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author = _add_member(uow)
            shown, hidden = _add_space(uow), _add_space(uow)
            _add_topic(uow, shown.id, author.id, tags=("both",))
            _add_topic(uow, hidden.id, author.id, tags=("both", "secret"))
            uow.threads.add_tags(["unused"], _at(1))
            uow.commit()
        names = ["both", "secret", "unused", "missing"]
        with storage.unit_of_work() as uow:
            assert uow.threads.known_tags(names) == frozenset({"both", "secret", "unused"})
            assert uow.threads.known_tags(names, exclude_space_ids=[hidden.id]) == frozenset(
                {"both", "unused"}
            )

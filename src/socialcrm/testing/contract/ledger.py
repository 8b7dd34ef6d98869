"""Contract tests for the reputation ledger: history, totals, caps, causes and gains."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.reputation.records import LedgerEntry, LedgerWindow, NewLedgerEntry
from socialcrm.capabilities.spaces.records import Space
from socialcrm.errors import Conflict, ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_space,
    _append,
    _at,
)


class LedgerContract(ContractBase):
    """Ledger: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_ledger_entry_round_trips_every_field(self, storage: Storage) -> None:
        graph = self._seed(storage)
        with storage.unit_of_work() as uow:
            full = uow.ledger.append(
                NewLedgerEntry(
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

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("at", {"at": datetime(2026, 1, 5, 9, 0)}),
            ("at", {"at": None}),
            ("rule", {"rule": ""}),
            ("rule", {"rule": "r" * 65}),
            ("event", {"event": ""}),
            ("event", {"event": "e" * 65}),
            ("cause", {"cause": ""}),
            ("cause", {"cause": "c" * 256}),
            ("cap_day", {"cap_day": datetime(2026, 1, 5, tzinfo=timezone.utc)}),
            ("cap_day", {"cap_day": "2026-01-05"}),
        ],
    )
    def test_bad_new_ledger_entries_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # NewLedgerEntry checks itself: no adapter can be handed a bad entry.
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            good: dict[str, Any] = {
                "member_id": member.id,
                "delta": 1,
                "requested": 1,
                "rule": "r" * 64,
                "event": "e" * 64,
                "cause": "c" * 255,
                "at": _at(0),
                "cap_day": date(2026, 1, 5),
            }
            with pytest.raises(ValidationError) as raised:
                NewLedgerEntry(**{**good, **changes})
            assert raised.value.field == field
            kept = uow.ledger.append(NewLedgerEntry(**good))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.history(member.id, limit=10) == [kept]

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

    def test_live_changes_are_the_members_entries_not_undone_oldest_first(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            member, other = _add_member(uow), _add_member(uow)
            gain = _append(uow, member.id, 10, cause="post:5:vote:1")
            undone = _append(uow, member.id, -2, cause="post:5:vote:2")
            _append(uow, member.id, 2, cause="post:5:vote:2", undoes=undone.id)
            _append(uow, other.id, 7, cause="post:6:vote:3")
            capped = uow.ledger.append(
                NewLedgerEntry(
                    member_id=member.id,
                    delta=3,
                    requested=10,
                    rule="answer_upvoted",
                    event="vote_cast",
                    cause="post:5:vote:4",
                    at=_at(20),
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.live_changes(member.id) == [
                (gain.id, 10, 10),
                (capped.id, 3, 10),
            ]
            assert uow.ledger.live_changes(987654) == []

    def test_an_entry_is_undone_at_most_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            entry = _append(uow, member.id, 10, cause="post:9:vote:1")
            first = _append(uow, member.id, -10, cause="post:9:vote:1", undoes=entry.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(Conflict) as refused:
                _append(uow, member.id, -10, cause="post:9:vote:1", undoes=entry.id)
            assert refused.value.code == "already_undone"
            # The refusal leaves the unit usable, and nothing was appended.
            later = _append(uow, member.id, 4, cause="post:9:vote:2")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [e.id for e in uow.ledger.history(member.id, limit=10)] == [
                later.id,
                first.id,
                entry.id,
            ]

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

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("since", {"since": datetime(2026, 1, 1)}),
            ("until", {"until": "2026-01-01"}),
            ("space_ids", {"space_ids": "12"}),
            ("space_ids", {"space_ids": [0]}),
            ("exclude_member_ids", {"exclude_member_ids": 3}),
            ("exclude_member_ids", {"exclude_member_ids": [True]}),
            ("exclude_space_ids", {"exclude_space_ids": ["1"]}),
        ],
    )
    def test_bad_ledger_windows_are_refused_when_built(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        # LedgerWindow checks itself: no adapter can be handed a bad window.
        good: dict[str, Any] = {"since": _at(0), "until": None, "space_ids": None}
        with pytest.raises(ValidationError) as raised:
            LedgerWindow(**{**good, **changes})
        assert raised.value.field == field
        window = LedgerWindow(**good, exclude_member_ids=[2, 2], exclude_space_ids=(1,))
        assert window.exclude_member_ids == frozenset({2})
        with storage.unit_of_work() as uow:
            assert uow.ledger.gains(window, limit=10) == []

    def test_gains_rank_highest_sum_first_then_member_id(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            gains = uow.ledger.gains(LedgerWindow(since=None, until=None, space_ids=None), limit=10)
        assert gains == [(d.id, 19), (a.id, 15), (c.id, 15)]

    def test_gains_include_since_and_exclude_until(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            window = uow.ledger.gains(
                LedgerWindow(since=_at(2), until=_at(4), space_ids=None), limit=10
            )
            after = uow.ledger.gains(
                LedgerWindow(since=_at(3), until=None, space_ids=None), limit=10
            )
            before = uow.ledger.gains(
                LedgerWindow(since=None, until=_at(2), space_ids=None), limit=10
            )
        assert window == [(c.id, 15), (a.id, 5)]
        assert after == [(c.id, 15), (d.id, 4)]
        assert before == [(b.id, 20), (d.id, 15), (a.id, 10)]

    def test_gains_keep_to_the_given_spaces(self, storage: Storage) -> None:
        (a, b, c, d), one, two = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            in_one = uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=[one.id]), limit=10
            )
            in_two = uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=[two.id]), limit=10
            )
            in_none = uow.ledger.gains(LedgerWindow(since=None, until=None, space_ids=[]), limit=10)
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
            gains = uow.ledger.gains(LedgerWindow(since=None, until=None, space_ids=None), limit=10)
        assert gains == [(positive.id, 1)]

    def test_gains_exclude_members_and_respect_the_limit(self, storage: Storage) -> None:
        (a, b, c, d), _, _ = self._seed_gains(storage)
        with storage.unit_of_work() as uow:
            without_d = uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=None, exclude_member_ids=[d.id]),
                limit=10,
            )
            top_two = uow.ledger.gains(
                LedgerWindow(since=None, until=None, space_ids=None), limit=2
            )
        assert without_d == [(a.id, 15), (c.id, 15)]
        assert top_two == [(d.id, 19), (a.id, 15)]

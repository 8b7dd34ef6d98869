"""Contract tests for badge awards, the reads badge checks make, and thread view counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from socialcrm.capabilities.badges.records import BadgeAward, NewBadgeAward
from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE
from socialcrm.errors import NotFound, ValidationError
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
)


class BadgeContract(ContractBase):
    """Badges and views: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_an_award_is_stored_once_per_badge_member_and_subject(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            first = uow.badges.award(
                NewBadgeAward(badge="supporter", member_id=member.id, subject="", awarded_at=_at(1))
            )
            again = uow.badges.award(
                NewBadgeAward(badge="supporter", member_id=member.id, subject="", awarded_at=_at(2))
            )
            per_post = uow.badges.award(
                NewBadgeAward(
                    badge="nice",
                    member_id=member.id,
                    subject="post:7",
                    awarded_at=_at(3),
                    post_id=7,
                )
            )
            uow.commit()
        assert again is None
        assert first is not None
        assert first == BadgeAward(
            id=first.id, badge="supporter", member_id=member.id, subject="", awarded_at=_at(1)
        )
        assert per_post is not None and per_post.post_id == 7
        with storage.unit_of_work() as uow:
            # The unit stays usable after a duplicate, and the duplicate changed nothing.
            assert (
                uow.badges.award(
                    NewBadgeAward(
                        badge="nice", member_id=member.id, subject="post:7", awarded_at=_at(4)
                    )
                )
                is None
            )
            other = uow.badges.award(
                NewBadgeAward(
                    badge="nice", member_id=member.id, subject="post:8", awarded_at=_at(4)
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.badges.held("supporter", member.id, "")
            assert uow.badges.held("nice", member.id, "post:7")
            assert not uow.badges.held("nice", member.id, "post:9")
            assert uow.badges.for_member(member.id) == [first, per_post, other]
            assert uow.badges.get(first.id) == first
            assert uow.badges.get(10**9) is None
            _assert_utc(uow.badges.get(first.id).awarded_at)  # type: ignore[union-attr]

    def test_awarding_to_an_unknown_member_is_not_found(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow, pytest.raises(NotFound) as raised:
            uow.badges.award(
                NewBadgeAward(badge="x", member_id=10**9, subject="", awarded_at=_at(0))
            )
        assert raised.value.code == "member_not_found"

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("badge", {"badge": ""}),
            ("badge", {"badge": "Not A Slug"}),
            ("badge", {"badge": "b" * 65}),
            ("subject", {"subject": None}),
            ("subject", {"subject": " post:7"}),
            ("subject", {"subject": "p" * 65}),
            ("awarded_at", {"awarded_at": datetime(2026, 1, 5, 9, 0)}),
        ],
    )
    def test_bad_awards_are_refused_when_made_so_nothing_is_written(
        self, storage: Storage, field: str, changes: dict[str, Any]
    ) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            uow.commit()
        values: dict[str, Any] = {"badge": "b", "subject": "", "awarded_at": _at(1)}
        with pytest.raises(ValidationError) as raised:
            NewBadgeAward(member_id=member.id, **{**values, **changes})
        assert raised.value.field == field
        with storage.unit_of_work() as uow:
            assert uow.badges.for_member(member.id) == []

    def test_revoke_is_a_compare_and_set_and_hides_the_award(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member, staff = _add_member(uow), _add_member(uow)
            award = uow.badges.award(
                NewBadgeAward(badge="critic", member_id=member.id, subject="", awarded_at=_at(1))
            )
            assert award is not None
            assert uow.badges.revoke(award.id, at=_at(5), by=staff.id) is True
            assert uow.badges.revoke(award.id, at=_at(6), by=staff.id) is False
            with pytest.raises(NotFound) as raised:
                uow.badges.revoke(10**9, at=_at(6), by=None)
            assert raised.value.code == "badge_award_not_found"
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.badges.get(award.id)
            assert found is not None and (found.revoked_at, found.revoked_by) == (_at(5), staff.id)
            assert uow.badges.for_member(member.id) == []
            assert uow.badges.holders("critic", limit=10) == []
            assert uow.badges.held("critic", member.id, "")
            assert (
                uow.badges.award(
                    NewBadgeAward(
                        badge="critic", member_id=member.id, subject="", awarded_at=_at(7)
                    )
                )
                is None
            )

    def test_holders_leave_out_placeholders_and_page_by_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            a, b = _add_member(uow), _add_member(uow)
            ghost = _add_member(uow, roles=frozenset({"member", PLACEHOLDER_ROLE}))
            made = [
                uow.badges.award(
                    NewBadgeAward(badge="tl1", member_id=m.id, subject="", awarded_at=_at(1))
                )
                for m in (b, ghost, a)
            ]
            uow.badges.award(
                NewBadgeAward(badge="other", member_id=a.id, subject="", awarded_at=_at(1))
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.badges.holders("tl1", limit=10) == [made[0], made[2]]
            assert uow.badges.holders("tl1", limit=1, offset=1) == [made[2]]
            assert uow.badges.count_holders("tl1") == 2
            assert uow.badges.count_holders("none") == 0

    def test_the_reads_of_badge_checks(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            asker, solver, voter = _add_member(uow), _add_member(uow), _add_member(uow)
            space = _add_space(uow).id
            q1, _ = _add_topic(uow, space, asker.id)
            a1 = _add_post(uow, q1.id, solver.id)
            uow.threads.compare_and_set_accepted(q1.id, expected=None, new=a1.id)
            own, own_opening = _add_topic(uow, space, solver.id)
            self_answer = _add_post(uow, own.id, solver.id)
            uow.threads.compare_and_set_accepted(own.id, expected=None, new=self_answer.id)
            q2, _ = _add_topic(uow, space, asker.id, kind="discussion")
            gone = _add_post(uow, q2.id, solver.id)
            uow.posts.mark_deleted(gone.id, by=asker.id, at=_at(2))
            uow.posts.add_score(a1.id, 3)
            uow.votes.add(post_id=a1.id, member_id=voter.id, value=1, cast_at=_at(1))
            uow.votes.add(post_id=self_answer.id, member_id=voter.id, value=-1, cast_at=_at(1))
            assert uow.threads.add_views(own.id, 4) == 4
            assert uow.threads.add_views(own.id, 3) == 7
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.badges.accepted_answers(solver.id) == 1
            assert uow.badges.accepted_answers(asker.id) == 0
            posts = uow.badges.authored_posts(solver.id)
            assert [(p.post_id, p.kind, p.score, p.views) for p in posts] == [
                (a1.id, "answer", 3, 0),
                (own_opening.id, "question", 0, 7),
                (self_answer.id, "answer", 0, 7),
            ]
            assert uow.badges.votes_given(voter.id) == (1, 1)
            assert uow.badges.votes_given(asker.id) == (0, 0)
            assert uow.threads.views(own.id) == 7
            assert uow.threads.views(q1.id) == 0
            assert uow.threads.views(10**9) == 0
            with pytest.raises(NotFound):
                uow.threads.add_views(10**9, 1)

    def test_awards_and_views_roll_back_with_their_unit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            member = _add_member(uow)
            thread, _ = _add_topic(uow, _add_space(uow).id, member.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.badges.award(
                NewBadgeAward(badge="b", member_id=member.id, subject="", awarded_at=_at(1))
            )
            uow.threads.add_views(thread.id, 5)
        with storage.unit_of_work() as uow:
            assert uow.badges.for_member(member.id) == []
            assert not uow.badges.held("b", member.id, "")
            assert uow.threads.views(thread.id) == 0

"""Contract tests for engagement storage: invitations, referrals and rewards, polls, and the
aggregate reads of champions and per-activity leaderboards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from socialcrm.domain.engagement import (
    AuthorStats,
    Contest,
    ContestWinner,
    Invitation,
    ReferralReward,
)
from socialcrm.errors import Conflict
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _assert_utc,
    _at,
    _fresh,
    _property_settings,
)


def _invite(
    uow: UnitOfWork,
    inviter_id: int,
    *,
    max_uses: int | None = 1,
    expires_at_minute: int | None = 60,
    space_id: int | None = None,
) -> Invitation:
    return uow.invitations.add(
        code_hash=_fresh("hash").ljust(64, "0")[:64],
        inviter_id=inviter_id,
        space_id=space_id,
        max_uses=max_uses,
        expires_at=None if expires_at_minute is None else _at(expires_at_minute),
        created_at=_at(0),
    )


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
    return entry.id


def _reward(member_id: int, key: str, kind: str = "credit") -> ReferralReward:
    return ReferralReward(
        member_id=member_id,
        kind=kind,
        rule="contract_rule",
        key=key,
        amount=25,
        badge="contract_badge" if kind == "badge" else None,
    )


class EngagementContract(ContractBase):
    """Engagement storage: part of :class:`~socialcrm.testing.StorageContract`."""

    # ------------------------------------------------------------ invitations

    def test_invitation_round_trips_by_id_and_code_hash(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            inviter = _add_member(uow)
            space = _add_space(uow)
            added = _invite(uow, inviter.id, max_uses=5, space_id=space.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            by_id = uow.invitations.get(added.id)
            by_hash = uow.invitations.get_by_code_hash(added.code_hash)
            assert uow.invitations.get(987654) is None
            assert uow.invitations.get_by_code_hash("f" * 64) is None
        assert by_id == by_hash == added
        assert (added.uses, added.max_uses, added.space_id) == (0, 5, space.id)
        _assert_utc(by_id.expires_at if by_id else None)
        _assert_utc(by_id.created_at if by_id else None)

    def test_a_taken_code_hash_is_a_conflict_and_the_unit_stays_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            inviter = _add_member(uow)
            first = _invite(uow, inviter.id)
            try:
                uow.invitations.add(
                    code_hash=first.code_hash,
                    inviter_id=inviter.id,
                    space_id=None,
                    max_uses=1,
                    expires_at=None,
                    created_at=_at(1),
                )
            except Conflict as error:
                assert error.code == "duplicate_invite_code"
            else:
                raise AssertionError("a duplicate code hash was accepted")
            second = _invite(uow, inviter.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.invitations.by_inviter(inviter.id, limit=10) == [second, first]

    def test_use_counts_up_to_max_uses_and_never_past_it(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            inviter = _add_member(uow)
            twice = _invite(uow, inviter.id, max_uses=2)
            unlimited = _invite(uow, inviter.id, max_uses=None, expires_at_minute=None)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.invitations.use(twice.id, at=_at(1))
            assert uow.invitations.use(twice.id, at=_at(2))
            assert not uow.invitations.use(twice.id, at=_at(3))
            for minute in range(5):
                assert uow.invitations.use(unlimited.id, at=_at(minute))
            assert not uow.invitations.use(987654, at=_at(1))
            uow.commit()
        with storage.unit_of_work() as uow:
            stored_twice = uow.invitations.get(twice.id)
            stored_unlimited = uow.invitations.get(unlimited.id)
        assert stored_twice is not None and stored_twice.uses == 2
        assert stored_unlimited is not None and stored_unlimited.uses == 5

    def test_use_refuses_expired_and_revoked_codes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            inviter = _add_member(uow)
            expiring = _invite(uow, inviter.id, max_uses=10, expires_at_minute=10)
            revoked = _invite(uow, inviter.id, max_uses=10)
            uow.commit()
        with storage.unit_of_work() as uow:
            # The expiry is exclusive: at its time the code no longer works.
            assert not uow.invitations.use(expiring.id, at=_at(10))
            assert uow.invitations.use(expiring.id, at=_at(9))
            assert uow.invitations.revoke(revoked.id, at=_at(2))
            assert not uow.invitations.revoke(revoked.id, at=_at(3))
            assert not uow.invitations.revoke(987654, at=_at(3))
            assert not uow.invitations.use(revoked.id, at=_at(4))
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.invitations.get(revoked.id)
        assert stored is not None and stored.uses == 0 and stored.revoked_at == _at(2)
        _assert_utc(stored.revoked_at)

    def test_an_uncommitted_use_is_rolled_back(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            inviter = _add_member(uow)
            once = _invite(uow, inviter.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.invitations.use(once.id, at=_at(1))
        with storage.unit_of_work() as uow:
            assert uow.invitations.use(once.id, at=_at(2))
            uow.commit()

    # ------------------------------------------------------------ referrals

    def test_referrals_are_one_per_referred_member(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            referrer, referred, other = _add_member(uow), _add_member(uow), _add_member(uow)
            invitation = _invite(uow, referrer.id)
            first = uow.referrals.add(
                referrer_id=referrer.id,
                referred_id=referred.id,
                invitation_id=invitation.id,
                joined_at=_at(1),
            )
            try:
                uow.referrals.add(
                    referrer_id=other.id,
                    referred_id=referred.id,
                    invitation_id=None,
                    joined_at=_at(2),
                )
            except Conflict as error:
                assert error.code == "duplicate_referral"
            else:
                raise AssertionError("a member was referred twice")
            second = uow.referrals.add(
                referrer_id=referrer.id, referred_id=other.id, invitation_id=None, joined_at=_at(3)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.referrals.get(first.id) == first
            assert uow.referrals.for_referred(referred.id) == first
            assert uow.referrals.for_referred(referrer.id) is None
            assert uow.referrals.by_referrer(referrer.id, limit=10) == [second, first]
            assert uow.referrals.by_referrer(referrer.id, limit=1, offset=1) == [first]
            assert uow.referrals.get(987654) is None

    def test_mark_converted_is_a_compare_and_set(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            referrer, a, b = _add_member(uow), _add_member(uow), _add_member(uow)
            ra = uow.referrals.add(
                referrer_id=referrer.id, referred_id=a.id, invitation_id=None, joined_at=_at(1)
            )
            uow.referrals.add(
                referrer_id=referrer.id, referred_id=b.id, invitation_id=None, joined_at=_at(1)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.referrals.count_converted(referrer.id) == 0
            assert uow.referrals.mark_converted(ra.id, at=_at(5))
            assert not uow.referrals.mark_converted(ra.id, at=_at(6))
            assert not uow.referrals.mark_converted(987654, at=_at(6))
            assert uow.referrals.count_converted(referrer.id) == 1
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.referrals.get(ra.id)
        assert stored is not None and stored.converted_at == _at(5)
        _assert_utc(stored.converted_at)

    def test_a_reward_key_is_granted_once(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            referrer, referred = _add_member(uow), _add_member(uow)
            referral = uow.referrals.add(
                referrer_id=referrer.id, referred_id=referred.id, invitation_id=None, joined_at=T1
            )
            key = _fresh("reward")
            assert uow.referrals.add_reward(
                referral_id=referral.id, reward=_reward(referrer.id, key), at=_at(2)
            )
            assert not uow.referrals.add_reward(
                referral_id=referral.id, reward=_reward(referrer.id, key, "badge"), at=_at(3)
            )
            badge_key = _fresh("reward")
            assert uow.referrals.add_reward(
                referral_id=referral.id, reward=_reward(referrer.id, badge_key, "badge"), at=_at(4)
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.referrals.rewards_for(referrer.id) == [
                _reward(referrer.id, key),
                _reward(referrer.id, badge_key, "badge"),
            ]
            assert uow.referrals.rewards_for(referred.id) == []
            # Still taken in a later unit.
            assert not uow.referrals.add_reward(
                referral_id=referral.id, reward=_reward(referrer.id, key), at=_at(5)
            )

    # ------------------------------------------------------------ polls

    def _poll_thread(self, uow: UnitOfWork) -> tuple[int, int]:
        author = _add_member(uow)
        thread, _ = _add_topic(uow, _add_space(uow).id, author.id, kind="discussion")
        return author.id, thread.id

    def test_poll_round_trips_with_ordered_options(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            poll = uow.polls.add(
                thread_id=thread_id,
                question="Which release?",
                options=("Spring", "Summer", "Autumn"),
                multiple=True,
                hide_results=True,
                closes_at=_at(60),
                created_by=author_id,
                created_at=_at(1),
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.get(poll.id) == poll
            assert uow.polls.for_thread(thread_id) == poll
            assert uow.polls.get(987654) is None
            assert uow.polls.for_thread(987654) is None
        assert [o.label for o in poll.options] == ["Spring", "Summer", "Autumn"]
        assert [o.position for o in poll.options] == [0, 1, 2]
        assert len({o.id for o in poll.options}) == 3
        assert poll.multiple is True and poll.hide_results is True and poll.closed_at is None
        _assert_utc(poll.closes_at)

    def test_a_thread_carries_one_poll(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            kwargs = dict(
                thread_id=thread_id,
                question="Q?",
                options=("a", "b"),
                multiple=False,
                hide_results=False,
                closes_at=None,
                created_by=author_id,
                created_at=_at(1),
            )
            first = uow.polls.add(**kwargs)  # type: ignore[arg-type]
            try:
                uow.polls.add(**kwargs)  # type: ignore[arg-type]
            except Conflict as error:
                assert error.code == "duplicate_poll"
            else:
                raise AssertionError("a second poll was added to the thread")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.for_thread(thread_id) == first
            assert uow.polls.close(first.id, at=_at(5))
            assert not uow.polls.close(first.id, at=_at(6))
            assert not uow.polls.close(987654, at=_at(6))
            uow.commit()
        with storage.unit_of_work() as uow:
            closed = uow.polls.get(first.id)
        assert closed is not None and closed.closed_at == _at(5)

    def test_set_ballot_replaces_the_members_choice(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            voter, other = _add_member(uow), _add_member(uow)
            poll = uow.polls.add(
                thread_id=thread_id,
                question="Q?",
                options=("a", "b", "c"),
                multiple=True,
                hide_results=False,
                closes_at=None,
                created_by=author_id,
                created_at=_at(1),
            )
            a, b, c = (o.id for o in poll.options)
            uow.polls.set_ballot(poll.id, voter.id, [b, a], cast_at=_at(2))
            uow.polls.set_ballot(poll.id, other.id, [a], cast_at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.ballot(poll.id, voter.id) == tuple(sorted((a, b)))
            assert uow.polls.tallies(poll.id) == {a: 2, b: 1, c: 0}
            assert uow.polls.voters(poll.id) == 2
            uow.polls.set_ballot(poll.id, voter.id, [c], cast_at=_at(3))
            uow.polls.set_ballot(poll.id, other.id, [], cast_at=_at(3))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.polls.ballot(poll.id, voter.id) == (c,)
            assert uow.polls.ballot(poll.id, other.id) == ()
            assert uow.polls.tallies(poll.id) == {a: 0, b: 0, c: 1}
            assert uow.polls.voters(poll.id) == 1

    @_property_settings
    @given(
        ballots=st.lists(
            st.tuples(st.integers(0, 3), st.sets(st.integers(0, 2), max_size=3)), max_size=12
        )
    )
    def test_property_tallies_equal_the_last_ballots(
        self, storage: Storage, ballots: list[tuple[int, set[int]]]
    ) -> None:
        with storage.unit_of_work() as uow:
            author_id, thread_id = self._poll_thread(uow)
            voters = [_add_member(uow).id for _ in range(4)]
            poll = uow.polls.add(
                thread_id=thread_id,
                question="Q?",
                options=("a", "b", "c"),
                multiple=True,
                hide_results=False,
                closes_at=None,
                created_by=author_id,
                created_at=_at(1),
            )
            uow.commit()
        option_ids = [o.id for o in poll.options]
        last: dict[int, set[int]] = {}
        for voter_index, choice in ballots:
            chosen = {option_ids[i] for i in choice}
            with storage.unit_of_work() as uow:
                uow.polls.set_ballot(poll.id, voters[voter_index], chosen, cast_at=_at(2))
                uow.commit()
            last[voters[voter_index]] = chosen
        expected = {oid: sum(1 for c in last.values() if oid in c) for oid in option_ids}
        with storage.unit_of_work() as uow:
            assert uow.polls.tallies(poll.id) == expected
            assert uow.polls.voters(poll.id) == sum(1 for c in last.values() if c)
            for member_id, chosen in last.items():
                assert uow.polls.ballot(poll.id, member_id) == tuple(sorted(chosen))

    # ------------------------------------------------------------ aggregates

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
                rules=[rule], since=_at(0), until=_at(60), space_ids=None, limit=10
            )
            assert counts == [(a.id, 2), (b.id, 1)]
            assert uow.ledger.rule_counts(
                rules=[rule], since=None, until=None, space_ids=[8], limit=10
            ) == [(b.id, 1)]
            assert uow.ledger.rule_counts(
                rules=[rule], since=None, until=None, space_ids=None, limit=1
            ) == [(a.id, 2)]  # a tie: member id ascending
            assert uow.ledger.rule_counts(
                rules=[rule],
                since=None,
                until=None,
                space_ids=None,
                exclude_member_ids=[a.id],
                limit=10,
            ) == [(b.id, 2)]
            assert (
                uow.ledger.rule_counts(rules=[rule], since=None, until=None, space_ids=[], limit=10)
                == []
            )


T1 = _at(1)


class ContestContract(ContractBase):
    """Contests: part of :class:`~socialcrm.testing.StorageContract`."""

    def _contest(self, uow: UnitOfWork, *, voting_ends: int = 40) -> tuple[int, Contest]:
        author = _add_member(uow)
        thread, _ = _add_topic(uow, _add_space(uow).id, author.id, kind="discussion")
        contest = uow.contests.add(
            thread_id=thread.id,
            submission_starts_at=_at(0),
            submission_ends_at=_at(10),
            voting_starts_at=_at(10),
            voting_ends_at=_at(voting_ends),
            winners=2,
            created_by=author.id,
            created_at=_at(0),
        )
        return author.id, contest

    def test_contest_round_trips_and_is_one_per_thread(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            _, contest = self._contest(uow)
            try:
                uow.contests.add(
                    thread_id=contest.thread_id,
                    submission_starts_at=_at(0),
                    submission_ends_at=_at(1),
                    voting_starts_at=_at(1),
                    voting_ends_at=_at(2),
                    winners=1,
                    created_by=contest.created_by,
                    created_at=_at(0),
                )
            except Conflict as error:
                assert error.code == "duplicate_contest"
            else:
                raise AssertionError("a thread got two contests")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.get(contest.id) == contest
            assert uow.contests.for_thread(contest.thread_id) == contest
            assert uow.contests.get(987654) is None and uow.contests.for_thread(987654) is None
        _assert_utc(contest.voting_ends_at)
        assert contest.voting_open(_at(10)) and not contest.voting_open(_at(40))
        assert contest.accepts_entry_at(_at(0)) and not contest.accepts_entry_at(_at(10))

    def test_deciding_is_once_and_winners_are_kept_in_place_order(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author_id, contest = self._contest(uow)
            first = _add_post(uow, contest.thread_id, author_id, created_at=_at(1))
            second = _add_post(uow, contest.thread_id, author_id, created_at=_at(2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.mark_decided(contest.id, at=_at(41))
            assert not uow.contests.mark_decided(contest.id, at=_at(42))
            assert not uow.contests.mark_decided(987654, at=_at(42))
            winners = [
                ContestWinner(
                    contest_id=contest.id,
                    position=2,
                    post_id=second.id,
                    member_id=author_id,
                    score=1,
                ),
                ContestWinner(
                    contest_id=contest.id,
                    position=1,
                    post_id=first.id,
                    member_id=author_id,
                    score=3,
                ),
            ]
            uow.contests.add_winners(contest.id, winners)
            try:
                uow.contests.add_winners(contest.id, winners[:1])
            except Conflict as error:
                assert error.code == "duplicate_winner"
            else:
                raise AssertionError("a place was recorded twice")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.contests.winners(contest.id) == [winners[1], winners[0]]
            decided = uow.contests.get(contest.id)
        assert decided is not None and decided.decided_at == _at(41)

    def test_due_lists_undecided_contests_whose_voting_ended(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            _, late = self._contest(uow, voting_ends=50)
            _, early = self._contest(uow, voting_ends=30)
            _, decided = self._contest(uow, voting_ends=20)
            _, running = self._contest(uow, voting_ends=90)
            uow.contests.mark_decided(decided.id, at=_at(25))
            uow.commit()
        with storage.unit_of_work() as uow:
            due = [c.id for c in uow.contests.due(_at(60), limit=100)]
            assert early.id in due and late.id in due
            assert due.index(early.id) < due.index(late.id)
            assert decided.id not in due and running.id not in due
            assert [c.id for c in uow.contests.due(_at(30), limit=100)].count(late.id) == 0

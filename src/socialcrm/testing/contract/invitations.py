"""Contract tests for invitation storage: invitation codes and their uses, referrals and
their rewards."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from socialcrm.capabilities.invitations.records import (
    Invitation,
    NewInvitation,
    ReferralReward,
    hash_invite_code,
)
from socialcrm.errors import Conflict, ValidationError
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_space,
    _assert_utc,
    _at,
    _fresh,
)

#: When the referrals of these tests joined.
T1 = _at(1)


def _invite(
    uow: UnitOfWork,
    inviter_id: int,
    *,
    max_uses: int | None = 1,
    expires_at_minute: int | None = 60,
    space_id: int | None = None,
) -> Invitation:
    return uow.invitations.add(
        NewInvitation(
            code_hash=hash_invite_code(_fresh("code")),
            inviter_id=inviter_id,
            space_id=space_id,
            max_uses=max_uses,
            expires_at=None if expires_at_minute is None else _at(expires_at_minute),
            created_at=_at(0),
        )
    )


def _reward(member_id: int, key: str, kind: str = "credit") -> ReferralReward:
    return ReferralReward(
        member_id=member_id,
        kind=kind,
        rule="contract_rule",
        key=key,
        amount=25,
        badge="contract_badge" if kind == "badge" else None,
    )


#: A valid :class:`NewInvitation`, and changes that make one invalid with the field
#: each is refused for.
GOOD_NEW_INVITATION = NewInvitation(
    code_hash=hash_invite_code("good"),
    inviter_id=1,
    space_id=None,
    max_uses=1,
    expires_at=_at(60),
    created_at=_at(0),
)
BAD_NEW_INVITATIONS: list[tuple[dict[str, Any], str]] = [
    ({"code_hash": "plain-code"}, "code_hash"),
    ({"code_hash": hash_invite_code("x").upper()}, "code_hash"),
    ({"code_hash": None}, "code_hash"),
    ({"inviter_id": 0}, "inviter_id"),
    ({"space_id": False}, "space_id"),
    ({"max_uses": 0}, "max_uses"),
    ({"max_uses": "5"}, "max_uses"),
    ({"created_at": _at(0).replace(tzinfo=None)}, "created_at"),
    ({"expires_at": _at(0)}, "expires_at"),
    ({"expires_at": 60}, "expires_at"),
]


class InvitationContract(ContractBase):
    """Invitations and referrals: part of :class:`~socialcrm.testing.StorageContract`."""

    @pytest.mark.parametrize(("change", "field"), BAD_NEW_INVITATIONS)
    def test_a_bad_new_invitation_is_refused_when_built(
        self, change: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(GOOD_NEW_INVITATION, **change)
        assert raised.value.field == field

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
            with pytest.raises(Conflict) as raised:
                uow.invitations.add(
                    NewInvitation(
                        code_hash=first.code_hash,
                        inviter_id=inviter.id,
                        space_id=None,
                        max_uses=1,
                        expires_at=None,
                        created_at=_at(1),
                    )
                )
            assert raised.value.code == "duplicate_invite_code"
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
            with pytest.raises(Conflict) as raised:
                uow.referrals.add(
                    referrer_id=other.id,
                    referred_id=referred.id,
                    invitation_id=None,
                    joined_at=_at(2),
                )
            assert raised.value.code == "duplicate_referral"
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

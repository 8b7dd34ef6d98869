"""Invitations (codes, links, uses, expiry, spaces) and referrals (conversions, rewards)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socialcrm import Conflict, NotFound, PermissionDenied, ValidationError, hookimpl, signals
from socialcrm.capabilities.invitations.records import ReferralReward, hash_invite_code
from socialcrm.settings import Settings


@pytest.fixture
def earned() -> Any:
    """Every ``referral_reward_earned`` event sent while the test runs."""
    events: list[Any] = []

    def receive(sender: Any, event: Any) -> None:
        events.append(event)

    signals.referral_reward_earned.connect(receive)
    yield events
    signals.referral_reward_earned.disconnect(receive)


def _join(c: Any, name: str, code: str | None = None) -> int:
    return c.members.join(external_id=f"ext-{name}", display_name=name.title(), invite_code=code).id


# ---------------------------------------------------------------- codes


def test_a_code_is_unguessable_shown_once_and_stored_hashed(world):
    c = world.c
    alice = world.member("alice")
    issued = c.invitations.create(actor=alice, max_uses=3)
    assert len(issued.code) >= 22
    assert issued.invitation.code_hash == hash_invite_code(issued.code)
    assert issued.code not in issued.invitation.code_hash
    other = c.invitations.create(actor=alice)
    assert other.code != issued.code
    assert [i.id for i in c.invitations.list(actor=alice)] == [
        other.invitation.id,
        issued.invitation.id,
    ]
    # The default expiry and single use.
    assert other.invitation.max_uses == 1
    assert other.invitation.expires_at == c.clock.now() + timedelta(
        days=c.settings.invitation_default_days
    )


def test_the_link_carries_the_code_in_its_query():
    from socialcrm.capabilities.invitations.service import Invitations

    assert (
        Invitations.link("https://example.com/join", "abc") == "https://example.com/join?invite=abc"
    )
    assert (
        Invitations.link("https://example.com/join?ref=mail", "a b")
        == "https://example.com/join?ref=mail&invite=a+b"
    )
    with pytest.raises(ValidationError):
        Invitations.link("", "abc")


def test_joining_with_a_code_records_the_referral(world):
    c = world.c
    alice = world.member("alice")
    issued = c.invitations.create(actor=alice)
    bob = _join(c, "bob", issued.code)
    assert c.referrals.referrer_of(actor=bob, member=bob) == alice
    assert [r.referred_id for r in c.referrals.of(actor=alice)] == [bob]
    assert c.invitations.list(actor=alice)[0].uses == 1
    carol = _join(c, "carol")
    assert c.referrals.referrer_of(actor=carol, member=carol) is None
    with pytest.raises(PermissionDenied):
        c.referrals.referrer_of(actor=carol, member=bob)
    with pytest.raises(PermissionDenied):
        c.referrals.of(actor=carol, member=alice)
    assert [r.referred_id for r in c.referrals.of(actor=world.admin.id, member=alice)] == [bob]


def test_a_used_up_code_refuses_the_join_and_adds_nobody(world):
    c = world.c
    alice = world.member("alice")
    issued = c.invitations.create(actor=alice, max_uses=2)
    _join(c, "bob", issued.code)
    _join(c, "carol", issued.code)
    before = c.members.list(limit=100)
    with pytest.raises(Conflict) as refused:
        _join(c, "dave", issued.code)
    assert refused.value.code == "invite_used_up"
    assert c.members.list(limit=100) == before
    assert c.invitations.list(actor=alice)[0].uses == 2


def test_an_expired_code_is_refused(world):
    c = world.c
    alice = world.member("alice")
    issued = c.invitations.create(actor=alice, expires_at=c.clock.now() + timedelta(hours=1))
    c.clock.advance(timedelta(hours=1))
    with pytest.raises(Conflict) as refused:
        _join(c, "bob", issued.code)
    assert refused.value.code == "invite_expired"
    with pytest.raises(NotFound):
        c.members.by_external_id("ext-bob")


def test_a_revoked_or_unknown_code_is_refused(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    issued = c.invitations.create(actor=alice, max_uses=5)
    with pytest.raises(NotFound):
        c.invitations.revoke(actor=bob, invitation=issued.invitation.id)
    assert c.invitations.revoke(actor=alice, invitation=issued.invitation.id) is True
    assert c.invitations.revoke(actor=alice, invitation=issued.invitation.id) is False
    with pytest.raises(Conflict) as refused:
        _join(c, "carol", issued.code)
    assert refused.value.code == "invite_revoked"
    with pytest.raises(NotFound) as unknown:
        _join(c, "dave", "not-a-code")
    assert unknown.value.code == "invite_not_found"
    with pytest.raises(ValidationError):
        _join(c, "erin", "x" * 500)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_uses": 0},
        {"max_uses": 1001},
        {"max_uses": True},
        {"max_uses": "3"},
        {"expires_at": "tomorrow"},
    ],
)
def test_bad_invitation_input_is_a_validation_error(world, kwargs):
    alice = world.member("alice")
    with pytest.raises(ValidationError):
        world.c.invitations.create(actor=alice, **kwargs)
    assert world.c.invitations.list(actor=alice) == []


def test_expiry_must_be_in_the_future_and_within_the_limit(world):
    c = world.c
    alice = world.member("alice")
    now = c.clock.now()
    for bad in (now, now - timedelta(days=1), now + timedelta(days=91)):
        with pytest.raises(ValidationError):
            c.invitations.create(actor=alice, expires_at=bad)
    assert c.invitations.create(actor=alice, expires_at=now + timedelta(days=90))


def test_inviting_needs_the_invite_privilege(make_community):
    c = make_community(settings=Settings().with_privileges(invite=50))
    newcomer = _join(c, "newcomer")
    with pytest.raises(PermissionDenied) as refused:
        c.invitations.create(actor=newcomer)
    assert refused.value.privilege == "invite"


def test_a_space_code_gives_membership_of_the_private_space(world):
    c = world.c
    vip = c.spaces.create(actor=world.admin.id, slug="vip", name="VIP", visibility="private")
    alice = world.member("alice")
    with pytest.raises(NotFound):  # a private space alice cannot see is not named to her
        c.invitations.create(actor=alice, space="vip")
    c.spaces.add_member(actor=world.admin.id, space="vip", member=world.mod.id)
    c.members.revoke_role(actor=world.admin.id, member=world.mod.id, role="moderator")
    with pytest.raises(PermissionDenied):  # a member of the space, but not staff
        c.invitations.create(actor=world.mod.id, space="vip")
    with pytest.raises(ValidationError):
        c.invitations.create(actor=world.admin.id, space="billing")
    issued = c.invitations.create(actor=world.admin.id, space="vip", max_uses=10)
    bob = _join(c, "bob", issued.code)
    assert c.spaces.get(actor=bob, space="vip") == vip
    with pytest.raises(NotFound):
        c.spaces.get(actor=alice, space="vip")
    # An existing member redeems the same code to enter the space; no referral then.
    assert c.invitations.redeem(actor=alice, code=issued.code).id == issued.invitation.id
    assert c.spaces.get(actor=alice, space="vip") == vip
    assert c.referrals.referrer_of(actor=alice, member=alice) is None
    plain = c.invitations.create(actor=alice)
    with pytest.raises(Conflict) as refused:
        c.invitations.redeem(actor=alice, code=plain.code)
    assert refused.value.code == "invite_without_space"
    assert c.invitations.list(actor=alice)[0].uses == 0


# ---------------------------------------------------------------- conversions and rewards


def test_a_referral_reward_is_signalled_exactly_once_when_converted_twice(world, earned):
    c = world.c
    alice = world.member("alice")
    bob = _join(c, "bob", c.invitations.create(actor=alice).code)
    first = c.referrals.converted(referred=bob)
    second = c.referrals.converted(referred=bob)
    assert first is not None and first.newly_converted
    assert second is not None and not second.newly_converted and second.rewards == ()
    assert [(e.member_id, e.kind, e.amount, e.rule) for e in earned] == [
        (alice, "credit", 2000, "referral_converted")
    ]
    assert second.referral.converted_at == first.referral.converted_at


def test_converting_a_member_nobody_referred_does_nothing(world, earned):
    c = world.c
    bob = _join(c, "bob")
    assert c.referrals.converted(referred=bob) is None
    with pytest.raises(NotFound):
        c.referrals.converted(referred=bob + 1000)
    assert earned == []


def test_three_converted_referrals_complete_the_challenge_once(world, earned):
    c = world.c
    alice = world.member("alice")
    code = c.invitations.create(actor=alice, max_uses=10).code
    friends = [_join(c, f"friend{i}", code) for i in range(4)]
    for friend in friends:
        c.referrals.converted(referred=friend)
    badges = [e for e in earned if e.kind == "badge"]
    assert [(e.member_id, e.badge, e.rule) for e in badges] == [
        (alice, "referral_challenge", "referral_challenge")
    ]
    assert sum(1 for e in earned if e.kind == "credit") == 4
    # The badge reward is a real award of the badge service, held once.
    held = [a.badge for a in c.badges.of(alice)]
    assert held.count("referral_challenge") == 1
    assert [a.member_id for a in c.badges.holders("referral_challenge")] == [alice]


def test_reputation_rewards_go_to_the_ledger_once(make_community, earned):
    settings = Settings(
        referrals=Settings().referrals.__class__(converted_reputation=50, converted_credit=0)
    )
    c = make_community(settings=settings)
    alice = _join(c, "alice")
    bob = _join(c, "bob", c.invitations.create(actor=alice).code)
    c.referrals.converted(referred=bob)
    c.referrals.converted(referred=bob)
    assert c.reputation.of(alice) == 51
    entries = [e for e in c.reputation.history(alice) if e.rule == "referral_converted"]
    assert len(entries) == 1 and entries[0].delta == 50
    assert [e.kind for e in earned] == ["reputation"]


def test_hook_socialcrm_referral_rewards(make_community, earned):
    class Bonus:
        calls: list[tuple[int, int]] = []

        @hookimpl
        def socialcrm_referral_rewards(self, referral, conversions, context):
            self.calls.append((referral.referred_id, conversions))
            return [
                ReferralReward(
                    member_id=referral.referred_id,
                    kind="credit",
                    rule="welcome_discount",
                    key=f"welcome:{referral.referred_id}",
                    amount=500,
                )
            ]

    bonus = Bonus()
    c = make_community(plugins=[bonus], builtin_plugins=False)
    alice = _join(c, "alice")
    code = c.invitations.create(actor=alice, max_uses=5).code
    bob, carol = _join(c, "bob", code), _join(c, "carol", code)
    c.referrals.converted(referred=bob)
    c.referrals.converted(referred=carol)
    c.referrals.converted(referred=bob)
    assert bonus.calls == [(bob, 1), (carol, 2)]
    assert [(e.member_id, e.rule, e.amount) for e in earned] == [
        (bob, "welcome_discount", 500),
        (carol, "welcome_discount", 500),
    ]


def test_a_rule_returning_a_bad_reward_rolls_the_conversion_back(make_community, earned):
    class Broken:
        @hookimpl
        def socialcrm_referral_rewards(self, referral, conversions, context):
            return [ReferralReward(member_id=referral.referrer_id, kind="cash", rule="r", key="k")]

    c = make_community(plugins=[Broken()], builtin_plugins=False)
    alice = _join(c, "alice")
    bob = _join(c, "bob", c.invitations.create(actor=alice).code)
    with pytest.raises(ValueError):
        c.referrals.converted(referred=bob)
    assert c.referrals.of(actor=alice)[0].converted_at is None
    assert earned == []


def test_a_duplicate_reward_key_from_two_rules_is_granted_once(make_community, earned):
    class Twice:
        @hookimpl
        def socialcrm_referral_rewards(self, referral, conversions, context):
            reward = ReferralReward(
                member_id=referral.referrer_id, kind="credit", rule="r", key="same", amount=1
            )
            return [reward, reward]

    c = make_community(plugins=[Twice()], builtin_plugins=False)
    alice = _join(c, "alice")
    code = c.invitations.create(actor=alice, max_uses=2).code
    c.referrals.converted(referred=_join(c, "bob", code))
    c.referrals.converted(referred=_join(c, "carol", code))
    assert len(earned) == 1

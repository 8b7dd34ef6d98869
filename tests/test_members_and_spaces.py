"""Members (join, profiles, roles) and spaces (visibility, subgroups, private membership)."""

from __future__ import annotations

import pytest

from socialcrm import Conflict, ContentRejected, NotFound, PermissionDenied, ValidationError


def test_join_and_look_up_by_id_and_external_id(community, clock):
    alice = community.members.join(
        external_id="crm-42", display_name="Alice", company="Acme", interests=["Billing", "api"]
    )
    assert alice.reputation == 1 and alice.roles == frozenset({"member"})
    assert alice.joined_at == clock.now()
    assert community.members.get(alice.id) == alice
    assert community.members.by_external_id("crm-42") == alice
    assert alice.profile.interests == ("billing", "api")
    with pytest.raises(NotFound):
        community.members.get(alice.id + 100)
    with pytest.raises(NotFound):
        community.members.by_external_id("nobody")


def test_duplicate_external_id_is_refused(community):
    community.members.join(external_id="crm-42", display_name="Alice")
    with pytest.raises(Conflict) as info:
        community.members.join(external_id="crm-42", display_name="Alice again")
    assert info.value.code == "duplicate_external_id"
    assert len(community.members.list()) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"external_id": "", "display_name": "A"},
        {"external_id": "x", "display_name": "   "},
        {"external_id": "x", "display_name": "A" * 81},
        {"external_id": 42, "display_name": "A"},
        {"external_id": "x", "display_name": "A", "roles": ["king"]},
        {"external_id": "x", "display_name": "A", "roles": "admin"},
        {"external_id": "x", "display_name": "A", "bio": "b" * 501},
    ],
)
def test_bad_join_input_is_a_validation_error(community, kwargs):
    with pytest.raises(ValidationError):
        community.members.join(**kwargs)
    assert community.members.list() == []


def test_profiles_are_changed_by_their_owner_or_an_admin(world):
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    updated = c.members.update_profile(actor=alice, member=alice, bio="Finance lead", country="FR")
    assert (updated.profile.bio, updated.profile.country) == ("Finance lead", "FR")
    with pytest.raises(PermissionDenied):
        c.members.update_profile(actor=bob, member=alice, bio="hacked")
    c.members.update_profile(actor=world.admin.id, member=alice, display_name="Alice B.")
    assert c.members.get(alice).display_name == "Alice B."
    assert c.members.get(alice).profile.bio == "Finance lead"


def test_only_admins_grant_and_revoke_roles(world):
    c = world.c
    alice = world.member("alice")
    with pytest.raises(PermissionDenied):
        c.members.grant_role(actor=world.mod.id, member=alice, role="moderator")
    assert (
        "moderator"
        in c.members.grant_role(actor=world.admin.id, member=alice, role="moderator").roles
    )
    assert c.members.get(alice).is_moderator
    c.members.revoke_role(actor=world.admin.id, member=alice, role="moderator")
    assert c.members.get(alice).roles == frozenset({"member"})
    with pytest.raises(Conflict):
        c.members.revoke_role(actor=world.admin.id, member=world.admin.id, role="admin")
    with pytest.raises(ValidationError):
        c.members.grant_role(actor=world.admin.id, member=alice, role="member")


def test_display_names_pass_the_content_checks(make_community):
    from socialcrm import hookimpl

    class NoImpersonation:
        @hookimpl
        def socialcrm_check_content(self, actor, field, text, space, context):
            return (
                ["reserved name"] if field == "display_name" and "admin" in text.lower() else None
            )

    c = make_community(plugins=[NoImpersonation()])
    with pytest.raises(ContentRejected):
        c.members.join(external_id="x", display_name="The Admin")
    assert c.members.list() == []


def test_only_staff_and_admins_create_spaces_and_slugs_are_unique(world):
    c = world.c
    with pytest.raises(PermissionDenied):
        c.spaces.create(actor=world.member("m"), slug="x", name="X")
    with pytest.raises(Conflict) as info:
        c.spaces.create(actor=world.admin.id, slug="billing", name="Billing again")
    assert info.value.code == "duplicate_slug"
    for slug in ("Billing", "-x", "a b", ""):
        with pytest.raises(ValidationError):
            c.spaces.create(actor=world.admin.id, slug=slug, name="X")
    with pytest.raises(ValidationError):
        c.spaces.create(actor=world.admin.id, slug="ok", name="X", visibility="secret")


def test_private_spaces_never_leak_to_outsiders(world):
    c = world.c
    admin = world.admin.id
    c.spaces.create(actor=admin, slug="beta", name="Beta program", visibility="private")
    c.spaces.create(actor=admin, slug="beta-bugs", name="Beta bugs", parent="beta")
    insider, outsider = world.member("insider"), world.member("outsider")
    c.spaces.add_member(actor=admin, space="beta", member=insider)
    secret = c.threads.start(
        actor=insider,
        space="beta-bugs",
        kind="question",
        title="Crash in the beta build",
        body="It crashes.",
    )
    public = world.question(outsider)
    for viewer in (outsider, None, world.mod.id):
        assert [t.id for t in c.threads.list(actor=viewer)] == [public.id]
        assert c.threads.count(actor=viewer) == 1
        assert {s.slug for s in c.spaces.list(actor=viewer)} == {"billing"}
        assert set(c.spaces.thread_counts(actor=viewer)) == {"billing"}
        with pytest.raises(NotFound):
            c.threads.get(actor=viewer, thread=secret.id)
        with pytest.raises(NotFound):
            c.posts.get(actor=viewer, post=secret.opening_post_id)
        with pytest.raises(NotFound):
            c.spaces.get(actor=viewer, space="beta-bugs")
    with pytest.raises(NotFound):
        c.posts.reply(actor=outsider, thread=secret.id, body="let me in")
    with pytest.raises(NotFound):
        c.votes.cast(actor=world.mod.id, post=secret.opening_post_id, value=1)
    assert c.threads.count(actor=insider) == 2
    assert [t.id for t in c.threads.list(actor=insider, space="beta")] == [secret.id]
    assert c.threads.count(actor=admin, space="beta") == 1
    c.spaces.remove_member(actor=admin, space="beta", member=insider)
    with pytest.raises(NotFound):
        c.threads.get(actor=insider, thread=secret.id)


def test_members_only_spaces_hide_from_anonymous_visitors(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="customers", name="Customers", visibility="members")
    member = world.member("m")
    t = world.question(member, space="customers")
    assert c.threads.get(actor=member, thread=t.id).id == t.id
    with pytest.raises(NotFound):
        c.threads.get(actor=None, thread=t.id)
    assert c.threads.count(actor=None) == 0


def test_subgroups_roll_up_into_their_parent(world):
    c = world.c
    c.spaces.create(actor=world.admin.id, slug="refunds", name="Refunds", parent="billing")
    asker = world.member("asker")
    world.question(asker)
    world.question(asker, space="refunds", title="Refund for a double charge")
    assert c.threads.count(actor=None, space="billing") == 2
    assert c.threads.count(actor=None, space="refunds") == 1
    assert [s.slug for s in c.spaces.list(actor=None, parent="billing")] == ["refunds"]

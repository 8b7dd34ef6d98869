"""Sanctions (silence, suspend, ban) and the moderation audit log, through the facade."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from socialcrm import (
    Community,
    Conflict,
    NotFound,
    PermissionDenied,
    Sanctioned,
    ValidationError,
    hookimpl,
    signals,
)
from socialcrm.capabilities.audit.records import AuditQuery
from socialcrm.core.serialization import event_from_json


@pytest.fixture(params=["memory", "sqlite"])
def adapter(request: pytest.FixtureRequest) -> str:
    """These tests run on the in-memory adapter and SQLite (the contract suite covers servers)."""
    return str(request.param)


@pytest.fixture
def lifted_events(community: Community) -> Iterator[list[Any]]:
    received: list[Any] = []

    def record(sender: object, event: Any) -> None:
        received.append(event)

    with signals.sanction_lifted.connected_to(record, sender=community):
        yield received


def _staff(world: Any) -> int:
    return int(world.c.members.join(external_id="staff", display_name="Stef", roles=["staff"]).id)


def _thread_with_reply(world: Any, asker: int, answerer: int) -> tuple[Any, Any]:
    question = world.question(asker)
    answer = world.c.posts.reply(actor=answerer, thread=question.id, body="Try Billing.")
    return question, answer


def _observable(c: Community, member: int) -> dict[str, Any]:
    """What a rejected command must leave exactly as it was."""
    with c.storage.unit_of_work() as uow:
        return {
            "sanctions": uow.sanctions.history(member, limit=100),
            "audit": uow.audit.entries(AuditQuery(), limit=1000),
            "outbox": uow.outbox.count_pending(),
            "member": uow.members.get(member),
            "threads": c.threads.count(actor=None),
        }


# ---------------------------------------------------------------- silence


def test_silence_blocks_posting_but_allows_voting_and_accepting(world: Any) -> None:
    c = world.c
    alice = world.member("alice", reputation=200)
    bob = world.member("bob")
    question, answer = _thread_with_reply(world, alice, bob)
    own = c.posts.reply(actor=alice, thread=question.id, body="Thanks, looking.")
    until = c.clock.now() + timedelta(days=3)
    sanction = c.moderation.silence(actor=world.mod.id, member=alice, reason="spam", until=until)
    assert (sanction.kind, sanction.ends_at, sanction.imposed_by) == (
        "silence",
        until,
        world.mod.id,
    )
    before = _observable(c, alice)

    refused: list[Callable[[], object]] = [
        lambda: world.question(alice, title="Another question here"),
        lambda: c.posts.reply(actor=alice, thread=question.id, body="More!"),
        lambda: c.posts.comment(actor=alice, post=answer.id, body="Hm"),
        lambda: c.posts.edit(actor=alice, post=own.id, body="Edited"),
        lambda: c.members.update_profile(actor=alice, member=alice, bio="Buy now"),
    ]
    for attempt in refused:
        with pytest.raises(Sanctioned) as raised:
            attempt()
        error = raised.value
        assert isinstance(error, PermissionDenied)
        assert (error.code, error.kind, error.until, error.reason) == (
            "silenced",
            "silence",
            until,
            "spam",
        )
        assert error.sanction_id == sanction.id
        assert "silenced" in str(error) and "spam" in str(error)
    assert _observable(c, alice) == before
    assert c.posts.get(actor=None, post=own.id).body == "Thanks, looking."

    c.votes.cast(actor=alice, post=answer.id, value=1)
    c.threads.accept(actor=alice, answer=answer.id)
    assert c.posts.get(actor=None, post=answer.id).score == 1
    assert c.threads.get(actor=None, thread=question.id).accepted_answer_id == answer.id
    assert c.moderation.can_act(member=alice) and not c.moderation.can_post(member=alice)


# ---------------------------------------------------------------- suspend


def test_suspend_blocks_every_command_but_allows_reads(world: Any) -> None:
    c = world.c
    alice = world.member("alice", reputation=5000)
    bob = world.member("bob")
    question, answer = _thread_with_reply(world, alice, bob)
    bobs_question = world.question(bob, title="Bob asks something here")
    c.moderation.suspend(
        actor=world.mod.id, member=alice, reason="cool down", duration=timedelta(hours=12)
    )
    before = _observable(c, alice)
    refused: list[Callable[[], object]] = [
        lambda: c.votes.cast(actor=alice, post=answer.id, value=1),
        lambda: c.threads.accept(actor=alice, answer=answer.id),
        lambda: c.posts.reply(actor=alice, thread=question.id, body="Reply"),
        lambda: c.posts.edit(actor=alice, post=question.opening_post_id, body="Edit"),
        lambda: c.posts.comment(actor=alice, post=answer.id, body="Comment"),
        lambda: c.posts.delete(actor=alice, post=question.opening_post_id),
        lambda: c.threads.close(actor=alice, thread=bobs_question.id),
        lambda: c.threads.close(actor=alice, thread=question.id),
        lambda: c.members.update_profile(actor=alice, member=alice, bio="Hello"),
        lambda: world.question(alice, title="A brand new question"),
    ]
    for attempt in refused:
        with pytest.raises(Sanctioned) as raised:
            attempt()
        assert raised.value.code == "suspended"
        assert raised.value.until == c.clock.now() + timedelta(hours=12)
    assert _observable(c, alice) == before
    assert not c.threads.can_accept(actor=alice, thread=question.id)

    # Reading is still allowed.
    assert c.threads.get(actor=alice, thread=question.id).id == question.id
    assert [p.id for p in c.posts.list(actor=alice, thread=question.id)] == [
        question.opening_post_id,
        answer.id,
    ]
    assert c.threads.count(actor=alice) == 2
    assert c.votes.get(actor=alice, post=answer.id) is None
    assert c.members.get(alice).id == alice
    assert [s.kind for s in c.moderation.in_force(actor=alice, member=alice)] == ["suspend"]


def test_a_suspended_staff_member_cannot_manage_spaces(world: Any) -> None:
    c = world.c
    staff = _staff(world)
    bob = world.member("bob")
    c.moderation.suspend(actor=world.admin.id, member=staff, reason="audit")
    with pytest.raises(Sanctioned):
        c.spaces.add_member(actor=staff, space="billing", member=bob)
    with pytest.raises(Sanctioned):
        c.spaces.create(actor=staff, slug="new", name="New")
    with pytest.raises(Sanctioned):
        c.moderation.silence(actor=staff, member=bob, reason="no")
    assert [s.slug for s in c.spaces.list(actor=staff)] == ["billing"]


# ---------------------------------------------------------------- ban


def test_a_ban_by_a_moderator_is_refused_and_by_staff_allowed(world: Any) -> None:
    c = world.c
    alice = world.member("alice")
    before = _observable(c, alice)
    with pytest.raises(PermissionDenied) as raised:
        c.moderation.ban(actor=world.mod.id, member=alice, reason="troll")
    assert raised.value.code == "staff_only"
    assert _observable(c, alice) == before
    ban = c.moderation.ban(actor=_staff(world), member=alice, reason="troll")
    assert ban.kind == "ban" and ban.ends_at is None
    with pytest.raises(Sanctioned) as refused:
        c.votes.cast(actor=alice, post=world.question(world.mod.id).opening_post_id, value=1)
    assert (refused.value.code, refused.value.until) == ("banned", None)
    assert "until a moderator lifts it" in str(refused.value)


def test_a_bans_expiry_restores_posting(world: Any, clock: Any) -> None:
    c = world.c
    alice = world.member("alice")
    question = world.question(world.mod.id)
    c.moderation.ban(
        actor=world.admin.id, member=alice, reason="heated", duration=timedelta(days=7)
    )
    with pytest.raises(Sanctioned):
        c.posts.reply(actor=alice, thread=question.id, body="Let me back in")
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    with pytest.raises(Sanctioned):
        c.posts.reply(actor=alice, thread=question.id, body="Still waiting")
    clock.advance(seconds=1)
    # Exactly at the end time the ban no longer applies, with no job having run.
    reply = c.posts.reply(actor=alice, thread=question.id, body="I am back")
    assert reply.author_id == alice
    assert c.moderation.in_force(actor=world.mod.id, member=alice) == []
    (ban,) = c.moderation.history(actor=world.mod.id, member=alice)
    assert not ban.is_lifted and not ban.applies_at(clock.now())


def test_the_longest_blocking_sanction_is_reported(world: Any, clock: Any) -> None:
    c = world.c
    alice = world.member("alice")
    now = clock.now()
    c.moderation.ban(actor=world.admin.id, member=alice, reason="a", until=now + timedelta(days=1))
    longer = c.moderation.suspend(
        actor=world.mod.id, member=alice, reason="b", until=now + timedelta(days=5)
    )
    c.moderation.silence(
        actor=world.mod.id, member=alice, reason="c", until=now + timedelta(days=9)
    )
    with pytest.raises(Sanctioned) as raised:
        c.votes.cast(actor=alice, post=world.question(world.mod.id).opening_post_id, value=1)
    assert (raised.value.sanction_id, raised.value.code) == (longer.id, "suspended")
    with pytest.raises(Sanctioned) as posting:
        world.question(alice, title="Can I post again?")
    assert posting.value.code == "silenced"


# ---------------------------------------------------------------- expiry and lifting


def test_expire_sanctions_sends_the_lifted_signal_exactly_once(
    world: Any, clock: Any, lifted_events: list[Any]
) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    short = c.moderation.silence(
        actor=world.mod.id, member=alice, reason="a", duration=timedelta(hours=1)
    )
    c.moderation.suspend(actor=world.mod.id, member=bob, reason="b", duration=timedelta(days=2))
    c.moderation.ban(actor=world.admin.id, member=bob, reason="forever")
    assert c.moderation.expire_sanctions() == []
    clock.advance(hours=3)
    (expired,) = c.moderation.expire_sanctions()
    assert expired.id == short.id and expired.expired and expired.lifted_at == short.ends_at
    assert c.moderation.expire_sanctions() == []
    (event,) = lifted_events
    assert (event.sanction_id, event.member_id, event.kind) == (short.id, alice, "silence")
    assert event.expired and event.actor_id is None and event.ended_at == short.ends_at
    assert event.at == clock.now()
    (entry,) = c.audit.entries(actor=world.admin.id, action="sanction_expired")
    assert (entry.actor_id, entry.member_id) == (None, alice)
    assert entry.before["active"] is True and entry.after["active"] is False
    clock.advance(days=5)
    assert [s.kind for s in c.moderation.expire_sanctions()] == ["suspend"]
    assert c.moderation.expire_sanctions() == []
    assert [e.kind for e in lifted_events] == ["silence", "suspend"]


def test_expire_sanctions_works_in_batches(world: Any, clock: Any) -> None:
    c = world.c
    members = [world.member(f"m{i}") for i in range(3)]
    for member in members:
        c.moderation.silence(
            actor=world.mod.id, member=member, reason="x", duration=timedelta(minutes=5)
        )
    clock.advance(minutes=10)
    assert len(c.moderation.expire_sanctions(limit=2)) == 2
    assert len(c.moderation.expire_sanctions(limit=2)) == 1
    with pytest.raises(ValidationError):
        c.moderation.expire_sanctions(limit=0)


def test_lifting_a_sanction_early(world: Any, clock: Any, lifted_events: list[Any]) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    question = world.question(world.mod.id)
    sanction = c.moderation.silence(
        actor=world.mod.id, member=alice, reason="spam", duration=timedelta(days=1)
    )
    before = _observable(c, alice)
    with pytest.raises(PermissionDenied):
        c.moderation.lift(actor=bob, sanction=sanction.id)
    with pytest.raises(NotFound):
        c.moderation.lift(actor=world.mod.id, sanction=sanction.id + 1000)
    assert _observable(c, alice) == before
    clock.advance(hours=1)
    lifted = c.moderation.lift(actor=world.mod.id, sanction=sanction.id, reason="apologized")
    assert (lifted.lifted_at, lifted.lifted_by, lifted.lift_reason) == (
        clock.now(),
        world.mod.id,
        "apologized",
    )
    assert not lifted.expired
    assert c.posts.reply(actor=alice, thread=question.id, body="Sorry!").author_id == alice
    with pytest.raises(Conflict) as again:
        c.moderation.lift(actor=world.mod.id, sanction=sanction.id)
    assert again.value.code == "sanction_not_in_force"
    clock.advance(days=2)
    assert c.moderation.expire_sanctions() == []
    (event,) = lifted_events
    assert (event.expired, event.actor_id, event.reason) == (False, world.mod.id, "apologized")
    (entry,) = c.audit.entries(actor=world.admin.id, action="sanction_lifted")
    assert (entry.actor_id, entry.member_id, entry.reason) == (world.mod.id, alice, "apologized")


def test_only_staff_lift_a_ban(world: Any) -> None:
    c = world.c
    alice = world.member("alice")
    ban = c.moderation.ban(actor=world.admin.id, member=alice, reason="x")
    with pytest.raises(PermissionDenied) as raised:
        c.moderation.lift(actor=world.mod.id, sanction=ban.id)
    assert raised.value.code == "staff_only"
    assert c.moderation.lift(actor=_staff(world), sanction=ban.id).is_lifted


# ---------------------------------------------------------------- rejected commands


REJECTED: list[tuple[str, str, dict[str, Any], type[Exception], str]] = [
    ("member", "silence", {}, PermissionDenied, "moderators_only"),
    ("mod", "silence", {"member": "mod"}, PermissionDenied, "self_sanction"),
    ("mod", "suspend", {"member": "mod2"}, PermissionDenied, "target_outranks_actor"),
    ("mod", "suspend", {"member": "staff"}, PermissionDenied, "target_outranks_actor"),
    ("staff", "ban", {"member": "admin"}, PermissionDenied, "target_outranks_actor"),
    ("admin", "ban", {"member": "admin"}, PermissionDenied, "self_sanction"),
    ("mod", "silence", {"member": 987654}, NotFound, "member_not_found"),
    ("mod", "silence", {"reason": "  "}, ValidationError, "invalid"),
    ("mod", "silence", {"reason": "x" * 1001}, ValidationError, "invalid"),
    ("mod", "silence", {"until": datetime(2030, 1, 1)}, ValidationError, "invalid"),
    ("mod", "silence", {"until": "tomorrow"}, ValidationError, "invalid"),
    ("mod", "silence", {"duration": timedelta(0)}, ValidationError, "invalid"),
    ("mod", "silence", {"duration": 3600}, ValidationError, "invalid"),
    ("mod", "suspend", {"until_offset": timedelta(days=-1)}, ValidationError, "invalid"),
    (
        "mod",
        "suspend",
        {"until_offset": timedelta(days=1), "duration": timedelta(days=1)},
        ValidationError,
        "invalid",
    ),
    ("suspended_mod", "silence", {}, Sanctioned, "suspended"),
]


@pytest.mark.parametrize(("who", "command", "changes", "error", "code"), REJECTED)
def test_rejected_sanction_commands_change_nothing(
    world: Any,
    who: str,
    command: str,
    changes: dict[str, Any],
    error: type[Exception],
    code: str,
) -> None:
    c = world.c
    people = {
        "admin": world.admin.id,
        "mod": world.mod.id,
        "staff": _staff(world),
        "mod2": c.members.join(external_id="mod2", display_name="M2", roles=["moderator"]).id,
        "member": world.member("target"),
        "suspended_mod": c.members.join(
            external_id="smod", display_name="S", roles=["moderator"]
        ).id,
    }
    c.moderation.suspend(actor=world.admin.id, member=people["suspended_mod"], reason="x")
    arguments: dict[str, Any] = {"member": people["member"], "reason": "because"}
    arguments.update(changes)
    if isinstance(arguments["member"], str):
        arguments["member"] = people[arguments["member"]]
    if "until_offset" in arguments:
        arguments["until"] = c.clock.now() + arguments.pop("until_offset")
    target = arguments["member"]
    received: list[Any] = []

    def record(sender: object, event: Any) -> None:
        received.append(event)

    before = _observable(c, target)
    with signals.event_committed.connected_to(record, sender=c):
        with pytest.raises(error) as raised:
            getattr(c.moderation, command)(actor=people[who], **arguments)
    assert raised.value.code == code  # type: ignore[attr-defined]
    assert _observable(c, target) == before
    assert received == []


def test_sanction_max_days_limits_silences_and_suspensions_but_not_bans(
    make_community: Callable[..., Community], world_of: Any
) -> None:
    from socialcrm import Settings

    world = world_of(make_community(settings=attrs.evolve(Settings(), sanction_max_days=30)))
    c = world.c
    alice = world.member("alice")
    with pytest.raises(ValidationError):
        c.moderation.silence(actor=world.mod.id, member=alice, reason="x")
    with pytest.raises(ValidationError):
        c.moderation.suspend(
            actor=world.mod.id, member=alice, reason="x", duration=timedelta(days=31)
        )
    c.moderation.suspend(actor=world.mod.id, member=alice, reason="x", duration=timedelta(days=30))
    assert c.moderation.ban(actor=world.admin.id, member=alice, reason="x").ends_at is None


def test_sanction_queries_are_for_moderators_and_the_member(world: Any) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    sanction = c.moderation.silence(actor=world.mod.id, member=alice, reason="x")
    assert c.moderation.get(actor=alice, sanction=sanction.id) == sanction
    assert c.moderation.history(actor=alice, member=alice) == [sanction]
    assert c.moderation.in_force(actor=world.mod.id, member=alice) == [sanction]
    with pytest.raises(PermissionDenied):
        c.moderation.history(actor=bob, member=alice)
    with pytest.raises(PermissionDenied):
        c.moderation.in_force(actor=bob, member=alice)
    with pytest.raises(NotFound):
        c.moderation.get(actor=bob, sanction=sanction.id)


def test_sanction_events_reach_the_outbox_and_round_trip(world: Any) -> None:
    c = world.c
    alice = world.member("alice")
    sanction = c.moderation.suspend(
        actor=world.mod.id, member=alice, reason="x", duration=timedelta(days=1)
    )
    (message,) = [m for m in c.outbox.pending(limit=100) if m.name == "sanction_imposed"]
    event = event_from_json(message.payload)
    assert (event.sanction_id, event.ends_at, event.kind) == (  # type: ignore[attr-defined]
        sanction.id,
        sanction.ends_at,
        "suspend",
    )


# ---------------------------------------------------------------- the audit log


def test_every_moderator_action_writes_an_audit_entry(world: Any) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    question, answer = _thread_with_reply(world, alice, bob)
    spare = c.posts.reply(actor=bob, thread=question.id, body="Another idea.")
    mod = world.mod.id
    c.members.grant_role(actor=world.admin.id, member=bob, role="moderator", reason="helpful")
    c.members.revoke_role(actor=world.admin.id, member=bob, role="moderator")
    c.posts.edit(actor=mod, post=answer.id, body="Try Account, then Billing.")
    c.threads.accept(actor=mod, answer=answer.id)
    c.threads.close(actor=mod, thread=question.id)
    c.posts.delete(actor=mod, post=spare.id, reason="duplicate")
    silence = c.moderation.silence(actor=mod, member=alice, reason="rude")
    c.moderation.lift(actor=mod, sanction=silence.id)
    c.members.update_profile(actor=world.admin.id, member=alice, bio="Edited by an admin")
    c.spaces.add_member(actor=world.admin.id, space="billing", member=alice)

    entries = c.audit.entries(actor=world.admin.id, limit=100)
    assert [e.action for e in reversed(entries)] == [
        "space_created",
        "role_granted",
        "role_revoked",
        "post_edited",
        "answer_accepted",
        "thread_closed",
        "post_deleted",
        "sanction_imposed",
        "sanction_lifted",
        "profile_updated",
        "space_member_added",
    ]
    by_action = {e.action: e for e in entries}
    granted = by_action["role_granted"]
    assert (granted.actor_id, granted.member_id, granted.reason) == (world.admin.id, bob, "helpful")
    assert dict(granted.before) == {"roles": ["member"]}
    assert dict(granted.after) == {"roles": ["member", "moderator"]}
    deleted = by_action["post_deleted"]
    assert (deleted.actor_id, deleted.post_id, deleted.member_id, deleted.reason) == (
        mod,
        spare.id,
        bob,
        "duplicate",
    )
    assert by_action["post_edited"].after["changed"] == ["body"]
    assert dict(by_action["answer_accepted"].after) == {"accepted_answer_id": answer.id}
    assert by_action["thread_closed"].thread_id == question.id
    assert by_action["profile_updated"].after["changed"] == ["bio"]
    assert all(e.at == c.clock.now() for e in entries)


def test_members_acting_on_their_own_content_write_no_audit_entry(world: Any) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    question, answer = _thread_with_reply(world, alice, bob)
    c.threads.accept(actor=alice, answer=answer.id)
    c.threads.close(actor=alice, thread=question.id)
    c.posts.delete(actor=bob, post=answer.id)
    c.members.update_profile(actor=alice, member=alice, bio="Me")
    # Moderators acting on their own content are not moderating either.
    own = world.question(world.mod.id, title="Moderator question here")
    c.posts.edit(actor=world.mod.id, post=own.opening_post_id, body="Edited")
    assert [e.action for e in c.audit.entries(actor=world.admin.id)] == ["space_created"]


def test_a_rolled_back_action_leaves_no_audit_entry(
    make_community: Callable[..., Community], world_of: Any
) -> None:
    class RefuseDeletions:
        @hookimpl
        def socialcrm_on_event(self, event: Any, context: Any) -> None:
            if event.name in ("post_deleted", "sanction_imposed"):
                raise RuntimeError("the CRM said no")

    world = world_of(make_community(plugins=[RefuseDeletions()]))
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    _, answer = _thread_with_reply(world, alice, bob)
    before = c.audit.entries(actor=world.admin.id)
    with pytest.raises(RuntimeError):
        c.posts.delete(actor=world.mod.id, post=answer.id, reason="spam")
    with pytest.raises(RuntimeError):
        c.moderation.silence(actor=world.mod.id, member=alice, reason="spam")
    with pytest.raises(Conflict):
        with c.unit_of_work():
            c.members.grant_role(actor=world.admin.id, member=bob, role="moderator")
            with pytest.raises(RuntimeError):
                c.posts.delete(actor=world.mod.id, post=answer.id)
    assert c.audit.entries(actor=world.admin.id) == before
    assert c.moderation.history(actor=world.mod.id, member=alice) == []
    assert c.members.get(bob).roles == frozenset({"member"})


def test_audit_query_filters(world: Any, clock: Any) -> None:
    c = world.c
    alice, bob = world.member("alice"), world.member("bob")
    _, answer = _thread_with_reply(world, alice, bob)
    start = clock.now()
    clock.advance(hours=1)
    first = c.moderation.silence(actor=world.mod.id, member=alice, reason="a")
    clock.advance(hours=1)
    c.posts.delete(actor=world.mod.id, post=answer.id)
    clock.advance(hours=1)
    c.moderation.suspend(actor=world.admin.id, member=bob, reason="b")
    entries = c.audit.entries
    admin = world.admin.id

    assert [e.action for e in entries(actor=admin, moderator=world.mod.id)] == [
        "post_deleted",
        "sanction_imposed",
    ]
    assert [e.action for e in entries(actor=admin, member=bob)] == [
        "sanction_imposed",
        "post_deleted",
    ]
    assert [e.post_id for e in entries(actor=admin, post=answer.id)] == [answer.id]
    assert len(entries(actor=admin, action=["sanction_imposed", "post_deleted"])) == 3
    window = entries(actor=admin, since=start + timedelta(hours=1), until=clock.now())
    assert [e.action for e in window] == ["post_deleted", "sanction_imposed"]
    assert window[1].after["sanction_id"] == first.id
    assert entries(actor=admin, until=start + timedelta(minutes=1)) == entries(
        actor=admin, action="space_created"
    )
    assert entries(actor=admin, until=start) == []
    page_one = entries(actor=admin, limit=2)
    page_two = entries(actor=admin, limit=2, cursor=page_one[-1].id)
    assert page_two == entries(actor=admin, limit=2, offset=2)
    assert {e.id for e in page_one}.isdisjoint(e.id for e in page_two)


@pytest.mark.parametrize(
    "arguments",
    [
        {"action": "unknown_action"},
        {"action": []},
        {"since": datetime(2026, 1, 1)},
        {"moderator": "ada"},
        {"limit": 0},
        {"cursor": -1},
    ],
)
def test_audit_query_refuses_bad_filters(world: Any, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        world.c.audit.entries(actor=world.admin.id, **arguments)


def test_only_moderators_staff_and_admins_read_the_audit_log(world: Any) -> None:
    c = world.c
    alice = world.member("alice")
    with pytest.raises(PermissionDenied) as raised:
        c.audit.entries(actor=alice)
    assert raised.value.code == "moderators_only"
    with pytest.raises(PermissionDenied):
        c.audit.entries(actor=987654)
    for reader in (world.mod.id, _staff(world), world.admin.id):
        assert [e.action for e in c.audit.entries(actor=reader)] == ["space_created"]


def test_the_moderation_guide_runs() -> None:
    from pathlib import Path

    from test_docs import _fenced_blocks

    path = Path(__file__).resolve().parent.parent / "docs" / "moderation.md"
    namespace: dict[str, Any] = {"__name__": "moderation_guide"}
    blocks = [(line, code) for info, line, code in _fenced_blocks(path) if info == "python"]
    assert len(blocks) >= 2
    for line, code in blocks:
        exec(compile("\n" * (line - 1) + code, str(path), "exec"), namespace)
    assert [e.action for e in namespace["entries"]] == ["sanction_imposed"]
    namespace["community"].close()


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres", "mariadb"])
def test_concurrent_expiry_jobs_record_each_sanction_once(kind: str, tmp_path: Any) -> None:
    import threading
    import time

    from conftest import make_storage
    from socialcrm import ManualClock

    clock = ManualClock()
    first_inside = threading.Event()

    class HoldTheFirstExpiry:
        """Keeps the first job's transaction open while the second job runs."""

        @hookimpl
        def socialcrm_on_event(self, event: Any, context: Any) -> None:
            if event.name == "sanction_lifted" and not first_inside.is_set():
                first_inside.set()
                time.sleep(0.5)

    storage = make_storage(kind, tmp_path)
    jobs = [
        Community(storage, clock=clock, entry_points=False, plugins=[HoldTheFirstExpiry()])
        for _ in range(2)
    ]
    c = jobs[0]
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    members = [c.members.join(external_id=f"m{i}", display_name=f"M{i}").id for i in range(3)]
    imposed = [
        c.moderation.silence(actor=admin.id, member=m, reason="x", duration=timedelta(hours=1))
        for m in members
    ]
    clock.advance(hours=2)
    results: list[list[Any]] = [[], []]
    errors: list[BaseException] = []
    received: list[Any] = []

    def run(index: int) -> None:
        try:
            results[index] = jobs[index].moderation.expire_sanctions()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def record(sender: object, event: Any) -> None:
        received.append(event)

    with signals.sanction_lifted.connected_to(record):
        first = threading.Thread(target=run, args=(0,))
        first.start()
        assert first_inside.wait(30)
        second = threading.Thread(target=run, args=(1,))
        second.start()
        first.join(60)
        second.join(60)
    try:
        assert errors == []
        recorded = sorted(s.id for result in results for s in result)
        assert recorded == sorted(s.id for s in imposed)
        assert sorted(e.sanction_id for e in received) == recorded
        expired = c.audit.entries(actor=admin.id, action="sanction_expired")
        assert sorted(e.member_id for e in expired if e.member_id is not None) == members
    finally:
        storage.close()

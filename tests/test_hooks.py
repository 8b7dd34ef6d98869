"""Every hook in socialcrm.plugins.hookspecs has a test here named test_hook_<name>."""

from __future__ import annotations

import attrs
import pytest

from conftest import WITHOUT_BADGES
from socialcrm import (
    ContentRejected,
    PermissionDenied,
    ReputationChange,
    Settings,
    TrustSettings,
    hookimpl,
)
from socialcrm.capabilities.reputation.events import ReputationChanged
from socialcrm.capabilities.threads.events import ReplyPosted, ThreadStarted
from socialcrm.capabilities.votes.events import VoteCast


def test_hook_socialcrm_reputation_changes(make_community, world_of):
    class BonusForAnswers:
        @hookimpl
        def socialcrm_reputation_changes(self, event, context):
            if isinstance(event, VoteCast) and event.post_kind == "answer" and event.value > 0:
                return [ReputationChange(event.post_author_id, 3, "answer_bonus", capped=True)]
            return None

    c = make_community(plugins=[BonusForAnswers()])
    w = world_of(c)
    author = w.member("author")
    q = w.question(w.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.votes.cast(actor=w.member("v", 20), post=a.id, value=1)
    assert c.reputation.of(author) == 14
    assert {e.rule for e in c.reputation.history(author)} == {"answer_upvoted", "answer_bonus"}
    # Undo takes back exactly what each rule gave.
    voter = c.members.by_external_id("ext-v").id
    c.votes.retract(actor=voter, post=a.id)
    assert c.reputation.of(author) == 1


def test_built_in_reward_rules_can_be_replaced(make_community, world_of):
    class Flat:
        @hookimpl
        def socialcrm_reputation_changes(self, event, context):
            if isinstance(event, VoteCast):
                return [ReputationChange(event.post_author_id, event.value, "flat")]
            return None

    c = make_community(plugins=[Flat()], builtin_plugins=["socialcrm.staff"])
    w = world_of(c)
    author = w.member("author")
    q = w.question(w.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.votes.cast(actor=w.member("v", 20), post=a.id, value=1)
    assert c.reputation.of(author) == 2


def test_built_in_plugin_can_be_unregistered_at_run_time(community, world):
    community.plugins.unregister(name="socialcrm.rewards")
    author = world.member("author")
    q = world.question(world.member("asker"))
    a = community.posts.reply(actor=author, thread=q.id, body="x")
    community.votes.cast(actor=world.member("v", 20), post=a.id, value=1)
    assert community.reputation.of(author) == 1


def test_hook_socialcrm_privilege_check(make_community, world_of):
    class NoDownvotesOnFridays:
        @hookimpl
        def socialcrm_privilege_check(self, member, privilege, required, context):
            if privilege == "vote_down":
                return False
            if privilege == "vote_up" and member.display_name == "Trusted":
                return True
            return None

    c = make_community(plugins=[NoDownvotesOnFridays()])
    w = world_of(c)
    q = w.question(w.member("asker"))
    rich = w.member("rich", 5000)
    with pytest.raises(PermissionDenied) as info:
        c.votes.cast(actor=rich, post=q.opening_post_id, value=-1)
    assert info.value.privilege == "vote_down"
    trusted = w.member("trusted")
    c.votes.cast(actor=trusted, post=q.opening_post_id, value=1)
    assert c.privileges.has(trusted, "vote_up") is True


def test_hook_socialcrm_check_content(make_community, world_of):
    seen = []

    class NoCompetitors:
        @hookimpl
        def socialcrm_check_content(self, actor, field, text, space, context):
            seen.append(field)
            if "acme" in text.lower():
                return [f"{field} mentions a competitor"]
            return None

    class NoShouting:
        @hookimpl
        def socialcrm_check_content(self, actor, field, text, space, context):
            return ["no shouting"] if text.isupper() else None

    c = make_community(plugins=[NoCompetitors(), NoShouting()])
    w = world_of(c)
    asker = w.member("asker")
    with pytest.raises(ContentRejected) as info:
        w.question(asker, title="ACME IS BETTER", body="acme acme")
    assert set(info.value.reasons) == {
        "title mentions a competitor",
        "body mentions a competitor",
        "no shouting",
    }
    assert c.threads.count(actor=asker) == 0
    q = w.question(asker)
    with pytest.raises(ContentRejected):
        c.posts.reply(actor=asker, thread=q.id, body="try Acme")
    assert c.posts.list(actor=asker, thread=q.id)[-1].id == q.opening_post_id
    assert {"title", "body", "display_name"} <= set(seen)


def test_hook_socialcrm_on_event(make_community, world_of):
    events = []

    class Recorder:
        @hookimpl
        def socialcrm_on_event(self, event, context):
            events.append(type(event).__name__)
            if (
                isinstance(event, ReplyPosted)
                and "veto" in context.uow.posts.get(event.post_id).body
            ):
                raise RuntimeError("vetoed by plugin")

    # Without the built-in badges, which would record BadgeAwarded after the vote.
    c = make_community(plugins=[Recorder()], builtin_plugins=WITHOUT_BADGES)
    w = world_of(c)
    author = w.member("author")
    q = w.question(w.member("asker"))
    assert "ThreadStarted" in events
    with pytest.raises(RuntimeError):
        c.posts.reply(actor=author, thread=q.id, body="veto this")
    assert c.threads.get(actor=author, thread=q.id).reply_count == 0
    a = c.posts.reply(actor=author, thread=q.id, body="fine")
    c.votes.cast(actor=w.member("v", 20), post=a.id, value=1)
    assert events[-2:] == ["VoteCast", "ReputationChanged"]


def test_hooks_see_the_command_time_and_settings(make_community, world_of, clock):
    times = []

    class Clocked:
        @hookimpl
        def socialcrm_on_event(self, event, context):
            if isinstance(event, ThreadStarted):
                times.append((context.now, context.settings.daily_reputation_cap, event.at))

    c = make_community(plugins=[Clocked()])
    w = world_of(c)
    w.question(w.member("asker"))
    assert times == [(clock.now(), 200, clock.now())]


def test_reputation_changed_event_reports_the_new_total(make_community, world_of):
    totals = []

    class Totals:
        @hookimpl
        def socialcrm_on_event(self, event, context):
            if isinstance(event, ReputationChanged):
                totals.append((event.member_id, event.delta, event.reputation))

    c = make_community(plugins=[Totals()])
    w = world_of(c)
    author = w.member("author")
    q = w.question(w.member("asker"))
    a = c.posts.reply(actor=author, thread=q.id, body="x")
    c.votes.cast(actor=w.member("v", 20), post=a.id, value=1)
    assert totals == [(author, 10, 11)]


def _free_trust_levels() -> Settings:
    """TL1 and TL2 need nothing: a member's first read asks for TL2."""
    free = {f.name: 0 for f in attrs.fields(TrustSettings) if f.name.startswith(("tl1_", "tl2_"))}
    return attrs.evolve(Settings(), trust=TrustSettings(**free))


def _a_thread(c):
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    c.spaces.create(actor=admin.id, slug="help", name="Help")
    thread = c.threads.start(
        actor=admin.id, space="help", kind="question", title="How do I start?", body="?"
    )
    return thread.id


def test_hook_socialcrm_trust_level(make_community):
    asked = []

    class CustomersOnlyPastTL1:
        @hookimpl
        def socialcrm_trust_level(self, member, proposed, activity, context):
            asked.append((member.id, member.trust_level, proposed, activity.member_id))
            if proposed >= 2 and not member.profile.company:
                return 1
            return None

    c = make_community(plugins=[CustomersOnlyPastTL1()], settings=_free_trust_levels())
    thread = _a_thread(c)
    guest = c.members.join(external_id="guest", display_name="Guest")
    customer = c.members.join(external_id="cust", display_name="Cust", company="Acme")
    assert c.members.record_read(guest.id, thread=thread, posts_read=1).trust_level == 1
    assert c.members.record_read(customer.id, thread=thread, posts_read=1).trust_level == 2
    assert asked == [(guest.id, 0, 2, guest.id), (customer.id, 0, 2, customer.id)]
    # The veto holds at the next check and in the review: asked again, still TL1.
    c.trust.review()
    assert c.members.get(guest.id).trust_level == 1
    assert asked[-1] == (guest.id, 1, 2, guest.id)


def test_trust_level_hook_cannot_give_tl4_and_rolls_back(make_community):
    class Generous:
        @hookimpl
        def socialcrm_trust_level(self, member, proposed):
            return 4

    c = make_community(plugins=[Generous()], settings=_free_trust_levels())
    thread = _a_thread(c)
    guest = c.members.join(external_id="guest", display_name="Guest")
    with pytest.raises(ValueError):
        c.members.record_read(guest.id, thread=thread, posts_read=1)
    assert c.trust.activity(guest.id).all_time.days_visited == 0
    assert c.members.get(guest.id).trust_level == 0

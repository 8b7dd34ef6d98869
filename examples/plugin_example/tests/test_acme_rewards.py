"""The example plugin's own tests, on socialcrm's in-memory adapter."""

from __future__ import annotations

import pytest
from acme_rewards import BILLING_BONUS, AcmeRewards

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.memory import MemoryStorage


@pytest.fixture
def community():
    # entry_points=False: the test registers the plugin itself, installed or not.
    community = Community(
        MemoryStorage(),
        plugins=[AcmeRewards()],
        settings=Settings().with_privileges(comment=0),  # new members may comment
        clock=ManualClock(),
        entry_points=False,
    )
    yield community
    community.close()


def _people(community):
    staff = community.members.join(external_id="staff", display_name="Staff", roles=["staff"])
    asker = community.members.join(external_id="asker", display_name="Asker")
    helper = community.members.join(external_id="helper", display_name="Helper")
    for slug in ("billing", "general"):
        community.spaces.create(actor=staff.id, slug=slug, name=slug.title())
    return staff, asker, helper


def _accepted_answer(community, asker, helper, space):
    # New members wait 30 s between posts and may not post the same body twice.
    community.clock.advance(minutes=1)
    question = community.threads.start(
        actor=asker.id, space=space, kind="question", title="Where is my invoice?", body=space
    )
    answer = community.posts.reply(actor=helper.id, thread=question.id, body=f"See {space}.")
    community.threads.accept(actor=asker.id, answer=answer.id)
    return answer


def test_an_accepted_billing_answer_earns_the_bonus(community):
    _staff, asker, helper = _people(community)
    _accepted_answer(community, asker, helper, "billing")
    assert community.reputation.of(helper.id) == 1 + 15 + BILLING_BONUS
    rules = [entry.rule for entry in community.reputation.history(helper.id)]
    assert sorted(rules) == ["acme_billing_bonus", "answer_accepted"]


def test_other_spaces_earn_no_bonus_and_unaccepting_takes_it_back(community):
    _staff, asker, helper = _people(community)
    _accepted_answer(community, asker, helper, "general")
    assert community.reputation.of(helper.id) == 16
    answer = _accepted_answer(community, asker, helper, "billing")
    community.threads.unaccept(actor=asker.id, thread=community.posts.get(
        actor=None, post=answer.id).thread_id)  # fmt: skip
    assert community.reputation.of(helper.id) == 16


def test_the_first_comment_earns_the_commentator_badge_once(community):
    _staff, asker, helper = _people(community)
    question = community.threads.start(
        actor=asker.id, space="general", kind="question", title="A question to comment", body="?"
    )
    for text in ("First!", "Second."):
        community.posts.comment(actor=helper.id, post=question.opening_post_id, body=text)
    badges = [award.badge for award in community.badges.of(helper.id)]
    assert badges.count("acme_commentator") == 1
    assert [a.member_id for a in community.badges.holders("acme_commentator")] == [helper.id]

"""Community-wiki posts earn nothing; placeholder members are never listed or ranked."""

from __future__ import annotations

import pytest

from socialcrm import Community, ManualClock, Settings
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.errors import ValidationError


@pytest.fixture
def c() -> Community:
    # The tests post and vote faster than the rate limits allow new members.
    community = Community(
        MemoryStorage(),
        clock=ManualClock(),
        settings=Settings().with_rate_limits(enabled=False),
        entry_points=False,
    )
    admin = community.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    community.spaces.create(actor=admin.id, slug="qa", name="Q&A")
    return community


def _voters(c: Community, count: int) -> list[int]:
    return [
        c.members.join(
            external_id=f"p{i}", display_name=f"Voter {i}", roles=["placeholder", "moderator"]
        ).id
        for i in range(count)
    ]


def test_votes_and_acceptance_of_a_community_wiki_answer_earn_its_author_nothing(c):
    asker = c.members.join(external_id="asker", display_name="Asker").id
    author = c.members.join(external_id="author", display_name="Author").id
    q = c.threads.start(
        actor=asker, space="qa", kind="question", title="A wiki question?", body="Body."
    )
    wiki = c.posts.reply(
        actor=author, thread=q.id, body="Everyone edits this.", community_wiki=True
    )
    assert wiki.community_wiki and c.posts.get(actor=None, post=wiki.id).community_wiki
    up, down = _voters(c, 2)
    c.votes.cast(actor=up, post=wiki.id, value=1)
    c.votes.cast(actor=down, post=wiki.id, value=-1)
    c.threads.accept(actor=asker, answer=wiki.id)
    assert c.reputation.of(author) == 1
    assert c.reputation.of(asker) == 3  # the accepter's +2 still applies
    assert c.posts.get(actor=None, post=wiki.id).score == 0


def test_a_community_wiki_question_earns_nothing_but_a_plain_one_does(c):
    asker = c.members.join(external_id="asker", display_name="Asker").id
    wiki = c.threads.start(
        actor=asker,
        space="qa",
        kind="question",
        title="A wiki question?",
        body="B.",
        community_wiki=True,
    )
    plain = c.threads.start(
        actor=asker, space="qa", kind="question", title="Plain one?", body="B, plain."
    )
    voter = _voters(c, 1)[0]
    c.votes.cast(actor=voter, post=wiki.opening_post_id, value=1)
    assert c.reputation.of(asker) == 1
    c.votes.cast(actor=voter, post=plain.opening_post_id, value=1)
    assert c.reputation.of(asker) == 11


def test_placeholders_stay_off_the_directory_leaderboards_and_ranks(c):
    alice = c.members.join(external_id="alice", display_name="Alice").id
    q = c.threads.start(actor=alice, space="qa", kind="question", title="Anyone here?", body="B.")
    for voter in _voters(c, 3):
        c.votes.cast(actor=voter, post=q.opening_post_id, value=1)
    listed = [m.external_id for m in c.members.list()]
    assert listed == ["admin", "alice"]
    assert [row.member_id for row in c.reputation.leaderboard()] == [alice, 1]
    assert [row.member_id for row in c.reputation.leaderboard(period="day")] == [alice]
    assert c.reputation.rank(alice) == 1


def test_the_placeholder_role_is_given_at_join_only(c):
    member = c.members.join(external_id="m", display_name="M").id
    with pytest.raises(ValidationError):
        c.members.grant_role(actor=1, member=member, role="placeholder")

"""A held submission can never be taken for a published thread or post.

``threads.start`` and ``posts.reply`` return a thread/post or a ``HeldSubmission``;
the held one has no ``id`` (it used to be the review item's id, which views then
used as a thread id). The commands that can return one are found from the return
annotations of every public method, so a new one is tested here by itself.
"""

from __future__ import annotations

import inspect
import typing

import pytest

from socialcrm import Community, HeldSubmission, Settings, WatchedWord
from socialcrm.adapters.memory import MemoryStorage


def _returning_held() -> set[str]:
    community = Community(MemoryStorage(), entry_points=False)
    found = set()
    try:
        for attr, api in vars(community).items():
            if not type(api).__module__.startswith("socialcrm.capabilities."):
                continue
            for name, method in inspect.getmembers(type(api), inspect.isfunction):
                if name.startswith("_"):
                    continue
                hints = typing.get_type_hints(getattr(method, "__wrapped__", method))
                if "HeldSubmission" in repr(hints.get("return")):
                    found.add(f"{attr}.{name}")
    finally:
        community.close()
    return found


def test_the_commands_that_may_hold_are_the_ones_tested_here() -> None:
    assert _returning_held() == {"threads.start", "posts.reply"}


@pytest.fixture
def held_results(make_community):
    settings = Settings.for_testing().with_content(
        watched_words=[WatchedWord(pattern="refund", action="require_approval")]
    )
    c = make_community(settings=settings)
    staff = c.members.join(external_id="s", display_name="Staff", roles=["staff"])
    author = c.members.join(external_id="a", display_name="Author")
    c.spaces.create(actor=staff.id, slug="help", name="Help")
    thread = c.threads.start(
        actor=author.id, space="help", kind="question", title="Where are invoices?", body="?"
    )
    results = {
        "threads.start": c.threads.start(
            actor=author.id, space="help", kind="question", title="I want a refund", body="now"
        ),
        "posts.reply": c.posts.reply(actor=author.id, thread=thread.id, body="a refund please"),
    }
    return c, author.id, results


def test_every_held_result_has_no_id_and_names_its_review_item(held_results) -> None:
    c, author, results = held_results
    assert set(results) == _returning_held()
    pending = [item.id for item in c.review.pending(actor=author)]
    for command, result in results.items():
        assert isinstance(result, HeldSubmission) and result.held, command
        assert not hasattr(result, "id"), command
        with pytest.raises(AttributeError, match="review_item_id"):
            result.id  # noqa: B018
        assert result.review_item_id == result.item.id
        assert c.review.get(actor=author, item=result.review_item_id).is_pending
    assert pending == [r.review_item_id for r in results.values()]

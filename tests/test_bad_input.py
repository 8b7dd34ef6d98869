"""Bad input anywhere gives a typed socialcrm error and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcrm import Community, ManualClock, SocialCRMError
from socialcrm.adapters.memory import MemoryStorage

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just("x" * 40_000),
    st.sampled_from([2**63, 2**64 + 1, -1, 0]),
    st.just("\x00"),
)


def _storage(kind: str) -> Any:
    if kind == "memory":
        return MemoryStorage()
    from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

    return SQLAlchemyStorage("sqlite:///:memory:")


def _seeded(kind: str) -> tuple[Community, dict[str, Any]]:
    c = Community(_storage(kind), clock=ManualClock(), entry_points=False)
    admin = c.members.join(external_id="admin", display_name="Admin", roles=["admin"])
    asker = c.members.join(external_id="asker", display_name="Asker")
    c.spaces.create(actor=admin.id, slug="billing", name="Billing")
    q = c.threads.start(
        actor=asker.id, space="billing", kind="question", title="A question title", body="body"
    )
    a = c.posts.reply(actor=admin.id, thread=q.id, body="answer")
    return c, {"admin": admin.id, "asker": asker.id, "thread": q.id, "post": a.id}


COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("members", "join", {"external_id": "x", "display_name": "X"}),
    ("members", "update_profile", {"actor": "asker", "member": "asker", "bio": "b"}),
    ("members", "grant_role", {"actor": "admin", "member": "asker", "role": "moderator"}),
    ("spaces", "create", {"actor": "admin", "slug": "new", "name": "New"}),
    ("spaces", "add_member", {"actor": "admin", "space": "billing", "member": "asker"}),
    (
        "threads",
        "start",
        {"actor": "asker", "space": "billing", "kind": "question", "title": "T" * 12, "body": "b"},
    ),
    ("threads", "close", {"actor": "asker", "thread": "thread"}),
    ("threads", "accept", {"actor": "asker", "answer": "post"}),
    ("threads", "list", {"actor": None, "space": "billing", "sort": "active", "limit": 5}),
    ("threads", "count", {"actor": None, "tag": "x"}),
    ("posts", "reply", {"actor": "asker", "thread": "thread", "body": "b"}),
    ("posts", "edit", {"actor": "admin", "post": "post", "body": "new body"}),
    ("posts", "comment", {"actor": "asker", "post": "post", "body": "thanks"}),
    ("votes", "cast", {"actor": "asker", "post": "post", "value": 1}),
    ("reputation", "leaderboard", {"period": "week", "limit": 5}),
    ("reputation", "history", {"member": "asker", "limit": 5}),
    ("moderation", "silence", {"actor": "admin", "member": "asker", "reason": "spam"}),
    ("moderation", "history", {"actor": "admin", "member": "asker", "limit": 5}),
    ("audit", "entries", {"actor": "admin", "moderator": "admin", "action": "role_granted"}),
    ("invitations", "create", {"actor": "asker", "max_uses": 2}),
    ("invitations", "redeem", {"actor": "asker", "code": "no-such-code"}),
    ("referrals", "converted", {"referred": "asker"}),
    (
        "polls",
        "create",
        {"actor": "asker", "thread": "thread", "question": "Q?", "options": ["a", "b"]},
    ),
    ("champions", "find", {"actor": "admin", "space": "billing", "limit": 5}),
    ("champions", "grant", {"actor": "admin", "member": "asker", "reason": "helpful"}),
    ("reputation", "activity_leaderboard", {"activity": "accepted_answers", "period": "week"}),
]


def _snapshot(c: Community) -> Any:
    with c.storage.unit_of_work() as uow:
        members = uow.members.list(limit=1000)
        threads = uow.threads.list(space_ids=[s.id for s in uow.spaces.list()], limit=1000)
        posts = [p for t in threads for p in uow.posts.list_for_thread(t.id, include_deleted=True)]
        sanctions = [uow.sanctions.history(m.id, limit=1000) for m in members]
        audit = uow.audit.entries(limit=1000)
        return members, uow.spaces.list(), threads, posts, uow.ledger.totals(), sanctions, audit


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize(
    ("api", "method", "good"), COMMANDS, ids=[f"{a}.{m}" for a, m, _ in COMMANDS]
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_garbage_arguments_raise_typed_errors_and_change_nothing(kind, api, method, good, data):
    c, ids = _seeded(kind)
    kwargs = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in good.items()}
    field = data.draw(st.sampled_from(sorted(kwargs)), label="field")
    kwargs[field] = data.draw(junk, label="value")
    before = _snapshot(c)
    try:
        getattr(getattr(c, api), method)(**kwargs)
    except SocialCRMError:
        assert _snapshot(c) == before
    finally:
        c.close()

"""The adapter's direct SQLite statements return exactly what SQLAlchemy's own path returns.

On pysqlite the hot-path statements skip SQLAlchemy's execution machinery
(``direct_sqlite=True``); every other dialect uses Core execution. Running one
scenario through each path on SQLite keeps the two honest.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.capabilities.members.records import Profile
from socialcrm.capabilities.reputation.records import LedgerWindow, NewLedgerEntry
from socialcrm.capabilities.spaces.records import NewSpace
from socialcrm.capabilities.threads.records import NewPost, ThreadFilter
from test_sqlalchemy_adapter import T0, add_member, seed_post


def exercise_every_repository(store: SQLAlchemyStorage) -> list[Any]:
    """Run each port method once and collect what it returned."""
    seen: list[Any] = []
    with store.unit_of_work() as uow:
        space, author, post = seed_post(uow)
        voter = add_member(uow, "voter", reputation=50)
        child = uow.spaces.add(
            NewSpace(
                slug="child",
                name="Child",
                description="d",
                parent_id=space.id,
                visibility="members",
                posting="moderators",
                created_at=T0,
            )
        )
        thread = uow.threads.get(post.thread_id)
        seen += [space, author, post, voter, child, thread]
        seen.append(uow.spaces.add_member(child.id, voter.id))
        seen.append(uow.spaces.add_member(child.id, voter.id))
        seen.append(uow.spaces.memberships(voter.id))
        seen.append(uow.spaces.remove_member(child.id, voter.id))
        seen.append(uow.spaces.remove_member(child.id, voter.id))
        seen += [uow.spaces.get(child.id), uow.spaces.get_by_slug("help"), uow.spaces.list()]
        uow.members.update_profile(
            voter.id, display_name="V", profile=Profile(country="FR", interests=("a",))
        )
        uow.members.set_roles(voter.id, frozenset({"moderator", "member"}))
        uow.members.set_reputation(author.id, 7)
        seen += [uow.members.get(voter.id), uow.members.get_many([voter.id, author.id, 999])]
        seen += [uow.members.list(limit=10), uow.members.top(limit=10, exclude_ids=[author.id])]
        seen += [uow.members.count_above(5), uow.members.reputations(), uow.members.lock(999)]
        vote = uow.votes.add(post_id=post.id, member_id=voter.id, value=1, cast_at=T0)
        uow.votes.change(vote.id, value=-1, cast_at=T0 + timedelta(seconds=5))
        seen += [uow.votes.get(post.id, voter.id), uow.votes.for_post(post.id)]
        uow.votes.remove(vote.id, value=-1)
        seen.append(uow.votes.get(post.id, voter.id))
        reply = uow.posts.add(
            NewPost(
                thread_id=thread.id,
                author_id=voter.id,
                body="reply",
                is_opening=False,
                created_at=T0,
            )
        )
        uow.threads.record_reply(thread.id, delta=1, at=T0 + timedelta(hours=1))
        uow.threads.record_reply(thread.id, delta=1, at=None)
        seen.append(
            uow.posts.add_revision(
                post_id=reply.id,
                editor_id=voter.id,
                edited_at=T0,
                previous_body="r",
                previous_title=None,
            )
        )
        uow.posts.update_body(reply.id, body="edited", edited_at=T0 + timedelta(minutes=2))
        seen.append(
            uow.posts.add_comment(post_id=reply.id, author_id=author.id, body="c", created_at=T0)
        )
        uow.posts.mark_deleted(reply.id, by=author.id, at=T0 + timedelta(minutes=3))
        seen += [
            uow.posts.list_for_thread(thread.id),
            uow.posts.list_for_thread(thread.id, include_deleted=True),
        ]
        seen += [uow.posts.revisions(reply.id), uow.posts.comments(reply.id)]
        seen.append(uow.threads.compare_and_set_accepted(thread.id, expected=None, new=reply.id))
        seen.append(uow.threads.compare_and_set_accepted(thread.id, expected=None, new=post.id))
        seen.append(uow.threads.compare_and_set_accepted(thread.id, expected=reply.id, new=None))
        uow.threads.add_tags(["votes", "help", "votes"], T0)
        uow.threads.add_tags(["help", "sql"], T0)
        seen.append(uow.threads.known_tags(["votes", "sql", "nope"]))
        uow.threads.set_title_and_tags(thread.id, title="Renamed title", tags=("sql", "votes"))
        uow.threads.set_status(thread.id, "closed")
        seen.append(uow.threads.get(thread.id))
        for sort in ("active", "newest", "score", "unanswered"):
            seen.append(uow.threads.list(ThreadFilter(space_ids=[space.id, child.id]), sort=sort))
        seen.append(
            uow.threads.list(
                ThreadFilter(space_ids=[space.id], tag="sql", kind="question", status="closed")
            )
        )
        seen += [
            uow.threads.count(ThreadFilter(space_ids=[space.id], tag="votes")),
            uow.threads.count(ThreadFilter(space_ids=[space.id], tag="help")),
        ]
        seen.append(uow.threads.count_by_space(ThreadFilter(space_ids=[space.id, child.id])))
        for day, delta, space_id in (
            (date(2026, 1, 5), 10, space.id),
            (date(2026, 1, 5), 5, None),
            (None, -2, child.id),
        ):
            seen.append(
                uow.ledger.append(
                    NewLedgerEntry(
                        member_id=author.id,
                        delta=delta,
                        requested=delta,
                        rule="rule",
                        event="event",
                        cause=f"post:{post.id}:vote:{delta}",
                        at=T0,
                        cap_day=day,
                        space_id=space_id,
                        post_id=post.id,
                    )
                )
            )
        seen.append(uow.ledger.cap_used(author.id, date(2026, 1, 5)))
        seen.append(uow.ledger.cap_used(author.id, date(2026, 1, 6)))
        seen.append(uow.ledger.history(author.id, limit=2, offset=1))
        seen.append(uow.ledger.totals())
        seen.append(
            uow.ledger.gains(
                LedgerWindow(since=T0, until=T0 + timedelta(days=1), space_ids=None), limit=5
            )
        )
        seen.append(
            uow.ledger.gains(LedgerWindow(since=None, until=None, space_ids=[child.id]), limit=5)
        )
        seen.append(
            uow.ledger.gains(
                LedgerWindow(
                    since=None, until=None, space_ids=None, exclude_member_ids=[author.id]
                ),
                limit=5,
            )
        )
        uow.threads.mark_deleted(thread.id, T0 + timedelta(days=1))
        seen.append(uow.threads.count_by_space(ThreadFilter(space_ids=[space.id])))
        uow.commit()
    return seen


def test_the_direct_sqlite_path_returns_what_sqlalchemys_path_returns(tmp_path: Path) -> None:
    direct = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'direct.db'}", direct_sqlite=True)
    core = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'core.db'}", direct_sqlite=False)
    try:
        assert exercise_every_repository(direct) == exercise_every_repository(core)
    finally:
        direct.close()
        core.close()

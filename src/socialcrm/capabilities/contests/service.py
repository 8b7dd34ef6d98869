"""Contests: a thread with a submission window and a voting window ("photo contests").

* **Entries** are the thread's replies written in the submission window
  (``submission_starts_at <= created_at < submission_ends_at``), not deleted.
* **Votes** on the thread's replies are accepted only in the voting window
  (``voting_starts_at <= t < voting_ends_at``): casting, changing or retracting one
  outside it is refused (``Conflict`` ``contest_voting_closed``), so an entry's
  score is exactly the votes of the voting window. The submission window starts
  no earlier than the contest's creation, so no entry can carry older votes.
* **Deciding** (after the voting window): the ``winners`` best entries by score,
  ties broken by the earlier entry, then the lower post id; recorded once
  (``contest_decided``), each winner handed to the badge call point.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from socialcrm.capabilities.contests.events import ContestCreated, ContestDecided
from socialcrm.capabilities.contests.records import Contest, ContestWinner, NewContest
from socialcrm.capabilities.spaces.access import (
    optional_viewer,
    require_actor,
    require_moderator,
    visible_thread,
)
from socialcrm.capabilities.threads.locking import lock_live_thread
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.core import validation
from socialcrm.errors import Conflict, NotFound, ValidationError
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, Transaction, retry_transient


def grant_contest_badge(tx: Transaction, *, member_id: int, contest_id: int, position: int) -> None:
    """Award the ``contest_winner`` badge (repeatable: once per contest) to a winner.

    Runs in the unit of work that records the winners; the badge is defined by
    the built-in ``socialcrm.badges.engagement`` plugin. Without it (a host that
    leaves the plugin out) no badge is awarded: the winners are still recorded
    and announced by ``contest_decided``.
    """
    from socialcrm.capabilities.badges.engine import award_badge

    if CONTEST_BADGE not in tx.runtime.badges:
        return
    award_badge(tx, CONTEST_BADGE, member_id, subject=f"contest:{contest_id}", actor_id=None)


#: The badge contest winners receive (``socialcrm.badges.engagement``).
CONTEST_BADGE = "contest_winner"


def refuse_vote_outside_voting_window(tx: Transaction, thread: Thread, post: Post) -> None:
    """Refuse a vote (cast, change, retract) on a contest entry outside the voting window."""
    if post.is_opening:
        return
    contest = tx.uow.contests.for_thread(thread.id)
    if contest is not None and not contest.voting_open(tx.now):
        raise Conflict(
            "votes on this contest's entries count only in its voting window",
            code="contest_voting_closed",
        )


def contest_entries(uow: UnitOfWork, contest: Contest) -> list[Post]:
    """The contest's entries, best first: score, then the earlier entry, then the lower id."""
    entries = [
        p
        for p in uow.posts.list_for_thread(contest.thread_id)
        if not p.is_opening and contest.accepts_entry_at(p.created_at)
    ]
    entries.sort(key=lambda p: (-p.score, p.created_at, p.id))
    return entries


def _moment(value: object, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be a timezone-aware datetime", field=field)
    return value


class Contests(PublicAPI):
    """``community.contests``: run a thread as a contest, list entries, decide winners."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    @retry_transient
    def create(
        self,
        *,
        actor: int,
        thread: int,
        submission_ends_at: datetime,
        voting_ends_at: datetime,
        submission_starts_at: datetime | None = None,
        voting_starts_at: datetime | None = None,
        winners: int = 3,
    ) -> Contest:
        """Make an open thread a contest; moderators, staff and admins only.

        Windows: ``submission_starts_at`` (default now, never earlier) <
        ``submission_ends_at`` <= ``voting_starts_at`` (default
        ``submission_ends_at``) < ``voting_ends_at``, at most
        ``Settings.contest_max_days`` from now. ``winners``: places to decide, 1 to
        ``Settings.contest_max_winners``. A thread runs one contest
        (``Conflict`` ``duplicate_contest``).
        """
        settings = self._rt.settings
        if isinstance(winners, bool) or not isinstance(winners, int):
            raise ValidationError("winners must be an integer", field="winners")
        if not 1 <= winners <= settings.contest_max_winners:
            raise ValidationError(
                f"winners must be from 1 to {settings.contest_max_winners}", field="winners"
            )
        sub_end = _moment(submission_ends_at, "submission_ends_at")
        vote_end = _moment(voting_ends_at, "voting_ends_at")
        with self._rt.command() as tx:
            acting = require_actor(tx, actor)
            require_moderator(acting, "run contests")
            topic, space = visible_thread(tx.uow, acting, thread)
            topic = lock_live_thread(tx, topic.id, shared=True)
            if topic.status != "open":
                raise Conflict("the thread is closed", code="thread_closed")
            sub_start = (
                tx.now
                if submission_starts_at is None
                else _moment(submission_starts_at, "submission_starts_at")
            )
            vote_start = (
                sub_end
                if voting_starts_at is None
                else _moment(voting_starts_at, "voting_starts_at")
            )
            # Refuses a window starting in the past and windows out of order.
            new = NewContest(
                thread_id=topic.id,
                submission_starts_at=sub_start,
                submission_ends_at=sub_end,
                voting_starts_at=vote_start,
                voting_ends_at=vote_end,
                winners=winners,
                created_by=acting.id,
                created_at=tx.now,
            )
            if vote_end > tx.now + timedelta(days=settings.contest_max_days):
                raise ValidationError(
                    f"a contest lasts at most {settings.contest_max_days} days",
                    field="voting_ends_at",
                )
            contest = tx.uow.contests.add(new)
            tx.record(
                ContestCreated(
                    at=tx.now,
                    actor_id=acting.id,
                    contest_id=contest.id,
                    thread_id=topic.id,
                    space_id=space.id,
                    submission_ends_at=sub_end,
                    voting_ends_at=vote_end,
                )
            )
            return contest

    def _visible(self, uow: UnitOfWork, actor: int | None, contest: int) -> tuple[Contest, Thread]:
        contest_id = validation.identifier(contest, "contest")
        found = uow.contests.get(contest_id)
        if found is not None:
            try:
                topic, _ = visible_thread(uow, optional_viewer(uow, actor), found.thread_id)
            except NotFound:
                pass
            else:
                return found, topic
        raise NotFound(f"no contest {contest_id}", code="contest_not_found")

    def for_thread(self, *, actor: int | None, thread: int) -> Contest | None:
        """The thread's contest (``None``: it is not one), if ``actor`` may see the thread."""
        with self._rt.query() as uow:
            topic, _ = visible_thread(uow, optional_viewer(uow, actor), thread)
            return uow.contests.for_thread(topic.id)

    def entries(self, *, actor: int | None, contest: int) -> list[Post]:
        """The entries, best first (score, then the earlier entry, then the lower id)."""
        with self._rt.query() as uow:
            found, _ = self._visible(uow, actor, contest)
            return contest_entries(uow, found)

    def winners(self, *, actor: int | None, contest: int) -> list[ContestWinner]:
        """The recorded winners, first place first (empty until decided)."""
        with self._rt.query() as uow:
            found, _ = self._visible(uow, actor, contest)
            return uow.contests.winners(found.id)

    @retry_transient
    def decide(self, *, contest: int, actor: int | None = None) -> list[ContestWinner]:
        """Decide and record the winners once the voting window has ended.

        ``actor`` ``None`` is a host job (trusted); a member must be a moderator.
        Deciding again returns the recorded winners and records nothing.
        ``Conflict`` ``contest_not_over`` while the voting window is open.
        """
        with self._rt.command() as tx:
            if actor is None:
                contest_id = validation.identifier(contest, "contest")
                current = tx.uow.contests.get(contest_id)
                thread = None if current is None else tx.uow.threads.get(current.thread_id)
                if current is None or thread is None:
                    raise NotFound(f"no contest {contest_id}", code="contest_not_found")
                return self._decide(tx, current, thread, None)
            require_moderator(require_actor(tx, actor, posts=False), "decide contests")
            found, topic = self._visible(tx.uow, actor, contest)
            return self._decide(tx, found, topic, actor)

    def _decide(
        self, tx: Transaction, contest: Contest, topic: Thread, actor: int | None
    ) -> list[ContestWinner]:
        if tx.now < contest.voting_ends_at:
            raise Conflict("the contest's voting window is still open", code="contest_not_over")
        if not tx.uow.contests.mark_decided(contest.id, at=tx.now):
            return tx.uow.contests.winners(contest.id)
        winners = [
            ContestWinner(
                contest_id=contest.id,
                position=place,
                post_id=entry.id,
                member_id=entry.author_id,
                score=entry.score,
            )
            for place, entry in enumerate(contest_entries(tx.uow, contest)[: contest.winners], 1)
        ]
        tx.uow.contests.add_winners(contest.id, winners)
        for winner in winners:
            grant_contest_badge(
                tx, member_id=winner.member_id, contest_id=contest.id, position=winner.position
            )
        tx.record(
            ContestDecided(
                at=tx.now,
                actor_id=actor,
                contest_id=contest.id,
                thread_id=topic.id,
                space_id=topic.space_id,
                winner_post_ids=tuple(w.post_id for w in winners),
                winner_member_ids=tuple(w.member_id for w in winners),
            )
        )
        return winners

    def decide_due(self, *, limit: int = 100) -> int:
        """Job: decide every contest whose voting ended (up to ``limit``); return how many.

        Each contest is decided in its own unit of work; run it periodically.
        """
        limit, _ = validation.page(limit, 0, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            due = uow.contests.due(self._rt.clock.now(), limit=limit)
        decided = 0
        for contest in due:
            with self._rt.command() as tx:
                current = tx.uow.contests.get(contest.id)
                topic = tx.uow.threads.get(contest.thread_id)
                if current is None or topic is None or current.decided_at is not None:
                    continue
                self._decide(tx, current, topic, None)
                decided += 1
        return decided


__all__ = [
    "Contests",
    "contest_entries",
    "grant_contest_badge",
    "refuse_vote_outside_voting_window",
]

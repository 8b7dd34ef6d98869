"""In-memory invitations, referrals and polls (part of :mod:`socialcrm.adapters.memory`).

Kept apart from the core repositories to keep modules small; they share the
memory unit's undo journal, so they commit and roll back with it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

import attrs

from socialcrm.domain.engagement import (
    Contest,
    ContestWinner,
    Invitation,
    Poll,
    PollOption,
    Referral,
    ReferralReward,
)
from socialcrm.errors import Conflict


class _Journal(Protocol):
    def next_id(self, name: str) -> int: ...

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None: ...

    def delete(self, table: dict[Any, Any], key: Any) -> None: ...

    def set_add(self, target: set[Any], item: Any) -> bool: ...

    def set_remove(self, target: set[Any], item: Any) -> bool: ...


class EngagementTables:
    """The engagement part of the memory store."""

    def __init__(self) -> None:
        self.invitations: dict[int, Invitation] = {}
        self.invitation_by_hash: dict[str, int] = {}
        self.referrals: dict[int, Referral] = {}
        self.referral_by_referred: dict[int, int] = {}
        # reward key -> (insertion order, referral id, reward)
        self.rewards: dict[str, tuple[int, int, ReferralReward]] = {}
        self.polls: dict[int, Poll] = {}
        self.poll_by_thread: dict[int, int] = {}
        # (poll id, member id) -> option ids chosen, ascending
        self.ballots: dict[tuple[int, int], tuple[int, ...]] = {}
        self.contests: dict[int, Contest] = {}
        self.contest_by_thread: dict[int, int] = {}
        # (contest id, position) -> winner
        self.contest_winners: dict[tuple[int, int], ContestWinner] = {}


class _EngagementRepository:
    def __init__(self, journal: _Journal, tables: EngagementTables) -> None:
        self._j = journal
        self._t = tables


class MemoryInvitations(_EngagementRepository):
    """:class:`socialcrm.ports.InvitationRepository` in memory."""

    def add(
        self,
        *,
        code_hash: str,
        inviter_id: int,
        space_id: int | None,
        max_uses: int | None,
        expires_at: datetime | None,
        created_at: datetime,
    ) -> Invitation:
        """Insert an invitation; ``Conflict`` if the code hash is taken."""
        if code_hash in self._t.invitation_by_hash:
            raise Conflict("that invite code exists already", code="duplicate_invite_code")
        invitation = Invitation(
            id=self._j.next_id("invitations"),
            code_hash=code_hash,
            inviter_id=inviter_id,
            space_id=space_id,
            max_uses=max_uses,
            uses=0,
            expires_at=expires_at,
            created_at=created_at,
        )
        self._j.put(self._t.invitations, invitation.id, invitation)
        self._j.put(self._t.invitation_by_hash, code_hash, invitation.id)
        return invitation

    def get(self, invitation_id: int) -> Invitation | None:
        """The invitation with this id, or ``None``."""
        return self._t.invitations.get(invitation_id)

    def get_by_code_hash(self, code_hash: str) -> Invitation | None:
        """The invitation stored under this hash, or ``None``."""
        found = self._t.invitation_by_hash.get(code_hash)
        return None if found is None else self._t.invitations[found]

    def use(self, invitation_id: int, *, at: datetime) -> bool:
        """Count a use if the invitation is usable at ``at``."""
        invitation = self._t.invitations.get(invitation_id)
        if invitation is None or not invitation.usable_at(at):
            return False
        self._j.put(
            self._t.invitations, invitation_id, attrs.evolve(invitation, uses=invitation.uses + 1)
        )
        return True

    def revoke(self, invitation_id: int, *, at: datetime) -> bool:
        """Revoke once; ``False`` if already revoked or unknown."""
        invitation = self._t.invitations.get(invitation_id)
        if invitation is None or invitation.revoked_at is not None:
            return False
        self._j.put(self._t.invitations, invitation_id, attrs.evolve(invitation, revoked_at=at))
        return True

    def by_inviter(self, inviter_id: int, *, limit: int, offset: int = 0) -> list[Invitation]:
        """The member's invitations, newest first."""
        found = [i for i in self._t.invitations.values() if i.inviter_id == inviter_id]
        found.sort(key=lambda i: i.id, reverse=True)
        return found[offset : offset + limit]


class MemoryReferrals(_EngagementRepository):
    """:class:`socialcrm.ports.ReferralRepository` in memory."""

    def add(
        self, *, referrer_id: int, referred_id: int, invitation_id: int | None, joined_at: datetime
    ) -> Referral:
        """Record a referral; ``Conflict`` if the member was referred already."""
        if referred_id in self._t.referral_by_referred:
            raise Conflict(f"member {referred_id} was referred already", code="duplicate_referral")
        referral = Referral(
            id=self._j.next_id("referrals"),
            referrer_id=referrer_id,
            referred_id=referred_id,
            invitation_id=invitation_id,
            joined_at=joined_at,
        )
        self._j.put(self._t.referrals, referral.id, referral)
        self._j.put(self._t.referral_by_referred, referred_id, referral.id)
        return referral

    def get(self, referral_id: int) -> Referral | None:
        """The referral with this id, or ``None``."""
        return self._t.referrals.get(referral_id)

    def for_referred(self, referred_id: int) -> Referral | None:
        """The referral that brought the member in, or ``None``."""
        found = self._t.referral_by_referred.get(referred_id)
        return None if found is None else self._t.referrals[found]

    def mark_converted(self, referral_id: int, *, at: datetime) -> bool:
        """Set ``converted_at`` once."""
        referral = self._t.referrals.get(referral_id)
        if referral is None or referral.converted_at is not None:
            return False
        self._j.put(self._t.referrals, referral_id, attrs.evolve(referral, converted_at=at))
        return True

    def count_converted(self, referrer_id: int) -> int:
        """How many of the referrer's referrals converted."""
        return sum(
            1
            for r in self._t.referrals.values()
            if r.referrer_id == referrer_id and r.converted_at is not None
        )

    def by_referrer(self, referrer_id: int, *, limit: int, offset: int = 0) -> list[Referral]:
        """The referrer's referrals, newest first."""
        found = [r for r in self._t.referrals.values() if r.referrer_id == referrer_id]
        found.sort(key=lambda r: r.id, reverse=True)
        return found[offset : offset + limit]

    def add_reward(self, *, referral_id: int, reward: ReferralReward, at: datetime) -> bool:
        """Record a reward under its unique key; ``False`` if the key is taken."""
        if reward.key in self._t.rewards:
            return False
        order = self._j.next_id("referral_rewards")
        self._j.put(self._t.rewards, reward.key, (order, referral_id, reward))
        return True

    def rewards_for(self, member_id: int) -> list[ReferralReward]:
        """The member's rewards, oldest first."""
        found = sorted(
            (order, reward)
            for order, _, reward in self._t.rewards.values()
            if reward.member_id == member_id
        )
        return [reward for _, reward in found]


class MemoryPolls(_EngagementRepository):
    """:class:`socialcrm.ports.PollRepository` in memory."""

    def add(
        self,
        *,
        thread_id: int,
        question: str,
        options: tuple[str, ...],
        multiple: bool,
        hide_results: bool,
        closes_at: datetime | None,
        created_by: int,
        created_at: datetime,
    ) -> Poll:
        """Insert a poll with its options; ``Conflict`` if the thread has a poll."""
        if thread_id in self._t.poll_by_thread:
            raise Conflict(f"thread {thread_id} has a poll already", code="duplicate_poll")
        poll_id = self._j.next_id("polls")
        poll = Poll(
            id=poll_id,
            thread_id=thread_id,
            question=question,
            multiple=multiple,
            hide_results=hide_results,
            closes_at=closes_at,
            created_by=created_by,
            created_at=created_at,
            options=tuple(
                PollOption(
                    id=self._j.next_id("poll_options"), poll_id=poll_id, position=i, label=label
                )
                for i, label in enumerate(options)
            ),
        )
        self._j.put(self._t.polls, poll_id, poll)
        self._j.put(self._t.poll_by_thread, thread_id, poll_id)
        return poll

    def get(self, poll_id: int) -> Poll | None:
        """The poll, or ``None``."""
        return self._t.polls.get(poll_id)

    def for_thread(self, thread_id: int) -> Poll | None:
        """The thread's poll, or ``None``."""
        found = self._t.poll_by_thread.get(thread_id)
        return None if found is None else self._t.polls[found]

    def close(self, poll_id: int, *, at: datetime) -> bool:
        """Close once; ``False`` if already closed or unknown."""
        poll = self._t.polls.get(poll_id)
        if poll is None or poll.closed_at is not None:
            return False
        self._j.put(self._t.polls, poll_id, attrs.evolve(poll, closed_at=at))
        return True

    def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...]:
        """The member's chosen option ids, ascending."""
        return self._t.ballots.get((poll_id, member_id), ())

    def set_ballot(
        self, poll_id: int, member_id: int, option_ids: Collection[int], *, cast_at: datetime
    ) -> None:
        """Replace the member's ballot (empty withdraws it)."""
        chosen = tuple(sorted(set(option_ids)))
        if chosen:
            self._j.put(self._t.ballots, (poll_id, member_id), chosen)
        else:
            self._j.delete(self._t.ballots, (poll_id, member_id))

    def tallies(self, poll_id: int) -> dict[int, int]:
        """Ballots per option id (every option of the poll)."""
        poll = self._t.polls.get(poll_id)
        counts = {o.id: 0 for o in poll.options} if poll is not None else {}
        for (pid, _), chosen in self._t.ballots.items():
            if pid == poll_id:
                for option_id in chosen:
                    counts[option_id] = counts.get(option_id, 0) + 1
        return counts

    def voters(self, poll_id: int) -> int:
        """How many members hold a ballot."""
        return sum(1 for (pid, _) in self._t.ballots if pid == poll_id)


class MemoryContests(_EngagementRepository):
    """:class:`socialcrm.ports.ContestRepository` in memory."""

    def add(
        self,
        *,
        thread_id: int,
        submission_starts_at: datetime,
        submission_ends_at: datetime,
        voting_starts_at: datetime,
        voting_ends_at: datetime,
        winners: int,
        created_by: int,
        created_at: datetime,
    ) -> Contest:
        """Insert a contest; ``Conflict`` if the thread has one."""
        if thread_id in self._t.contest_by_thread:
            raise Conflict(f"thread {thread_id} is a contest already", code="duplicate_contest")
        contest = Contest(
            id=self._j.next_id("contests"),
            thread_id=thread_id,
            submission_starts_at=submission_starts_at,
            submission_ends_at=submission_ends_at,
            voting_starts_at=voting_starts_at,
            voting_ends_at=voting_ends_at,
            winners=winners,
            created_by=created_by,
            created_at=created_at,
        )
        self._j.put(self._t.contests, contest.id, contest)
        self._j.put(self._t.contest_by_thread, thread_id, contest.id)
        return contest

    def get(self, contest_id: int) -> Contest | None:
        """The contest, or ``None``."""
        return self._t.contests.get(contest_id)

    def for_thread(self, thread_id: int) -> Contest | None:
        """The thread's contest, or ``None``."""
        found = self._t.contest_by_thread.get(thread_id)
        return None if found is None else self._t.contests[found]

    def mark_decided(self, contest_id: int, *, at: datetime) -> bool:
        """Set ``decided_at`` once."""
        contest = self._t.contests.get(contest_id)
        if contest is None or contest.decided_at is not None:
            return False
        self._j.put(self._t.contests, contest_id, attrs.evolve(contest, decided_at=at))
        return True

    def add_winners(self, contest_id: int, winners: Collection[ContestWinner]) -> None:
        """Record the places; ``Conflict`` if a place is recorded already."""
        for winner in winners:
            key = (contest_id, winner.position)
            if key in self._t.contest_winners:
                raise Conflict("that place is recorded already", code="duplicate_winner")
            self._j.put(self._t.contest_winners, key, winner)

    def winners(self, contest_id: int) -> list[ContestWinner]:
        """The places, first first."""
        return [w for (cid, _), w in sorted(self._t.contest_winners.items()) if cid == contest_id]

    def due(self, at: datetime, *, limit: int) -> list[Contest]:
        """Undecided contests whose voting ended by ``at``."""
        found = [
            c for c in self._t.contests.values() if c.decided_at is None and c.voting_ends_at <= at
        ]
        found.sort(key=lambda c: (c.voting_ends_at, c.id))
        return found[: max(limit, 0)]


__all__ = [
    "EngagementTables",
    "MemoryContests",
    "MemoryInvitations",
    "MemoryPolls",
    "MemoryReferrals",
]

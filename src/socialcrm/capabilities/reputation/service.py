"""Reputation queries (totals, history, leaderboards, ranks), privileges and ``recompute``."""

from __future__ import annotations

from collections.abc import Callable

from socialcrm.capabilities.members.records import MODERATING_ROLES
from socialcrm.capabilities.reputation.events import ReputationRecomputed
from socialcrm.capabilities.reputation.periods import board_since
from socialcrm.capabilities.reputation.records import (
    ACTIVITY_BOARDS,
    LeaderboardRow,
    LedgerEntry,
    LedgerWindow,
)
from socialcrm.capabilities.spaces.access import (
    ALL_SPACES_ROLES,
    has_privilege,
    hidden_space_ids,
    optional_viewer,
    readable_spaces,
    require_actor,
    require_role,
    resolve_space,
)
from socialcrm.capabilities.spaces.tree import space_and_descendants
from socialcrm.core import validation
from socialcrm.core.context import HookContext
from socialcrm.errors import NotFound
from socialcrm.leaderboards.base import LeaderboardBackend
from socialcrm.leaderboards.storage import StorageLeaderboard
from socialcrm.ports import UnitOfWork
from socialcrm.services.boundary import PublicAPI
from socialcrm.services.runtime import Runtime, retry_transient

PERIODS = ("all", "day", "week", "month", "year")


#: Old name of :func:`~socialcrm.capabilities.reputation.periods.board_since`.
period_start = board_since


class Reputation(PublicAPI):
    """``community.reputation``: totals, ledger history, leaderboards, ranks, recompute."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        backend: Callable[[], LeaderboardBackend | None] | None = None,
    ) -> None:
        """``backend`` returns the leaderboard backend in use (``None``: storage answers).

        It is asked on every query, so a host may swap ``community.leaderboard``.
        """
        self._rt = runtime
        self._storage_board = StorageLeaderboard()
        self._board = backend or (lambda: None)

    def _backend(self) -> LeaderboardBackend | None:
        """The configured backend, unless a host unit of work is open.

        Inside ``community.unit_of_work()`` queries must see the block's own
        uncommitted writes, which only the storage knows.
        """
        backend = self._board()
        if backend is None or self._rt.in_group():
            return None
        if self._rt.settings.leaderboard_exclude_staff:
            # Backends know no roles: leaving staff out is answered by storage.
            return None
        return backend

    def _excluded(self, uow: UnitOfWork) -> frozenset[int]:
        """Moderators, staff and admins when ``leaderboard_exclude_staff`` is set."""
        if not self._rt.settings.leaderboard_exclude_staff:
            return frozenset()
        return uow.members.ids_with_roles(MODERATING_ROLES)

    def _scope(
        self, uow: UnitOfWork, space: str | int | None, actor: int | None
    ) -> tuple[list[int] | None, frozenset[int]]:
        """``(space_ids, exclude_space_ids)`` for a board ``actor`` looks at.

        With ``space``: that space and the subgroups the viewer sees (nothing to
        exclude). Without: every entry outside the spaces the viewer cannot see.
        """
        viewer = optional_viewer(uow, actor)
        if space is None:
            return None, hidden_space_ids(uow, viewer)
        root = resolve_space(uow, viewer, space)
        return space_and_descendants(readable_spaces(uow, viewer), root.id), frozenset()

    def _rows(self, uow: UnitOfWork, scored: list[tuple[int, int]]) -> list[LeaderboardRow]:
        names = uow.members.get_many([mid for mid, _ in scored])
        board: list[LeaderboardRow] = []
        for mid, score in scored:
            if mid not in names or names[mid].is_placeholder:
                continue
            rank = board[-1].rank if board and board[-1].score == score else len(board) + 1
            board.append(
                LeaderboardRow(
                    rank=rank, member_id=mid, display_name=names[mid].display_name, score=score
                )
            )
        return board

    def activity_leaderboard(
        self,
        *,
        activity: str,
        period: str = "all",
        space: str | int | None = None,
        limit: int = 10,
        actor: int | None = None,
    ) -> list[LeaderboardRow]:
        """The members who lead one activity; ``score`` is how many times they did it.

        ``activity``: ``accepted_answers`` (answers of theirs accepted, from the
        ledger's ``answer_accepted`` entries: self-accepts and community-wiki
        answers earn none, so they are not counted) or ``upvotes_received``
        (upvotes on their posts: ``question_upvoted``, ``answer_upvoted`` and
        ``post_upvoted`` entries, counted even when the daily cap granted 0).
        Undone accepts and retracted upvotes do not count. ``period``, ``space``
        and ``actor`` as in :meth:`leaderboard` (activity in spaces ``actor`` cannot
        see never counts); members with no such activity are not listed.
        With ``Settings.leaderboard_exclude_staff`` moderators, staff and admins
        are left out. Ties share a rank.
        """
        activity = validation.choice(activity, "activity", ACTIVITY_BOARDS)
        period = validation.choice(period, "period", PERIODS)
        limit, _ = validation.page(limit, 0, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            space_ids, hidden = self._scope(uow, space, actor)
            window = LedgerWindow(
                since=board_since(period, self._rt.clock.now()),
                until=None,
                space_ids=space_ids,
                exclude_member_ids=self._excluded(uow),
                exclude_space_ids=hidden,
            )
            scored = uow.ledger.rule_counts(ACTIVITY_BOARDS[activity], window, limit=limit)
            return self._rows(uow, scored)

    def of(self, member: int) -> int:
        """The member's current reputation."""
        mid = validation.identifier(member, "member")
        with self._rt.query() as uow:
            found = uow.members.get(mid)
        if found is None:
            raise NotFound(f"no member {mid}", code="member_not_found")
        return found.reputation

    def history(
        self, member: int, *, actor: int | None = None, limit: int = 50, offset: int = 0
    ) -> list[LedgerEntry]:
        """The member's ledger entries that ``actor`` may see, newest first.

        ``actor`` is the member looking (``None``: an anonymous visitor, the
        default). Entries earned in spaces the viewer cannot see are left out, so
        a public profile page never shows rule names or post ids from a private
        space. Jobs and admin tools that need every entry use
        :meth:`history_unfiltered`.
        """
        mid = validation.identifier(member, "member")
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            hidden = hidden_space_ids(uow, optional_viewer(uow, actor))
            if uow.members.get(mid) is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            return uow.ledger.history(mid, limit=limit, offset=offset, exclude_space_ids=hidden)

    def history_unfiltered(
        self, member: int, *, limit: int = 50, offset: int = 0
    ) -> list[LedgerEntry]:
        """Every ledger entry of the member, newest first, whatever space it came from.

        Trusted: no viewer, no visibility filter. For jobs, exports and admin
        tools; never show its answer on a page (use :meth:`history`).
        """
        mid = validation.identifier(member, "member")
        limit, offset = validation.page(limit, offset, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            if uow.members.get(mid) is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            return uow.ledger.history(mid, limit=limit, offset=offset)

    def leaderboard(
        self,
        *,
        period: str = "all",
        space: str | int | None = None,
        limit: int = 10,
        actor: int | None = None,
    ) -> list[LeaderboardRow]:
        """The members who lead, by total reputation or by what they gained in a period.

        ``period``: ``all`` (total reputation; with ``space``, all reputation earned
        there), or the current UTC ``day``, ``week`` (from Monday), ``month`` or
        ``year``. With ``space``, only reputation earned in that space and its
        subgroups counts, and ``actor`` must be able to see it. Without ``space``,
        a period board counts no reputation earned in spaces ``actor`` (``None``:
        an anonymous visitor) cannot see; the all-time board is total reputation,
        which is one public number per member. Ties share a rank.
        With ``Settings.leaderboard_exclude_staff``, moderators, staff and admins
        are left out (answered by storage, not by a leaderboard backend).

        With a leaderboard backend (``Community(..., leaderboard=...)``), the backend
        answers the queries it supports and the storage the others, with the same rows.
        """
        period = validation.choice(period, "period", PERIODS)
        limit, _ = validation.page(limit, 0, max_limit=self._rt.settings.page_size_limit)
        with self._rt.query() as uow:
            space_ids, hidden = self._scope(uow, space, actor)
            if period == "all" and space_ids is None:
                hidden = frozenset()  # total reputation: not made of entries to filter
            since = board_since(period, self._rt.clock.now())
            rows = None
            # A backend keeps no per-space counters: boards narrowed by what the
            # viewer may see are answered by storage.
            backend = None if hidden else self._backend()
            excluded = self._excluded(uow)
            if backend is not None:
                rows = backend.top(
                    uow, period=period, since=since, space_ids=space_ids, limit=limit
                )
            if rows is None and (excluded or hidden):
                if period == "all" and space_ids is None:
                    top = uow.members.top(limit=limit, exclude_ids=excluded)
                    rows = [(m.id, m.reputation) for m in top]
                else:
                    window = LedgerWindow(
                        since=since,
                        until=None,
                        space_ids=space_ids,
                        exclude_member_ids=excluded,
                        exclude_space_ids=hidden,
                    )
                    rows = uow.ledger.gains(window, limit=limit)
            if rows is None:
                rows = self._storage_board.top(
                    uow, period=period, since=since, space_ids=space_ids, limit=limit
                )
            names = uow.members.get_many([mid for mid, _ in rows])
            # Storage never ranks placeholders; this also keeps them off a backend's board.
            scored = [
                (mid, names[mid].display_name, total)
                for mid, total in rows
                if mid in names and not names[mid].is_placeholder
            ]
        board: list[LeaderboardRow] = []
        for index, (mid, name, score) in enumerate(scored):
            rank = board[-1].rank if board and board[-1].score == score else index + 1
            board.append(LeaderboardRow(rank=rank, member_id=mid, display_name=name, score=score))
        return board

    def rank(self, member: int) -> int:
        """The member's all-time rank by reputation (1 is first; ties share a rank)."""
        mid = validation.identifier(member, "member")
        backend = self._backend()
        if backend is not None:
            found = backend.rank(mid)
            if found is not None:
                return found
        with self._rt.query() as uow:
            found = self._storage_board.rank_in(uow, mid)
        if found is None:
            raise NotFound(f"no member {mid}", code="member_not_found")
        return found

    @retry_transient
    def recompute(self, *, actor: int | None = None) -> dict[int, tuple[int, int]]:
        """Rebuild every cached total from the ledger; return ``{member: (was, now)}`` for fixes.

        Totals are ``Settings.reputation_start`` plus the sum of the member's ledger
        deltas. ``actor`` ``None`` is a host job (trusted); a member must be staff or
        an admin (``PermissionDenied`` otherwise, and unknown or sanctioned actors
        are refused like in every command). ``actor`` is recorded on the events.
        """
        fixed: dict[int, tuple[int, int]] = {}
        start = self._rt.settings.reputation_start
        with self._rt.command() as tx:
            if actor is not None:
                acting = require_actor(tx, actor, posts=False)
                require_role(acting, ALL_SPACES_ROLES, "recompute reputation")
                actor = acting.id
            sums = tx.uow.ledger.totals()
            suspects = sorted(
                member_id
                for member_id, cached in tx.uow.members.reputations().items()
                if cached != start + sums.get(member_id, 0)
            )
            # Re-check under the members' row locks (ascending ids, the lock order):
            # a command that committed between the reads above and here moved a total
            # and its ledger together, and overwriting its total with a sum read
            # before it would lose its change.
            held = {member_id: tx.uow.members.lock(member_id) for member_id in suspects}
            sums = tx.uow.ledger.totals() if suspects else sums
            for member_id, cached in held.items():
                expected = start + sums.get(member_id, 0)
                if cached is not None and cached != expected:
                    tx.uow.members.set_reputation(member_id, expected)
                    fixed[member_id] = (cached, expected)
                    tx.record(
                        ReputationRecomputed(
                            at=tx.now,
                            actor_id=actor,
                            member_id=member_id,
                            previous=cached,
                            reputation=expected,
                        )
                    )
        return fixed


class Privileges(PublicAPI):
    """``community.privileges``: what a member may do, by reputation and role."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def required(self, privilege: str) -> int:
        """The reputation a privilege needs."""
        try:
            return self._rt.settings.privileges[privilege]
        except KeyError:
            raise NotFound(f"no privilege named {privilege!r}", code="unknown_privilege") from None

    def has(self, member: int, privilege: str) -> bool:
        """Whether the member holds the privilege now."""
        self.required(privilege)
        return self.of(member)[privilege]

    def of(self, member: int) -> dict[str, bool]:
        """Every privilege and whether the member holds it."""
        mid = validation.identifier(member, "member")
        with self._rt.query() as uow:
            found = uow.members.get(mid)
            if found is None:
                raise NotFound(f"no member {mid}", code="member_not_found")
            context = HookContext(
                uow=uow,
                settings=self._rt.settings,
                now=self._rt.clock.now(),
            )
            return {
                name: has_privilege(self._rt, context, found, name)
                for name in self._rt.settings.privileges
            }

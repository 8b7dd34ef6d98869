"""The :class:`Community` facade: one object, a sub-API per capability."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import pluggy
from blinker import Signal

from socialcrm.capabilities.audit.service import Audit
from socialcrm.capabilities.badges.engine import BadgeCatalog, badge_subscription
from socialcrm.capabilities.badges.service import Badges
from socialcrm.capabilities.bounties.service import Bounties
from socialcrm.capabilities.contests.champions import Champions
from socialcrm.capabilities.contests.service import Contests
from socialcrm.capabilities.flags.service import Flags
from socialcrm.capabilities.imports.service import ImportState
from socialcrm.capabilities.invitations.referrals import Referrals
from socialcrm.capabilities.invitations.service import Invitations
from socialcrm.capabilities.members.service import Members
from socialcrm.capabilities.moderation.service import Moderation
from socialcrm.capabilities.outbox.service import Outbox
from socialcrm.capabilities.polls.service import Polls
from socialcrm.capabilities.reputation.ledger import reputation_subscription
from socialcrm.capabilities.reputation.service import Privileges, Reputation
from socialcrm.capabilities.review.service import Review
from socialcrm.capabilities.spaces.service import Spaces
from socialcrm.capabilities.threads.posts import Posts
from socialcrm.capabilities.threads.service import Threads
from socialcrm.capabilities.trust.activity import trust_subscription
from socialcrm.capabilities.trust.service import Trust
from socialcrm.capabilities.votes.service import Votes
from socialcrm.clock import Clock, SystemClock
from socialcrm.errors import ValidationError
from socialcrm.leaderboards.base import LeaderboardBackend, LeaderboardSource
from socialcrm.plugins.manager import make_plugin_manager
from socialcrm.ports import Storage, UnitOfWork
from socialcrm.services.runtime import Runtime
from socialcrm.settings import Settings


class Community:
    """A customer community over one storage.

    Commands take ``actor`` (the acting member's id) as their first keyword and
    return frozen records; queries whose answer depends on who is looking take
    ``actor`` too (``None`` for an anonymous visitor).

    :param storage: a storage adapter (``MemoryStorage``, ``SQLAlchemyStorage`` or
        your own, proven with :mod:`socialcrm.testing`).
    :param plugins: host plugins (objects or modules with ``@hookimpl`` functions).
    :param settings: thresholds and limits; Stack Exchange defaults otherwise.
    :param clock: where time comes from; the UTC wall clock otherwise.
    :param builtin_plugins: ``True`` (all), ``False`` (none) or the names of the
        built-in plugins to keep (see ``socialcrm.plugins.manager.DEFAULT_PLUGINS``).
    :param entry_points: also load plugins from the ``socialcrm`` entry-point group.
    :param leaderboard: a leaderboard backend (e.g. ``socialcrm.leaderboards.RedisLeaderboard``)
        that answers the leaderboard and rank queries it supports; storage answers the rest.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        plugins: Iterable[object] = (),
        settings: Settings | None = None,
        clock: Clock | None = None,
        builtin_plugins: bool | Iterable[str] = True,
        entry_points: bool = True,
        leaderboard: LeaderboardBackend | None = None,
    ) -> None:
        if settings is not None and not isinstance(settings, Settings):
            raise ValidationError("settings must be a socialcrm.Settings", field="settings")
        self.storage = storage
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        self.plugins: pluggy.PluginManager = make_plugin_manager(
            plugins, builtins=builtin_plugins, entry_points=entry_points
        )
        runtime = Runtime(
            self,
            storage,
            self.plugins,
            self.settings,
            self.clock,
            # One line per capability that reacts to recorded events, in this order.
            subscriptions=(reputation_subscription, trust_subscription, badge_subscription),
            badges=BadgeCatalog.collect(self.plugins.hook, self.settings),
        )
        self._runtime = runtime
        self.members = Members(runtime)
        self.spaces = Spaces(runtime)
        self.threads = Threads(runtime)
        self.posts = Posts(runtime)
        self.votes = Votes(runtime)
        self.reputation = Reputation(runtime, backend=lambda: self.leaderboard)
        self.privileges = Privileges(runtime)
        self.outbox = Outbox(runtime)
        self.trust = Trust(runtime)
        self.moderation = Moderation(runtime)
        self.flags = Flags(runtime)
        self.audit = Audit(runtime)
        self.imports = ImportState(runtime)
        self.invitations = Invitations(runtime)
        self.referrals = Referrals(runtime)
        self.polls = Polls(runtime)
        self.champions = Champions(runtime)
        self.contests = Contests(runtime)
        self.review = Review(runtime)
        self.badges = Badges(runtime)
        self.bounties = Bounties(runtime)
        #: The leaderboard backend in use (``None``: storage answers every query).
        self.leaderboard = leaderboard
        if leaderboard is not None:
            leaderboard.attach(self.leaderboard_source())

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        table_prefix: str = "socialcrm_",
        migrate: bool = True,
        **kwargs: Any,
    ) -> Community:
        """A community on ``SQLAlchemyStorage(url, table_prefix=..., migrate=...)``.

        Other keywords go to the constructor. ``Community.from_url("sqlite:///community.db")``
        creates the database file and migrates its schema if needed.
        """
        from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage

        return cls(SQLAlchemyStorage(url, table_prefix=table_prefix, migrate=migrate), **kwargs)

    def leaderboard_source(self) -> LeaderboardSource:
        """What a leaderboard backend reads of this community (handed to its ``attach``).

        The constructor attaches its ``leaderboard=`` with it; a backend made for
        another purpose (a test, a tool) can be attached the same way.
        """
        return _LeaderboardSource(self, self._runtime)

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Run every command inside the block in one transaction.

        Signals are sent once, after the block commits. If a command inside fails,
        the whole block is rolled back (even if the exception is caught inside it,
        leaving the block raises ``Conflict`` with code ``unit_of_work_aborted``).
        """
        with self._runtime.group():
            yield

    def close(self) -> None:
        """Close the storage, and the leaderboard backend if it has a ``close()``."""
        closer = getattr(self.leaderboard, "close", None)
        if callable(closer):
            closer()
        self.storage.close()

    def __enter__(self) -> Community:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _LeaderboardSource:
    """:class:`~socialcrm.leaderboards.base.LeaderboardSource` over a community's runtime."""

    def __init__(self, community: Community, runtime: Runtime) -> None:
        self._community = community
        self._runtime = runtime

    @property
    def settings(self) -> Settings:
        """The community's settings."""
        return self._runtime.settings

    def now(self) -> datetime:
        """The community clock's time."""
        return self._runtime.clock.now()

    def query(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit (the host's open ``unit_of_work()`` block's unit, if any)."""
        return self._runtime.query()

    def subscribe(self, signal: Signal, receiver: Callable[..., None]) -> Callable[[], None]:
        """Connect ``receiver`` for this community's signals only; return the disconnect."""
        sender = self._community
        signal.connect(receiver, sender=sender)
        return lambda: signal.disconnect(receiver, sender=sender)

"""Building the plugin manager: hookspecs, built-in plugins, entry points, host plugins."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pluggy

from socialcrm.plugins import hookspecs
from socialcrm.plugins.badges import BADGE_PLUGINS
from socialcrm.plugins.champions import ChampionPrivileges
from socialcrm.plugins.content_rules import (
    DuplicatePosts,
    NewMemberLimits,
    PreModeration,
    TermsOfService,
    WatchedWords,
)
from socialcrm.plugins.ratelimits import DailyTopics, DailyVotes, NewUserPostCounts, PostInterval
from socialcrm.plugins.referrals import ReferralRewards
from socialcrm.plugins.rewards import StackExchangeRewards
from socialcrm.plugins.staff import StaffPrivileges

#: Entry-point group through which installed packages offer plugins.
ENTRY_POINT_GROUP = "socialcrm"

#: Built-in behaviour, registered under these names; unregister or replace any of it.
DEFAULT_PLUGINS: tuple[tuple[str, type], ...] = (
    ("socialcrm.rewards", StackExchangeRewards),
    ("socialcrm.staff", StaffPrivileges),
    ("socialcrm.referrals", ReferralRewards),
    ("socialcrm.champions", ChampionPrivileges),
    ("socialcrm.watched_words", WatchedWords),
    ("socialcrm.new_member_limits", NewMemberLimits),
    ("socialcrm.duplicates", DuplicatePosts),
    ("socialcrm.terms_of_service", TermsOfService),
    ("socialcrm.premoderation", PreModeration),
    ("socialcrm.post_interval", PostInterval),
    ("socialcrm.new_user_counts", NewUserPostCounts),
    ("socialcrm.daily_topics", DailyTopics),
    ("socialcrm.daily_votes", DailyVotes),
    *BADGE_PLUGINS,
)


class PluginManager(pluggy.PluginManager):
    """A pluggy plugin manager that counts its registrations.

    ``generation`` grows with every ``register`` and ``unregister``, so the
    runtime can build its per-event subscriber table once and rebuild it only
    when the set of plugins changed (a host may register plugins at run time).
    """

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        #: Bumped by every registration change.
        self.generation = 0

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        """Register a plugin (see :meth:`pluggy.PluginManager.register`)."""
        self.generation += 1
        return super().register(plugin, name)

    def unregister(self, plugin: Any | None = None, name: str | None = None) -> Any | None:
        """Unregister a plugin (see :meth:`pluggy.PluginManager.unregister`)."""
        self.generation += 1
        return super().unregister(plugin, name)


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    builtins: bool | Iterable[str] = True,
    entry_points: bool = True,
) -> pluggy.PluginManager:
    """Return a plugin manager with socialcrm's hookspecs and plugins registered.

    :param plugins: host plugins (objects or modules with ``@hookimpl`` functions),
        registered after the built-ins so they run first (pluggy calls the most
        recently registered implementation first).
    :param builtins: ``True`` for every built-in plugin, ``False`` for none, or the
        names (from :data:`DEFAULT_PLUGINS`) of those to keep.
    :param entry_points: load plugins installed under the ``socialcrm``
        entry-point group.
    """
    manager = PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    if builtins is True:
        wanted = {name for name, _ in DEFAULT_PLUGINS}
    elif builtins is False:
        wanted = set()
    else:
        wanted = set(builtins)
        unknown = wanted - {name for name, _ in DEFAULT_PLUGINS}
        if unknown:
            from socialcrm.errors import ValidationError

            raise ValidationError(
                f"unknown built-in plugins: {', '.join(sorted(unknown))}", field="builtins"
            )
    for name, factory in DEFAULT_PLUGINS:
        if name in wanted:
            manager.register(factory(), name=name)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()
    return manager

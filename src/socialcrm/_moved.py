"""Module paths that moved in the capability layout, importable for one more release.

Importing an old path (``socialcrm.services.votes``, say) returns the module at its new
path (``socialcrm.capabilities.votes.service``) itself, not a copy, and warns once per
import site with a :class:`DeprecationWarning` naming the new path. The table
:data:`MOVED` is the only list of moved modules; ``docs/architecture.md`` explains the
layout and the tests import every old path once.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

#: The release that drops the old paths.
REMOVED_IN = "0.3"

_SERVICES = {
    "access": "spaces.access",
    "activity": "trust.activity",
    "audit": "audit.service",
    "auto_sanctions": "moderation.auto_sanctions",
    "badge_engine": "badges.engine",
    "badges": "badges.service",
    "bounties": "bounties.service",
    "champions": "contests.champions",
    "content": "moderation.pipeline",
    "contests": "contests.service",
    "flags": "flags.service",
    "held": "moderation.held",
    "imports": "imports.service",
    "invitations": "invitations.service",
    "ledger": "reputation.ledger",
    "limits": "ratelimits.service",
    "locking": "threads.locking",
    "members": "members.service",
    "moderation": "moderation.service",
    "outbox": "outbox.service",
    "polls": "polls.service",
    "posts": "threads.posts",
    "referrals": "invitations.referrals",
    "reputation": "reputation.service",
    "review": "review.service",
    "serial_votes": "votes.serial",
    "spaces": "spaces.service",
    "threads": "threads.service",
    "trust": "trust.service",
    "votes": "votes.service",
    "workload": "moderation.workload",
}

#: Old dotted module path -> the path it lives at now.
MOVED: dict[str, str] = {
    f"socialcrm.services.{old}": f"socialcrm.capabilities.{new}" for old, new in _SERVICES.items()
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old path as the module at its new path, with a warning."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.target}; import it from there "
            f"(the old path goes in socialcrm {REMOVED_IN})",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the (shared) module: restore it.
        module.__spec__ = self._spec


class _MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old paths of :data:`MOVED`; everything else is left to the next finder."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new))


def install() -> None:
    """Put the finder of old paths first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())

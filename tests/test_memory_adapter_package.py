"""The memory adapter is a package; its old module paths keep working, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import socialcrm.adapters.memory as package

OLD_MODULES = {
    "socialcrm.adapters.memory_engagement": (
        "EngagementTables",
        "MemoryContests",
        "MemoryInvitations",
        "MemoryPolls",
        "MemoryReferrals",
    ),
    "socialcrm.adapters.memory_rewards": ("MemoryBadges", "MemoryBounties"),
}


@pytest.mark.parametrize("old", sorted(OLD_MODULES))
def test_an_old_memory_module_warns_and_re_exports_the_package_classes(old: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=r"import from socialcrm\.adapters\.memory"):
        module = importlib.import_module(old)
    for name in OLD_MODULES[old]:
        assert getattr(module, name) is getattr(package, name)


def test_importing_the_package_itself_warns_about_nothing() -> None:
    code = "from socialcrm.adapters.memory import MemoryStorage, MemoryUnitOfWork"
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

"""The Community facade is not a service locator: modules get what they need, explicitly.

Walks the source of every module under the packages below with :mod:`ast` (no import,
so it sees type-only imports too) and fails on:

* a read of another object's private attribute (``community._runtime``,
  ``getattr(api, "_rt")``): only ``self`` and ``cls`` may be read that way;
* an import of :mod:`socialcrm.community` (the facade): a module that needs something
  of it is handed that thing (a runtime, a ``LeaderboardSource``, a function);
* ``.community`` read off anything but ``self`` in a service, capability or leaderboard
  (the runtime's handle on the facade);
* an import of :mod:`socialcrm.plugins` from a service, capability or kernel module: the
  policy a plugin and a service share lives in the capability (``policy.py``), which
  both import.

What must stay is in :data:`ALLOWED`, each with its reason; an entry that no longer
matches anything fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

#: Packages whose modules are checked.
CHECKED = ("services", "leaderboards", "importers", "plugins", "capabilities", "core")
#: Packages whose modules may not import ``socialcrm.plugins`` nor read ``.community``.
INNER = ("socialcrm.services", "socialcrm.capabilities", "socialcrm.core")
#: Attributes with a leading underscore that are public API (named tuples).
NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})

#: ``(module tail, finding) -> reason``. The tail is the module's last dotted part(s),
#: so an entry survives the module moving to another package.
ALLOWED: dict[tuple[str, str], str] = {
    ("boundary", "private getattr(args[0], '_rt', None)"): (
        "the boundary wrapper checks Member arguments with the runtime of the sub-API "
        "whose method it wraps: args[0] is that method's own self"
    ),
    ("boundary", "community runtime.community"): (
        "the host's actor guard (Flask, Django) is called with the Community it guards"
    ),
    ("stackexchange.replay", "import socialcrm.community"): (
        "the importer is a host of the public API: it builds its own Community and "
        "replays the dump through its public commands"
    ),
    ("stackexchange.compare", "import socialcrm.community"): (
        "compares an imported community's public reputation with the dump's"
    ),
}


@attrs.frozen
class Finding:
    """One breach: where, and what (the ``finding`` key of :data:`ALLOWED`)."""

    module: str
    line: int
    what: str

    def allowed_by(self) -> tuple[str, str] | None:
        """The :data:`ALLOWED` key that covers this finding, if any."""
        for tail, what in ALLOWED:
            if what == self.what and (self.module == tail or self.module.endswith("." + tail)):
                return (tail, what)
        return None

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """Every dotted name an import statement may bind (``from a import b``: a and a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".")[: -node.level]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


_PLUGINS = "socialcrm.plugins."


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__") and name not in NAMEDTUPLE_API


def _own(node: ast.expr) -> bool:
    """``self``, ``cls``, ``type(self)`` or ``super()``: the object's own attributes."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and (node.func.id == "super" or node.func.id == "type" and node.args[:1] != [])
        and all(_own(arg) for arg in node.args)
    )


def findings(source: str, module: str) -> Iterator[Finding]:
    """The breaches in one module's source (``module`` is its dotted name)."""
    inner = module.startswith(INNER)
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and not _own(node.value):
            if _private(node.attr):
                yield Finding(module, line, f"private {ast.unparse(node)}")
            elif node.attr == "community" and inner:
                yield Finding(module, line, f"community {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and not _own(node.args[0])
        ):
            yield Finding(module, line, f"private {ast.unparse(node)}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = _imported(node, module)
            if "socialcrm.community" in names:
                yield Finding(module, line, "import socialcrm.community")
            plugins = [n for n in names if n == "socialcrm.plugins" or n.startswith(_PLUGINS)]
            if inner and plugins:
                yield Finding(module, line, f"import {plugins[0]}")


def source_root() -> Path:
    spec = importlib.util.find_spec("socialcrm")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def modules() -> Iterator[tuple[str, Path]]:
    """``(dotted name, file)`` of every module of the :data:`CHECKED` packages."""
    root = source_root()
    for package in CHECKED:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(("socialcrm", *parts)), path


def all_findings() -> list[Finding]:
    return [
        found
        for module, path in modules()
        for found in findings(path.read_text(encoding="utf-8"), module)
    ]


def test_the_walk_sees_every_checked_package() -> None:
    names = [module for module, _ in modules()]
    for package in CHECKED:
        assert any(name.startswith(f"socialcrm.{package}.") for name in names), package
    assert len(names) > 60


def test_no_module_uses_the_facade_as_a_service_locator() -> None:
    breaches = [str(found) for found in all_findings() if found.allowed_by() is None]
    assert not breaches, (
        "hand these modules what they need instead (see this test's docstring), or add an "
        "entry with its reason to ALLOWED:\n" + "\n".join(breaches)
    )


def test_every_allowance_is_still_needed() -> None:
    used = {found.allowed_by() for found in all_findings()}
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"these ALLOWED entries match nothing any more; remove them: {stale}"


SAMPLE = """
from typing import TYPE_CHECKING
from socialcrm import community
from socialcrm.plugins.ratelimits import POSTING_ACTIONS
from . import _helpers
if TYPE_CHECKING:
    from socialcrm.community import Community

class Service:
    def __init__(self, runtime):
        self._rt = runtime
        self.board = runtime.community.leaderboard

    def run(self, community, url):
        own = (type(self)._cache, super()._setup(), type(community)._cache)
        ok = (self._rt, url._replace(path="/"), community.__class__)
        return community._runtime.query(), getattr(community, "_runtime"), getattr(self, "_rt")
"""


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (
            "socialcrm.services.sample",
            [
                "community runtime.community",
                "import socialcrm.community",
                "import socialcrm.community",
                "import socialcrm.plugins.ratelimits",
                "private community._runtime",
                "private getattr(community, '_runtime')",
                "private type(community)._cache",
            ],
        ),
        (
            "socialcrm.plugins.sample",
            [
                "import socialcrm.community",
                "import socialcrm.community",
                "private community._runtime",
                "private getattr(community, '_runtime')",
                "private type(community)._cache",
            ],
        ),
    ],
)
def test_the_checker_finds_each_kind_of_breach(module: str, expected: list[str]) -> None:
    assert sorted(found.what for found in findings(SAMPLE, module)) == sorted(expected)

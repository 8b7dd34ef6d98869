"""The documentation keeps up with the code.

* Every hook in :mod:`socialcrm.plugins.hookspecs` has a ``## <hook name>`` section in
  docs/hooks.md and a test named ``test_hook_<hook name>`` somewhere under tests/
  (``test_hook_socialcrm_on_event``; the short ``test_hook_on_event`` is accepted too).
* Every signal in :data:`socialcrm.signals.SIGNALS`, plus ``event_committed``, has a
  ``## <signal name>`` section in docs/signals.md.
* Every field of ``Settings``, ``RewardSettings``, ``TrustSettings``, ``FlagSettings``,
  ``WorkloadSettings``, ``ContentSettings``, ``RateLimitSettings``, ``BadgeSettings`` and
  ``BountySettings``, and every default privilege, is named in docs/settings.md.
* Every public name in ``socialcrm.__all__``, and every public method of the
  ``Community`` facade and its sub-APIs, has a docstring.
* docs/quickstart.md runs: its fenced blocks whose info string is exactly ``python`` are
  executed in order, in one namespace, with a temporary directory as the working
  directory (so ``sqlite:///community.db`` lands there).

Convention for documentation code blocks: a block that must not run (a fragment, a
sketch needing a web framework) is fenced as ```` ```python no-run ````. Any other info
string (``bash``, ``text``...) is never run either.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType

import attrs
import pytest

import socialcrm
from socialcrm import (
    BadgeSettings,
    BountySettings,
    Community,
    ContentSettings,
    FlagSettings,
    RateLimitSettings,
    RewardSettings,
    Settings,
    TrustSettings,
    WorkloadSettings,
    signals,
)
from socialcrm.plugins import hookspecs
from socialcrm.settings import DEFAULT_PRIVILEGES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"

HOOK_NAMES = sorted(
    name
    for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, f"{hookspecs.PROJECT_NAME}_spec")
)
SIGNAL_NAMES = sorted([*signals.SIGNALS, "event_committed"])
FACADE_APIS = (
    "members",
    "spaces",
    "threads",
    "posts",
    "votes",
    "reputation",
    "privileges",
    "trust",
    "moderation",
    "audit",
    "flags",
    "badges",
    "bounties",
)


def _h2_headings(path: Path) -> set[str]:
    """The text of every ``## heading``, without backticks."""
    headings = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^##\s+(.+?)\s*$", line)
        if match:
            headings.add(match.group(1).replace("`", "").strip())
    return headings


def _fenced_blocks(path: Path) -> Iterator[tuple[str, int, str]]:
    """``(info string, first code line number, code)`` for every fenced block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(\s*)(`{3,}|~{3,})\s*(.*?)\s*$", lines[index])
        if not opening:
            index += 1
            continue
        indent, fence, info = opening.groups()
        body: list[str] = []
        index += 1
        start = index + 1
        while index < len(lines) and not re.match(
            rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[index]
        ):
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line)
            index += 1
        if index >= len(lines):
            raise AssertionError(f"{path.name}: unclosed code fence opened at line {start - 1}")
        index += 1
        yield info, start, "\n".join(body) + "\n"


# ---------------------------------------------------------------- hooks


def test_hookspecs_are_found() -> None:
    assert HOOK_NAMES, "no hookspecs found; the discovery in this test is broken"
    assert all(name.startswith("socialcrm_") for name in HOOK_NAMES)


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_has_a_section_in_hooks_md(hook: str) -> None:
    assert hook in _h2_headings(DOCS / "hooks.md"), f"docs/hooks.md has no '## {hook}' section"


def test_hooks_md_documents_no_hook_that_does_not_exist() -> None:
    documented = {h for h in _h2_headings(DOCS / "hooks.md") if h.startswith("socialcrm_")}
    stale = sorted(documented - set(HOOK_NAMES))
    assert not stale, f"docs/hooks.md documents hooks that do not exist: {stale}"


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_has_a_test(hook: str) -> None:
    short = hook.removeprefix("socialcrm_")
    pattern = re.compile(rf"^\s*(?:async\s+)?def\s+test_hook_(?:socialcrm_)?{short}\s*\(", re.M)
    files = [p for p in sorted(TESTS.rglob("test_*.py")) if p.resolve() != Path(__file__).resolve()]
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in files), (
        f"no test named test_hook_{hook} (or test_hook_{short}) under tests/"
    )


# ---------------------------------------------------------------- signals


@pytest.mark.parametrize("signal_name", SIGNAL_NAMES)
def test_every_signal_has_a_section_in_signals_md(signal_name: str) -> None:
    assert signal_name in _h2_headings(DOCS / "signals.md"), (
        f"docs/signals.md has no '## {signal_name}' section"
    )


def test_signals_md_documents_no_signal_that_does_not_exist() -> None:
    # Signal sections are lowercase identifiers; prose sections start with a capital.
    documented = {h for h in _h2_headings(DOCS / "signals.md") if re.fullmatch(r"[a-z_]+", h)}
    stale = sorted(documented - set(SIGNAL_NAMES))
    assert not stale, f"docs/signals.md documents signals that do not exist: {stale}"


# ---------------------------------------------------------------- settings


def _setting_names() -> list[str]:
    names = [f.name for f in attrs.fields(Settings)]
    names += [f"rewards.{f.name}" for f in attrs.fields(RewardSettings)]
    names += [f"trust.{f.name}" for f in attrs.fields(TrustSettings)]
    names += [f"content.{f.name}" for f in attrs.fields(ContentSettings)]
    names += [f"flags.{f.name}" for f in attrs.fields(FlagSettings)]
    names += [f"workload.{f.name}" for f in attrs.fields(WorkloadSettings)]
    names += [f"rate_limits.{f.name}" for f in attrs.fields(RateLimitSettings)]
    names += [f"badges.{f.name}" for f in attrs.fields(BadgeSettings)]
    names += [f"bounties.{f.name}" for f in attrs.fields(BountySettings)]
    names += [f"privileges.{name}" for name in DEFAULT_PRIVILEGES]
    return names


@pytest.mark.parametrize("setting", _setting_names())
def test_every_setting_is_documented(setting: str) -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    name = setting.split(".", 1)[-1]
    assert f"`{name}`" in text, f"docs/settings.md does not name `{name}` ({setting})"


# ---------------------------------------------------------------- docstrings


def _has_own_docstring(obj: object) -> bool:
    # inspect.getdoc would inherit a class's docstring from its base; we want its own.
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return bool(doc and doc.strip())


@pytest.mark.parametrize("name", socialcrm.__all__)
def test_public_names_have_docstrings(name: str) -> None:
    assert _has_own_docstring(getattr(socialcrm, name)), f"socialcrm.{name} has no docstring"


def _facade_targets() -> dict[str, object]:
    """Every public method of ``Community`` and of the sub-APIs it exposes."""
    from socialcrm.adapters.memory import MemoryStorage

    community = Community(MemoryStorage(), entry_points=False)
    targets: dict[str, object] = {
        f"Community.{name}": getattr(Community, name)
        for name, member in vars(Community).items()
        if not name.startswith("_") and isinstance(member, (FunctionType, classmethod))
    }
    for attr, api in vars(community).items():
        if type(api).__module__.startswith("socialcrm.capabilities."):
            for name, method in inspect.getmembers(type(api), inspect.isfunction):
                if not name.startswith("_"):
                    targets[f"community.{attr}.{name}"] = method
    community.close()
    return targets


FACADE_TARGETS = _facade_targets()


def test_facade_sub_apis_are_found() -> None:
    for api in FACADE_APIS:
        assert any(path.startswith(f"community.{api}.") for path in FACADE_TARGETS), api


@pytest.mark.parametrize("path", sorted(FACADE_TARGETS))
def test_facade_methods_have_docstrings(path: str) -> None:
    assert _has_own_docstring(FACADE_TARGETS[path]), f"{path} has no docstring"


# ---------------------------------------------------------------- quickstart


def test_quickstart_has_runnable_blocks() -> None:
    runnable = [b for b in _fenced_blocks(DOCS / "quickstart.md") if b[0] == "python"]
    assert len(runnable) >= 5


def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = DOCS / "quickstart.md"
    namespace: dict[str, object] = {"__name__": "quickstart"}
    try:
        for info, line, code in _fenced_blocks(path):
            if info != "python":
                continue
            # Pad with blank lines so tracebacks point at the line in quickstart.md.
            source = "\n" * (line - 1) + code
            exec(compile(source, str(path), "exec"), namespace)
    finally:
        for value in list(namespace.values()):
            if inspect.isfunction(value):
                for signal in (signals.event_committed, *signals.SIGNALS.values()):
                    signal.disconnect(value)
            if isinstance(value, Community):
                value.close()

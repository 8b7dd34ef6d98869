"""Old module paths of the capability layout: importable for one release, with a warning.

Every entry of :data:`socialcrm._moved.MOVED` is checked by itself, so a module moved
later is covered by adding its line; and no module of the library, its tests, examples
or benchmarks may still import an old path.
"""

from __future__ import annotations

import ast
import importlib
import json
import pathlib
import subprocess
import sys

from socialcrm._moved import MOVED, REMOVED_IN

ROOT = pathlib.Path(__file__).resolve().parents[1]


_CHECK = """
import importlib, json, sys, warnings
from socialcrm._moved import MOVED
report = {}
for old, new in MOVED.items():
    importlib.import_module(new)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    report[old] = {
        "same": module is sys.modules[new] and module.__spec__.name == new,
        "warnings": [str(w.message) for w in caught if w.category is DeprecationWarning],
    }
print(json.dumps(report))
"""


def test_every_old_path_is_the_new_module_and_warns() -> None:
    # A fresh interpreter: in this one an old path may already be cached.
    result = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(report) == sorted(MOVED)
    for old, seen in report.items():
        assert seen["same"], old
        assert seen["warnings"] == [
            f"{old} moved to {MOVED[old]}; import it from there "
            f"(the old path goes in socialcrm {REMOVED_IN})"
        ], old


def test_every_new_path_exists() -> None:
    for new in MOVED.values():
        assert importlib.util.find_spec(new) is not None, new


def _imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_nothing_of_ours_imports_an_old_path() -> None:
    offenders = []
    for folder in ("src", "tests", "examples", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for module in sorted(_imported_modules(tree) & MOVED.keys()):
                offenders.append(f"{path.relative_to(ROOT)}: {module} -> {MOVED[module]}")
    assert not offenders, "\n".join(offenders)


_CHECK_DOMAIN = """
import ast, importlib, json, pathlib, pkgutil, warnings
import socialcrm.domain
report = {}
for info in pkgutil.iter_modules(socialcrm.domain.__path__):
    name = f"socialcrm.domain.{info.name}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    tree = ast.parse(pathlib.Path(module.__file__).read_text(encoding="utf-8"))
    wrong = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source = importlib.import_module(node.module)
            for alias in node.names:
                if getattr(module, alias.asname or alias.name) is not getattr(source, alias.name):
                    wrong.append(alias.name)
    defined = [n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)]
    report[name] = {
        "warnings": [str(w.message) for w in caught if w.category is DeprecationWarning],
        "all": sorted(module.__all__),
        "wrong": wrong,
        "defined": defined,
    }
print(json.dumps(report))
"""


def test_every_domain_module_only_re_exports_and_warns() -> None:
    """``socialcrm.domain.*`` defines nothing any more: each module re-exports the
    names it had from where they live now, and warns once when imported."""
    result = subprocess.run(
        [sys.executable, "-c", _CHECK_DOMAIN], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report) >= 10
    for name, seen in report.items():
        assert len(seen["warnings"]) == 1 and seen["warnings"][0].startswith(
            f"{name} is deprecated"
        ), (name, seen["warnings"])
        assert seen["all"], name
        assert not seen["wrong"], (name, seen["wrong"])
        assert not seen["defined"], (name, seen["defined"])

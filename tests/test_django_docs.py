"""docs/django.md runs, and every public name of socialcrm.contrib.django has a docstring.

The guide configures Django itself (``settings.configure``), so it runs in a fresh
interpreter, not in this test process where Django is already set up.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django")

import socialcrm.contrib.django as django_contrib  # noqa: E402
from test_docs import _fenced_blocks, _has_own_docstring  # noqa: E402

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "django.md"

# Runs the blocks, in order, as the module ``django_guide`` (the guide's ROOT_URLCONF).
# Each block runs in a namespace of its own that has the names earlier blocks defined
# but not the names they imported: a block that uses a name without importing it fails,
# as it would in its own file of the reader's project.
RUNNER = """
import ast, json, sys, types
blocks = json.loads(sys.stdin.read())
module = types.ModuleType("django_guide")
sys.modules["django_guide"] = module
imported = set()
for line, code in blocks:
    namespace = {k: v for k, v in module.__dict__.items() if k not in imported}
    namespace["__name__"] = "django_guide"
    # Pad with blank lines so tracebacks point at the line in django.md.
    exec(compile("\\n" * (line - 1) + code, sys.argv[1], "exec"), namespace)
    module.__dict__.update(namespace)
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update((a.asname or a.name).split(".")[0] for a in node.names)
print("guide ran")
"""


def python_blocks() -> list[tuple[int, str]]:
    return [(line, code) for info, line, code in _fenced_blocks(GUIDE) if info == "python"]


def test_the_django_guide_has_runnable_blocks() -> None:
    assert len(python_blocks()) >= 7


def test_the_django_guide_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(GUIDE)],
        input=json.dumps(python_blocks()),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert done.stdout.splitlines()[-1] == "guide ran"
    assert "403 {'error': 'permission_denied'" in done.stdout
    assert "trust review: 4 members checked" in done.stdout
    assert '<p role="alert">title' in done.stdout
    assert "socialcrm.outbox: outbox message" in done.stderr  # the log publisher
    assert (tmp_path / "site.db").exists()


def test_a_block_that_uses_a_name_only_an_earlier_block_imported_fails(tmp_path: Path) -> None:
    blocks = [(1, "from os.path import join\nsep = '/'"), (3, "print(sep, join)")]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, "blocks.md"],
        input=json.dumps(blocks),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "NameError: name 'join' is not defined" in done.stderr


def _public_names() -> list[tuple[str, str]]:
    import importlib

    names = [("socialcrm.contrib.django", name) for name in django_contrib.__all__]
    for module_name in ("checks", "jobs", "middleware"):
        module = importlib.import_module(f"socialcrm.contrib.django.{module_name}")
        assert _has_own_docstring(module), module_name
        names += [(module.__name__, name) for name in module.__all__]
    return names


@pytest.mark.parametrize(("module", "name"), _public_names())
def test_public_django_names_have_docstrings(module: str, name: str) -> None:
    import importlib

    value = getattr(importlib.import_module(module), name)
    if not (inspect.isclass(value) or callable(value)):
        return  # constants are documented by a #: comment
    assert _has_own_docstring(value), f"{module}.{name} has no docstring"
    if inspect.isclass(value):
        for attribute, member in vars(value).items():
            if not attribute.startswith("_") and (callable(member) or isinstance(member, property)):
                target = member.fget if isinstance(member, property) else member
                assert _has_own_docstring(target), f"{name}.{attribute} has no docstring"

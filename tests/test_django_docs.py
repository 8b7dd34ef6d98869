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
RUNNER = """
import json, sys, types
blocks = json.loads(sys.stdin.read())
module = types.ModuleType("django_guide")
sys.modules["django_guide"] = module
for line, code in blocks:
    # Pad with blank lines so tracebacks point at the line in django.md.
    exec(compile("\\n" * (line - 1) + code, sys.argv[1], "exec"), module.__dict__)
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
    assert (tmp_path / "site.db").exists()


@pytest.mark.parametrize("name", django_contrib.__all__)
def test_public_django_names_have_docstrings(name: str) -> None:
    value = getattr(django_contrib, name)
    if not (inspect.isclass(value) or callable(value)):
        return  # constants are documented by a #: comment
    assert _has_own_docstring(value), f"socialcrm.contrib.django.{name} has no docstring"
    if inspect.isclass(value):
        for attribute, member in vars(value).items():
            if not attribute.startswith("_") and (callable(member) or isinstance(member, property)):
                target = member.fget if isinstance(member, property) else member
                assert _has_own_docstring(target), f"{name}.{attribute} has no docstring"

"""The plugin guide's example (examples/plugin_example): its tests pass, its entry point loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plugin_example"


def _env(*paths: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in paths)}


def test_the_example_plugins_own_tests_pass_on_the_memory_adapter(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        cwd=tmp_path,
        env=_env(EXAMPLE / "src"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_the_example_loads_through_its_socialcrm_entry_point(tmp_path: Path) -> None:
    # What `pip install` would write: dist-info metadata with the pyproject's entry points.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = project["entry-points"]["socialcrm"]
    assert entry_points == {"acme_rewards": "acme_rewards:plugin"}
    info = tmp_path / f"acme_rewards-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        encoding="utf-8",
    )
    lines = [f"{name} = {target}" for name, target in entry_points.items()]
    (info / "entry_points.txt").write_text("[socialcrm]\n" + "\n".join(lines) + "\n")
    script = (
        "from socialcrm import Community\n"
        "from socialcrm.adapters.memory import MemoryStorage\n"
        "c = Community(MemoryStorage())\n"
        "print(sorted(n for n, _ in c.plugins.list_name_plugin() if 'acme' in n))\n"
        "print('acme_commentator' in {d.slug for d in c.badges.definitions()})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=_env(tmp_path, EXAMPLE / "src"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['acme_rewards']", "True"]

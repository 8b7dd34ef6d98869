"""The scripts in examples/ run and print what they promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart.py"


def run_example(script: Path, *args: str, cwd: Path) -> list[str]:
    """Run ``script`` with this interpreter; return its output lines (it must succeed)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.splitlines()


def assert_quickstart_output(lines: list[str]) -> None:
    assert "Alice cannot vote down: vote_down needs 125 reputation" in lines
    assert "  [signal] answer 2 accepted in thread 1" in lines
    assert "Bob's reputation: 26" in lines  # 1 + 10 (upvote) + 15 (accepted answer)
    assert "Alice's reputation: 3" in lines  # 1 + 2 (accepted an answer)
    board = lines.index("Leaderboard:")
    assert lines[board + 1 : board + 4] == ["  1. Bob 26", "  2. Alice 3", "  3. Ada 1"]
    # 10 of the 200 daily cap were used by the first upvote: 19 upvotes fit, 6 earn 0.
    assert "Daily cap: 25 upvotes requested 250, applied 190; Bob's reputation: 216" in lines
    # Undoing takes back what was applied, so Bob returns exactly where he was.
    assert lines[-1] == "After the 25 votes are retracted: Bob's reputation: 26"


def test_quickstart_example_in_memory(tmp_path: Path) -> None:
    assert_quickstart_output(run_example(QUICKSTART, cwd=tmp_path))


def test_quickstart_example_on_a_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "example.db"
    assert_quickstart_output(run_example(QUICKSTART, "--db", str(db), cwd=tmp_path))
    assert db.exists()

"""The ``socialcrm`` command: the demo community, its report, and file safety."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from socialcrm import Community, __version__
from socialcrm.cli import main

ROW = re.compile(r"^\s+(\d+)\. (.+?)\s+(-?\d+) rep  \(member #(\d+)\)$")


def _section(output: str, header_start: str) -> list[str]:
    """The lines of the section whose ``== ... ==`` header starts with ``header_start``."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"== {header_start}"))
    body: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("=="):
            break
        body.append(line)
    return body


def _run_demo(capsys: pytest.CaptureFixture[str], db: Path, seed: int = 1) -> tuple[int, str]:
    status = main(["demo", "--db", str(db), "--seed", str(seed)])
    return status, capsys.readouterr().out


def test_demo_report_matches_the_database(tmp_path: Path, capsys) -> None:
    db = tmp_path / "d.db"
    status, out = _run_demo(capsys, db)
    assert status == 0
    assert db.exists()
    for header in (
        "== Activity ==",
        "== All-time leaderboard (top 10) ==",
        "== This week's leaderboard",
        "== Top threads by score ==",
        "== Reputation history of ",
    ):
        assert header in out

    # The all-time leaderboard printed is the one the database gives after reopening.
    printed = [ROW.match(line) for line in _section(out, "All-time leaderboard")]
    assert all(printed), "every leaderboard line has rank, name, reputation and member id"
    rows = [(int(m[1]), m[2], int(m[3]), int(m[4])) for m in printed if m]
    assert len(rows) == 10
    with Community.from_url(f"sqlite:///{db}") as community:
        board = community.reputation.leaderboard()
        assert rows == [(r.rank, r.display_name, r.score, r.member_id) for r in board]
        for _rank, _name, score, member_id in rows:
            assert community.reputation.of(member_id) == score
        assert community.reputation.recompute() == {}, "cached totals agree with the ledger"
    scores = [score for _rank, _name, score, _id in rows]
    assert scores == sorted(scores, reverse=True)
    weekly = [ROW.match(line) for line in _section(out, "This week's leaderboard")]
    assert weekly and all(weekly)

    # The refusals.
    assert "self-vote refused: members cannot vote on their own posts" in out
    refusal = next(line for line in out.splitlines() if "upvote by" in line and "refused" in line)
    assert "privilege vote_up" in refusal
    assert "needs 15 reputation" in refusal

    # The capped day: more was asked for than the 200/day cap let through.
    match = re.search(r"capped day: .+: requested \+(\d+), applied \+(\d+)", out)
    assert match, out
    requested, applied = int(match[1]), int(match[2])
    assert requested > applied == 200
    assert re.search(r"capped entries: [1-9]", _section(out, "Reputation history")[-2])


def test_same_seed_tells_the_same_story(tmp_path: Path, capsys) -> None:
    _, first = _run_demo(capsys, tmp_path / "a.db", seed=3)
    _, again = _run_demo(capsys, tmp_path / "b.db", seed=3)
    strip = re.compile(r"^.*(writing|Explore it with).*$", re.M)
    assert strip.sub("", again) == strip.sub("", first)


def test_existing_file_is_refused_without_overwrite(tmp_path: Path, capsys) -> None:
    db = tmp_path / "d.db"
    db.write_bytes(b"not a database, and not yours to delete")
    assert main(["demo", "--db", str(db)]) != 0
    assert db.read_bytes() == b"not a database, and not yours to delete"
    assert "--overwrite" in capsys.readouterr().err


def test_leftover_wal_file_is_refused_without_overwrite(tmp_path: Path) -> None:
    wal = tmp_path / "d.db-wal"
    wal.write_bytes(b"wal")
    assert main(["demo", "--db", str(tmp_path / "d.db")]) != 0
    assert wal.read_bytes() == b"wal"


def test_overwrite_replaces_the_file_and_its_sidecars(tmp_path: Path, capsys) -> None:
    db = tmp_path / "d.db"
    db.write_bytes(b"old")
    (tmp_path / "d.db-wal").write_bytes(b"stale wal")
    (tmp_path / "d.db-shm").write_bytes(b"stale shm")
    assert main(["demo", "--db", str(db), "--overwrite", "--seed", "2"]) == 0
    capsys.readouterr()
    with Community.from_url(f"sqlite:///{db}") as community:
        assert len(community.members.list(limit=100)) == 44


def test_version_in_process(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"socialcrm {__version__}"


def test_no_command_prints_usage(capsys) -> None:
    assert main([]) != 0
    assert "demo" in capsys.readouterr().out


def test_version_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "socialcrm.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"socialcrm {__version__}"

"""docs/flask.md runs, and every public name of socialcrm.contrib.flask has a docstring."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

pytest.importorskip("flask_login")
pytest.importorskip("flask_sqlalchemy")

import socialcrm.contrib.flask as flask_contrib  # noqa: E402
from test_docs import _fenced_blocks, _has_own_docstring  # noqa: E402

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "flask.md"


def test_the_flask_guide_has_runnable_blocks() -> None:
    assert len([b for b in _fenced_blocks(GUIDE) if b[0] == "python"]) >= 6


def test_the_flask_guide_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "flask_guide"}
    for info, line, code in _fenced_blocks(GUIDE):
        if info == "python":
            # Pad with blank lines so tracebacks point at the line in flask.md.
            exec(compile("\n" * (line - 1) + code, str(GUIDE), "exec"), namespace)
    assert (tmp_path / "instance" / "community.db").exists()
    assert (tmp_path / "instance" / "shop.db").exists()


@pytest.mark.parametrize("name", flask_contrib.__all__)
def test_public_flask_names_have_docstrings(name: str) -> None:
    value = getattr(flask_contrib, name)
    if not (inspect.isclass(value) or callable(value)):
        return  # constants are documented by a #: comment
    assert _has_own_docstring(value), f"socialcrm.contrib.flask.{name} has no docstring"
    if inspect.isclass(value):
        for attribute, member in vars(value).items():
            if not attribute.startswith("_") and (callable(member) or isinstance(member, property)):
                target = member.fget if isinstance(member, property) else member
                assert _has_own_docstring(target), f"{name}.{attribute} has no docstring"

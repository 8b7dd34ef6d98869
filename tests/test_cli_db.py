"""``socialcrm db upgrade`` and ``socialcrm db current`` on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

import databases
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage, build_metadata, head
from socialcrm.adapters.sqlalchemy.engines import create_storage_engine
from socialcrm.cli import DATABASE_URL_VARIABLE, main

CLI_PREFIX = databases.run_prefix("cli")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def tables(url: str, prefix: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {name for name in inspect(engine).get_table_names() if name.startswith(prefix)}
    finally:
        engine.dispose()


def expected_tables(prefix: str) -> set[str]:
    return {table.name for table in build_metadata(prefix).sorted_tables} | {
        f"{prefix}alembic_version"
    }


@pytest.fixture(autouse=True)
def no_url_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)


def test_upgrade_then_current_on_sqlite(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    status, out, _ = run(capsys, "db", "current", "--url", url)
    assert (status, out) == (0, f"none (no database file {tmp_path / 'c.db'}; head is {head()})\n")
    assert not (tmp_path / "c.db").exists()

    status, out, _ = run(capsys, "db", "upgrade", "--url", url)
    assert status == 0
    assert out == f"{url} (prefix socialcrm_): upgraded from none to {head()}\n"
    assert tables(url, "socialcrm_") == expected_tables("socialcrm_")

    status, out, _ = run(capsys, "db", "upgrade", "--url", url)
    assert (status, out) == (0, f"{url} (prefix socialcrm_): already at {head()} (head)\n")
    status, out, _ = run(capsys, "db", "current", "--url", url)
    assert (status, out) == (0, f"{head()} (head)\n")


def test_the_prefix_option_names_the_tables(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(capsys, "db", "upgrade", "--url", url, "--prefix", "crm_")[0] == 0
    assert tables(url, "crm_") == expected_tables("crm_")
    assert tables(url, "socialcrm_") == set()
    assert run(capsys, "db", "current", "--url", url)[1] == f"none (head is {head()})\n"
    assert run(capsys, "db", "current", "--url", url, "--prefix", "crm_")[1] == f"{head()} (head)\n"
    storage = SQLAlchemyStorage(url, table_prefix="crm_", migrate=False)
    assert storage.current_revision() == head()
    storage.close()


def test_the_url_comes_from_the_environment_then_the_default(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "db", "upgrade")[0] == 0
    assert (tmp_path / "socialcrm.db").exists()  # sqlite:///socialcrm.db, in the working directory

    from_env = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, from_env)
    status, out, _ = run(capsys, "db", "upgrade")
    assert status == 0 and out.startswith(from_env)
    assert tables(from_env, "socialcrm_") == expected_tables("socialcrm_")

    given = f"sqlite:///{tmp_path / 'given.db'}"
    status, out, _ = run(capsys, "db", "upgrade", "--url", given)
    assert status == 0 and out.startswith(given)


def test_failures_exit_non_zero_with_one_line_and_no_password(capsys) -> None:
    status, out, err = run(
        capsys, "db", "current", "--url", "postgresql+psycopg://ada:s3cret@127.0.0.1:9/none"
    )
    assert status == 1 and out == ""
    assert "s3cret" not in err and "ada:***@127.0.0.1:9" in err
    assert len(err.strip().splitlines()) == 1

    status, _, err = run(capsys, "db", "upgrade", "--url", "nope")
    assert status == 2 and "not a database URL" in err
    status, _, err = run(capsys, "db")
    assert status == 2 and "usage: socialcrm db" in err


def test_a_missing_driver_names_the_extra(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    status, _, err = run(capsys, "db", "upgrade", "--url", "postgresql+psycopg://x@127.0.0.1/x")
    assert status == 1
    assert "pip install 'socialcrm[postgres]'" in err


def test_the_console_script_runs_db_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "socialcrm.cli", "db", "upgrade", "--url", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "socialcrm.cli", "db", "current", "--url", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"{head()} (head)\n")


@pytest.fixture(params=databases.DATABASE_KINDS)
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A server's URL with no ``CLI_PREFIX`` tables; they are dropped again afterwards."""
    url = databases.require_database(request.param)
    engine = create_storage_engine(url)
    databases.drop_prefixed_tables(engine, CLI_PREFIX)
    try:
        yield url
    finally:
        databases.drop_prefixed_tables(engine, CLI_PREFIX)
        engine.dispose()


def test_upgrade_then_current_on_a_server(server_url: str, capsys) -> None:
    args = ("--url", server_url, "--prefix", CLI_PREFIX)
    assert run(capsys, "db", "current", *args) == (0, f"none (head is {head()})\n", "")
    status, out, _ = run(capsys, "db", "upgrade", *args)
    assert status == 0 and out.endswith(f"(prefix {CLI_PREFIX}): upgraded from none to {head()}\n")
    assert run(capsys, "db", "current", *args) == (0, f"{head()} (head)\n", "")
    assert tables(server_url, CLI_PREFIX) == expected_tables(CLI_PREFIX)


@pytest.mark.parametrize("option", ["--db", "--url"])
def test_db_commands_take_the_database_as_db_like_import_and_url_as_before(
    tmp_path: Path, capsys, option: str
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    status, out, _ = run(capsys, "db", "upgrade", option, url)
    assert status == 0 and out.startswith(f"{url} (prefix socialcrm_): upgraded")
    status, out, _ = run(capsys, "db", "current", option, url)
    assert (status, out) == (0, f"{head()} (head)\n")

"""Pytest plugin for the PostgreSQL and MariaDB tests (registered by ``conftest.py``).

The schemas live in :data:`databases.POOL`; this plugin tells the pool when a
test starts (its storages take slots from 0 again) and drops every schema it
made when the session ends.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import databases
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    databases.POOL.new_test()


def pytest_sessionfinish(session: pytest.Session) -> None:
    databases.POOL.close()


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL (the test fails under ``CI=true``, else skips, if unreachable)."""
    return databases.require_database("postgres")


@pytest.fixture
def mariadb_url() -> str:
    """The MariaDB URL (the test fails under ``CI=true``, else skips, if unreachable)."""
    return databases.require_database("mariadb")


@pytest.fixture
def postgres_storages() -> Callable[..., SQLAlchemyStorage]:
    """Make empty storages on PostgreSQL (on the session's schemas); the test closes them."""
    databases.require_database("postgres")
    return databases.storage_factory("postgres")


@pytest.fixture
def mariadb_storages() -> Callable[..., SQLAlchemyStorage]:
    """Make empty storages on MariaDB (on the session's schemas); the test closes them."""
    databases.require_database("mariadb")
    return databases.storage_factory("mariadb")

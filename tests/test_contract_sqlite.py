"""The storage contract suite run against the SQLAlchemy adapter on SQLite."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_migrated_sqlite, sqlite_memory_storage
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.testing import StorageContract


class TestSQLiteFileStorage(StorageContract):
    """Every contract test against a SQLite database file."""

    @pytest.fixture
    def storage(self, tmp_path: Path) -> Iterator[SQLAlchemyStorage]:
        # A copy of a file migrated once per process (the migration has tests of its own).
        copy_migrated_sqlite(tmp_path / "c.db")
        storage = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'c.db'}", migrate=False)
        yield storage
        storage.close()


class TestSQLiteMemoryStorage(StorageContract):
    """Every contract test against an in-memory SQLite database."""

    @pytest.fixture
    def storage(self) -> Iterator[SQLAlchemyStorage]:
        storage = sqlite_memory_storage()
        yield storage
        storage.close()

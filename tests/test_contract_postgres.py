"""The storage contract suite run against the SQLAlchemy adapter on PostgreSQL (psycopg 3).

The server comes from ``SOCIALCRM_TEST_POSTGRES_URL`` (see ``databases.py``).
"""

from collections.abc import Callable, Iterator

import pytest

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.testing import StorageContract


class TestPostgresStorage(StorageContract):
    """Every contract test against PostgreSQL."""

    @pytest.fixture
    def storage(
        self, postgres_storages: Callable[..., SQLAlchemyStorage]
    ) -> Iterator[SQLAlchemyStorage]:
        storage = postgres_storages()
        yield storage
        storage.close()

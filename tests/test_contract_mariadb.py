"""The storage contract suite run against the SQLAlchemy adapter on MariaDB (PyMySQL).

The server comes from ``SOCIALCRM_TEST_MARIADB_URL`` (see ``databases.py``).
"""

from collections.abc import Callable, Iterator

import pytest

from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.testing import StorageContract


class TestMariaDBStorage(StorageContract):
    """Every contract test against MariaDB."""

    @pytest.fixture
    def storage(
        self, mariadb_storages: Callable[..., SQLAlchemyStorage]
    ) -> Iterator[SQLAlchemyStorage]:
        storage = mariadb_storages()
        yield storage
        storage.close()

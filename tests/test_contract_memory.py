"""The storage contract suite run against the in-memory adapter."""

from collections.abc import Iterator

import pytest

from socialcrm.adapters.memory import MemoryStorage
from socialcrm.testing import StorageContract


class TestMemoryStorage(StorageContract):
    """Every contract test against :class:`MemoryStorage`."""

    @pytest.fixture
    def storage(self) -> Iterator[MemoryStorage]:
        storage = MemoryStorage()
        yield storage
        storage.close()

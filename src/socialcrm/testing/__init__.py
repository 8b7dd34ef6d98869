"""Test support that ships with socialcrm.

:class:`StorageContract` is the storage contract suite: subclass it once per
storage adapter, give it a ``storage`` fixture, and pytest proves the adapter
against the behaviour documented in :mod:`socialcrm.ports`. It needs the
``testing`` extra (``pip install socialcrm[testing]``) for pytest and hypothesis.
"""

import pytest

# Pytest only rewrites asserts in test modules; registering the suite before it is
# imported gives adapter authors full assertion diffs instead of a bare AssertionError.
pytest.register_assert_rewrite("socialcrm.testing.contract")

from socialcrm.testing.contract import StorageContract  # noqa: E402

__all__ = ["StorageContract"]

"""Test support that ships with socialcrm.

:class:`StorageContract` is the storage contract suite: subclass it once per
storage adapter, give it a ``storage`` fixture, and pytest proves the adapter
against the behaviour documented in :mod:`socialcrm.ports`. It needs the
``testing`` extra (``pip install socialcrm[testing]``) for pytest and hypothesis.
"""

import pytest

# Pytest only rewrites asserts in test modules; registering the suite before it is
# imported gives adapter authors full assertion diffs instead of a bare AssertionError.
# Every module of the package is listed; a new contract module must be added here too.
pytest.register_assert_rewrite(
    "socialcrm.testing.contract",
    "socialcrm.testing.contract._support",
    "socialcrm.testing.contract.units",
    "socialcrm.testing.contract.conflicts",
    "socialcrm.testing.contract.unknown_ids",
    "socialcrm.testing.contract.datetimes",
    "socialcrm.testing.contract.members",
    "socialcrm.testing.contract.spaces",
    "socialcrm.testing.contract.threads",
    "socialcrm.testing.contract.posts",
    "socialcrm.testing.contract.votes",
    "socialcrm.testing.contract.ledger",
    "socialcrm.testing.contract.outbox",
    "socialcrm.testing.contract.sanctions",
    "socialcrm.testing.contract.audit",
    "socialcrm.testing.contract.badges",
    "socialcrm.testing.contract.bounties",
    "socialcrm.testing.contract.properties",
)

from socialcrm.testing.contract import StorageContract  # noqa: E402

__all__ = ["StorageContract"]

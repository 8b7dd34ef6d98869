"""Django's ``TestCase`` with socialcrm, on the test database Django's runner makes.

The runner's SQLite test database is in memory with a shared cache, and each
``TestCase`` test runs inside ``transaction.atomic()`` on Django's connection. A
community on a connection of its own then failed with "database table is locked",
and its writes (had they worked) would never have been rolled back. Units of work
inside an ``atomic`` block now join Django's transaction: the tests below are a
real ``django.test.TestCase`` subclass, run by pytest on that very database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("django")

from django_site import setup_django, template_database  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import TestCase  # noqa: E402

from socialcrm import Conflict, PermissionDenied, Settings, signals  # noqa: E402
from socialcrm.contrib.django import get_community, reset_community  # noqa: E402
from socialcrm.contrib.django.storage import AtomicJoiningStorage  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def test_database() -> Iterator[None]:
    """What ``manage.py test`` does: a fresh test database, migrated (socialcrm too)."""
    from django.conf import settings

    template_database()  # the other Django tests' template, migrated before we swap names
    before = settings.SOCIALCRM
    settings.SOCIALCRM = {**before, "SETTINGS": Settings.for_testing()}
    reset_community()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    assert "mode=memory" in test_name  # the runner's shared in-memory database
    try:
        yield
    finally:
        reset_community()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        settings.SOCIALCRM = before
        reset_community()


def _table_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a constant name
        return int(cursor.fetchone()[0])


class CommunityInATestCase(TestCase):
    """Writes inside a test work, are seen by the ORM, and roll back between tests."""

    ada: Any

    @classmethod
    def setUpTestData(cls) -> None:
        community = get_community()
        cls.ada = community.members.join(external_id="ada", display_name="Ada", roles=["admin"])
        community.spaces.create(actor=cls.ada, slug="help", name="Help")

    @property
    def community(self) -> Any:
        return get_community()

    def _ask_as_a_new_user(self) -> Any:
        # Both tests join the same user: had the other test's writes survived, this
        # join would raise Conflict (that external id is taken).
        user = get_user_model().objects.create_user("carol")
        carol = self.community.members.join(external_id=str(user.pk), display_name="Carol")
        thread = self.community.threads.start(
            actor=carol, space="help", kind="question", title="Where are invoices?", body="?"
        )
        return carol, thread

    def test_the_community_joins_djangos_transaction(self) -> None:
        self.assertIsInstance(self.community.storage, AtomicJoiningStorage)
        self.assertTrue(connection.in_atomic_block)
        carol, thread = self._ask_as_a_new_user()
        found = self.community.threads.get(actor=carol, thread=thread.id)
        self.assertEqual(found.title, "Where are invoices?")
        # Django's own connection sees socialcrm's rows: the same transaction.
        self.assertEqual(_table_count("socialcrm_members"), 2)
        self.assertEqual(_table_count("socialcrm_threads"), 1)

    def test_writes_of_the_other_test_were_rolled_back(self) -> None:
        self.assertEqual(_table_count("socialcrm_threads"), 0)
        self.assertEqual(len(self.community.members.list(limit=10)), 1)  # Ada only
        carol, _ = self._ask_as_a_new_user()
        self.assertEqual(self.community.members.get(carol.id).display_name, "Carol")

    def test_a_refused_command_leaves_the_tests_transaction_usable(self) -> None:
        bob = self.community.members.join(external_id="bob", display_name="Bob")
        with self.assertRaises(PermissionDenied):
            self.community.spaces.create(actor=bob, slug="staff", name="Staff")
        with self.assertRaises(Conflict):
            self.community.members.join(external_id="bob", display_name="Bob again")
        # Nothing half-written, and both the ORM and the community go on.
        self.assertEqual(get_user_model().objects.count(), 0)
        self.assertEqual([s.slug for s in self.community.spaces.list(actor=bob)], ["help"])
        self.assertEqual(self.community.members.by_external_id("bob").id, bob.id)

    def test_signals_wait_for_djangos_commit(self) -> None:
        seen: list[str] = []

        def receiver(sender: object, **data: Any) -> None:
            seen.append(data["event"].name)

        signals.member_joined.connect(receiver)
        try:
            with self.captureOnCommitCallbacks(execute=True) as callbacks:
                self.community.members.join(external_id="dan", display_name="Dan")
                self.assertEqual(seen, [])  # not committed yet
            self.assertEqual(len(callbacks), 1)
            self.assertEqual(seen, ["member_joined"])
        finally:
            signals.member_joined.disconnect(receiver)

    def test_a_nested_atomic_block_that_fails_undoes_only_its_writes(self) -> None:
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                self.community.members.join(external_id="erin", display_name="Erin")
                raise RuntimeError("the host's view failed")
        self.community.members.join(external_id="finn", display_name="Finn")
        names = {m.display_name for m in self.community.members.list(limit=10)}
        self.assertEqual(names, {"Ada", "Finn"})


def test_after_the_test_case_nothing_is_left_and_autocommit_units_commit() -> None:
    community = get_community()
    assert not connection.in_atomic_block
    assert community.members.list(limit=10) == []  # setUpTestData's Ada was rolled back too
    # Outside any atomic block, units run on socialcrm's own connection and commit.
    community.members.join(external_id="gus", display_name="Gus")
    assert _table_count("socialcrm_members") == 1

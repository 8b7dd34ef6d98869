"""``manage.py support_seed``: the demo users, spaces and a solved thread (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from socialcrm.contrib.django import get_community

from ...seed import seed


class Command(BaseCommand):
    """Seed the demo data."""

    help = "Create the demo users (password 'demo'), spaces and a solved thread, if missing."

    def handle(self, *args: Any, **options: Any) -> None:
        """Seed if needed, say so, then say how to sign in."""
        done = "Seeded" if seed(get_community()) else "Demo data already there"
        self.stdout.write(f"{done}; users ada, grace, alice, bob, carol, dave (password: demo)")

"""The host's own users: Django auth users, seeded, and a login page that names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import LoginView

#: Every demo user's password (a demo: never do this on a real site).
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    """A user the seed creates in ``django.contrib.auth``; ``role`` decides the community roles."""

    username: str
    display_name: str
    role: str
    company: str = ""
    blurb: str = ""

    @property
    def community_roles(self) -> list[str]:
        """The socialcrm roles this user gets when seeded."""
        return [] if self.role == "customer" else [self.role]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("ada", "Ada (support staff)", "staff", "Example Inc.", "Runs the support team"),
    DemoUser("grace", "Grace (moderator)", "moderator", "Example Inc.", "Community moderator"),
    DemoUser("alice", "Alice", "customer", "Acme", "Customer since 2021"),
    DemoUser("bob", "Bob", "customer", "Globex", "New customer"),
    DemoUser("carol", "Carol", "customer", "Initech", "Power user"),
    DemoUser("dave", "Dave", "customer", "Umbrella", "Customer"),
)


class DemoLoginView(LoginView):
    """Django's own login form, with the demo users listed beside it."""

    template_name = "django_support/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Django's context plus ``demo_users`` and ``demo_password``."""
        context = super().get_context_data(**kwargs)
        context.update(demo_users=DEMO_USERS, demo_password=DEMO_PASSWORD)
        return context

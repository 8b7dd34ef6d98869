"""The host's own users: a fixed list standing in for a real user table and login."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin


@dataclass(frozen=True)
class DemoUser(UserMixin):
    """A user of the host site; ``id`` is what socialcrm stores as ``external_id``."""

    id: str
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

USERS_BY_ID = {user.id: user for user in DEMO_USERS}

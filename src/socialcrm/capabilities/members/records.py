"""Records of the members capability: members, their profiles and roles, and champions."""

from __future__ import annotations

from datetime import datetime

import attrs

ROLES = ("member", "moderator", "staff", "admin", "placeholder", "champion")
#: The role staff give to members to nurture (``champions.grant``); see ``ChampionSettings``.
CHAMPION_ROLE = "champion"
#: The role of placeholder members: stand-ins for people a history import cannot name
#: (anonymised voters). Storage leaves them out of the member list, leaderboards and ranks.
PLACEHOLDER_ROLE = "placeholder"
#: Roles that bypass reputation privileges and moderate content.
MODERATING_ROLES = frozenset({"moderator", "staff", "admin"})


def _tuple_of_str(value: object) -> tuple[str, ...]:
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class Profile:
    """What a member tells the community about themselves."""

    bio: str = ""
    company: str = ""
    job_title: str = ""
    country: str = ""
    interests: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen
class Member:
    """A person in the community, tied to the host's user by ``external_id``."""

    id: int
    external_id: str
    display_name: str
    roles: frozenset[str]
    reputation: int
    joined_at: datetime
    profile: Profile = attrs.field(factory=Profile)
    #: 0 to 4 (see ``docs/trust-levels.md``); new members start at 0.
    trust_level: int = 0
    #: A locked level is never promoted or demoted automatically.
    trust_level_locked: bool = False
    #: When the level last changed (``None``: never); TL3's grace period counts from it.
    trust_level_changed_at: datetime | None = None

    @property
    def is_moderator(self) -> bool:
        """True for moderators, staff and admins."""
        return not self.roles.isdisjoint(MODERATING_ROLES)

    @property
    def is_admin(self) -> bool:
        """True for admins."""
        return "admin" in self.roles

    @property
    def is_placeholder(self) -> bool:
        """True for placeholder members (stand-ins of an import, never listed or ranked)."""
        return PLACEHOLDER_ROLE in self.roles


@attrs.frozen
class AuthorStats:
    """What a member wrote over a period: the inputs of the champions ranking."""

    member_id: int
    posts: int
    answers: int
    accepted_answers: int
    score: int


@attrs.frozen
class Champion:
    """A line of ``champions.find``: the member's stats and the ranking score they give."""

    rank: int
    member_id: int
    display_name: str
    champion_score: int
    accepted_answers: int
    answers: int
    posts: int
    score: int
    is_champion: bool


__all__ = [
    "CHAMPION_ROLE",
    "MODERATING_ROLES",
    "PLACEHOLDER_ROLE",
    "ROLES",
    "AuthorStats",
    "Champion",
    "Member",
    "Profile",
]

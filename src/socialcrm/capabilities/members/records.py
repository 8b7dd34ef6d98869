"""Records of the members capability: members, their profiles and roles, and champions."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcrm.core import validation
from socialcrm.errors import ValidationError

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


def _role_set(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, (set, frozenset, list, tuple)):
        raise ValidationError(f"roles must be a set of role names, got {value!r}", field="roles")
    return frozenset(validation.choice(role, "roles", ROLES) for role in value)


@attrs.frozen
class NewMember:
    """A member to insert (:meth:`socialcrm.ports.MemberRepository.add`).

    The fields of :class:`Member` that the writer gives; the storage hands out the
    ``id`` and starts the trust level at 0, unlocked. Built once, checked once: the
    constructor refuses (``ValidationError``) an ``external_id`` that is not a
    non-empty string, a ``display_name`` that is not a string, a ``profile`` that is
    not a :class:`Profile`, ``roles`` outside :data:`ROLES` (given as a set, list or
    tuple and kept as a ``frozenset``), a ``reputation`` outside the stored integer
    range and a naive ``joined_at``. Lengths and text rules that depend on the
    settings stay the services' job.
    """

    external_id: str
    display_name: str
    profile: Profile
    roles: frozenset[str] = attrs.field(converter=_role_set)
    reputation: int
    joined_at: datetime

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.external_id, str) or not self.external_id:
            raise ValidationError(
                f"external_id must be a non-empty string, got {self.external_id!r}",
                field="external_id",
            )
        if not isinstance(self.display_name, str):
            raise ValidationError(
                f"display_name must be a string, got {self.display_name!r}", field="display_name"
            )
        if not isinstance(self.profile, Profile):
            raise ValidationError(
                f"profile must be a Profile, got {self.profile!r}", field="profile"
            )
        validation.integer(
            self.reputation,
            "reputation",
            minimum=-validation.MAX_COUNT,
            maximum=validation.MAX_COUNT,
        )
        validation.aware(self.joined_at, "joined_at")


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
    "NewMember",
    "Profile",
]

"""The badge engine: definitions from plugins, checks inside the transaction, unique awards.

The catalog is collected once per community from the ``socialcrm_badges`` hook
and indexed by trigger event name, so an event runs only the checks of the badges
it can earn (nothing at all for events no badge names). :func:`award_badge` is
the one way a badge is awarded: by the checks, by staff, by the backfill job, and
by other features (contests award their winners with it). It runs in the
caller's transaction: a command that rolls back awards nothing.

A once-only badge is stored once per member, a repeatable one once per member and
subject; the storage's unique key decides between concurrent awards, and the
loser's award is simply not made (no error, no event).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from socialcrm.capabilities.badges.definitions import BadgeDefinition, BadgeGrant, badge_subject
from socialcrm.capabilities.badges.events import BadgeAwarded
from socialcrm.capabilities.badges.records import BadgeAward, NewBadgeAward
from socialcrm.core.events import Event
from socialcrm.core.validation import identifier
from socialcrm.errors import NotFound, ValidationError

if TYPE_CHECKING:
    import pluggy

    from socialcrm.services.runtime import Handler, Runtime, Transaction
    from socialcrm.settings import Settings

_Key = tuple[str, int, str]


class BadgeCatalog:
    """Every badge definition of a community, by slug and by trigger event name.

    Also remembers award keys known to be held (committed), bounded by
    ``Settings.badges.held_cache_size``: awards are never deleted (a revoked one
    keeps its row), so a key once held stays held and the hot path can skip
    reading it again.
    """

    def __init__(self, definitions: Iterable[BadgeDefinition], *, cache_size: int) -> None:
        by_slug: dict[str, BadgeDefinition] = {}
        for definition in definitions:
            if not isinstance(definition, BadgeDefinition):
                raise ValidationError(
                    f"socialcrm_badges must return BadgeDefinition records, got {definition!r}",
                    field="badges",
                )
            if definition.slug in by_slug:
                raise ValidationError(
                    f"two plugins define the badge {definition.slug!r}", field="badges"
                )
            by_slug[definition.slug] = definition
        self.by_slug: Mapping[str, BadgeDefinition] = by_slug
        by_trigger: dict[str, list[BadgeDefinition]] = {}
        for definition in by_slug.values():
            for name in sorted(definition.triggers):
                by_trigger.setdefault(name, []).append(definition)
        self.by_trigger: Mapping[str, tuple[BadgeDefinition, ...]] = {
            name: tuple(found) for name, found in by_trigger.items()
        }
        self._held: set[_Key] = set()
        self._cache_size = cache_size

    @classmethod
    def collect(cls, hooks: pluggy.HookRelay, settings: Settings) -> BadgeCatalog:
        """Ask every plugin for its definitions."""
        definitions: list[BadgeDefinition] = []
        for offered in hooks.socialcrm_badges(settings=settings):
            if offered:
                definitions.extend(offered)
        return cls(definitions, cache_size=settings.badges.held_cache_size)

    def get(self, slug: object) -> BadgeDefinition:
        """The definition with this slug; ``NotFound`` (code ``badge_not_found``) otherwise."""
        found = self.by_slug.get(slug) if isinstance(slug, str) else None
        if found is None:
            raise NotFound(f"no badge {slug!r}", code="badge_not_found")
        return found

    def __contains__(self, slug: object) -> bool:
        """Whether a badge with this slug is defined."""
        return isinstance(slug, str) and slug in self.by_slug

    def known_held(self, key: _Key) -> bool:
        """Whether the award key is known to be committed already."""
        return key in self._held

    def remember(self, key: _Key) -> None:
        """Note a committed award key (the cache starts over when full)."""
        if len(self._held) >= self._cache_size:
            self._held.clear()
        self._held.add(key)


def _remember_after_commit(tx: Transaction, key: _Key) -> None:
    catalog = tx.runtime.badges
    tx.uow.on_commit(lambda: catalog.remember(key))


def award_badge(
    tx: Transaction,
    badge: str | BadgeDefinition,
    member_id: int,
    *,
    subject: str = "",
    post_id: int | None = None,
    actor_id: int | None = None,
    space_id: int | None = None,
) -> BadgeAward | None:
    """Award a badge in the caller's transaction; ``None`` if it is held already.

    Placeholder members (anonymised history) never receive badges. Records
    ``BadgeAwarded`` (so signals and the outbox follow the commit).

    :param badge: a slug of the community's catalog, or its definition.
    :param subject: the subject key of a repeatable badge (``"post:12"``);
        ignored for once-only badges.
    :param actor_id: who caused it (the event's actor, staff, or ``None`` for a job).
    :param space_id: the space of the event that earned it, used when neither the
        post nor a ``thread:<id>`` subject names one (readers who cannot see that
        space never see the award).
    :raises NotFound: for an unknown badge (``badge_not_found``) or member.
    :raises ValidationError: for a repeatable badge without a subject.
    """
    catalog = tx.runtime.badges
    definition = badge if isinstance(badge, BadgeDefinition) else catalog.get(badge)
    member_id = identifier(member_id, "member")
    subject = badge_subject(subject, repeatable=definition.repeatable)
    key = (definition.slug, member_id, subject)
    if catalog.known_held(key):
        return None
    if tx.uow.badges.held(*key):
        _remember_after_commit(tx, key)
        return None
    member = tx.uow.members.get(member_id)
    if member is None:
        raise NotFound(f"no member {member_id}", code="member_not_found")
    if member.is_placeholder:
        return None
    award = tx.uow.badges.award(
        NewBadgeAward(
            badge=definition.slug,
            member_id=member_id,
            subject=subject,
            awarded_at=tx.now,
            post_id=post_id,
            space_id=_space_of_award(tx, post_id, subject) or space_id,
        )
    )
    _remember_after_commit(tx, key)
    if award is None:
        return None
    tx.record(
        BadgeAwarded(
            at=tx.now,
            actor_id=actor_id,
            award_id=award.id,
            badge=definition.slug,
            tier=definition.tier,
            member_id=member_id,
            subject=subject,
            post_id=post_id,
        )
    )
    return award


def _space_of_award(tx: Transaction, post_id: int | None, subject: str) -> int | None:
    """The space an award was earned in: its post's, else the ``thread:<id>`` subject's.

    Reads for viewers leave out awards of spaces they cannot see, so a badge earned
    in a private space never shows a private post or thread to outsiders.
    """
    if post_id is not None:
        located = tx.uow.posts.locate(post_id)
        if located is not None:
            return located[2].id
    kind, _, value = subject.partition(":")
    if kind == "thread" and value.isdigit():
        thread = tx.uow.threads.get(int(value))
        if thread is not None:
            return thread.space_id
    return None


def apply_grants(
    tx: Transaction,
    definition: BadgeDefinition,
    grants: Iterable[BadgeGrant] | None,
    *,
    actor_id: int | None,
    space_id: int | None = None,
) -> int:
    """Award what a check or backfill returned; return how many awards were new.

    ``space_id``: the space of the triggering event (see :func:`award_badge`).
    """
    made = 0
    for grant in grants or ():
        if not isinstance(grant, BadgeGrant):
            raise TypeError(f"badge checks must return BadgeGrant records, got {grant!r}")
        award = award_badge(
            tx,
            definition,
            grant.member_id,
            subject=grant.subject,
            post_id=grant.post_id,
            actor_id=actor_id,
            space_id=space_id,
        )
        made += award is not None
    return made


def check_badges(tx: Transaction, event: Event) -> None:
    """Run the checks of every badge the event triggers, inside its transaction."""
    for definition in tx.runtime.badges.by_trigger.get(event.name, ()):
        grants = definition.check(event, tx.context)
        if grants:
            apply_grants(
                tx,
                definition,
                grants,
                actor_id=event.actor_id,
                space_id=getattr(event, "space_id", None),
            )


__all__ = ["BadgeCatalog", "apply_grants", "award_badge", "check_badges"]


def badge_subscription(
    runtime: Runtime, event_type: type[Event], side_effect: bool
) -> Handler | None:
    """The badge checks: for the event types some badge is triggered by."""
    return check_badges if event_type.name in runtime.badges.by_trigger else None

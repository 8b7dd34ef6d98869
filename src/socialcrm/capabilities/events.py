"""Every built-in capability's events, imported together so the event registry is complete.

Each ``capabilities/<name>/events.py`` module registers its event classes in
:data:`socialcrm.core.events.EVENTS_BY_NAME` as it is imported. Importing this
module imports them all, so that every payload in the outbox can be turned back
into its event (a new capability with events adds its module to
:data:`EVENT_MODULES`); it also builds every event's JSON codec, so that a field
with no JSON form fails at import rather than in a command.
"""

from __future__ import annotations

from socialcrm.capabilities.badges import events as _badges
from socialcrm.capabilities.bounties import events as _bounties
from socialcrm.capabilities.contests import events as _contests
from socialcrm.capabilities.flags import events as _flags
from socialcrm.capabilities.invitations import events as _invitations
from socialcrm.capabilities.members import events as _members
from socialcrm.capabilities.moderation import events as _moderation
from socialcrm.capabilities.polls import events as _polls
from socialcrm.capabilities.reputation import events as _reputation
from socialcrm.capabilities.review import events as _review
from socialcrm.capabilities.spaces import events as _spaces
from socialcrm.capabilities.threads import events as _threads
from socialcrm.capabilities.trust import events as _trust
from socialcrm.capabilities.votes import events as _votes
from socialcrm.core.events import Event, event_types
from socialcrm.core.serialization import build_codecs

#: The built-in event modules, in documentation order.
EVENT_MODULES = (
    _members,
    _spaces,
    _threads,
    _votes,
    _reputation,
    _trust,
    _moderation,
    _invitations,
    _polls,
    _contests,
    _review,
    _flags,
    _badges,
    _bounties,
)

#: Every built-in event class: by capability in the order of :data:`EVENT_MODULES`,
#: then in the order each module defines them.
EVENT_TYPES: tuple[type[Event], ...] = tuple(
    cls for module in EVENT_MODULES for cls in event_types() if cls.__module__ == module.__name__
)

build_codecs(EVENT_TYPES)

__all__ = ["EVENT_MODULES", "EVENT_TYPES"]

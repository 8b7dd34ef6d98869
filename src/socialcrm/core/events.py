"""The event base class and the registry of event types by name.

Every state change is described by a frozen event. Events are recorded inside the
command's unit of work, handed to the in-transaction hooks (reward rules,
``socialcrm_on_event``), and after commit sent as blinker signals (see
:mod:`socialcrm.signals`) whose names are the events' ``name``.

Each capability declares its events in its own ``events`` module; a subclass of
:class:`Event` that sets ``name`` in its class body registers itself in
:data:`EVENTS_BY_NAME` when it is defined, so the kernel never lists capabilities.
Bases that only share fields (no ``name`` of their own) are not registered.
:mod:`socialcrm.capabilities.events` imports every built-in capability's events,
so the registry is complete once it (or the ``socialcrm`` package) is imported.

Reputation causes
-----------------
Events that earn reputation name their ``cause``; entries in the ledger carry it.
Causes are hierarchical strings, ``thread:<id>:post:<id>:vote:<id>`` and
``thread:<id>:post:<id>:accept``, so that undoing a vote reverses one cause and
deleting a post (or its whole thread) reverses every cause under a prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import attrs

#: Every registered event class by its ``name``, in the order they were defined.
#: Filled by :class:`Event` subclasses as they are defined; read it, never write it.
EVENTS_BY_NAME: dict[str, type[Event]] = {}


def _register(cls: type[Event]) -> None:
    """Register ``cls`` under its own ``name``; ``TypeError`` if another class has it."""
    name = cls.__dict__["name"]
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__}.name must be a non-empty string, got {name!r}")
    known = EVENTS_BY_NAME.get(name)
    # attrs builds a new class for a slotted one, so the same event is defined twice
    # (same module and qualified name): the second, final class replaces the first.
    if known is not None and (known.__module__, known.__qualname__) != (
        cls.__module__,
        cls.__qualname__,
    ):
        raise TypeError(
            f"event name {name!r} of {cls.__module__}.{cls.__qualname__} is already taken"
            f" by {known.__module__}.{known.__qualname__}"
        )
    EVENTS_BY_NAME[name] = cls


@attrs.frozen(kw_only=True)
class Event:
    """Base of every domain event: when it happened and which member did it.

    A subclass that sets ``name`` is a concrete event and registers itself under it.
    """

    name: ClassVar[str] = "event"
    at: datetime
    actor_id: int | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _register(cls)

    @property
    def cause(self) -> str | None:
        """The ledger cause of reputation this event earns, if any."""
        return None

    @property
    def reversed_causes(self) -> tuple[str, ...]:
        """Causes whose reputation this event takes back (exact match)."""
        return ()

    @property
    def reversed_cause_prefixes(self) -> tuple[str, ...]:
        """Cause prefixes whose reputation this event takes back."""
        return ()


def event_types() -> tuple[type[Event], ...]:
    """Every event class registered so far, in the order they were defined."""
    return tuple(EVENTS_BY_NAME.values())


def post_cause(thread_id: int, post_id: int) -> str:
    """The cause prefix of everything a post earned."""
    return f"thread:{thread_id}:post:{post_id}:"


def vote_cause(thread_id: int, post_id: int, vote_id: int) -> str:
    """The cause of a single vote's reputation."""
    return f"{post_cause(thread_id, post_id)}vote:{vote_id}"


def accept_cause(thread_id: int, post_id: int) -> str:
    """The cause of an accepted answer's reputation."""
    return f"{post_cause(thread_id, post_id)}accept"


__all__ = [
    "EVENTS_BY_NAME",
    "Event",
    "accept_cause",
    "event_types",
    "post_cause",
    "vote_cause",
]

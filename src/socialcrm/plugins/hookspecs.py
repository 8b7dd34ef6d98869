"""Every pluggy hook socialcrm calls. Plugin authors implement them with ``@hookimpl``.

Hooks are always called with keyword arguments. Specs only ever gain arguments,
never rename them, so older plugins keep working (pluggy passes an implementation
only the arguments it names).

Hooks run *inside* the command's transaction: a hook that raises rolls the whole
command back and the caller sees the exception. To react after commit, use the
blinker signals of :mod:`socialcrm.signals` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from socialcrm.domain.badges import BadgeDefinition
    from socialcrm.domain.events import Event
    from socialcrm.domain.records import Member, ReputationChange, Space
    from socialcrm.domain.trust import TrustActivity
    from socialcrm.plugins.context import HookContext
    from socialcrm.settings import Settings

PROJECT_NAME = "socialcrm"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# ---------------------------------------------------------------- reputation


@hookspec
def socialcrm_reputation_changes(
    event: Event, context: HookContext
) -> Iterable[ReputationChange] | None:
    """Say how an event changes reputation (a *collecting* hook: every result is used).

    Called once for each event that has a ``cause`` (votes cast or changed,
    answers accepted), after the reputation its ``reversed_causes`` earned was
    taken back. Return the :class:`~socialcrm.domain.records.ReputationChange`
    records to apply, or ``None``. The core applies the daily cap to changes marked
    ``capped`` and the floor to every change, and stores what it applied.

    :param event: the domain event, e.g. ``VoteCast`` or ``AnswerAccepted``.
    :param context: read access to storage in the current transaction, the
        settings and the time.
    :returns: reputation changes, or ``None`` for none.
    """


# ---------------------------------------------------------------- privileges


@hookspec(firstresult=True)
def socialcrm_privilege_check(
    member: Member, privilege: str, required: int, context: HookContext
) -> bool | None:
    """Decide whether ``member`` has ``privilege`` (stops at the first non-``None`` result).

    Return ``True`` to grant, ``False`` to deny, ``None`` to let the next plugin or
    the default decide. The default (no plugin answering) is
    ``member.reputation >= required``. The built-in ``staff_privileges`` plugin
    grants every privilege to moderators, staff and admins.

    :param member: the member asking.
    :param privilege: a privilege name, e.g. ``"vote_down"``.
    :param required: the reputation threshold from the settings.
    :param context: the current transaction's context.
    :returns: ``True``, ``False`` or ``None``.
    """


# ---------------------------------------------------------------- content


@hookspec
def socialcrm_check_content(
    actor: Member, field: str, text: str, space: Space | None, context: HookContext
) -> Iterable[str] | None:
    """Check user text before it is stored (a *collecting* hook: every result is used).

    Called for thread titles (``field="title"``), post bodies (``"body"``),
    comments (``"comment"``), display names (``"display_name"``) and profile fields
    (``"profile.<name>"``), on creation and on edit, after the built-in length checks.
    Return reasons to reject the text (strings), or ``None``/an empty iterable to
    accept it. If any plugin gives a reason the command raises
    :class:`~socialcrm.errors.ContentRejected` carrying every reason, and nothing
    is stored.

    :param actor: the member writing the text.
    :param field: which field the text is for.
    :param text: the text, stripped of surrounding white space.
    :param space: the space the text goes to, or ``None`` (profiles).
    :param context: the current transaction's context.
    :returns: reasons for rejecting the text, or ``None``.
    """


# ---------------------------------------------------------------- events


@hookspec
def socialcrm_on_event(event: Event, context: HookContext) -> None:
    """React to an event inside its transaction (every implementation is called).

    Called for every event a command records, including the
    ``ReputationChanged`` events the ledger writes, in the order they happen.
    Writes made through ``context.uow`` commit or roll back with the command;
    raising rolls the command back. Keep it fast: it runs on every command.

    :param event: the domain event.
    :param context: the current transaction's context.
    """


# ---------------------------------------------------------------- trust levels


@hookspec(firstresult=True)
def socialcrm_trust_level(
    member: Member, proposed: int, activity: TrustActivity, context: HookContext
) -> int | None:
    """Veto or adjust an automatic trust level change (stops at the first non-``None`` result).

    Called only when automatic promotion or demotion is about to move an unlocked
    member from ``member.trust_level`` to ``proposed``: after a command that
    changed the member's activity (promotions up to TL2) and from
    ``community.trust.review()`` (TL3 promotions and demotions too). Never called
    for levels staff set by hand or for locked members.

    Return ``None`` to accept ``proposed``, ``member.trust_level`` to veto the
    change, or another level from 0 to 3 to use instead (TL4 is only given by
    hand; anything else raises ``ValueError`` and rolls the command back).

    :param member: the member, with the current level.
    :param proposed: the level the built-in rules would give.
    :param activity: the recorded activity the rules looked at.
    :param context: the current transaction's context.
    :returns: a level, or ``None``.
    """


# ---------------------------------------------------------------- badges


@hookspec
def socialcrm_badges(settings: Settings) -> Iterable[BadgeDefinition] | None:
    """Offer badge definitions (a *collecting* hook: every result is used).

    Called once, when the :class:`~socialcrm.Community` is created. Return the
    :class:`~socialcrm.domain.badges.BadgeDefinition` records this plugin
    contributes, or ``None``. Slugs must be unique across plugins (a duplicate
    raises ``ValidationError`` when the community is created); to replace a
    built-in badge, leave its plugin out (``builtin_plugins=...``) and offer your own.

    Each definition's ``check`` then runs inside the transaction of every event
    named in its ``triggers``; the grants it returns are stored at most once per
    member (and subject, for repeatable badges) and announced by ``BadgeAwarded``.

    :param settings: the community's settings (``settings.badges`` holds the
        built-in thresholds).
    :returns: badge definitions, or ``None``.
    """

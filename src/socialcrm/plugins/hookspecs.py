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
    from socialcrm.capabilities.badges.definitions import BadgeDefinition
    from socialcrm.capabilities.invitations.records import Referral, ReferralReward
    from socialcrm.capabilities.members.records import Member
    from socialcrm.capabilities.ratelimits.records import LimitBreach
    from socialcrm.capabilities.reputation.records import ReputationChange
    from socialcrm.capabilities.review.policy import Verdict
    from socialcrm.capabilities.spaces.records import Space
    from socialcrm.capabilities.threads.records import Thread
    from socialcrm.capabilities.trust.records import TrustActivity
    from socialcrm.capabilities.votes.records import Vote
    from socialcrm.core.events import Event
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
    taken back. Return the :class:`~socialcrm.capabilities.reputation.records.ReputationChange`
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


@hookspec
def socialcrm_moderate_content(
    actor: Member,
    field: str,
    text: str,
    space: Space | None,
    operation: str,
    context: HookContext,
) -> Verdict | Iterable[Verdict] | None:
    """Judge user text before it is stored (a *collecting* hook: every result is used).

    Called for the same fields as :func:`socialcrm_check_content`, right after it.
    Return a :class:`~socialcrm.capabilities.review.policy.Verdict` (or several, or
    ``None`` for no opinion). The pipeline combines every verdict on every field
    of the command: the strictest action wins (``allow`` < ``flag`` <
    ``require_approval`` < ``silence`` < ``block``), the rewrites of every rule
    apply one after the other and the tags of every rule are added together. A
    ``block`` raises :class:`~socialcrm.errors.ContentRejected` with every
    blocking reason and stores nothing. The built-in content rules
    (``socialcrm.watched_words``, ``socialcrm.new_member_limits``,
    ``socialcrm.duplicates``, ``socialcrm.terms_of_service``,
    ``socialcrm.premoderation``) implement this hook.

    :param actor: the member writing the text.
    :param field: ``"title"``, ``"body"``, ``"comment"``, ``"display_name"`` or
        ``"profile.<name>"``.
    :param text: the text, stripped of surrounding white space.
    :param space: the space the text goes to, or ``None`` (profiles).
    :param operation: ``"create"`` (a new thread, reply, comment, a member
        joining) or ``"edit"`` (an edited post or profile). Only new threads and
        replies can be held; on anything else ``require_approval`` and ``silence``
        refuse the text.
    :param context: the current transaction's context (read storage through
        ``context.uow``; do not write).
    :returns: a verdict, verdicts, or ``None``.
    """


# ---------------------------------------------------------------- rate limits


@hookspec
def socialcrm_rate_limits(
    actor: Member,
    action: str,
    context: HookContext,
    thread: Thread | None,
    value: int | None,
    previous: Vote | None,
) -> LimitBreach | None:
    """Say whether ``actor`` would exceed a limit by this command (a *collecting* hook).

    Called inside the command's transaction, after authorization and before
    anything is written, for ``action`` ``"start_thread"``, ``"reply"`` and
    ``"vote"`` (casting a new vote or changing one; retracting is never limited).
    Not called when ``Settings.rate_limits.enabled`` is false or for moderators,
    staff and admins. For posting actions the actor's member row is locked first,
    so counts read from ``context.uow`` are exact across workers.

    Return a :class:`~socialcrm.capabilities.ratelimits.records.LimitBreach`, or ``None``. If any
    breach has no ``retry_after`` the command raises ``PermissionDenied``;
    otherwise it raises :class:`~socialcrm.errors.RateLimited` whose
    ``retry_after`` is the longest of them. Either way nothing is stored.
    The built-in rules are the plugins of :mod:`socialcrm.plugins.ratelimits`.

    :param actor: the member acting.
    :param action: ``"start_thread"``, ``"reply"`` or ``"vote"``.
    :param context: the current transaction's context (``context.now`` is the
        command's time).
    :param thread: the thread replied to (``"reply"``), else ``None``.
    :param value: the vote's new value, ``1`` or ``-1`` (``"vote"``), else ``None``.
    :param previous: the vote being changed (``"vote"``), else ``None``.
    :returns: a breach, or ``None``.
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


# ---------------------------------------------------------------- referrals


@hookspec
def socialcrm_referral_rewards(
    referral: Referral, conversions: int, context: HookContext
) -> Iterable[ReferralReward] | None:
    """Say what a converted referral earns (a *collecting* hook: every result is used).

    Called once per referral, inside the transaction of the first
    ``community.referrals.converted`` call for the referred member (a repeated
    call converts nothing and calls no rule). Return
    :class:`~socialcrm.capabilities.invitations.records.ReferralReward` records, or ``None``.
    Each reward is granted at most once per ``key``, community-wide, even when
    concurrent conversions produce the same key: storage keeps the first and
    drops the others silently. Granted rewards are announced by the
    ``referral_reward_earned`` signal; ``reputation`` rewards also go to the
    ledger (exempt from the daily cap), ``badge`` rewards to the badge service.
    The built-in ``socialcrm.referrals`` plugin is written with this hook.

    :param referral: the referral that just converted (``converted_at`` set).
    :param conversions: how many of the referrer's referrals have converted,
        this one included.
    :param context: the current transaction's context.
    :returns: rewards, or ``None`` for none.
    """


# ---------------------------------------------------------------- badges


@hookspec
def socialcrm_badges(settings: Settings) -> Iterable[BadgeDefinition] | None:
    """Offer badge definitions (a *collecting* hook: every result is used).

    Called once, when the :class:`~socialcrm.Community` is created. Return the
    :class:`~socialcrm.capabilities.badges.definitions.BadgeDefinition` records this plugin
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

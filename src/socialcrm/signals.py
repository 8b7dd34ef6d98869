"""Blinker signals, sent after a command commits: one per event type, plus ``event_committed``.

Every signal is sent with the :class:`~socialcrm.community.Community` as sender and
the event as the ``event`` keyword::

    from socialcrm import signals

    @signals.answer_accepted.connect
    def thank_the_answerer(community, event):
        mailer.send(to=event.answer_author_id, template="accepted")

To hear only one community, connect with ``sender=community``. A receiver that
raises is logged (logger ``socialcrm.signals``) and never undoes the committed
change; the other receivers still run. Signals are not sent for commands that were
rejected or rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from blinker import Namespace, Signal

from socialcrm.core.events import Event

_namespace = Namespace()
_log = logging.getLogger("socialcrm.signals")

#: Sent for every committed event, before the event's own signal.
event_committed = _namespace.signal("event_committed", doc="Every committed event.")
member_joined = _namespace.signal("member_joined", doc="A member joined.")
profile_updated = _namespace.signal("profile_updated", doc="A profile changed.")
role_granted = _namespace.signal("role_granted", doc="A role was granted.")
role_revoked = _namespace.signal("role_revoked", doc="A role was revoked.")
space_created = _namespace.signal("space_created", doc="A space was created.")
space_member_added = _namespace.signal("space_member_added", doc="Space membership given.")
space_member_removed = _namespace.signal("space_member_removed", doc="Space membership ended.")
thread_started = _namespace.signal("thread_started", doc="A thread was started.")
thread_closed = _namespace.signal("thread_closed", doc="A thread was closed.")
thread_reopened = _namespace.signal("thread_reopened", doc="A thread was reopened.")
reply_posted = _namespace.signal("reply_posted", doc="A reply was posted.")
post_edited = _namespace.signal("post_edited", doc="A post was edited.")
post_deleted = _namespace.signal("post_deleted", doc="A post was deleted.")
comment_added = _namespace.signal("comment_added", doc="A comment was added.")
vote_cast = _namespace.signal("vote_cast", doc="A vote was cast.")
vote_changed = _namespace.signal("vote_changed", doc="A vote was changed.")
vote_retracted = _namespace.signal("vote_retracted", doc="A vote was retracted.")
vote_reversed = _namespace.signal("vote_reversed", doc="The serial-voting job removed a vote.")
answer_accepted = _namespace.signal("answer_accepted", doc="An answer was accepted.")
answer_unaccepted = _namespace.signal("answer_unaccepted", doc="An acceptance was withdrawn.")
reputation_changed = _namespace.signal("reputation_changed", doc="A ledger entry was written.")
reputation_recomputed = _namespace.signal(
    "reputation_recomputed", doc="A cached reputation total was corrected."
)
trust_level_changed = _namespace.signal(
    "trust_level_changed", doc="A trust level or its lock changed."
)
sanction_imposed = _namespace.signal(
    "sanction_imposed", doc="A member was silenced, suspended or banned."
)
sanction_lifted = _namespace.signal("sanction_lifted", doc="A sanction was lifted or expired.")
invitation_created = _namespace.signal("invitation_created", doc="An invite code was created.")
invitation_revoked = _namespace.signal("invitation_revoked", doc="An invite code was revoked.")
invitation_redeemed = _namespace.signal("invitation_redeemed", doc="An invite code was used.")
referral_converted = _namespace.signal(
    "referral_converted", doc="A referred member became a paying customer."
)
referral_reward_earned = _namespace.signal(
    "referral_reward_earned", doc="A referral reward was granted (exactly once)."
)
poll_created = _namespace.signal("poll_created", doc="A thread got a poll.")
poll_voted = _namespace.signal("poll_voted", doc="A poll ballot was cast or changed.")
poll_closed = _namespace.signal("poll_closed", doc="A poll was closed by hand.")
contest_created = _namespace.signal("contest_created", doc="A thread became a contest.")
contest_decided = _namespace.signal("contest_decided", doc="A contest's winners were decided.")
submission_held = _namespace.signal("submission_held", doc="A submission was held for review.")
content_flagged = _namespace.signal("content_flagged", doc="A content rule flagged a post.")
submission_approved = _namespace.signal(
    "submission_approved", doc="A held submission was approved and published."
)
submission_rejected = _namespace.signal(
    "submission_rejected", doc="A held submission or a flagged post was rejected."
)
review_item_dismissed = _namespace.signal("review_item_dismissed", doc="A flag item was dismissed.")
moderation_alert = _namespace.signal(
    "moderation_alert", doc="A content rule alerts the community managers."
)
flag_raised = _namespace.signal("flag_raised", doc="A member flagged a post or a member.")
post_hidden = _namespace.signal("post_hidden", doc="Flags hid a post.")
post_unhidden = _namespace.signal("post_unhidden", doc="A hidden post was shown again.")
flag_decided = _namespace.signal("flag_decided", doc="A moderator decided on a flag.")
moderation_budget_exceeded = _namespace.signal(
    "moderation_budget_exceeded", doc="This week's moderation time passed its budget."
)
member_visited = _namespace.signal("member_visited", doc="A member visited on a new UTC day.")
thread_viewed = _namespace.signal("thread_viewed", doc="Views of a thread were recorded.")
badge_awarded = _namespace.signal("badge_awarded", doc="A member earned a badge.")
badge_revoked = _namespace.signal("badge_revoked", doc="Staff revoked a badge award.")
bounty_offered = _namespace.signal("bounty_offered", doc="A bounty was offered.")
bounty_awarded = _namespace.signal("bounty_awarded", doc="A bounty went to an answer.")
bounty_expired = _namespace.signal("bounty_expired", doc="A bounty ended unawarded.")
bounty_refunded = _namespace.signal("bounty_refunded", doc="A moderator refunded a bounty.")

#: The signal for each event name.
SIGNALS: dict[str, Signal] = {
    name: signal for name, signal in _namespace.items() if name != "event_committed"
}

# One signal per event type: tests/test_event_registry.py checks that the two agree (the
# kernel cannot: the event types live in the capabilities, which it does not import).


def send_committed(sender: Any, events: Iterable[Event]) -> None:
    """Send ``event_committed`` and each event's own signal, logging receiver failures."""
    for event in events:
        for signal in (event_committed, SIGNALS[event.name]):
            if not signal.receivers:
                continue
            for receiver in signal.receivers_for(sender):
                try:
                    receiver(sender, event=event)
                except Exception:
                    _log.exception("signal receiver %r failed for %s", receiver, event.name)


__all__ = ["SIGNALS", "event_committed", "send_committed", *sorted(SIGNALS)]

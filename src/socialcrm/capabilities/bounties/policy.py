"""Bounty rules: the statuses a bounty can close with and the ledger causes of its reputation.

A bounty is ``open`` from ``started_at`` until ``ends_at``. It ends ``awarded``
(the offerer, or a moderator, chose an answer), ``auto_awarded`` (the expiry job
gave part of it to the top answer posted after it started), ``lost`` (no answer
qualified) or ``refunded`` (a moderator cancelled it and returned the offer).
One bounty at most is open on a question: storage enforces it with a unique key.
"""

from __future__ import annotations

from socialcrm.errors import ValidationError

#: Every status, ``open`` first.
BOUNTY_STATUSES = ("open", "awarded", "auto_awarded", "lost", "refunded")
#: The statuses of a closed bounty.
CLOSED_BOUNTY_STATUSES = BOUNTY_STATUSES[1:]


def offer_cause(thread_id: int, bounty_id: int) -> str:
    """The ledger cause of the offer (under the thread: deleting the question refunds it)."""
    return f"thread:{thread_id}:bounty:{bounty_id}"


def award_cause(thread_id: int, answer_id: int, bounty_id: int) -> str:
    """The ledger cause of the award (under the answer: deleting it takes the award back)."""
    return f"thread:{thread_id}:post:{answer_id}:bounty:{bounty_id}"


def check_closed_status(status: str) -> None:
    """``ValidationError`` unless ``status`` is one a bounty can close with."""
    if status not in CLOSED_BOUNTY_STATUSES:
        raise ValidationError(
            f"a bounty closes as one of {CLOSED_BOUNTY_STATUSES}, not {status!r}", field="status"
        )


__all__ = [
    "BOUNTY_STATUSES",
    "CLOSED_BOUNTY_STATUSES",
    "award_cause",
    "check_closed_status",
    "offer_cause",
]

"""Sanctions that rules impose by themselves (no moderator decided them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialcrm.capabilities.audit.service import record_audit
from socialcrm.capabilities.moderation.events import SanctionImposed
from socialcrm.capabilities.moderation.policy import sanction_state
from socialcrm.capabilities.moderation.records import NewSanction, Sanction
from socialcrm.services.runtime import Transaction


def impose_automatic_silence(
    tx: Transaction,
    *,
    member_id: int,
    imposed_by: int,
    reason: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any],
) -> Sanction:
    """Silence ``member_id`` without an end, as a rule (not a moderator) decided.

    The sanctions table needs an imposer, so ``imposed_by`` names the member whose
    command triggered the rule; the ``SanctionImposed`` event and the audit entry
    have no actor (``None``), which is how an automatic sanction is told from a
    moderator's. The audit entry's ``after`` is the sanction's state plus the
    rule's details given in ``after``.
    """
    why = reason[: tx.runtime.settings.moderation_reason_max_length]
    sanction = tx.uow.sanctions.add(
        NewSanction(
            member_id=member_id,
            kind="silence",
            reason=why,
            imposed_by=imposed_by,
            imposed_at=tx.now,
        )
    )
    tx.record(
        SanctionImposed(
            at=tx.now,
            actor_id=None,
            sanction_id=sanction.id,
            member_id=member_id,
            kind="silence",
            reason=why,
            ends_at=None,
        )
    )
    record_audit(
        tx,
        actor_id=None,
        action="sanction_imposed",
        reason=why,
        member_id=member_id,
        before=before,
        after={**sanction_state(sanction), **after},
    )
    return sanction


__all__ = ["impose_automatic_silence"]

"""The content pipeline: every rule's verdict on a command's texts, combined into one decision.

Commands that store user text call :func:`moderate` inside their unit of work,
after their own validation and before they write. It runs the
``socialcrm_check_content`` hook (any reason blocks) and the
``socialcrm_moderate_content`` hook, and combines the verdicts
(:func:`socialcrm.capabilities.review.policy.combine`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.review.policy import CombinedVerdict, Verdict, combine
from socialcrm.errors import ContentRejected

if TYPE_CHECKING:
    from socialcrm.services.runtime import Transaction

#: The reason added when a field that cannot be held needs approval.
NOT_HOLDABLE = "this text needs a moderator's approval, which {field} cannot wait for"


def _verdicts(result: object) -> list[Verdict]:
    if result is None:
        return []
    if isinstance(result, Verdict):
        return [result]
    if isinstance(result, Iterable) and not isinstance(result, str | bytes):
        found = list(result)
        if all(isinstance(v, Verdict) for v in found):
            return found
    raise TypeError(
        f"socialcrm_moderate_content returned {result!r}; expected a Verdict, verdicts or None"
    )


def moderate(
    tx: Transaction,
    actor: Member,
    fields: dict[str, str],
    space: object,
    *,
    holdable: bool,
    operation: str = "create",
) -> CombinedVerdict:
    """Decide on ``fields``: raise ``ContentRejected`` for a block, else return the decision.

    ``holdable`` says whether the command can hold its submission for review
    (new threads and replies can; edits, comments, names and profiles cannot: a
    ``require_approval`` or ``silence`` verdict refuses them). Moderators' texts
    are never held and never silence them: those verdicts become ``flag``.
    """
    runtime = tx.runtime
    check = runtime.hooks.socialcrm_check_content
    judge = runtime.hooks.socialcrm_moderate_content
    by_field: dict[str, list[Verdict]] = {}
    for field, value in fields.items():
        verdicts: list[Verdict] = []
        for result in check(actor=actor, field=field, text=value, space=space, context=tx.context):
            reasons = [str(r) for r in result or ()]
            if reasons:
                verdicts.append(Verdict.block(*reasons, rule="check_content"))
        results = judge(
            actor=actor,
            field=field,
            text=value,
            space=space,
            operation=operation,
            context=tx.context,
        )
        for result in results:
            verdicts.extend(_verdicts(result))
        by_field[field] = verdicts
    combined = combine(by_field, fields)
    if combined.action == "block":
        raise ContentRejected(list(combined.reasons) or ["content rejected by a rule"])
    if combined.action in ("require_approval", "silence"):
        if actor.is_moderator:
            return _as_flag(combined)
        if not holdable:
            field = ", ".join(fields) or "this field"
            raise ContentRejected([*combined.reasons, NOT_HOLDABLE.format(field=field)])
    return combined


def _as_flag(combined: CombinedVerdict) -> CombinedVerdict:
    import attrs

    return attrs.evolve(combined, action="flag")


__all__ = ["NOT_HOLDABLE", "moderate"]

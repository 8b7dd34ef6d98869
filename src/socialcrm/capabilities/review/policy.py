"""Content moderation verdicts and how several rules' verdicts combine.

A content rule (a ``socialcrm_moderate_content`` hook implementation) returns a
:class:`Verdict` for one piece of text. The pipeline combines every rule's verdicts
with :func:`combine`: the strictest action wins (see :data:`ACTIONS`), the text
rewrites of every rule apply one after the other, and the tags of every rule are
added together.

:func:`check_review_item` (what a stored item must be) and :func:`check_decision`
(what a decision must be) live in the records module, for
:class:`~socialcrm.capabilities.review.records.NewReviewItem` and
:class:`~socialcrm.capabilities.review.records.ReviewDecision` to call them, and
are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from socialcrm.capabilities.review.records import (
    REVIEW_REASON_MAX_LENGTH,
    check_decision,
    check_review_item,
)

#: Verdict actions, from the mildest to the strictest. The strictest one given wins.
#:
#: * ``allow``: publish (possibly rewritten and tagged).
#: * ``flag``: publish, and put the post in the review queue as a rule-flag item.
#: * ``require_approval``: hold the submission in the review queue; it is published
#:   only when a moderator approves it.
#: * ``silence``: hold the submission like ``require_approval`` and silence its author.
#: * ``block``: refuse the text with ``ContentRejected``; nothing is stored.
ACTIONS: tuple[str, ...] = ("allow", "flag", "require_approval", "silence", "block")

_RANK = {action: rank for rank, action in enumerate(ACTIONS)}

#: A text rewrite: takes the text as the earlier rules left it, returns the new text.
Rewrite = Callable[[str], str]


def _action(value: str) -> str:
    if value not in _RANK:
        raise ValueError(f"unknown verdict action {value!r}; expected one of {ACTIONS}")
    return value


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError("give a list of strings, not one string")
    return tuple(str(v) for v in values)


def _rewrites(values: Iterable[Rewrite]) -> tuple[Rewrite, ...]:
    found = tuple(values)
    if not all(callable(v) for v in found):
        raise TypeError("rewrites must be functions from text to text")
    return found


@attrs.frozen(kw_only=True)
class Verdict:
    """One rule's decision about one text.

    :param action: one of :data:`ACTIONS`.
    :param reasons: why (shown to the author for ``block``, to moderators otherwise).
    :param rewrites: functions applied to the text in order (censoring, replacing,
        linking); they apply for every action but ``block``.
    :param tags: tags to add to the thread the text belongs to.
    :param alerts: messages for the community managers; each is sent as a
        ``moderation_alert`` event after the command commits.
    :param rule: the name of the rule that gave the verdict (for the queue and logs).
    """

    action: str = attrs.field(default="allow", converter=_action)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    rewrites: tuple[Rewrite, ...] = attrs.field(default=(), converter=_rewrites)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    alerts: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    rule: str = ""

    @property
    def rank(self) -> int:
        """The position of the action in :data:`ACTIONS` (higher is stricter)."""
        return _RANK[self.action]

    @classmethod
    def allow(cls, *, rule: str = "") -> Verdict:
        """Nothing to say about the text."""
        return cls(rule=rule)

    @classmethod
    def rewrite(cls, rewrite: Rewrite, *, rule: str = "") -> Verdict:
        """Publish the text as ``rewrite`` changes it."""
        return cls(rewrites=(rewrite,), rule=rule)

    @classmethod
    def tag(cls, *tags: str, rule: str = "") -> Verdict:
        """Publish the text and add ``tags`` to its thread."""
        return cls(tags=tags, rule=rule)

    @classmethod
    def flag(cls, *reasons: str, rule: str = "", alerts: Iterable[str] = ()) -> Verdict:
        """Publish the text and queue it for a moderator to look at."""
        return cls(action="flag", reasons=reasons, rule=rule, alerts=tuple(alerts))

    @classmethod
    def require_approval(cls, *reasons: str, rule: str = "") -> Verdict:
        """Hold the submission until a moderator approves it."""
        return cls(action="require_approval", reasons=reasons, rule=rule)

    @classmethod
    def silence(cls, *reasons: str, rule: str = "") -> Verdict:
        """Hold the submission and silence its author."""
        return cls(action="silence", reasons=reasons, rule=rule)

    @classmethod
    def block(cls, *reasons: str, rule: str = "") -> Verdict:
        """Refuse the text; ``reasons`` are shown to its author."""
        return cls(action="block", reasons=reasons, rule=rule)


@attrs.frozen(kw_only=True)
class CombinedVerdict:
    """What the pipeline decided for a set of fields.

    :param action: the strictest action of every verdict (``allow`` if none).
    :param texts: each field's text after every rewrite.
    :param reasons: the reasons of the verdicts whose action is ``action``, in
        the order given, without repeats (for ``allow``: none).
    :param tags: every tag asked for, in order, without repeats.
    :param alerts: every alert, in order.
    :param rules: the names of the rules whose action is ``action``.
    """

    action: str = "allow"
    texts: dict[str, str] = attrs.field(factory=dict)
    reasons: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def combine(verdicts_by_field: dict[str, list[Verdict]], texts: dict[str, str]) -> CombinedVerdict:
    """Combine the verdicts on each field: strictest action, every rewrite, every tag.

    Rewrites of one field apply in the order the verdicts are given, each on the
    text the previous one returned. ``block`` keeps the texts as given.
    """
    every = [v for verdicts in verdicts_by_field.values() for v in verdicts]
    action = max((v.action for v in every), key=_RANK.__getitem__, default="allow")
    strictest = [v for v in every if v.action == action] if action != "allow" else []
    new_texts = dict(texts)
    if action != "block":
        for field, verdicts in verdicts_by_field.items():
            text = new_texts[field]
            for verdict in verdicts:
                for rewrite in verdict.rewrites:
                    text = rewrite(text)
            new_texts[field] = text
    return CombinedVerdict(
        action=action,
        texts=new_texts,
        reasons=_unique(r for v in strictest for r in v.reasons),
        tags=_unique(t for v in every for t in v.tags),
        alerts=tuple(a for v in every for a in v.alerts),
        rules=_unique(v.rule for v in strictest if v.rule),
    )


__all__ = [
    "ACTIONS",
    "REVIEW_REASON_MAX_LENGTH",
    "CombinedVerdict",
    "Rewrite",
    "Verdict",
    "check_decision",
    "check_review_item",
    "combine",
]

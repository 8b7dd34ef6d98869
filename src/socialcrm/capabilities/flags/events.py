"""Events of the flags capability: flags raised and decided, posts hidden and shown again."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from socialcrm.core.events import Event


@attrs.frozen(kw_only=True)
class _FlagEvent(Event):
    """The fields every flag event starts with: the flag, who raised it, whom it reports."""

    flag_id: int
    flagger_id: int
    member_id: int


@attrs.frozen(kw_only=True)
class FlagRaised(_FlagEvent):
    """A member flagged a post (``post_id`` set) or a member (``post_id`` ``None``).

    ``member_id`` is the member reported (the post's author for a post flag);
    ``weight`` the flag's score and ``score`` the post's open flag score with it
    (the flag's weight for a member flag).
    """

    name: ClassVar[str] = "flag_raised"
    reason: str
    weight: int
    score: int
    post_id: int | None = None
    thread_id: int | None = None
    space_id: int | None = None


@attrs.frozen(kw_only=True)
class _HiddenPostEvent(Event):
    """The fields of a change of a post's visibility: the post and its author."""

    post_id: int
    thread_id: int
    space_id: int
    author_id: int


@attrs.frozen(kw_only=True)
class PostHidden(_HiddenPostEvent):
    """Flags hid a post; only its author and moderators see it now.

    ``trigger`` is ``score`` (its open flags reached ``FlagSettings.hide_threshold``),
    ``trusted_spam_flag`` (a TL3+ spam flag on a TL0 author's post),
    ``author_silenced`` (spam flags from several members silenced its TL0 author)
    or ``agreed`` (a moderator agreed with a flag). ``actor_id`` is the flagger
    or moderator whose command hid it.
    """

    name: ClassVar[str] = "post_hidden"
    trigger: str
    score: int


@attrs.frozen(kw_only=True)
class PostUnhidden(_HiddenPostEvent):
    """A moderator disagreed with the flags of a hidden post, which everyone sees again."""

    name: ClassVar[str] = "post_unhidden"


@attrs.frozen(kw_only=True)
class FlagDecided(_FlagEvent):
    """A moderator closed a flag: ``decision`` is ``agreed``, ``disagreed`` or ``deferred``.

    ``raised_at`` is when the flag was raised (``at - raised_at`` is the time to
    decision); ``post_id`` is ``None`` for a member flag.
    """

    name: ClassVar[str] = "flag_decided"
    decision: str
    raised_at: datetime
    post_id: int | None = None


__all__ = ["FlagDecided", "FlagRaised", "PostHidden", "PostUnhidden"]

"""The moderation capability's settings: content rules, watched words and workload."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from socialcrm.core.settings_fields import count, optional_trust_level, str_tuple
from socialcrm.errors import ValidationError

#: Watched-word actions (Discourse's): see :class:`WatchedWord`.
WATCHED_WORD_ACTIONS: tuple[str, ...] = (
    "block",
    "censor",
    "require_approval",
    "flag",
    "replace",
    "tag",
    "silence",
    "link",
)


def _check_action(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in WATCHED_WORD_ACTIONS:
        raise ValidationError(
            f"watched word action {value!r} is not one of {', '.join(WATCHED_WORD_ACTIONS)}"
        )


@attrs.frozen(kw_only=True)
class WatchedWord:
    """A word, phrase or regular expression the ``watched_words`` rule acts on.

    :param pattern: the word or phrase (or, with ``regex=True``, a Python regular
        expression).
    :param action: one of :data:`WATCHED_WORD_ACTIONS`.
    :param regex: treat ``pattern`` as a regular expression.
    :param case_sensitive: match case exactly (default: ignore case).
    :param whole_word: match only whole words (ignored for regexes, which say it
        themselves with ``\\b``).
    :param replacement: the text that replaces a match (``replace``) or the URL a
        match links to (``link``).
    :param tags: the tags added to the thread (``tag``).
    """

    pattern: str
    action: str = attrs.field(validator=_check_action)
    regex: bool = False
    case_sensitive: bool = False
    whole_word: bool = True
    replacement: str = ""
    tags: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.pattern or not self.pattern.strip():
            raise ValidationError("a watched word needs a non-empty pattern")
        if self.action in ("replace", "link") and not self.replacement:
            raise ValidationError(f"a {self.action!r} watched word needs a replacement")
        if self.action == "tag" and not self.tags:
            raise ValidationError("a 'tag' watched word needs tags")
        if self.regex:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValidationError(
                    f"bad watched word regex {self.pattern!r}: {error}", field="watched_words"
                ) from None


def _level_limits(value: Mapping[int, int]) -> Mapping[int, int]:
    checked = {}
    for level, limit in dict(value).items():
        if not isinstance(level, int) or not 0 <= level <= 4:
            raise ValidationError(f"trust level {level!r} is not 0 to 4")
        if not isinstance(limit, int) or limit < 0:
            raise ValidationError(
                f"limit {limit!r} for TL{level} is not a non-negative integer", field="content"
            )
        checked[level] = limit
    return MappingProxyType(checked)


@attrs.frozen(kw_only=True)
class ContentSettings:
    """The built-in content rules' settings (see docs/moderation.md).

    Per-level limits map a trust level to the most a member at that level may put
    in one text; levels not in the mapping have no limit.
    """

    watched_words: tuple[WatchedWord, ...] = attrs.field(default=(), converter=tuple)
    censor_character: str = "\u25a0"
    max_links: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 2}), converter=_level_limits
    )
    max_mentions: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 2}), converter=_level_limits
    )
    max_images: Mapping[int, int] = attrs.field(
        factory=lambda: MappingProxyType({0: 0}), converter=_level_limits
    )
    duplicate_window_seconds: int = attrs.field(default=300, validator=count)
    premoderated_spaces: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    approve_first_posts: int = attrs.field(default=0, validator=count)
    approve_unless_trust_level: int | None = attrs.field(
        default=None, validator=optional_trust_level
    )
    competitors: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    protected_products: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    attack_words: tuple[str, ...] = attrs.field(
        default=(
            "sucks",
            "scam",
            "garbage",
            "rubbish",
            "crap",
            "worst",
            "terrible",
            "awful",
            "useless",
            "rip-off",
            "ripoff",
            "fraud",
        ),
        converter=str_tuple,
    )
    terms_window_words: int = attrs.field(default=6, validator=count)

    def __attrs_post_init__(self) -> None:
        if len(self.censor_character) != 1:
            raise ValidationError("censor_character must be one character")
        for word in self.watched_words:
            if not isinstance(word, WatchedWord):
                raise ValidationError(f"watched_words holds {word!r}, not a WatchedWord")


@attrs.frozen
class WorkloadSettings:
    """Moderation workload: what a decision costs and the weekly budget it is held to."""

    #: Estimated minutes of moderator time one decision takes.
    minutes_per_decision: float = 3.0
    #: Moderator hours a week the community means to spend (``None``: no budget).
    budget_hours_per_week: float | None = 50.0


__all__ = ["WATCHED_WORD_ACTIONS", "ContentSettings", "WatchedWord", "WorkloadSettings"]

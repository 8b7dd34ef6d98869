"""Built-in content rules: watched words, new-member limits, duplicates, terms of service,
pre-moderation. Each is a plugin implementing ``socialcrm_moderate_content``, configured
by ``Settings.content`` (:class:`~socialcrm.settings.ContentSettings`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from socialcrm.capabilities.members.records import Member
from socialcrm.capabilities.review.policy import Verdict
from socialcrm.capabilities.spaces.records import Space
from socialcrm.plugins.context import HookContext
from socialcrm.plugins.hookspecs import hookimpl
from socialcrm.settings import WatchedWord

#: Fields that are posts (new-member limits, duplicates and pre-moderation look at these).
POST_FIELDS = ("body",)

#: Fields the terms-of-service rule reads.
TERMS_FIELDS = ("title", "body", "comment")


def watched_word_regex(word: WatchedWord) -> re.Pattern[str]:
    """The compiled pattern of a watched word, with its case and whole-word options."""
    flags = 0 if word.case_sensitive else re.IGNORECASE
    if word.regex:
        return re.compile(word.pattern, flags)
    pattern = re.escape(word.pattern.strip())
    if word.whole_word:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    return re.compile(pattern, flags)


class WatchedWords:
    """``socialcrm.watched_words``: Discourse's watched words, from ``content.watched_words``."""

    def __init__(self) -> None:
        self._compiled: dict[WatchedWord, re.Pattern[str]] = {}

    def _regex(self, word: WatchedWord) -> re.Pattern[str]:
        found = self._compiled.get(word)
        if found is None:
            found = self._compiled[word] = watched_word_regex(word)
        return found

    @hookimpl
    def socialcrm_moderate_content(
        self, field: str, text: str, context: HookContext
    ) -> list[Verdict]:
        """One verdict per watched word found in the text."""
        content = context.settings.content
        verdicts = []
        for word in content.watched_words:
            regex = self._regex(word)
            match = regex.search(text)
            if match is None:
                continue
            verdicts.append(
                self._verdict(word, regex, match.group(0), field, content.censor_character)
            )
        return verdicts

    @staticmethod
    def _verdict(
        word: WatchedWord, regex: re.Pattern[str], found: str, field: str, censor: str
    ) -> Verdict:
        rule = "watched_words"
        what = f"{field} contains the watched word {found!r}"
        if word.action == "block":
            return Verdict.block(
                f"{field} contains a word that is not allowed: {found!r}", rule=rule
            )
        if word.action == "require_approval":
            return Verdict.require_approval(what, rule=rule)
        if word.action == "flag":
            return Verdict.flag(what, rule=rule)
        if word.action == "silence":
            return Verdict.silence(what, rule=rule)
        if word.action == "tag":
            return Verdict.tag(*word.tags, rule=rule)
        if word.action == "censor":
            return Verdict.rewrite(
                lambda text: regex.sub(lambda m: censor * len(m.group(0)), text), rule=rule
            )
        if word.action == "replace":
            return Verdict.rewrite(
                lambda text: regex.sub(lambda _m: word.replacement, text), rule=rule
            )
        # "link": the match becomes a Markdown link to the replacement URL.
        return Verdict.rewrite(
            lambda text: regex.sub(lambda m: f"[{m.group(0)}]({word.replacement})", text),
            rule=rule,
        )


class NewMemberLimits:
    """``socialcrm.new_member_limits``: links, mentions and images per post by trust level."""

    @hookimpl
    def socialcrm_moderate_content(
        self, actor: Member, field: str, text: str, context: HookContext
    ) -> Verdict | None:
        """Block a post with more links, mentions or images than the author's level allows."""
        if field not in POST_FIELDS or actor.is_moderator:
            return None
        from socialcrm.render import content_stats

        content = context.settings.content
        level = actor.trust_level
        stats = content_stats(text)
        reasons = []
        for what, count, limits in (
            ("links", stats.links, content.max_links),
            ("mentions", stats.mentions, content.max_mentions),
            ("images", stats.images, content.max_images),
        ):
            limit = limits.get(level)
            if limit is not None and count > limit:
                allowed = f"at most {limit} {what}" if limit else f"no {what}"
                reasons.append(
                    f"members at trust level {level} may post {allowed}; this post has {count}"
                )
        return Verdict.block(*reasons, rule="new_member_limits") if reasons else None


class DuplicatePosts:
    """``socialcrm.duplicates``: the same body by the same member within a window.

    Bodies are compared after collapsing white space; moderators are exempt.
    """

    #: How many of the author's recent posts are compared (a named limit).
    RECENT_POSTS_COMPARED = 50

    @hookimpl
    def socialcrm_moderate_content(
        self, actor: Member, field: str, text: str, operation: str, context: HookContext
    ) -> Verdict | None:
        """Block a new post whose body the author already posted within the window."""
        window = context.settings.content.duplicate_window_seconds
        if field not in POST_FIELDS or window <= 0 or operation != "create":
            return None
        if actor.is_moderator:
            return None  # as on Discourse, staff may repeat themselves (announcements)
        since = context.now - timedelta(seconds=window)
        recent = context.uow.posts.recent_by_author(
            actor.id, since=since, limit=self.RECENT_POSTS_COMPARED
        )
        wanted = " ".join(text.split())
        for post in recent:
            # Strictly within the window: a post exactly ``window`` seconds old is out.
            if context.now - post.created_at >= timedelta(seconds=window):
                continue
            if " ".join(post.body.split()) == wanted:
                ago = int((context.now - post.created_at).total_seconds())
                return Verdict.block(
                    f"you posted the same text {ago} seconds ago (post {post.id})",
                    rule="duplicates",
                )
        return None


class TermsOfService:
    """``socialcrm.terms_of_service``: flags attacks on named competitors or products.

    A text is flagged when a name from ``content.competitors`` or
    ``content.protected_products`` and a word from ``content.attack_words`` are at
    most ``content.terms_window_words`` words apart; the community managers get a
    ``moderation_alert``.
    """

    @hookimpl
    def socialcrm_moderate_content(
        self, actor: Member, field: str, text: str, context: HookContext
    ) -> Verdict | None:
        """Flag (and alert on) a text that attacks a named competitor or product."""
        content = context.settings.content
        names = [*content.competitors, *content.protected_products]
        if field not in TERMS_FIELDS or not names or not content.attack_words:
            return None
        words = [w.casefold() for w in re.findall(r"[\w'-]+", text)]
        attacks = {w.casefold() for w in content.attack_words}
        attack_at = [i for i, w in enumerate(words) if w in attacks]
        if not attack_at:
            return None
        hits = []
        for name in names:
            parts = [p.casefold() for p in re.findall(r"[\w'-]+", name)]
            if not parts:
                continue
            for i in range(len(words) - len(parts) + 1):
                if words[i : i + len(parts)] != parts:
                    continue
                end = i + len(parts) - 1
                if any(
                    i - content.terms_window_words <= a <= end + content.terms_window_words
                    for a in attack_at
                ):
                    hits.append(name)
                    break
        if not hits:
            return None
        message = (
            f"member {actor.id} ({actor.display_name}) may be attacking "
            f"{', '.join(hits)} in a {field}"
        )
        return Verdict.flag(
            f"{field} may break the terms of service: it attacks {', '.join(hits)}",
            rule="terms_of_service",
            alerts=[message],
        )


class PreModeration:
    """``socialcrm.premoderation``: hold new threads and replies for approval.

    Every post in ``content.premoderated_spaces``; the first
    ``content.approve_first_posts`` posts of a member; every post of a member
    below trust level ``content.approve_unless_trust_level``. Moderators' posts
    are never held.
    """

    @hookimpl
    def socialcrm_moderate_content(
        self,
        actor: Member,
        field: str,
        space: Space | None,
        operation: str,
        context: HookContext,
    ) -> Verdict | None:
        """``require_approval`` when a pre-moderation setting applies."""
        if field not in POST_FIELDS or operation != "create" or actor.is_moderator:
            return None
        content = context.settings.content
        rule = "premoderation"
        if space is not None and space.slug in content.premoderated_spaces:
            return Verdict.require_approval(
                f"every post in {space.slug!r} is approved by a moderator", rule=rule
            )
        threshold = content.approve_unless_trust_level
        if threshold is not None and actor.trust_level < threshold:
            return Verdict.require_approval(
                f"posts by members below trust level {threshold} are approved by a moderator",
                rule=rule,
            )
        first = content.approve_first_posts
        if first:
            approved = context.uow.review.count_by_author(actor.id, kind="held", status="approved")
            if approved < first:
                return Verdict.require_approval(
                    f"a member's first {first} posts are approved by a moderator", rule=rule
                )
        return None


__all__ = [
    "DuplicatePosts",
    "NewMemberLimits",
    "POST_FIELDS",
    "PreModeration",
    "TERMS_FIELDS",
    "TermsOfService",
    "WatchedWords",
    "watched_word_regex",
]

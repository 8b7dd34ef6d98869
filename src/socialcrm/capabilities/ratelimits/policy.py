"""Rate-limit policy shared by the enforcement (the service) and the built-in limit rules."""

from __future__ import annotations

#: Actions that publish a post: the actor's member row is locked before their limits
#: are counted, so two workers posting for one member see each other's post.
POSTING_ACTIONS = frozenset({"start_thread", "reply"})

__all__ = ["POSTING_ACTIONS"]

"""Records of the rate limits capability: what a limit rule reports."""

from __future__ import annotations

import attrs


@attrs.frozen
class LimitBreach:
    """A limit the command would exceed, as a ``socialcrm_rate_limits`` rule reports it.

    :param limit: the limit's name, e.g. ``"seconds_between_posts"`` (machine-readable).
    :param message: a sentence for the member.
    :param retry_after: seconds until the limit no longer refuses this command, or
        ``None`` when waiting alone does not lift it (e.g. replies per topic, lifted
        by someone else's post); the command then raises ``PermissionDenied``.
    """

    limit: str
    message: str
    retry_after: float | None = None


__all__ = ["LimitBreach"]

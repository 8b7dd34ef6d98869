"""The socialcrm tables of one metadata, by role rather than by prefixed name."""

from __future__ import annotations

import attrs
from sqlalchemy import MetaData, Table


@attrs.frozen
class Tables:
    """The socialcrm tables of one metadata, by role rather than by prefixed name.

    Built by :func:`socialcrm.adapters.sqlalchemy.schema.build_tables`; each field
    is a table some repository module adds (its ``add_<capability>_tables``).
    """

    metadata: MetaData
    prefix: str
    members: Table
    spaces: Table
    space_members: Table
    threads: Table
    thread_tags: Table
    tags: Table
    posts: Table
    revisions: Table
    comments: Table
    votes: Table
    ledger: Table
    outbox: Table
    reputation_counts: Table
    member_days: Table
    member_topics: Table
    sanctions: Table
    audit_log: Table
    flags: Table
    import_ids: Table
    import_checkpoints: Table
    invitations: Table
    referrals: Table
    referral_rewards: Table
    polls: Table
    poll_options: Table
    poll_ballots: Table
    contests: Table
    contest_winners: Table
    review_items: Table
    badge_awards: Table
    bounties: Table


__all__ = ["Tables"]

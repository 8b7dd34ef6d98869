"""Demo data: members for the demo users, spaces, and a solved thread. Safe to run again."""

from __future__ import annotations

from socialcrm import Community, NotFound

from .users import DEMO_USERS

SEED_SOURCE = "flask_support_seed"

SPACES = (
    ("getting-started", "Getting started", "First steps, accounts and set-up"),
    ("billing", "Billing", "Invoices, payments and refunds"),
    ("integrations", "Integrations", "APIs, webhooks and the apps we connect to"),
)


def member_id(community: Community, external_id: str) -> int:
    """The id of the member for a demo user."""
    return community.members.by_external_id(external_id).id


def seed(community: Community) -> None:
    """Create what is missing; each stage commits at once, or not at all, and runs once."""
    if not community.imports.checkpoint(source=SEED_SOURCE, stage="done"):
        _seed_community(community)
    if not community.imports.checkpoint(source=SEED_SOURCE, stage="flaggers"):
        _seed_flaggers(community)


def _seed_flaggers(community: Community) -> None:
    """Let Carol flag: trust level 1 by hand (her reputation, 26, covers the privilege).

    A stage of its own, so that a database seeded before flags existed gets it too.
    """
    with community.unit_of_work():
        ada, carol = member_id(community, "ada"), member_id(community, "carol")
        if community.members.get(carol).trust_level < 1:
            community.trust.grant(actor=ada, member=carol, level=1)
        community.imports.set_checkpoint(source=SEED_SOURCE, stage="flaggers", position=1)


def _seed_community(community: Community) -> None:
    """The demo members, the spaces and one solved question."""
    with community.unit_of_work():
        for user in DEMO_USERS:
            try:
                community.members.by_external_id(user.id)
            except NotFound:
                community.members.join(
                    external_id=user.id,
                    display_name=user.display_name,
                    roles=user.community_roles,
                    company=user.company,
                    bio=user.blurb,
                )
        ada = member_id(community, "ada")
        for slug, name, description in SPACES:
            try:
                community.spaces.get(actor=ada, space=slug)
            except NotFound:
                community.spaces.create(actor=ada, slug=slug, name=name, description=description)
        dave, carol = member_id(community, "dave"), member_id(community, "carol")
        question = community.threads.start(
            actor=dave,
            space="getting-started",
            kind="question",
            title="How do I invite my team to our account?",
            body="We bought five seats. Where do I **send the invitations** from?",
            tags=["accounts"],
        )
        answer = community.posts.reply(
            actor=carol,
            thread=question.id,
            body="Open *Settings → Team*, then **Invite**. Each person gets an e-mail link.",
        )
        community.votes.cast(actor=ada, post=answer.id, value=1)
        community.threads.accept(actor=dave, answer=answer.id)
        community.imports.set_checkpoint(source=SEED_SOURCE, stage="done", position=1)

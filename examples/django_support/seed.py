"""Demo data: Django users, their members, spaces and a solved thread. Safe to run again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from socialcrm import Community, NotFound

from .users import DEMO_PASSWORD, DEMO_USERS

SEED_SOURCE = "django_support_seed"

SPACES = (
    ("getting-started", "Getting started", "First steps, accounts and set-up"),
    ("billing", "Billing", "Invoices, payments and refunds"),
    ("integrations", "Integrations", "APIs, webhooks and the apps we connect to"),
)


def seed_users() -> tuple[dict[str, str], int]:
    """Create the demo users that are missing; ``username → external id``, and how many were new."""
    User = get_user_model()
    created = 0
    with transaction.atomic():
        ids = {}
        for demo in DEMO_USERS:
            user = User.objects.filter(username=demo.username).first()
            if user is None:
                user = User.objects.create_user(
                    demo.username,
                    password=DEMO_PASSWORD,
                    first_name=demo.display_name,
                    is_staff=demo.role != "customer",
                )
                created += 1
            ids[demo.username] = str(user.pk)
    return ids, created


def seed(community: Community) -> bool:
    """Seed Django's users, then the community in one unit of work (all or nothing).

    The two are separate transactions (socialcrm writes on its own connection), so
    the users commit first; running the seed again completes whatever is missing.
    Returns whether anything was added (``False``: all was there already).
    """
    ids, created = seed_users()
    if community.imports.checkpoint(source=SEED_SOURCE, stage="done"):
        return created > 0
    with community.unit_of_work():
        for demo in DEMO_USERS:
            try:
                community.members.by_external_id(ids[demo.username])
            except NotFound:
                community.members.join(
                    external_id=ids[demo.username],
                    display_name=demo.display_name,
                    roles=demo.community_roles,
                    company=demo.company,
                    bio=demo.blurb,
                )

        def member(username: str) -> int:
            return community.members.by_external_id(ids[username]).id

        ada = member("ada")
        for slug, name, description in SPACES:
            try:
                community.spaces.get(actor=ada, space=slug)
            except NotFound:
                community.spaces.create(actor=ada, slug=slug, name=name, description=description)
        question = community.threads.start(
            actor=member("dave"),
            space="getting-started",
            kind="question",
            title="How do I invite my team to our account?",
            body="We bought five seats. Where do I **send the invitations** from?",
            tags=["accounts"],
        )
        answer = community.posts.reply(
            actor=member("carol"),
            thread=question.id,
            body="Open *Settings → Team*, then **Invite**. Each person gets an e-mail link.",
        )
        community.votes.cast(actor=ada, post=answer.id, value=1)
        community.threads.accept(actor=member("dave"), answer=answer.id)
        community.imports.set_checkpoint(source=SEED_SOURCE, stage="done", position=1)
    return True

"""The demo's data and scenario: names, spaces, questions and answers, and the scripted scenes.

:mod:`socialcrm.demo` runs the simulation; this module holds what it draws from (the
tables below, sampled with the demo's seeded random generator) and :data:`SCENES`,
the scripted moments shown on given days of the simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from socialcrm.errors import Conflict, PermissionDenied

#: What a scene is handed: the running :class:`socialcrm.demo.Demo` (typed loosely so
#: that this module, which the demo imports, does not import the demo back).
Demo = Any

FIRST = (
    "Priya Tomas Aiko Lena Marco Fatima Jonas Chen Olivia Rafael Nora Igor Amara Felix Sofia "
    "Dmitri Hannah Kwame Lucia Mateo Ingrid Yusuf Elena Oscar Mei Pablo Greta Samir Clara Arjun "
    "Zoe Henrik Leila Bruno Anika Victor Maya Tariq Ines Ruben".split()
)
LAST = (
    "Raman Okafor Sato Fischer Rossi Haddad Berg Wei Brown Costa Lind Petrov Diallo Wagner "
    "Moreau Ivanov Keller Mensah Romero Silva Dahl Aydin Novak Jensen Lin Garcia Vogel "
    "Nasser".split()
)
COMPANIES = ["Acme Retail", "Northwind", "Globex", "Initech", "Umbrella Foods", "Hooli", "Vandelay"]
JOBS = ["IT admin", "Office manager", "Founder", "Developer", "Accountant", "Ops lead"]
COUNTRIES = ["DE", "FR", "US", "JP", "BR", "IN", "NG", "SE", "CA", "ES"]
SPACES = [  # slug, name, visibility, tags, question titles
    (
        "billing",
        "Billing & invoices",
        "public",
        ["invoices", "refunds", "vat", "plans"],
        [
            "How do I download last month's invoice as a PDF?",
            "Charged twice for the annual plan",
            "Can I switch from monthly to yearly billing mid-cycle?",
            "VAT number missing on invoice",
            "Refund for unused seats after a downgrade",
            "Card declined although it is valid",
        ],
    ),
    (
        "shipping",
        "Shipping & delivery",
        "public",
        ["tracking", "customs", "returns", "delays"],
        [
            "Parcel stuck in customs for two weeks",
            "Can I change the delivery address after ordering?",
            "Tracking number only says 'label created'",
            "How do returns work for damaged items?",
            "Do you ship to the Canary Islands?",
            "Delivery marked done but nothing arrived",
        ],
    ),
    (
        "product-help",
        "Product help",
        "public",
        ["sync", "export", "login", "api", "mobile"],
        [
            "Sync stops after the 3.2 update",
            "How do I export reports to CSV?",
            "Two-factor login codes are rejected",
            "Webhook retries: how many and how often?",
            "Mobile app crashes when opening attachments",
            "API returns 429 during nightly import",
        ],
    ),
    (
        "beta-program",
        "Beta program",
        "private",
        ["beta", "dashboard", "feedback"],
        [
            "New dashboard beta feels slow on big accounts",
            "Beta API: are the rate limits final?",
            "Dark mode beta: contrast issues in charts",
            "Feedback thread: offline mode preview",
        ],
    ),
]
ANSWERS = [
    "Go to Settings > Billing > History; every invoice has a PDF link on the right.",
    "This is a known issue since the last release; clearing the local cache fixed it for us.",
    "Support can do that for you - open a ticket with your order number and they reply fast.",
    "Same here. Re-linking the account under Integrations solved it without losing data.",
    "Check the carrier's site with the second tracking number in the confirmation email.",
    "The limit is per API key, so splitting the nightly job over two keys avoids the 429s.",
    "Yes: change it under Orders > Details before the parcel is handed to the carrier.",
]
SUFFIXES = [
    " on the Pro plan",
    " since Monday",
    " for our whole team",
    " after renewal",
    " - any update",
    " (urgent)",
]
COMMENTS = [
    "Thanks, that fixed it!",
    "Same problem here on the Pro plan.",
    "Could you share a screenshot?",
    "Worked for me too after a restart.",
]


# ------------------------------------------------------------ scripted scenes


def scene_refusals(demo: Demo) -> None:
    """A self-vote and a newcomer's upvote, both refused."""
    q = demo.ask(demo.customers[5], public=True)
    try:
        demo.c.votes.cast(actor=q["asker"], post=q["opening"], value=1)
    except PermissionDenied as exc:
        demo.say(f"self-vote refused: {exc.message} (code {exc.code})")
    newcomer = demo.customers[6]
    try:
        demo.c.votes.cast(actor=newcomer, post=q["opening"], value=1)
    except PermissionDenied as exc:
        demo.say(
            f"upvote by {demo.names[newcomer]} refused: {exc.message} "
            f"(privilege {exc.privilege}, needs {exc.required_reputation} reputation)"
        )


def scene_vote_changes(demo: Demo) -> None:
    """A moderator changes an upvote to a downvote; a staff member retracts one."""
    q = demo.ask(demo.customers[7], public=True)
    post = demo.answer(q, demo.customers[8])
    mod = demo.staff[3]
    demo.vote(mod, post)
    demo.clock.advance(minutes=2)
    demo.c.votes.cast(actor=mod, post=post, value=-1)
    demo.stats["votes changed"] += 1
    demo.say(f"{demo.names[mod]} upvoted answer #{post}, then changed it to a downvote")
    demo.vote(demo.staff[2], q["opening"])
    demo.clock.advance(minutes=1)
    demo.c.votes.retract(actor=demo.staff[2], post=q["opening"])
    demo.voted.discard((demo.staff[2], q["opening"]))
    demo.stats["votes retracted"] += 1
    demo.say(f"{demo.names[demo.staff[2]]} upvoted question #{q['opening']}, then retracted it")


def scene_accept_moved(demo: Demo) -> None:
    """An asker accepts one answer, then moves the acceptance to another."""
    q = demo.ask(demo.customers[9], public=True)
    first = demo.answer(q, demo.customers[10])
    second = demo.answer(q, demo.customers[0])
    demo.c.threads.accept(actor=q["asker"], answer=first)
    before = demo.c.reputation.of(demo.customers[10])
    demo.clock.advance(hours=2)
    demo.c.threads.accept(actor=q["asker"], answer=second)
    q["accepted"] = second
    demo.stats["accepted answers"] += 2
    demo.stats["acceptances moved"] += 1
    demo.say(
        f"{demo.names[q['asker']]} accepted answer #{first}, then moved acceptance to "
        f"#{second}; {demo.names[demo.customers[10]]}: {before} -> "
        f"{demo.c.reputation.of(demo.customers[10])} reputation"
    )


def scene_edit(demo: Demo) -> None:
    """A vote locked after its grace period changes once the post is edited."""
    post, author, voter = next(
        (p, a, v)
        for q in reversed(demo.questions)
        for p, a in q["answers"]
        for v in demo.staff[:3]
        if v != a and (v, p) not in demo.voted
    )
    demo.vote(voter, post)
    demo.clock.advance(minutes=30)
    try:
        demo.c.votes.cast(actor=voter, post=post, value=-1)
    except Conflict as exc:
        demo.say(f"vote change refused: {exc.message}")
    demo.c.posts.edit(
        actor=author,
        post=post,
        body=demo.rng.choice(ANSWERS) + " (Edited: this works on the current release too.)",
    )
    demo.stats["edits"] += 1
    demo.c.votes.cast(actor=voter, post=post, value=-1)
    demo.stats["votes changed"] += 1
    demo.say(f"{demo.names[author]} edited answer #{post}; the locked vote could then change")


def scene_capped_day(demo: Demo) -> None:
    """The leading customer's answers get enough upvotes to hit the daily cap."""
    star = demo.customers[0]
    today = demo.clock.now().date()
    mine = [(p, q["space"]) for q in demo.questions for p, a in q["answers"] if a == star]
    voters = [m for m in demo.staff + demo.customers if m != star and demo.can(m, "vote_up")]
    for q in reversed(demo.questions):
        if len(mine) * len(voters) >= 40:
            break
        if (
            q["asker"] != star
            and star not in {a for _, a in q["answers"]}
            and demo.sees(star, q["space"])
        ):
            mine.append((demo.answer(q, star), q["space"]))
    upvotes = 0
    for voter in voters:
        for post, slug in mine:
            if upvotes < 26 and (voter, post) not in demo.voted and demo.sees(voter, slug):
                upvotes += demo.vote(voter, post)
    demo.cap_day = (star, today)
    requested, applied = demo.day_totals(star, today)
    demo.say(
        f"{demo.names[star]}'s answers got {upvotes} upvotes today; the daily cap of "
        f"{demo.c.settings.daily_reputation_cap} applies: so far requested "
        f"+{requested}, applied +{applied}"
    )


#: The scripted scenes by day of the simulation (0: the first day), run before its activity.
SCENES: dict[int, Callable[[Demo], None]] = {
    0: scene_refusals,
    2: scene_vote_changes,
    5: scene_accept_moved,
    9: scene_edit,
    16: scene_capped_day,
}

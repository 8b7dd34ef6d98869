"""A few weeks of a customer-support community, simulated through the public API only.

:func:`simulate` drives a :class:`~socialcrm.Community` whose clock is a
:class:`~socialcrm.ManualClock` (moved day by day) with a seeded random generator,
so the same seed always tells the same story; :func:`report` prints leaderboards,
top threads and a reputation history. ``socialcrm demo`` runs both on a SQLite file.
The names, texts and scripted scenes it draws from are in :mod:`socialcrm.demo_data`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from socialcrm import Community, LedgerEntry, ManualClock, Post, Thread
from socialcrm.demo_data import (
    ANSWERS,
    COMMENTS,
    COMPANIES,
    COUNTRIES,
    FIRST,
    JOBS,
    LAST,
    SCENES,
    SPACES,
    SUFFIXES,
)

Out = Callable[[str], None]


class Demo:
    """The simulated community: who is who, what exists, and the counters for the report."""

    def __init__(self, community: Community, clock: ManualClock, seed: int, out: Out) -> None:
        self.c, self.clock, self.rng, self.out = community, clock, random.Random(seed), out
        self.stats: Counter[str] = Counter()
        self.customers: list[int] = []
        self.staff: list[int] = []  # admin first, then staff and the moderator
        self.beta: set[int] = set()
        self.names: dict[int, str] = {}
        self.questions: list[dict[str, Any]] = []  # thread, opening, asker, answers...
        self.posts: list[tuple[int, int, str]] = []  # (post id, author, space slug)
        self.voted: set[tuple[int, int]] = set()
        self.titles: set[str] = set()
        self.cap_day: tuple[int, date] | None = None  # (member, UTC day) of the capped day

    # ------------------------------------------------------------ helpers

    def tick(self, low: int = 2, high: int = 12) -> None:
        self.clock.advance(minutes=self.rng.randint(low, high))

    def sees(self, member: int, slug: str) -> bool:
        return slug != "beta-program" or member in self.beta or member in self.staff[:3]

    def say(self, text: str) -> None:
        self.out(f"  [{self.clock.now():%a %d %b %H:%M}] {text}")

    def can(self, member: int, privilege: str) -> bool:
        return self.c.privileges.has(member, privilege)

    def vote(self, voter: int, post: int, value: int = 1) -> bool:
        """Cast a vote (callers only offer votes the member may cast)."""
        self.tick(1, 3)
        self.c.votes.cast(actor=voter, post=post, value=value)
        self.voted.add((voter, post))
        self.stats["upvotes" if value > 0 else "downvotes"] += 1
        return True

    # ------------------------------------------------------------ setup

    def setup(self) -> None:
        c, rng = self.c, self.rng
        admin = c.members.join(
            external_id="staff-1",
            display_name="Alex Admin",
            roles=["admin"],
            job_title="Community lead",
            company="socialcrm Inc.",
        )
        self.staff.append(admin.id)
        team = [
            ("staff-2", "Sam Support", "staff"),
            ("staff-3", "Kim Support", "staff"),
            ("staff-4", "Morgan Mod", "moderator"),
        ]
        for ext, name, role in team:
            self.staff.append(
                c.members.join(
                    external_id=ext, display_name=name, roles=[role], job_title="Support engineer"
                ).id
            )
        pairs = [(f, ln) for f in FIRST for ln in LAST]
        chosen = [("Priya", "Raman")] + rng.sample([p for p in pairs if p[0] != "Priya"], 39)
        for n, (first, last) in enumerate(chosen, start=1):
            m = c.members.join(
                external_id=f"customer-{n:03d}",
                display_name=f"{first} {last}",
                company=rng.choice(COMPANIES),
                job_title=rng.choice(JOBS),
                country=rng.choice(COUNTRIES),
                bio=f"{first} uses the product at work.",
                interests=rng.sample([t for s in SPACES[:3] for t in s[3]], 3),
            )
            self.customers.append(m.id)
        self.names = {m: c.members.get(m).display_name for m in self.staff + self.customers}
        for slug, name, visibility, _tags, _titles in SPACES:
            c.spaces.create(actor=admin.id, slug=slug, name=name, visibility=visibility)
        self.beta = set(self.customers[:1] + rng.sample(self.customers[1:], 7))
        for member in sorted(self.beta):
            c.spaces.add_member(actor=admin.id, space="beta-program", member=member)
        c.threads.start(
            actor=self.staff[1],
            space="product-help",
            kind="announcement",
            title="Welcome to the customer community!",
            body="Ask questions, answer others and earn reputation.",
            tags=["welcome"],
        )
        self.stats.update(members=len(self.names), spaces=len(SPACES), threads=1)
        self.say(
            f"{len(self.names)} members joined ({len(self.staff)} staff), {len(SPACES)} "
            f"spaces, {len(self.beta)} customers in the private beta-program space"
        )

    # ------------------------------------------------------------ daily activity

    def ask(self, asker: int | None = None, public: bool = False) -> dict[str, Any]:
        """Start a thread (scripted scenes ask public questions)."""
        rng = self.rng
        slug, _name, _vis, tags, titles = rng.choice(SPACES)
        asker = asker or rng.choice(self.customers)
        if public or not self.sees(asker, slug):
            slug, _name, _vis, tags, titles = SPACES[rng.randrange(3)]
        kind = "question" if public or rng.random() < 0.8 else "discussion"
        self.tick()
        title = rng.choice(titles)
        stem, mark = (title[:-1], "?") if title.endswith("?") else (title, "")
        variants = [stem + suffix + mark for suffix in rng.sample(SUFFIXES, len(SUFFIXES))]
        title = next((t for t in [title, *variants] if t not in self.titles), title)
        self.titles.add(title)
        t = self.c.threads.start(
            actor=asker,
            space=slug,
            kind=kind,
            title=title,
            body=f"Details: {rng.choice(ANSWERS).lower()} (question {self.stats['threads'] + 1})",
            tags=rng.sample(tags, rng.randint(1, 2)),
        )
        if not isinstance(t, Thread):
            raise RuntimeError("the demo community holds no submissions for review")
        opening = t.opening_post_id or 0  # set by threads.start
        q: dict[str, Any] = {
            "thread": t.id,
            "opening": opening,
            "asker": asker,
            "space": slug,
            "kind": kind,
            "answers": [],
            "accepted": None,
            "day": self.clock.now().date(),
        }
        self.questions.append(q)
        self.posts.append((opening, asker, slug))
        self.stats["threads"] += 1
        return q

    def answer(self, q: dict[str, Any], author: int) -> int:
        self.tick()
        body = self.rng.choice(ANSWERS)
        # Numbered: the duplicate-post rule refuses a member's same body twice in a row.
        body = f"{body} (answer {self.stats['answers'] + 1})"
        post = self.c.posts.reply(actor=author, thread=q["thread"], body=body)
        if not isinstance(post, Post):
            raise RuntimeError("the demo community holds no submissions for review")
        q["answers"].append((post.id, author))
        self.posts.append((post.id, author, q["space"]))
        self.stats["answers"] += 1
        return post.id

    def pick_answerer(self, q: dict[str, Any]) -> int | None:
        people = [
            m
            for m in self.customers + self.staff[1:]
            if m != q["asker"]
            and self.sees(m, q["space"])
            and m not in {a for _, a in q["answers"]}
        ]
        weights = [8 if m == self.customers[0] else 3 if m in self.staff else 1 for m in people]
        return self.rng.choices(people, weights)[0] if people else None

    def day(self) -> None:
        rng, c = self.rng, self.c
        for _ in range(rng.randint(2, 4)):
            self.ask()
        recent = [q for q in self.questions[-12:] if len(q["answers"]) < 4]
        for q in rng.sample(recent, min(len(recent), rng.randint(3, 6))):
            author = self.pick_answerer(q)
            if author is not None:
                self.answer(q, author)
        voters = self.staff + rng.sample(self.customers, 12)
        for _ in range(rng.randint(12, 20)):
            voter = rng.choice(voters)
            if not self.can(voter, "vote_up"):  # reputation moves during the day
                continue
            options = [
                (p, a)
                for p, a, s in self.posts[-40:]
                if a != voter and (voter, p) not in self.voted and self.sees(voter, s)
            ]
            if options:
                post, _ = rng.choice(options)
                down = rng.random() < 0.1 and self.can(voter, "vote_down")
                self.vote(voter, post, -1 if down else 1)
        for q in self.questions:
            if (
                q["kind"] == "question"
                and q["answers"]
                and q["accepted"] is None
                and q["day"] < self.clock.now().date()
                and rng.random() < 0.5
            ):
                scores = {p.id: p.score for p in c.posts.list(actor=q["asker"], thread=q["thread"])}
                best = max(q["answers"], key=lambda pa: scores.get(pa[0], 0))[0]
                self.tick()
                c.threads.accept(actor=q["asker"], answer=best)
                q["accepted"] = best
                self.stats["accepted answers"] += 1
        for _ in range(rng.randint(0, 3)):
            q = rng.choice(self.questions[-10:])
            if q["answers"]:
                self.tick()
                c.posts.comment(
                    actor=q["asker"], post=q["answers"][0][0], body=rng.choice(COMMENTS)
                )
                self.stats["comments"] += 1

    # ------------------------------------------------------------ reputation

    def day_totals(self, member: int, day: date) -> tuple[int, int]:
        """Reputation the rules asked for and what the ledger applied, for one UTC cap day."""
        entries = [e for e in self.history(member) if e.cap_day == day]
        requested = sum(e.requested for e in entries if e.undoes is None)
        return requested, sum(e.delta for e in entries if e.undoes is None)

    def history(self, member: int) -> list[LedgerEntry]:
        """Every ledger entry of the member, newest first (paged through the public API)."""
        entries: list[LedgerEntry] = []
        while True:
            page = self.c.reputation.history_unfiltered(member, limit=200, offset=len(entries))
            entries.extend(page)
            if len(page) < 200:
                return entries


def simulate(community: Community, clock: ManualClock, *, seed: int, days: int, out: Out) -> Demo:
    """Run ``days`` days of activity (the clock starts at a Monday 08:00 UTC)."""
    demo = Demo(community, clock, seed, out)
    start = clock.now().replace(hour=8, minute=0, second=0, microsecond=0)
    out(f"== Simulating {days} days from {start:%Y-%m-%d} (seed {seed}) ==")
    demo.setup()
    for n in range(days):
        clock.set(max(clock.now(), start + timedelta(days=n)))
        if n in SCENES:
            SCENES[n](demo)
        demo.day()
    out("")
    return demo


def report(demo: Demo, out: Out) -> None:
    """Print activity totals, leaderboards, top threads and the leader's reputation history."""
    c, stats = demo.c, demo.stats
    out("== Activity ==")
    out(
        f"  {stats['members']} members, {stats['spaces']} spaces, {stats['threads']} threads, "
        f"{stats['answers']} answers, {stats['comments']} comments, {stats['edits']} edit(s)"
    )
    out(
        f"  {stats['upvotes']} upvotes and {stats['downvotes']} downvotes cast, "
        f"{stats['votes changed']} votes changed, {stats['votes retracted']} retracted; "
        f"{stats['accepted answers']} acceptances ({stats['acceptances moved']} moved to "
        "another answer)"
    )
    if demo.cap_day:
        member, day = demo.cap_day
        requested, applied = demo.day_totals(member, day)
        out(
            f"  capped day: {demo.names[member]} on {day}: requested +{requested}, "
            f"applied +{applied} (cap {c.settings.daily_reputation_cap}/day)"
        )
    for title, period in [
        ("All-time leaderboard (top 10)", "all"),
        (f"This week's leaderboard (since {_monday(demo.clock.now().date())})", "week"),
    ]:
        out("")
        out(f"== {title} ==")
        for row in c.reputation.leaderboard(period=period, limit=10):
            out(
                f"  {row.rank:>3}. {row.display_name:<24} {row.score:>6} rep  "
                f"(member #{row.member_id})"
            )
    out("")
    out("== Top threads by score ==")
    admin = demo.staff[0]
    slugs = {s.id: s.slug for s in c.spaces.list(actor=admin)}
    for t in c.threads.list(actor=admin, sort="score", limit=8):
        score = c.posts.get(actor=admin, post=t.opening_post_id or 0).score
        mark = " [accepted]" if t.accepted_answer_id else ""
        replies = f"{t.reply_count} repl{'y' if t.reply_count == 1 else 'ies'}"
        title = t.title if len(t.title) <= 60 else t.title[:57] + "..."
        out(f"  {score:>+4}  {title:<60} {slugs[t.space_id]:<13} {replies}{mark}")
    board = c.reputation.leaderboard(limit=1)
    if not board:
        return
    top = board[0]
    entries = demo.history(top.member_id)
    out("")
    out(f"== Reputation history of {top.display_name} ({top.score} rep, {len(entries)} entries) ==")
    by_rule: dict[str, list[int]] = {}
    for e in entries:
        tally = by_rule.setdefault(e.rule, [0, 0, 0])
        tally[0] += 1
        tally[1] += e.requested
        tally[2] += e.delta
    out(f"  {'rule':<22} {'entries':>7} {'requested':>9} {'applied':>8}")
    for rule, (n, requested, applied) in sorted(by_rule.items()):
        out(f"  {rule:<22} {n:>7} {requested:>+9} {applied:>+8}")
    capped = [e for e in entries if e.requested > 0 and e.delta < e.requested and e.undoes is None]
    days = sorted({e.cap_day for e in capped if e.cap_day is not None})
    out(
        f"  capped entries: {len(capped)} (withheld {sum(e.requested - e.delta for e in capped)} "
        f"rep on {', '.join(map(str, days)) or 'no day'})"
    )
    undone = sum(e.undoes is not None for e in entries)
    out(f"  compensating entries (undone votes/accepts): {undone}")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())

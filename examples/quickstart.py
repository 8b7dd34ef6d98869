"""socialcrm in one script: a question from asking to accepted answer, then the daily cap.

Run it with::

    python examples/quickstart.py              # in memory
    python examples/quickstart.py --db c.db    # in a SQLite file (created if needed)

The clock is a ManualClock, so the output is the same on every run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from socialcrm import Community, ManualClock, PermissionDenied, Settings, signals
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.capabilities.threads.events import AnswerAccepted


def open_community(db: Path | None, settings: Settings, clock: ManualClock) -> Community:
    """An in-memory community, or one on a fresh SQLite file when ``db`` is given."""
    if db is None:
        return Community(MemoryStorage(), settings=settings, clock=clock, entry_points=False)
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return Community.from_url(f"sqlite:///{db}", settings=settings, clock=clock, entry_points=False)


def main(argv: list[str] | None = None) -> None:
    """Run the walk-through and print what happens."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a SQLite file to (re)create instead of memory")
    args = parser.parse_args(argv)

    # New members start at 1 reputation and voting up needs 15; lower that threshold so the
    # demo's fresh members can vote. Everything else keeps the Stack Exchange defaults.
    settings = Settings().with_privileges(vote_up=1)
    clock = ManualClock()
    community = open_community(args.db, settings, clock)

    def announce(sender: Community, event: AnswerAccepted) -> None:
        print(f"  [signal] answer {event.answer_id} accepted in thread {event.thread_id}")

    signals.answer_accepted.connect(announce, sender=community)

    with community:
        ada = community.members.join(external_id="staff-1", display_name="Ada", roles=["staff"])
        alice = community.members.join(external_id="user-42", display_name="Alice")
        bob = community.members.join(external_id="user-43", display_name="Bob")

        community.spaces.create(actor=ada.id, slug="billing", name="Billing")
        print("Ada created the space 'billing'")

        question = community.threads.start(
            actor=alice.id,
            space="billing",
            kind="question",
            title="Where can I download my invoices?",
            body="I paid last month but cannot find the invoice anywhere.",
            tags=["invoices"],
        )
        print(f"Alice asked: {question.title} (thread {question.id})")

        answer = community.posts.reply(
            actor=bob.id, thread=question.id, body="Account, then Billing, then Invoices."
        )
        print(f"Bob answered (post {answer.id})")

        community.votes.cast(actor=ada.id, post=answer.id, value=1)
        print("Ada voted Bob's answer up")
        try:
            community.votes.cast(actor=alice.id, post=answer.id, value=-1)
        except PermissionDenied as error:
            print(
                f"Alice cannot vote down: {error.privilege} needs "
                f"{error.required_reputation} reputation"
            )

        community.threads.accept(actor=alice.id, answer=answer.id)
        print("Alice accepted Bob's answer")

        print(f"Bob's reputation: {community.reputation.of(bob.id)}")
        print(f"Alice's reputation: {community.reputation.of(alice.id)}")
        print("Bob's ledger, newest first:")
        for entry in community.reputation.history(bob.id, actor=bob.id):
            print(f"  {entry.rule:<16} requested {entry.requested:+d}, applied {entry.delta:+d}")

        print("Leaderboard:")
        for row in community.reputation.leaderboard(limit=3):
            print(f"  {row.rank}. {row.display_name} {row.score}")

        # The daily cap: Bob already earned 10 capped reputation today (Ada's upvote).
        # A new member waits 30 seconds between posts (the rate limits); Bob takes a minute.
        clock.advance(minutes=1)
        second = community.posts.reply(
            actor=bob.id, thread=question.id, body="You can also ask for them by e-mail."
        )
        fans = [
            community.members.join(external_id=f"fan-{n}", display_name=f"Fan {n}")
            for n in range(25)
        ]
        for fan in fans:
            community.votes.cast(actor=fan.id, post=second.id, value=1)
        entries = community.reputation.history(bob.id, actor=bob.id, limit=25)
        requested = sum(e.requested for e in entries)
        applied = sum(e.delta for e in entries)
        print(
            f"Daily cap: 25 upvotes requested {requested}, applied {applied}; "
            f"Bob's reputation: {community.reputation.of(bob.id)}"
        )

        # Undoing takes back what was applied, never what was requested.
        for fan in fans:
            community.votes.retract(actor=fan.id, post=second.id)
        print(
            f"After the 25 votes are retracted: Bob's reputation: {community.reputation.of(bob.id)}"
        )


if __name__ == "__main__":
    main()

"""``manage.py socialcrm_jobs <job>``: the community's periodic jobs, for cron or a scheduler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialcrm.community import Community
from socialcrm.errors import SocialCRMError

#: Outbox batches one ``relay-outbox`` run publishes at most (``--max-batches``).
DEFAULT_MAX_BATCHES = 100


def _trust_review(community: Community, options: dict[str, Any]) -> str:
    review = community.trust.review()
    return (
        f"trust review: {review.checked} members checked, "
        f"{len(review.promoted)} promoted, {len(review.demoted)} demoted"
    )


def _expire_sanctions(community: Community, options: dict[str, Any]) -> str:
    expired = community.moderation.expire_sanctions()
    return f"sanctions expired: {len(expired)}"


def _reverse_serial_votes(community: Community, options: dict[str, Any]) -> str:
    reversals = community.moderation.reverse_serial_votes()
    return f"serial votes reversed: {len(reversals)}"


def _relay_outbox(community: Community, options: dict[str, Any]) -> str:
    from django.utils.module_loading import import_string

    path = options["publish"]
    if not path:
        raise CommandError("relay-outbox needs --publish path.to.callable")
    try:
        publish = import_string(path)
    except ImportError as error:
        raise CommandError(f"--publish {path}: {error}") from error
    batch, max_batches = options["batch"], options["max_batches"]
    if max_batches < 1:
        raise CommandError("--max-batches must be at least 1")
    total = 0
    for _ in range(max_batches):
        try:
            sent = community.outbox.relay(publish, batch=batch)
        except SocialCRMError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of the host's publish
            # The relay committed what was published before the failure; the rest waits.
            raise CommandError(
                f"relay-outbox: {path} failed after {total} messages were published: {error!r}"
            ) from error
        total += sent
        if sent < batch:
            break
    return f"outbox messages published: {total}"


#: Job name → what it runs (each returns its one-line report).
JOBS: dict[str, Callable[[Community, dict[str, Any]], str]] = {
    "trust-review": _trust_review,
    "expire-sanctions": _expire_sanctions,
    "reverse-serial-votes": _reverse_serial_votes,
    "relay-outbox": _relay_outbox,
}


class Command(BaseCommand):
    """Run one periodic job: trust-review, expire-sanctions, reverse-serial-votes, relay-outbox."""

    help = (
        "Run a socialcrm periodic job: trust-review (daily), expire-sanctions (every few "
        "minutes), reverse-serial-votes (daily), relay-outbox --publish path.to.callable "
        "(every minute, or continuously)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The job name, and the relay's ``--publish``, ``--batch`` and ``--max-batches``."""
        parser.add_argument("job", choices=sorted(JOBS), help="the job to run")
        parser.add_argument(
            "--publish",
            help="relay-outbox: dotted path of a callable taking one OutboxMessage",
        )
        parser.add_argument(
            "--batch", type=int, default=100, help="relay-outbox: messages per unit of work"
        )
        parser.add_argument(
            "--max-batches",
            type=int,
            default=DEFAULT_MAX_BATCHES,
            help=f"relay-outbox: stop after this many batches (default {DEFAULT_MAX_BATCHES})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the job on the project's community and print what it did."""
        from socialcrm.contrib.django.community import get_community

        try:
            report = JOBS[options["job"]](get_community(), options)
        except SocialCRMError as error:
            raise CommandError(f"socialcrm_jobs {options['job']}: {error.message}") from error
        self.stdout.write(report)

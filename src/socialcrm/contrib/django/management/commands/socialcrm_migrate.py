"""``manage.py socialcrm_migrate``: socialcrm's Alembic migrations to head, on its database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialcrm.errors import SocialCRMError


class Command(BaseCommand):
    """Create socialcrm's tables or upgrade them to the latest revision (``--check``: look)."""

    help = (
        "Create socialcrm's tables (prefixed, in the database of SOCIALCRM['DATABASE']) "
        "or upgrade them to the latest revision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """``--check``: print the current revision and exit 1 if it is not the latest."""
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; print the revision and fail if it is not the latest",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Migrate (or check) and report the revision."""
        from sqlalchemy import exc as sa_exc
        from sqlalchemy.engine import make_url

        from socialcrm.adapters.sqlalchemy import create_storage_engine, current, head
        from socialcrm.contrib.django.community import (
            community_options,
            configured_database_url,
            migrate_database,
        )

        try:
            settings = community_options()
            url = configured_database_url(settings)
            shown = make_url(url).render_as_string(hide_password=True)
            latest = head()
            if options["check"]:
                engine = create_storage_engine(url)
                try:
                    revision = current(engine, settings.table_prefix)
                finally:
                    engine.dispose()
                self.stdout.write(f"{revision or 'none'} (head is {latest})")
                if revision != latest:
                    raise CommandError(f"socialcrm's tables in {shown} are not at head; migrate")
                return
            before, after = migrate_database(verbosity=0)
        except (SocialCRMError, sa_exc.SQLAlchemyError) as error:
            detail = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise CommandError(f"socialcrm_migrate: {detail[0] if detail else error!r}") from error
        prefix = settings.table_prefix
        if before == after:
            self.stdout.write(f"{shown} (prefix {prefix}): already at {after} (head)")
        else:
            self.stdout.write(
                f"{shown} (prefix {prefix}): upgraded from {before or 'none'} to {after}"
            )

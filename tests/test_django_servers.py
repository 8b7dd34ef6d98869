"""The community on PostgreSQL and MariaDB from a Django ``DATABASES`` entry.

The entry is made from the server URL of tests/databases.py (``CI=true``: an
unreachable server fails the test), mapped back by ``database_url`` and used the
way the app uses it: migrate, then a community on it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("django")

from django_site import setup_django  # noqa: E402

setup_django()

from sqlalchemy.engine import make_url  # noqa: E402

import databases  # noqa: E402
from socialcrm.adapters.sqlalchemy import current, head  # noqa: E402
from socialcrm.contrib.django.community import (  # noqa: E402
    CommunityOptions,
    database_url,
    make_community,
)

DJANGO_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "mariadb": "django.db.backends.mysql",
}


def django_entry(url: str, kind: str) -> dict[str, str]:
    """The ``DATABASES`` entry a Django project would have for the server at ``url``."""
    parsed = make_url(url)
    return {
        "ENGINE": DJANGO_ENGINES[kind],
        "NAME": parsed.database or "",
        "USER": parsed.username or "",
        "PASSWORD": parsed.password or "",
        "HOST": parsed.host or "",
        "PORT": str(parsed.port or ""),
    }


@pytest.fixture(params=databases.DATABASE_KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    kind = request.param
    url = databases.require_database(kind)
    prefix = databases.run_prefix("dj")
    yield database_url(django_entry(url, kind)), prefix
    engine = databases.admin_engine(kind)
    try:
        databases.drop_prefixed_tables(engine, prefix)
    finally:
        engine.dispose()


def test_a_community_runs_on_the_server_of_a_databases_entry(server: tuple[str, str]) -> None:
    url, prefix = server
    options = CommunityOptions(
        database="default",
        database_url=None,
        table_prefix=prefix,
        plugins=(),
        settings=None,
        clock=None,
        migrate=True,
        migrate_with_django=True,
        join_on_first_use=False,
        member_profile=None,
        community_options={"entry_points": False},
    )
    community = make_community(url, options)
    try:
        ada = community.members.join(external_id="1", display_name="Ada", roles=["staff"])
        community.spaces.create(actor=ada.id, slug="help", name="Help")
        question = community.threads.start(
            actor=ada.id,
            space="help",
            kind="question",
            title="Does this work on servers?",
            body="?",
        )
        assert community.threads.get(actor=None, thread=question.id).title.startswith("Does")
        assert current(community.storage.engine, prefix) == head()  # type: ignore[attr-defined]
    finally:
        community.close()


#: Where the servers of this test set-up listen on Unix sockets (Debian's defaults).
SOCKETS = {"postgres": "/var/run/postgresql", "mariadb": "/run/mysqld/mysqld.sock"}


@pytest.mark.parametrize("kind", databases.DATABASE_KINDS)
def test_a_unix_socket_host_connects(kind: str) -> None:
    import os

    from sqlalchemy import create_engine, text

    url = databases.require_database(kind)
    if not os.path.exists(SOCKETS[kind]):
        pytest.skip(f"no {kind} socket at {SOCKETS[kind]} on this machine")
    entry = {**django_entry(url, kind), "HOST": SOCKETS[kind], "PORT": ""}
    engine = create_engine(database_url(entry))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()

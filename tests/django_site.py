"""Django, configured once per test process with the example site's settings.

Django's settings are process-wide, so every Django test (the app's, the example's)
shares this one configuration; the Flask tests never import it. Each test gets a
fresh copy of a database migrated once per session (Django's tables and
socialcrm's), seeded with the example's demo data.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

_template: Path | None = None
_migrated = False


def setup_django() -> Path:
    """Configure Django (once, cheap: nothing is migrated); return the template's path."""
    global _template
    if _template is not None:
        return _template
    import django
    from django.conf import settings

    folder = Path(tempfile.mkdtemp(prefix="socialcrm-django-"))
    template = folder / "template.sqlite3"
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    os.environ["SUPPORT_DATABASE"] = str(template)
    os.environ["DJANGO_SETTINGS_MODULE"] = "django_support.settings"
    try:
        django.setup()
        # Fast hashing: the seed makes six users per test (never do this in production).
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.SECRET_KEY = "tests"
    finally:
        # Subprocesses the tests start must not inherit the example's settings.
        del os.environ["SUPPORT_DATABASE"], os.environ["DJANGO_SETTINGS_MODULE"]
    _template = template
    return template


def template_database() -> Path:
    """The template database, migrated on first use (Django's tables and socialcrm's)."""
    global _migrated
    template = setup_django()
    if not _migrated:
        from django.core.management import call_command
        from django.db import connections

        from socialcrm.contrib.django import reset_community

        call_command("migrate", verbosity=0)  # socialcrm's tables too, by post_migrate
        connections.close_all()
        reset_community()
        _migrated = True
    return template


@contextmanager
def database_copy(folder: Path, *, template: bool = True) -> Iterator[Path]:
    """Point the ``default`` alias at a new SQLite file in ``folder`` for the block.

    With ``template``, the file is a copy of the migrated template; without, empty.
    """
    from django.conf import settings
    from django.db import connections

    from socialcrm.contrib.django import reset_community

    source = template_database()
    target = folder / "site.sqlite3"
    if template:
        shutil.copyfile(source, target)
    connection = connections["default"]
    before = connection.settings_dict["NAME"]
    connections.close_all()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = str(target)
    try:
        yield target
    finally:
        reset_community()
        connections.close_all()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = before

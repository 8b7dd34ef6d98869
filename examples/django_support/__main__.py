"""``python -m django_support`` (from examples/): migrate, seed and serve on 127.0.0.1.

The port comes from ``PORT`` (default 8000); the database is ``SUPPORT_DATABASE``
(default ``support.db`` beside the code).
"""

from __future__ import annotations

import os


def main() -> None:
    """Migrate Django's tables and socialcrm's, seed if needed, and serve until interrupted."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_support.settings")
    import django
    from django.core.management import call_command

    django.setup()
    port = int(os.environ.get("PORT", "8000"))
    call_command("migrate", verbosity=0)  # socialcrm's tables too (post_migrate)
    call_command("support_seed")
    print(f"Support community on http://127.0.0.1:{port}/ (sign in as a demo user)")
    # --insecure: serve the stylesheet without DEBUG (runserver is for development only).
    call_command("runserver", f"127.0.0.1:{port}", "--noreload", "--insecure")


if __name__ == "__main__":
    main()

"""The Django app config: ``"socialcrm.contrib.django"`` in ``INSTALLED_APPS``."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class SocialCRMConfig(AppConfig):
    """socialcrm inside a Django project.

    On ``ready()`` it registers the system check of the ``SOCIALCRM`` setting
    (``manage.py check``) and connects two receivers: ``manage.py migrate`` on the
    community's database alias also migrates socialcrm's tables (so Django's test
    runner creates them in the test database), and changing the ``SOCIALCRM`` or
    ``DATABASES`` setting in a test (``override_settings``) makes the next use
    build a new community.
    """

    name = "socialcrm.contrib.django"
    label = "socialcrm"
    verbose_name = "socialcrm community"

    def ready(self) -> None:
        """Register the settings check; connect ``post_migrate`` and ``setting_changed``."""
        from django.core import checks
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate

        from socialcrm.contrib.django.checks import check_socialcrm_settings

        checks.register(check_socialcrm_settings, checks.Tags.compatibility)

        post_migrate.connect(_migrate_with_django, sender=self, dispatch_uid="socialcrm_migrate")
        setting_changed.connect(_reset_on_setting_change, dispatch_uid="socialcrm_settings")


def _migrate_with_django(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from socialcrm.contrib.django.community import community_options, migrate_database

    options = community_options()
    if options.migrate_with_django and using == options.database:
        migrate_database(verbosity=int(kwargs.get("verbosity", 1)))


def _reset_on_setting_change(setting: str, **kwargs: Any) -> None:
    if setting in ("SOCIALCRM", "DATABASES"):
        from socialcrm.contrib.django.community import reset_community

        reset_community()

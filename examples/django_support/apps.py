"""The example site's Django app (its templates, views and the ``support_seed`` command)."""

from django.apps import AppConfig


class SupportConfig(AppConfig):
    """The support site."""

    name = "django_support"
    default_auto_field = "django.db.models.BigAutoField"

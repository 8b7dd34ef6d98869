"""socialcrm in a Django project: the ``"socialcrm.contrib.django"`` app.

Add it to ``INSTALLED_APPS`` and, optionally, a ``SOCIALCRM`` dict to the settings;
then, in views, :func:`get_community` and :func:`current_actor` (``request.user`` as a
member). ``manage.py socialcrm_migrate`` creates the tables and
``manage.py socialcrm_jobs`` runs the periodic jobs. Needs the ``django`` extra
(``pip install 'socialcrm[django]'``). See docs/django.md.

Importing this package needs Django configured only when its functions are called.
"""

from socialcrm.contrib._http import STATUS_BY_ERROR, error_body, status_for
from socialcrm.contrib.django.actors import (
    current_actor,
    current_member,
    default_member_profile,
    member_for_user,
    require_actor,
)
from socialcrm.contrib.django.community import (
    DEFAULTS,
    ENGINE_DRIVERS,
    CommunityOptions,
    community_options,
    configured_database_url,
    database_url,
    get_community,
    migrate_database,
    reset_community,
)
from socialcrm.contrib.django.errors import error_response, json_errors

__all__ = [
    "DEFAULTS",
    "ENGINE_DRIVERS",
    "STATUS_BY_ERROR",
    "CommunityOptions",
    "community_options",
    "configured_database_url",
    "current_actor",
    "current_member",
    "database_url",
    "default_member_profile",
    "error_body",
    "error_response",
    "get_community",
    "json_errors",
    "member_for_user",
    "migrate_database",
    "require_actor",
    "reset_community",
    "status_for",
]

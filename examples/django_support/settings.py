"""Settings of the example site: a plain Django project plus ``socialcrm.contrib.django``.

``SUPPORT_DATABASE`` (default ``support.db`` beside this file) is the SQLite
file of both Django's tables and the community's; ``SUPPORT_SECRET_KEY`` the key
(default: a random key made once and kept in ``.secret_key`` beside the database, so
that restarting keeps everyone signed in).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _secret_key(database: Path) -> str:
    """``SUPPORT_SECRET_KEY``, else the key kept beside the database (made on first run)."""
    given = os.environ.get("SUPPORT_SECRET_KEY")
    if given:
        return given
    kept = database.with_name(".secret_key")
    try:
        return kept.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(key)
        kept.chmod(0o600)
        return key


DATABASE_PATH = Path(os.environ.get("SUPPORT_DATABASE") or HERE / "support.db")
SECRET_KEY = _secret_key(DATABASE_PATH)
DEBUG = os.environ.get("SUPPORT_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "socialcrm.contrib.django",
    "django_support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refused community commands in HTML views: 404, the login page, or a message and back.
    "socialcrm.contrib.django.middleware.CommunityErrorMiddleware",
]

ROOT_URLCONF = "django_support.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates: this site's socialcrm/error.html replaces the app's.
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django_support.views.community_context",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATABASE_PATH),
        # socialcrm writes on a connection of its own: wait for Django's, never fail at once.
        "OPTIONS": {"timeout": 20},
    }
}

SOCIALCRM = {
    "DATABASE": "default",  # the community's tables go in this database, prefixed
    "TABLE_PREFIX": "socialcrm_",
    "JOIN_ON_FIRST_USE": True,  # a signed-in user becomes a member on first use
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "spaces"
LOGOUT_REDIRECT_URL = "spaces"

STATIC_URL = "static/"
USE_TZ = True
TIME_ZONE = "UTC"

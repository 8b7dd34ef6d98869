"""Settings of the example site: a plain Django project plus ``socialcrm.contrib.django``.

``SUPPORT_DATABASE`` (default ``support.db`` beside this file) is the SQLite
file of both Django's tables and the community's; ``SUPPORT_SECRET_KEY`` the key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("SUPPORT_SECRET_KEY") or secrets.token_hex(32)
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
    # Refused community commands in HTML views: a message and a redirect back.
    "django_support.middleware.CommunityErrorMiddleware",
]

ROOT_URLCONF = "django_support.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
        "NAME": os.environ.get("SUPPORT_DATABASE") or str(HERE / "support.db"),
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

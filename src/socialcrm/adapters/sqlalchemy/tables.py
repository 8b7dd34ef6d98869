"""The socialcrm tables (kept for imports; the schema lives in :mod:`.schema`).

Each repository module builds its own tables beside its statements, following
:mod:`.conventions`; :mod:`.schema` composes them, and :class:`.catalog.Tables`
names them by role. This module re-exports what it used to define.
"""

from __future__ import annotations

from socialcrm.adapters.sqlalchemy.catalog import Tables
from socialcrm.adapters.sqlalchemy.conventions import (
    AUDIT_ACTION_LENGTH,
    BADGE_KEY_LENGTH,
    CAUSE_LENGTH,
    CODE_HASH_LENGTH,
    CODE_LENGTH,
    DEFAULT_TABLE_PREFIX,
    EVENT_ID_LENGTH,
    EVENT_NAME_LENGTH,
    EXTERNAL_ID_LENGTH,
    IMPORT_KEY_LENGTH,
    NAME_LENGTH,
    NAMING_CONVENTION,
    PROFILE_FIELD_LENGTH,
    REWARD_KEY_LENGTH,
    RULE_LENGTH,
    SLUG_LENGTH,
    TAG_LENGTH,
    TITLE_LENGTH,
)
from socialcrm.adapters.sqlalchemy.schema import build_metadata, build_tables

__all__ = [
    "AUDIT_ACTION_LENGTH",
    "BADGE_KEY_LENGTH",
    "CAUSE_LENGTH",
    "CODE_HASH_LENGTH",
    "CODE_LENGTH",
    "DEFAULT_TABLE_PREFIX",
    "EVENT_ID_LENGTH",
    "EVENT_NAME_LENGTH",
    "EXTERNAL_ID_LENGTH",
    "IMPORT_KEY_LENGTH",
    "NAME_LENGTH",
    "NAMING_CONVENTION",
    "PROFILE_FIELD_LENGTH",
    "REWARD_KEY_LENGTH",
    "RULE_LENGTH",
    "SLUG_LENGTH",
    "TAG_LENGTH",
    "TITLE_LENGTH",
    "Tables",
    "build_metadata",
    "build_tables",
]

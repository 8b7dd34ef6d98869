"""The SQLAlchemy storage adapter: SQLite (embedded default), PostgreSQL and MariaDB.

>>> storage = SQLAlchemyStorage("sqlite:///:memory:")
>>> with storage.unit_of_work() as uow:
...     uow.members.get(1) is None
True
>>> storage.close()
"""

from socialcrm.adapters.sqlalchemy.autogenerate import autogenerate_filters
from socialcrm.adapters.sqlalchemy.conventions import DEFAULT_TABLE_PREFIX
from socialcrm.adapters.sqlalchemy.engines import configure_sqlite_engine, create_storage_engine
from socialcrm.adapters.sqlalchemy.migrate import current, downgrade, head, upgrade
from socialcrm.adapters.sqlalchemy.schema import build_metadata
from socialcrm.adapters.sqlalchemy.storage import SQLAlchemyStorage, SQLAlchemyUnitOfWork

__all__ = [
    "DEFAULT_TABLE_PREFIX",
    "SQLAlchemyStorage",
    "SQLAlchemyUnitOfWork",
    "autogenerate_filters",
    "build_metadata",
    "configure_sqlite_engine",
    "create_storage_engine",
    "current",
    "downgrade",
    "head",
    "upgrade",
]

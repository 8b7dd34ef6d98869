"""Deprecated re-exports of the records, events and validation that moved to
``socialcrm.core`` and ``socialcrm.capabilities`` (each module warns on import)."""

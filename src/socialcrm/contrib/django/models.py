"""No Django models: socialcrm's tables are its own (Alembic), not Django's migrations.

The module exists so that Django sends this app ``post_migrate``.
"""

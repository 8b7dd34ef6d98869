"""A customer-support community inside a small Django site (see README.md).

The host's own users are Django's auth users (seeded demo customers and staff, a
login page); the community lives in the same SQLite database, in tables prefixed
``socialcrm_``. Run it with ``make example-django``.
"""

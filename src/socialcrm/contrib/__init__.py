"""Integrations with web frameworks (``socialcrm.contrib.flask``)."""

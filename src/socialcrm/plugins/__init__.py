"""Plugins: the hookspecs, the plugin manager and the built-in plugins."""

from socialcrm.plugins.hookspecs import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec"]

"""What hooks receive; :class:`~socialcrm.core.context.HookContext` now lives in the kernel."""

from __future__ import annotations

from socialcrm.core.context import HookContext

__all__ = ["HookContext"]

"""Hooks: the pluggy specifications, the ``hook_impl`` marker and the hook manager."""

from __future__ import annotations

from kedro_ipy.framework.hooks.manager import (
    _create_hook_manager,
    _register_hooks,
    _register_hooks_entry_points,
)
from kedro_ipy.framework.hooks.markers import hook_impl

__all__ = [
    "_create_hook_manager",
    "_register_hooks",
    "_register_hooks_entry_points",
    "hook_impl",
]

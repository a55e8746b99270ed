"""CLI hooks: plugins called before and after every ``kedro-ipy`` command (Kedro's import
paths: ``cli_hook_impl``, ``CLIHooksManager``, ``get_cli_hook_manager``)."""

from __future__ import annotations

from kedro_ipy.framework.cli.hooks.manager import (
    CLIHooksManager,
    call_cli_hook,
    get_cli_hook_manager,
)
from kedro_ipy.framework.cli.hooks.markers import cli_hook_impl

__all__ = ["CLIHooksManager", "call_cli_hook", "cli_hook_impl", "get_cli_hook_manager"]

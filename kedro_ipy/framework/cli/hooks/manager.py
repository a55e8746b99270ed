"""The CLI hook manager: installed command-line plugins, found through entry points.

A plugin announces its CLI hooks in the ``kedro_ipy.cli_hooks`` entry point group, for example
in its ``pyproject.toml``::

    [project.entry-points."kedro_ipy.cli_hooks"]
    my_plugin = "my_plugin.plugin:cli_hooks"   # an instance of a class using @cli_hook_impl

Plugins written for Kedro (telemetry-style) work too when Kedro is importable: the
``kedro.cli_hooks`` group is read as well, and methods marked with Kedro's ``cli_hook_impl``
are recognised like ours. Discovery is the run hooks' (``kedro_ipy.framework.hooks``).

A CLI hook is a bystander: ``call_cli_hook`` calls each plugin on its own and logs a plugin
that fails, so that no plugin can change what a command does or the exit code it returns.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from kedro_ipy.framework.cli.hooks.markers import CLI_HOOK_NAMESPACE
from kedro_ipy.framework.cli.hooks.specs import CLICommandSpecs
from kedro_ipy.framework.hooks.manager import _HookManager, _register_hooks_entry_points

__all__ = ["CLIHooksManager", "call_cli_hook", "get_cli_hook_manager"]

#: Our entry point group for command-line plugins, and Kedro's (read when Kedro is importable).
_CLI_PLUGIN_HOOKS: Final = "kedro_ipy.cli_hooks"
_KEDRO_CLI_PLUGIN_HOOKS: Final = "kedro.cli_hooks"
#: The attribute Kedro's ``cli_hook_impl`` marker (pluggy project "kedro_cli") sets.
_KEDRO_CLI_IMPL_ATTRIBUTE: Final = "kedro_cli_impl"

logger = logging.getLogger(__name__)

_cli_hook_manager: CLIHooksManager | None = None


class CLIHooksManager(_HookManager):
    """A pluggy manager with the CLI hook specifications and the installed CLI plugins."""

    kedro_impl_attribute = _KEDRO_CLI_IMPL_ATTRIBUTE

    def __init__(self) -> None:
        super().__init__(CLI_HOOK_NAMESPACE)
        self.add_hookspecs(CLICommandSpecs)
        _register_hooks_entry_points(
            self, (), groups=(_CLI_PLUGIN_HOOKS, _KEDRO_CLI_PLUGIN_HOOKS), tolerant=True
        )


def get_cli_hook_manager() -> CLIHooksManager:
    """The process's CLI hook manager, built (and the plugins loaded) on first use."""
    global _cli_hook_manager
    if _cli_hook_manager is None:
        _cli_hook_manager = CLIHooksManager()
    return _cli_hook_manager


def call_cli_hook(manager: CLIHooksManager, hook_name: str, **kwargs: Any) -> None:
    """Call the CLI hook ``hook_name`` of every plugin, in pluggy's order (the plugin
    registered last first), each on its own: a plugin that raises is logged with its
    traceback and the others are still called."""
    caller = getattr(manager.hook, hook_name)
    plugins: list[Any] = []
    for impl in reversed(caller.get_hookimpls()):
        if not any(impl.plugin is p for p in plugins):  # once, even with a wrapper too
            plugins.append(impl.plugin)
    for plugin in plugins:
        others = [p for p in plugins if p is not plugin]
        try:
            manager.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)
        except Exception:
            logger.warning(
                "CLI hook %s of plugin '%s' failed; the command is not affected.",
                hook_name,
                manager.get_name(plugin) or type(plugin).__qualname__,
                exc_info=True,
            )

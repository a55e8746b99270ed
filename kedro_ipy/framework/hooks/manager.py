"""Create the hook manager and register hooks on it: the project's, and installed plugins'.

A plugin package announces its hooks with an entry point in the ``kedro_ipy.hooks`` group, for
example in its ``pyproject.toml``::

    [project.entry-points."kedro_ipy.hooks"]
    my_plugin = "my_plugin.plugin:hooks"      # an instance of a class using @hook_impl

Plugins written for Kedro work too: when Kedro is importable, entry points in Kedro's
``kedro.hooks`` group are registered as well, and methods marked with Kedro's own
``@hook_impl`` (``kedro.framework.hooks.hook_impl``) are recognised like ours. Kedro's hook
specifications have the same names and arguments as ours.

A project can switch a plugin off without uninstalling it by naming its distribution (or its
entry point) in ``settings.DISABLE_HOOKS_FOR_PLUGINS``; a disabled plugin is not even imported.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import logging
import re
import warnings
from collections.abc import Iterable
from typing import Any, Final

from pluggy import PluginManager

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.framework.hooks.markers import HOOK_NAMESPACE
from kedro_ipy.framework.hooks.specs import (
    DataCatalogSpecs,
    DatasetSpecs,
    KedroContextSpecs,
    NodeSpecs,
    PipelineSpecs,
)
from kedro_ipy.utils import did_you_mean

__all__ = [
    "HookRegistrationError",
    "_HookManager",
    "_NullPluginManager",
    "_create_hook_manager",
    "_register_hooks",
    "_register_hooks_entry_points",
]

#: The entry point group installed plugins use to offer their hooks.
_PLUGIN_HOOKS: Final = "kedro_ipy.hooks"
#: Kedro's group, read too when Kedro is importable (its plugins import it).
_KEDRO_PLUGIN_HOOKS: Final = "kedro.hooks"
#: The attribute Kedro's ``hook_impl`` marker (pluggy project "kedro") sets on a method.
_KEDRO_IMPL_ATTRIBUTE: Final = "kedro_impl"

_SPEC_CLASSES: Final = (NodeSpecs, PipelineSpecs, DataCatalogSpecs, DatasetSpecs, KedroContextSpecs)

logger = logging.getLogger(__name__)


class HookRegistrationError(TypeError, KedroIpyError):
    """Raised by ``_register_hooks`` when ``settings.HOOKS`` holds something that is not a hooks
    instance (typically a class whose ``()`` was forgotten)."""


class _HookManager(PluginManager):
    """A pluggy manager that also accepts implementations marked with Kedro's ``@hook_impl``.

    pluggy finds implementations by the attribute its marker sets (``kedro_ipy_impl`` for
    ours); a plugin written for Kedro sets ``kedro_impl`` instead, with the same options.
    A subclass for another pair of markers (the CLI hooks') names Kedro's attribute in
    ``kedro_impl_attribute``.
    """

    kedro_impl_attribute: str = _KEDRO_IMPL_ATTRIBUTE

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None:
            return opts
        method = getattr(plugin, name, None)
        if not inspect.isroutine(method):
            return None
        kedro_opts = getattr(method, self.kedro_impl_attribute, None)
        return kedro_opts if isinstance(kedro_opts, dict) else None


def _create_hook_manager() -> PluginManager:
    """A pluggy manager that knows every hook specification of the framework.

    Tracing is left off: it wraps every hook call and the runner calls hooks on its hot path.
    """
    manager = _HookManager(HOOK_NAMESPACE)
    for spec_class in _SPEC_CLASSES:
        manager.add_hookspecs(spec_class)
    return manager


def _spec_names(hook_manager: PluginManager) -> list[str]:
    return sorted(
        name
        for name, caller in vars(hook_manager.hook).items()
        if getattr(caller, "spec", None) is not None
    )


def _warn_unknown_hooks(hook_manager: PluginManager, plugin: Any) -> None:
    """Warn about ``@hook_impl`` methods whose name matches no specification.

    pluggy keeps such implementations silently waiting for a spec that may never come, so a
    typo like ``before_node_runn`` would otherwise just never fire.
    """
    callers = hook_manager.get_hookcallers(plugin) or []
    unknown = [caller.name for caller in callers if getattr(caller, "spec", None) is None]
    if not unknown:
        return
    known = _spec_names(hook_manager)
    for name in unknown:
        warnings.warn(
            f"Hook implementation '{name}' of {_describe(plugin)} matches no hook "
            f"specification, so it will never be called.{did_you_mean(name, known)}",
            UserWarning,
            stacklevel=3,
        )


def _describe(plugin: Any) -> str:
    if inspect.ismodule(plugin):
        return f"module '{plugin.__name__}'"
    return f"'{type(plugin).__qualname__}'"


def _register_hooks(hook_manager: PluginManager, hooks: Iterable[Any]) -> None:
    """Register a project's hooks (``settings.HOOKS``): instances of classes using ``@hook_impl``.

    Registering the same instance twice is a no-op, so a session that is created again in the
    same notebook does not fail.

    Args:
        hook_manager: The manager to register on.
        hooks: Hooks instances, in the order the project lists them.

    Raises:
        HookRegistrationError: An item is a class rather than an instance.
        pluggy.PluginValidationError: An implementation asks for an argument its
            specification does not offer.
    """
    for hooks_instance in hooks:
        if hook_manager.is_registered(hooks_instance):
            continue
        if inspect.isclass(hooks_instance):
            raise HookRegistrationError(
                "KedroSession expects hooks to be registered as instances. "
                f"settings.HOOKS contains the class "
                f"'{hooks_instance.__qualname__}'. Write HOOKS = "
                f"({hooks_instance.__name__}(),) with the parentheses."
            )
        hook_manager.register(hooks_instance)
        _warn_unknown_hooks(hook_manager, hooks_instance)


def _normalise(name: str) -> str:
    """Distribution names compare case-insensitively with ``-``, ``_`` and ``.`` equal (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _plugin_groups(
    ours: str = _PLUGIN_HOOKS, kedros: str = _KEDRO_PLUGIN_HOOKS
) -> tuple[str, ...]:
    """Our group, and Kedro's when Kedro is importable (a plugin written for Kedro imports its
    marker from it, so without Kedro it could not load)."""
    try:
        kedro_installed = importlib.util.find_spec("kedro") is not None
    except (ImportError, ValueError):
        kedro_installed = False
    return (ours, kedros) if kedro_installed else (ours,)


def _register_hooks_entry_points(
    hook_manager: PluginManager,
    disabled_plugins: Iterable[str],
    groups: tuple[str, str] = (_PLUGIN_HOOKS, _KEDRO_PLUGIN_HOOKS),
    *,
    tolerant: bool = False,
) -> None:
    """Register the hooks that installed plugins offer in the ``kedro_ipy.hooks`` group (and
    Kedro's ``kedro.hooks`` group when Kedro is importable).

    Args:
        hook_manager: The manager to register on.
        disabled_plugins: Distribution names (or entry point names) of plugins whose hooks must
            not be used. Their entry points are not loaded, and hooks already registered under
            their entry point name are unregistered.
        groups: Our entry point group and Kedro's counterpart; the CLI hooks pass
            ``("kedro_ipy.cli_hooks", "kedro.cli_hooks")``.
        tolerant: Log a plugin that cannot be loaded (and go on without it) instead of
            raising; the CLI hooks must never stop a command.
    """
    disabled = {_normalise(name) for name in disabled_plugins}
    registered: list[str] = []
    skipped: set[str] = set()
    seen: list[str] = []
    entry_points = [
        entry_point
        for group in _plugin_groups(*groups)
        for entry_point in importlib.metadata.entry_points(group=group)
    ]
    for entry_point in entry_points:
        dist = getattr(entry_point, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else entry_point.name
        version = dist.version if dist is not None else "?"
        seen += [dist_name, entry_point.name]
        if _normalise(dist_name) in disabled or _normalise(entry_point.name) in disabled:
            plugin = hook_manager.get_plugin(entry_point.name)
            if plugin is not None:
                hook_manager.unregister(plugin=plugin, name=entry_point.name)
            skipped.add(f"{dist_name}-{version}")
            continue
        if hook_manager.get_plugin(entry_point.name) is not None or hook_manager.is_blocked(
            entry_point.name
        ):
            continue
        try:
            plugin = entry_point.load()
            if hook_manager.is_registered(plugin):  # offered in both groups
                continue
            hook_manager.register(plugin, name=entry_point.name)
        except Exception:
            if not tolerant:
                raise
            logger.warning("Plugin %s (entry point '%s' in group '%s') could not be used; "
                           "going on without it.", f"{dist_name}-{version}", entry_point.name,
                           entry_point.group, exc_info=True)
            continue
        _warn_unknown_hooks(hook_manager, plugin)
        registered.append(f"{dist_name}-{version}")

    unknown = disabled - {_normalise(name) for name in seen}
    for name in sorted(unknown):
        logger.warning(
            "DISABLE_HOOKS_FOR_PLUGINS names '%s', but no installed plugin offers hooks "
            "under that name.%s",
            name,
            did_you_mean(name, sorted(set(seen))),
        )
    if skipped:
        logger.debug("Hooks disabled for plugin(s): %s", ", ".join(sorted(skipped)))
    if registered:
        logger.debug(
            "Registered hooks of %d installed plugin(s): %s",
            len(registered),
            ", ".join(sorted(registered)),
        )


class _NullPluginManager:
    """Stands in for a hook manager when there is none: every hook call does nothing.

    ``manager.hook.<any_name>(**kwargs)`` returns ``None`` (not a list), which callers of
    ``before_node_run`` treat as "no replacement". Like Kedro's, it accepts (and ignores) any
    constructor arguments, so it can stand in for a ``PluginManager("name")``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

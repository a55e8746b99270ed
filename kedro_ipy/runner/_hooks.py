"""The node and dataset hooks of one run, looked up once.

The runner accepts any object with pluggy's ``manager.hook.<name>(**kwargs)`` interface, or
``None``. Looking each caller up once per run, and dropping the ones with no implementation,
keeps hooks off the per-node cost when nobody listens. A plugin registered while a run is in
progress is therefore heard from the next run on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeAlias

if TYPE_CHECKING:
    from kedro_ipy.runner.node_logs import NodeLogs

__all__ = ["_NullHookManager", "_RunHooks"]

_HOOK_NAMES: Final = (
    "before_dataset_loaded",
    "after_dataset_loaded",
    "before_node_run",
    "after_node_run",
    "on_node_error",
    "before_dataset_saved",
    "after_dataset_saved",
)


#: A hook's caller: pluggy's ``HookCaller``, or whatever a Kedro-style manager offers instead.
_Caller: TypeAlias = Callable[..., Any]


def _caller(relay: Any, name: str) -> _Caller | None:
    if relay is None:
        return None
    caller = getattr(relay, name, None)
    if caller is None:
        return None
    get_impls = getattr(caller, "get_hookimpls", None)
    if get_impls is not None and not get_impls():
        return None
    return caller


class _RunHooks:
    """Each attribute is the hook's caller, or ``None`` when it has no implementation.

    ``node_logs`` travels with them (it reaches every place a node runs): where the run keeps
    what each node prints and logs, or ``None`` to keep nothing.
    """

    __slots__ = (*_HOOK_NAMES, "node_logs")

    def __init__(self, hook_manager: Any = None, node_logs: NodeLogs | None = None) -> None:
        relay = getattr(hook_manager, "hook", None) if hook_manager is not None else None
        self.before_dataset_loaded = _caller(relay, "before_dataset_loaded")
        self.after_dataset_loaded = _caller(relay, "after_dataset_loaded")
        self.before_node_run = _caller(relay, "before_node_run")
        self.after_node_run = _caller(relay, "after_node_run")
        self.on_node_error = _caller(relay, "on_node_error")
        self.before_dataset_saved = _caller(relay, "before_dataset_saved")
        self.after_dataset_saved = _caller(relay, "after_dataset_saved")
        self.node_logs = node_logs

    @property
    def any_dataset_hook(self) -> bool:
        return any(
            caller is not None
            for caller in (
                self.before_dataset_loaded,
                self.after_dataset_loaded,
                self.before_dataset_saved,
                self.after_dataset_saved,
            )
        )


class _NullHookManager:
    """What a runner written for Kedro receives as ``hook_manager`` when there is none:
    ``manager.hook.<any_name>(**kwargs)`` does nothing and returns ``None``. (The runners sit
    below the hooks package, so they cannot use its ``_NullPluginManager``.)"""

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

"""Project settings: defaults, overridden by the project's ``<package>/settings.py``.

Class-valued defaults are dotted paths imported on first use, so that reading ``CONF_SOURCE``
does not import the session, the context or the data catalog (and so that this layer does not
import the layers above it). A value set in ``settings.py`` is checked when the settings are
loaded, so a wrong class or a ``HOOKS`` entry that is not a hook object fails at bootstrap,
naming the setting, instead of deep inside a run.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.utils import close_matches, did_you_mean, load_obj

__all__ = ["SettingsError", "_ProjectSettings"]


class SettingsError(ValueError, KedroIpyError):
    """A value in the project's ``settings.py`` is not usable: the message names the setting,
    what was given and what is expected."""


# Setting name -> (default, or dotted path of the default class; is the default a path?)
_DEFAULTS: dict[str, tuple[Any, bool]] = {
    "CONF_SOURCE": ("conf", False),
    "HOOKS": ((), False),
    "DISABLE_HOOKS_FOR_PLUGINS": ((), False),
    "CONTEXT_CLASS": ("kedro_ipy.framework.context.KedroContext", True),
    "SESSION_STORE_CLASS": ("kedro_ipy.framework.session.store.BaseSessionStore", True),
    "SESSION_STORE_ARGS": ({}, False),
    "CONFIG_LOADER_CLASS": ("kedro_ipy.config.OmegaConfigLoader", True),
    "CONFIG_LOADER_ARGS": ({"base_env": "base", "default_run_env": "local"}, False),
    "DATA_CATALOG_CLASS": ("kedro_ipy.io.DataCatalog", True),
    # Kedro 1.x settings that kedro_ipy accepts with Kedro's defaults, so that a ported
    # settings.py setting them is valid and code reading them gets the same values.
    "SESSION_CLASS": ("kedro_ipy.framework.session.KedroSession", True),
    "RUNNER_MODULE_ALLOWLIST": ((), False),
    "DATASET_VALIDATION": (True, False),
    # Distributions whose versions are part of every node fingerprint of `only_changed` runs
    # (upgrading pandas then re-runs everything), e.g. ("pandas", "scikit-learn").
    "FINGERPRINT_PACKAGES": ((), False),
}

# Keyword arguments OmegaConfigLoader takes besides conf_source, env and runtime_params.
_LOADER_KWARGS = (
    "config_patterns",
    "base_env",
    "default_run_env",
    "custom_resolvers",
    "merge_strategy",
    "ignore_hidden",
    "restrict_runtime_params_type_selection",
)
# What the session and the context call on a catalog.
_CATALOG_METHODS = ("from_config", "load", "save", "exists", "release", "confirm")


def _copy_default(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


class _ProjectSettings:
    """The project's settings, read as attributes: ``settings.CONF_SOURCE``.

    ``configure("my_project.settings")`` points it at a settings module (which may not exist:
    then every setting has its default); ``configure(None)`` goes back to the defaults.
    Upper-case names of ``settings.py`` that are not known settings are kept too, so a project
    can read its own extra settings the same way.
    """

    def __init__(self) -> None:
        self._module_name: str | None = None
        self._values: dict[str, Any] | None = None
        self._lock = threading.RLock()

    def configure(self, settings_module: str | None = None) -> None:
        """Use ``settings_module`` from now on; it is imported on the next attribute read."""
        with self._lock:
            self._module_name = settings_module
            self._values = None

    @property
    def settings_module(self) -> str | None:
        """The dotted name of the settings module in use, or ``None`` for the defaults."""
        return self._module_name

    def load(self) -> None:
        """Import the settings module now and check every value it sets.

        Raises:
            SettingsError: a setting has a value of the wrong kind.
        """
        self._ensure_loaded()

    def as_dict(self) -> dict[str, Any]:
        """Every setting by name (defaults included), as Kedro's ``settings.as_dict()``."""
        return {name: getattr(self, name) for name in sorted({*_DEFAULTS, *self._ensure_loaded()})}

    def set(self, name: str, value: Any) -> None:
        """Override one setting in this process, as Kedro's ``settings.set(name, value)``.

        The value is not checked (nor is it in Kedro); the next ``configure`` forgets it.
        """
        values = self._ensure_loaded()
        with self._lock:
            values[name] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        values = self._ensure_loaded()
        if name in values:
            return values[name]
        if name in _DEFAULTS:
            default, is_path = _DEFAULTS[name]
            value = load_obj(default) if is_path else _copy_default(default)
            with self._lock:
                values.setdefault(name, value)
            return values[name]
        known = sorted({*_DEFAULTS, *values})
        raise AttributeError(
            f"There is no setting '{name}'. Known settings: {', '.join(known)}."
            + did_you_mean(name, known)
        )

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_DEFAULTS, *(self._values or {})})

    def __repr__(self) -> str:
        module = self._module_name or "defaults only"
        return f"<kedro_ipy project settings ({module})>"

    def _ensure_loaded(self) -> dict[str, Any]:
        values = self._values
        if values is not None:
            return values
        with self._lock:
            if self._values is None:
                self._values = self._read_module()
            return self._values

    def _read_module(self) -> dict[str, Any]:
        name = self._module_name
        if name is None:
            return {}
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            return {}
        module = importlib.import_module(name)
        given = {k: v for k, v in vars(module).items() if k.isupper() and not k.startswith("_")}
        for setting, value in given.items():
            check = _CHECKS.get(setting)
            if check is not None:
                check(setting, value, name)
        _warn_about_typos(given, name)
        if "CONFIG_LOADER_ARGS" in given and "CONFIG_LOADER_CLASS" not in given:
            _check_loader_args(given["CONFIG_LOADER_ARGS"], name)
        return given


def _fail(setting: str, module: str, message: str) -> SettingsError:
    return SettingsError(f"Invalid value for setting '{setting}' in {module}: {message}")


def _qualname(obj: Any) -> str:
    if isinstance(obj, type):
        return f"{obj.__module__}.{obj.__qualname__}"
    return repr(obj)


def _check_subclass(base_path: str) -> Callable[[str, Any, str], None]:
    def check(setting: str, value: Any, module: str) -> None:
        if not isinstance(value, type):
            raise _fail(setting, module, f"expected a class, got {_describe(value)}.")
        base = load_obj(base_path)
        if not issubclass(value, base):  # type: ignore[arg-type]
            raise _fail(
                setting, module, f"'{_qualname(value)}' is not a subclass of '{base_path}'."
            )

    return check


def _check_catalog_class(setting: str, value: Any, module: str) -> None:
    if not isinstance(value, type):
        raise _fail(setting, module, f"expected a class, got {_describe(value)}.")
    missing = [m for m in _CATALOG_METHODS if not callable(getattr(value, m, None))]
    if missing:
        raise _fail(
            setting,
            module,
            f"'{_qualname(value)}' does not behave like a data catalog: it lacks "
            f"{', '.join(missing)} (subclass kedro_ipy.io.DataCatalog to get them).",
        )


def _check_hooks(setting: str, value: Any, module: str) -> None:
    if not isinstance(value, (tuple, list)):
        raise _fail(
            setting, module, f"expected a tuple or list of hook objects, got {_describe(value)}."
        )
    for index, hook in enumerate(value):
        if isinstance(hook, type):
            raise _fail(
                setting,
                module,
                f"item {index} is the class '{hook.__qualname__}', not an instance of it. "
                f"Did you mean {hook.__qualname__}()?",
            )
        if hook is None or isinstance(hook, (str, bytes, int, float, bool, dict, list, tuple)):
            raise _fail(
                setting,
                module,
                f"item {index} is {_describe(hook)}; expected an object whose methods are "
                f"marked with @hook_impl.",
            )


def _check_names(setting: str, value: Any, module: str) -> None:
    if not isinstance(value, (tuple, list, set, frozenset)) or not all(
        isinstance(v, str) for v in value
    ):
        raise _fail(
            setting, module, f"expected a tuple or list of plugin names, got {_describe(value)}."
        )


def _check_mapping(setting: str, value: Any, module: str) -> None:
    if not isinstance(value, Mapping):
        raise _fail(setting, module, f"expected a dict, got {_describe(value)}.")


def _check_loader_args(value: Mapping[str, Any], module: str) -> None:
    """With the default loader, unknown ``CONFIG_LOADER_ARGS`` keys are typos: say so now."""
    for key in value:
        if key not in _LOADER_KWARGS:
            raise _fail(
                "CONFIG_LOADER_ARGS",
                module,
                f"'{key}' is not an argument of OmegaConfigLoader. Valid: "
                f"{', '.join(_LOADER_KWARGS)}." + did_you_mean(str(key), _LOADER_KWARGS),
            )


def _check_conf_source(setting: str, value: Any, module: str) -> None:
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise _fail(setting, module, f"expected a folder path, got {_describe(value)}.")


def _describe(value: Any) -> str:
    if isinstance(value, type):
        return f"the class '{_qualname(value)}'"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


_CHECKS: dict[str, Callable[[str, Any, str], None]] = {
    "CONF_SOURCE": _check_conf_source,
    "HOOKS": _check_hooks,
    "DISABLE_HOOKS_FOR_PLUGINS": _check_names,
    "RUNNER_MODULE_ALLOWLIST": _check_names,
    "CONTEXT_CLASS": _check_subclass("kedro_ipy.framework.context.KedroContext"),
    "SESSION_STORE_CLASS": _check_subclass("kedro_ipy.framework.session.store.BaseSessionStore"),
    "SESSION_STORE_ARGS": _check_mapping,
    "CONFIG_LOADER_CLASS": _check_subclass("kedro_ipy.config.AbstractConfigLoader"),
    "CONFIG_LOADER_ARGS": _check_mapping,
    "DATA_CATALOG_CLASS": _check_catalog_class,
}


def _warn_about_typos(given: Mapping[str, Any], module: str) -> None:
    """An unknown name one typo away from a setting (``HOOK``) is almost surely a mistake."""
    for name in given:
        if name in _DEFAULTS:
            continue
        matches = close_matches(name, _DEFAULTS, n=1)
        if matches and matches[0] not in given:
            warnings.warn(
                f"{module} sets '{name}', which is not a setting, so it has no effect. "
                f"Did you mean '{matches[0]}'?",
                UserWarning,
                stacklevel=2,
            )

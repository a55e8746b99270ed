"""The lazy registry of the project's pipelines, and pipeline discovery.

Pipelines are built only when first read: building them imports every node module of the
project, which is slow and, while someone is editing, may fail; neither should stop a session
from starting or ``kedro-ipy --help`` from answering.
"""

from __future__ import annotations

import importlib
import sys
import threading
import warnings
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from kedro_ipy.utils import did_you_mean

if TYPE_CHECKING:
    from types import ModuleType

    from kedro_ipy.pipeline import Pipeline

__all__ = ["_ProjectPipelines", "discover_pipelines"]


class _ProjectPipelines(MutableMapping):
    """``{name: Pipeline}`` from the project's ``register_pipelines()``, built on first read.

    ``configure(module)`` points it at a registry module; ``reset()`` forgets the built
    pipelines so the next read calls ``register_pipelines()`` again, and
    ``reset(reload=True)`` also drops the project's modules from ``sys.modules`` first, so that
    source files edited since (node functions, pipeline definitions) are imported afresh.
    """

    def __init__(self) -> None:
        self._module_name: str | None = None
        self._content: dict[str, Pipeline] | None = None
        self._requested_pipelines: list[str] | None = None
        self._lock = threading.RLock()

    # Configuration ------------------------------------------------------------------------
    def configure(self, pipelines_module: str | None = None) -> None:
        """Read pipelines from ``pipelines_module`` (e.g. ``"my_project.pipeline_registry"``)."""
        with self._lock:
            self._module_name = pipelines_module
            self._content = None
            self._requested_pipelines = None

    @property
    def pipelines_module(self) -> str | None:
        """The registry module in use, or ``None`` before a project is configured."""
        return self._module_name

    def reset(self, reload: bool = False) -> None:
        """Forget the built pipelines; with ``reload``, re-import the project's code too.

        Args:
            reload: Also remove the project package's modules (all but its ``settings``, whose
                hook objects are already in use) from ``sys.modules``, so that the next read
                imports edited files from disk.
        """
        with self._lock:
            self._content = None
            if reload and self._module_name:
                _forget_package_modules(self._module_name.partition(".")[0])

    def set_requested(self, pipeline_names: list[str] | None) -> None:
        """Build only these pipelines on the next read (``None``: all of them).

        Used to keep a run of one pipeline from importing the others; it only has an effect
        when ``register_pipelines`` uses :func:`find_pipelines`.
        """
        with self._lock:
            names = list(pipeline_names) if pipeline_names is not None else None
            if names != self._requested_pipelines:
                self._content = None
            self._requested_pipelines = names

    @property
    def is_loaded(self) -> bool:
        """Whether ``register_pipelines()`` has run since the last configure or reset."""
        return self._content is not None

    # Mapping interface --------------------------------------------------------------------
    def _load(self) -> dict[str, Pipeline]:
        content = self._content
        if content is not None:
            return content
        with self._lock:
            if self._content is None:
                if self._module_name is None:
                    return {}
                module = importlib.import_module(self._module_name)
                register = getattr(module, "register_pipelines", None)
                if register is None:
                    raise AttributeError(
                        f"Module '{self._module_name}' has no 'register_pipelines' function, "
                        f"so the project's pipelines cannot be found."
                    )
                self._content = dict(register())
            return self._content

    def __getitem__(self, name: str) -> Pipeline:
        content = self._load()
        try:
            return content[name]
        except KeyError:
            registered = ", ".join(content) or "none"
            raise KeyError(
                f"Pipeline '{name}' not found. Registered pipelines: {registered}."
                + did_you_mean(name, content)
            ) from None

    def __setitem__(self, name: str, pipeline: Pipeline) -> None:
        with self._lock:
            self._load()[name] = pipeline

    def __delitem__(self, name: str) -> None:
        with self._lock:
            del self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._load()))

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __repr__(self) -> str:
        if self._content is None:
            state = f"not loaded yet from {self._module_name}" if self._module_name else "empty"
            return f"<kedro_ipy project pipelines ({state})>"
        return repr(self._content)


def _forget_package_modules(package: str) -> None:
    keep = f"{package}.settings"
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        if name != package and name != keep:
            del sys.modules[name]
    importlib.invalidate_caches()


def discover_pipelines(
    package_name: str, raise_errors: bool = False, pipelines_to_find: list[str] | None = None
) -> dict[str, Pipeline]:
    """What :func:`kedro_ipy.framework.project.find_pipelines` returns for ``package_name``.

    Warnings and errors use Kedro's sentences (ported code and tests match on them), followed
    by what went wrong.
    """
    from kedro_ipy.pipeline import Pipeline, pipeline

    load_all = pipelines_to_find is None or "__default__" in pipelines_to_find
    requested = None if load_all else set(pipelines_to_find or ())
    found: dict[str, Pipeline] = {}

    if load_all:
        default = None
        module = _import(f"{package_name}.pipeline", raise_errors, missing_ok=True)
        if module is not None:
            default = _create_pipeline(module, Pipeline)
        found["__default__"] = default if default is not None else pipeline([])

    names = _pipeline_folders(package_name)
    if names is None:  # no <package>/pipelines package
        if requested:
            message = f"Pipeline(s) not found: {', '.join(sorted(requested))}"
            if raise_errors:
                raise KeyError(message)
            warnings.warn(message, UserWarning, stacklevel=3)
            return {}
        return found
    for name in names:
        if requested is not None and name not in requested:
            continue
        module_name = f"{package_name}.pipelines.{name}"
        module = _import(module_name, raise_errors)
        if module is None:
            continue
        if not hasattr(module, "create_pipeline"):
            # Kedro only asks the folder's package; kedro_ipy also takes the create_pipeline
            # of its pipeline.py, so a package that does not re-export it is still found.
            inner = _import(f"{module_name}.pipeline", raise_errors, missing_ok=True)
            module = inner if inner is not None else module
        built = _create_pipeline(module, Pipeline)
        if built is not None:
            found[name] = built
        elif raise_errors:
            raise KeyError(f"Pipeline '{name}' not found")

    if requested is not None:
        for name in sorted(requested - set(names)):
            message = (
                f"An error occurred while importing the '{package_name}.pipelines.{name}' "
                "module."
            )
            hint = (
                f" There is no {package_name}/pipelines/{name} folder."
                + did_you_mean(name, names)
            )
            if raise_errors:
                raise ImportError(message + hint)
            warnings.warn(
                f"{message} Nothing defined therein will be returned by 'find_pipelines'."
                + hint,
                UserWarning,
                stacklevel=3,
            )
    return found


def _pipeline_folders(package_name: str) -> list[str] | None:
    """Sorted names of the folders in ``<package>/pipelines``; ``None`` without that package."""
    try:
        package = importlib.import_module(f"{package_name}.pipelines")
    except ModuleNotFoundError as exc:
        if exc.name in (f"{package_name}.pipelines", package_name):
            return None
        raise
    import os

    names: set[str] = set()
    for folder in getattr(package, "__path__", []):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir() and entry.name != "__pycache__" and not entry.name.startswith("."):
                names.add(entry.name)
    return sorted(names)


def _import(module_name: str, raise_errors: bool, missing_ok: bool = False) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except Exception as exc:
        if missing_ok and isinstance(exc, ModuleNotFoundError) and exc.name == module_name:
            return None
        message = f"An error occurred while importing the '{module_name}' module."
        if raise_errors:
            raise ImportError(message) from exc
        import traceback

        warnings.warn(
            f"{message} Nothing defined therein will be returned by 'find_pipelines'.\n\n"
            f"{traceback.format_exc()}",
            UserWarning,
            stacklevel=4,
        )
        return None


def _create_pipeline(module: ModuleType, pipeline_type: type) -> Any:
    """``module.create_pipeline()``, or ``None`` with a warning when that is not a Pipeline."""
    create = getattr(module, "create_pipeline", None)
    if create is None:
        warnings.warn(
            f"The '{module.__name__}' module does not expose a 'create_pipeline' function, so "
            f"no pipelines defined therein will be returned by 'find_pipelines'.",
            UserWarning,
            stacklevel=4,
        )
        return None
    built = create()
    if not isinstance(built, pipeline_type):
        warnings.warn(
            f"Expected the 'create_pipeline' function in the '{module.__name__}' module to "
            f"return a 'Pipeline' object, got '{type(built).__name__}' instead. Nothing "
            f"defined therein will be returned by 'find_pipelines'.",
            UserWarning,
            stacklevel=4,
        )
        return None
    return built

"""Pick up edited project source before each ``%session_run``.

A notebook keeps one Python process for hours, while the user edits ``nodes.py`` in an
editor. Before every run the extension asks a ``ProjectReloader`` whether a file of the
project package changed (modification time and size); if so, every module of the package is
dropped from ``sys.modules`` (the project's ``settings`` excepted, because the session was
built from it) and the pipelines registry is reset, so the next lookup imports the new code.

Dropping all of the package rather than reloading only the edited module is deliberate:
``pipeline.py`` typically does ``from .nodes import train_model``, so reloading ``nodes``
alone would leave the pipeline built from the old function.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from types import ModuleType

__all__ = ["ProjectReloader"]

_Stamp = tuple[int, int]


def _stamp(path: str) -> _Stamp | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class ProjectReloader:
    """Tracks the files of one project package and reloads them when they change.

    Args:
        package_name: the project's package (``spaceflights``).
        reset_pipelines: called after modules were dropped, to empty the pipelines registry.
    """

    def __init__(self, package_name: str, reset_pipelines: Callable[[], None]) -> None:
        self.package_name = package_name
        self._reset_pipelines = reset_pipelines
        self._stamps: dict[str, _Stamp | None] = {}
        self.snapshot()

    def _package_modules(self) -> dict[str, ModuleType]:
        prefix = self.package_name + "."
        return {
            name: module
            for name, module in list(sys.modules.items())
            if module is not None and (name == self.package_name or name.startswith(prefix))
        }

    def _is_settings(self, name: str) -> bool:
        return name == f"{self.package_name}.settings"

    def snapshot(self) -> None:
        """Remember the current state of every imported module file of the package."""
        self._stamps = {
            path: _stamp(path)
            for module in self._package_modules().values()
            if (path := getattr(module, "__file__", None))
        }

    def snapshot_new(self) -> None:
        """Start tracking modules imported since the last snapshot (e.g. during a run).

        Files already tracked keep their old stamp, so an edit made while a run was
        importing is still seen as a change next time.
        """
        for module in self._package_modules().values():
            path = getattr(module, "__file__", None)
            if path and path not in self._stamps:
                self._stamps[path] = _stamp(path)

    def changed_files(self) -> list[str]:
        """Files of the package edited (or deleted) since the last snapshot."""
        return [path for path, stamp in self._stamps.items() if _stamp(path) != stamp]

    def reload_if_changed(self) -> list[str]:
        """Drop the package's modules and reset the pipelines if a file changed.

        Returns:
            The changed files (absolute paths); empty when nothing changed (then nothing is
            done, so an unchanged project costs a few ``stat`` calls).
        """
        changed = self.changed_files()
        if not changed:
            return []
        for path in changed:
            # A rewrite within the same second with the same size could otherwise be served
            # from a stale .pyc, whose check uses whole seconds and the size.
            with contextlib.suppress(OSError, ValueError, NotImplementedError):
                os.remove(importlib.util.cache_from_source(path))
        self._drop_modules()
        self._reset_pipelines()
        self.snapshot()
        return changed

    def reload(self) -> None:
        """Drop the package's imported modules and reset the pipelines, whatever changed.

        ``%session_create`` calls this, as Kedro's ``%reload_kedro`` does: code edited
        before it (even while no session was open) must be what the new session runs.
        Nothing is done when none of the package is imported yet.
        """
        if self._drop_modules():
            self._reset_pipelines()
        self.snapshot()

    def _drop_modules(self) -> bool:
        """Remove the package's modules (settings excepted) from ``sys.modules``."""
        dropped = [name for name in self._package_modules() if not self._is_settings(name)]
        for name in dropped:
            del sys.modules[name]
        importlib.invalidate_caches()
        return bool(dropped)

"""Helpers that a Kedro project's ``__main__.py`` and custom CLI code import from here."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from kedro_ipy.framework.cli._parser import CommandLineError

__all__ = ["KedroCliError", "find_run_command", "load_entry_points", "split_string"]


class KedroCliError(CommandLineError):
    """An error a command reports on one line, without a traceback (Kedro's name)."""


def split_string(*args: Any) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: how list options are read.

    Called with the value alone, or as Kedro's click callbacks are, ``(ctx, param, value)``.
    """
    value = args[-1] if args else ""
    return [item.strip() for item in str(value or "").split(",") if item.strip()]


def load_entry_points(name: str) -> list[Any]:
    """Kedro's CLI plugins (``kedro.<name>_commands``): kedro_ipy has none, so always ``[]``."""
    return []


def find_run_command(package_name: str) -> Callable[..., Any]:
    """The ``run`` command of the project ``package_name``.

    The project's own ``<package>.cli.run`` when it has a ``cli`` module, else kedro_ipy's run
    (``kedro_ipy.framework.cli.project.RunCommand``), which takes Kedro's run options.

    Raises:
        KedroCliError: ``<package>.cli`` exists but defines no ``cli``.
    """
    try:
        project_cli = importlib.import_module(f"{package_name}.cli")
    except ModuleNotFoundError as exc:
        if f"{package_name}.cli" not in str(exc):
            raise
        from kedro_ipy.framework.cli.project import RunCommand

        return RunCommand(package_name)
    if not hasattr(project_cli, "cli"):
        raise KedroCliError(f"Cannot load commands from {package_name}.cli")
    return project_cli.run

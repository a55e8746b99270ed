"""Where Kedro's modules and names live in kedro_ipy.

Most of Kedro's public paths exist under the same name (``kedro.io`` -> ``kedro_ipy.io``); the
tables here list the ones that moved or were renamed, and ``check_import`` tells the port when
a path has no counterpart, so that it can say so instead of writing an import that fails.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Final

__all__ = [
    "ENTRY_POINT_GROUPS",
    "RENAMED_NAMES",
    "UNPORTABLE_PACKAGES",
    "check_import",
    "is_kedro_path",
    "map_logger_name",
    "map_module",
]

#: Kedro modules (or prefixes) that moved; longest match wins.
MOVED_MODULES: Final[dict[str, str]] = {
    "kedro.pipeline.modular_pipeline": "kedro_ipy.pipeline",
    "kedro.io.kedro_data_catalog": "kedro_ipy.io",
    "kedro.ipython": "kedro_ipy.ipython",
}

#: Names renamed in Kedro or kedro-datasets, whatever module they are imported from.
RENAMED_NAMES: Final[dict[str, str]] = {
    "MatplotlibWriter": "MatplotlibDataset",
    "KedroDataCatalog": "DataCatalog",
}

#: Entry point groups: Kedro's name -> kedro_ipy's (None: kedro_ipy has no such group).
ENTRY_POINT_GROUPS: Final[dict[str, str | None]] = {
    "kedro.hooks": "kedro_ipy.hooks",
    "kedro.cli_hooks": "kedro_ipy.cli_hooks",
    "kedro.project_commands": None,
    "kedro.global_commands": None,
    "kedro.line_magic": None,
    "kedro.starters": None,
    "kedro.init": None,
}

#: Packages that only work with Kedro itself installed, with what to do instead.
UNPORTABLE_PACKAGES: Final[dict[str, str]] = {
    "kedro_viz": "kedro-viz needs Kedro itself; remove it (or install Kedro next to kedro_ipy)",
    "kedro_telemetry": "kedro-telemetry needs Kedro itself; kedro_ipy sends no telemetry",
    "kedro_mlflow": "kedro-mlflow imports Kedro: install Kedro next to kedro_ipy for its hooks "
    "(found through the kedro.hooks entry points), or port its hooks to kedro_ipy.hooks",
    "kedro_airflow": "kedro-airflow needs Kedro itself",
    "kedro_docker": "kedro-docker needs Kedro itself",
}


def is_kedro_path(dotted: str) -> bool:
    """``kedro`` or ``kedro.<anything>`` (not ``kedro_datasets``, not ``kedro_ipy``)."""
    return dotted == "kedro" or dotted.startswith("kedro.")


def map_module(dotted: str) -> str:
    """``kedro.x.y`` -> the kedro_ipy path that holds the same thing."""
    for old in sorted(MOVED_MODULES, key=len, reverse=True):
        if dotted == old or dotted.startswith(old + "."):
            return MOVED_MODULES[old] + dotted[len(old) :]
    return "kedro_ipy" + dotted[len("kedro") :]


def map_logger_name(name: str) -> str:
    """Kedro's logger ``kedro.runner.x`` -> ours (every kedro_ipy logger is under
    ``kedro_ipy``)."""
    return map_module(name)


def _module_exists(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def check_import(module: str, name: str | None = None) -> str | None:
    """Why ``from <module> import <name>`` (or ``import <module>``) would fail in kedro_ipy,
    or ``None`` when it works.

    ``module`` is already mapped (``kedro_ipy...``).
    """
    if not _module_exists(module):
        return f"kedro_ipy has no module '{module}'"
    if name is None or name == "*":
        return None
    try:
        imported = importlib.import_module(module)
    except Exception as exc:  # a broken optional dependency: say so, don't crash the port
        return f"'{module}' cannot be imported here ({type(exc).__name__}: {exc})"
    if hasattr(imported, name) or _module_exists(f"{module}.{name}"):
        return None
    from kedro_ipy.utils import did_you_mean

    public = [n for n in dir(imported) if not n.startswith("_")]
    return f"kedro_ipy's '{module}' has no name '{name}'.{did_you_mean(name, public)}"


def resolves(dotted: str) -> bool:
    """Whether ``a.b.C`` names a kedro_ipy module or an attribute of one."""
    if _module_exists(dotted):
        return True
    module, _, attr = dotted.rpartition(".")
    return bool(module) and check_import(module, attr) is None

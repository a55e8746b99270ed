"""Optional libraries: say which extra installs one, before anything needs it.

Heavy libraries (pandas, matplotlib, plotly, ...) are imported only when data is loaded or
saved, so building a catalog stays fast. Creating a dataset still checks that its libraries
are installed, without importing them, so a catalog entry says at once what is missing and
the exact ``pip install`` line that fixes it.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from kedro_ipy.io.core import DatasetError

__all__ = ["import_optional", "install_hint", "require"]


def install_hint(extra: str) -> str:
    """The command that installs extra ``extra`` of kedro_ipy."""
    return f"pip install 'kedro_ipy[{extra}]'"


def _missing(owner: str, module: str, extra: str) -> DatasetError:
    return DatasetError(
        f"{owner} needs {module}, which is not installed. Install it with: "
        f"{install_hint(extra)}"
    )


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a broken sys.modules entry
        return False


def require(owner: str, requirements: tuple[tuple[str, str], ...]) -> None:
    """Check that each ``(module, extra)`` is importable, without importing it.

    Raises:
        DatasetError: the first missing module, with the ``pip install`` line of its extra.
    """
    for module, extra in requirements:
        if not _installed(module):
            raise _missing(owner, module, extra)


def import_optional(module: str, owner: str, extra: str) -> Any:
    """Import ``module``; if it is missing, say which extra of kedro_ipy installs it.

    Raises:
        DatasetError: ``module`` (or a library it needs) is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _missing(owner, module, extra) from exc

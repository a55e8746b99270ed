"""kedro_ipy: work on Kedro-style data pipelines from a notebook.

Importing this package is deliberately cheap: the IPython extension, widgets and the framework
are only imported when they are used, so ``%load_ext kedro_ipy`` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_ipy.errors import KedroIpyError  # imports nothing: keeps this package cheap

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__version__ = "0.1.0"

__all__ = [
    "KedroIpyError", "__version__", "cancelled", "load_ipython_extension",
    "unload_ipython_extension",
]


def cancelled() -> bool:
    """Whether the run executing the calling node was asked to stop (a Stop button, Ctrl-C,
    or another node failing). A long node can poll it to return early; whatever it returns
    then is discarded. ``False`` outside a run."""
    from kedro_ipy.runner._cancel import cancelled as _cancelled

    return _cancelled()


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register the session magics; called by ``%load_ext kedro_ipy``."""
    from kedro_ipy.ipython import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: InteractiveShell) -> Any:
    """Remove the session magics; called by ``%unload_ext kedro_ipy``."""
    from kedro_ipy.ipython import unload_ipython_extension as _unload

    return _unload(ipython)

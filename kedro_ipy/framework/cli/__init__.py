"""The ``kedro-ipy`` command line: ``kedro-ipy run`` and ``kedro-ipy new``."""

from __future__ import annotations

from kedro_ipy.framework.cli.cli import main

__all__ = ["main"]

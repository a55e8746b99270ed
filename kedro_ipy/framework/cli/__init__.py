"""The ``kedro-ipy`` command line (``run``, ``new``, ``port``); CLI plugins in ``.hooks``."""

from __future__ import annotations

from kedro_ipy.framework.cli.cli import main

__all__ = ["main"]

"""Datasets named as kedro-datasets names them (``pickle.PickleDataset``, ...).

Each family lives in its own submodule (``pickle``, ``json``, ``yaml``, ``text``, ``pandas``,
``partitions``, ``incremental``, ``matplotlib``, ``plotly``, ``pillow``, ``numpy``), imported
only when a catalog entry or your code asks for it; its heavy library only when data moves. Subclass
``AbstractFileDataset`` to get paths, fsspec, versions and atomic saves for a format of your own.
"""

from __future__ import annotations

from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["AbstractFileDataset"]

"""pandas datasets: ``CSVDataset`` and ``ParquetDataset`` (need ``kedro_ipy[pandas]``).

pandas is imported only when data is loaded or saved; creating the dataset only checks that it
is installed, so a catalog can be built quickly and says clearly what is missing.
"""

from __future__ import annotations

import importlib.util
from typing import IO, Any

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["CSVDataset", "ParquetDataset"]

_INSTALL_HINT = "pip install 'kedro_ipy[pandas]'"


def _require(module: str, dataset: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise DatasetError(
            f"{dataset} needs {module}, which is not installed. Install it with: {_INSTALL_HINT}"
        )


class _PandasDataset(AbstractFileDataset):
    def __init__(
        self,
        *,
        filepath: str,
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        _require("pandas", type(self).__name__)
        super().__init__(
            filepath=filepath, load_args=load_args, save_args=save_args, version=version,
            credentials=credentials, fs_args=fs_args, metadata=metadata,
        )

    def _check_frame(self, data: Any) -> None:
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise TypeError(
                f"{type(self).__name__} saves pandas DataFrames, not {type(data).__name__}."
            )


class CSVDataset(_PandasDataset):
    """A ``pandas.DataFrame`` as CSV; ``load_args`` go to ``read_csv``, ``save_args`` to
    ``to_csv`` (``index: False`` by default, as in kedro-datasets).

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    DEFAULT_SAVE_ARGS = {"index": False}
    _binary = False
    _newline = ""

    def _load_path(self, path: str) -> Any:
        import pandas as pd

        if self._local and not self._open_args_load:
            return pd.read_csv(path, **self._load_args)
        with self._open_for_read(path) as handle:
            return pd.read_csv(handle, **self._load_args)

    def _write(self, handle: IO[Any], data: Any) -> None:
        self._check_frame(data)
        data.to_csv(handle, **self._save_args)


class ParquetDataset(_PandasDataset):
    """A ``pandas.DataFrame`` as Parquet (needs pyarrow); ``load_args`` go to
    ``read_parquet``, ``save_args`` to ``to_parquet``.

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    def _load_path(self, path: str) -> Any:
        import pandas as pd

        if self._local:
            return pd.read_parquet(path, **self._load_args)
        with self._open_for_read(path) as handle:
            return pd.read_parquet(handle, **self._load_args)

    def _write(self, handle: IO[Any], data: Any) -> None:
        self._check_frame(data)
        data.to_parquet(handle, **self._save_args)

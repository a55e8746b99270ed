"""pandas datasets: ``CSVDataset`` and ``ParquetDataset`` (need ``kedro_ipy[pandas]``).

pandas is imported only when data is loaded or saved; creating the dataset only checks that it
is installed, so a catalog can be built quickly and says clearly what is missing.
"""

from __future__ import annotations

from typing import IO, Any

from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["CSVDataset", "ParquetDataset"]

class _PandasDataset(AbstractFileDataset):
    REQUIRES = (("pandas", "pandas"),)

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

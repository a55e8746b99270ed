"""pandas datasets stored as one file each: CSV, Parquet, JSON, Feather and any other format
pandas reads and writes (``GenericDataset``).

Like kedro-datasets, a save accepts anything with the right ``to_<format>`` method (a
DataFrame, a Series, or another library's frame that mimics pandas), not only DataFrames.
"""

from __future__ import annotations

from typing import IO, Any

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = [
    "CSVDataset",
    "FeatherDataset",
    "GenericDataset",
    "JSONDataset",
    "PandasFileDataset",
    "ParquetDataset",
]


class PandasFileDataset(AbstractFileDataset):
    """A file read by ``pandas.read_<format>`` and written by the data's ``to_<format>``.

    Subclasses set ``_format``; local files are read from their path (pandas' fastest route),
    remote ones through an fsspec handle.
    """

    REQUIRES: tuple[tuple[str, str], ...] = (("pandas", "pandas"),)
    _format = ""
    #: What the error says can be saved, e.g. "a pandas DataFrame or Series".
    _saves = "a pandas DataFrame"

    def _reader(self) -> Any:
        import pandas as pd

        return getattr(pd, f"read_{self._format}")

    def _load_path(self, path: str) -> Any:
        if self._local and not self._open_args_load:
            return self._reader()(path, **self._load_args)
        with self._open_for_read(path) as handle:
            return self._reader()(handle, **self._load_args)

    def _writer(self, data: Any) -> Any:
        method = getattr(data, f"to_{self._format}", None)
        if not callable(method):
            raise TypeError(
                f"{type(self).__name__} saves objects with a 'to_{self._format}' method "
                f"({self._saves}), not {type(data).__name__}."
            )
        return method

    def _write(self, handle: IO[Any], data: Any) -> None:
        self._writer(data)(handle, **self._save_args)


class CSVDataset(PandasFileDataset):
    """A DataFrame (or Series) as CSV; ``load_args`` go to ``pandas.read_csv``, ``save_args``
    to ``to_csv`` (``index: False`` by default, as in kedro-datasets).

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    DEFAULT_SAVE_ARGS = {"index": False}
    _format = "csv"
    _saves = "a pandas DataFrame or Series"
    _binary = False
    _newline = ""


class ParquetDataset(PandasFileDataset):
    """A DataFrame as Parquet (needs pyarrow); ``load_args`` go to ``pandas.read_parquet``,
    ``save_args`` to ``to_parquet``.

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    _format = "parquet"

    def _load_path(self, path: str) -> Any:
        if self._local:
            return self._reader()(path, **self._load_args)
        return super()._load_path(path)


class JSONDataset(PandasFileDataset):
    """A DataFrame (or Series) as JSON; ``load_args`` go to ``pandas.read_json``,
    ``save_args`` to ``to_json`` (``orient``, ``lines``, ``date_format``, ...).

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    _format = "json"
    _saves = "a pandas DataFrame or Series"
    _binary = False


class FeatherDataset(PandasFileDataset):
    """A DataFrame in the Feather (Arrow IPC) format, which needs pyarrow; ``load_args`` go to
    ``pandas.read_feather``, ``save_args`` to ``to_feather``.

    Takes ``filepath``, ``load_args``, ``save_args``, ``version``, ``credentials``,
    ``fs_args`` and ``metadata`` like every file dataset.
    """

    REQUIRES = (("pandas", "pandas"), ("pyarrow", "pandas"))
    _DESCRIBED = ("filepath", "protocol", "load_args", "version")  # as kedro-datasets shows it
    _format = "feather"


#: Formats pandas can read or write, but not from or to a file: refused by GenericDataset.
_NOT_FILES = frozenset({
    "clipboard", "numpy", "sql", "sql_query", "sql_table", "gbq", "period", "records",
    "timestamp", "xarray", "dict", "string", "list",
})
#: Formats whose pandas writer produces text rather than bytes.
_TEXT_FORMATS = frozenset({"csv", "json", "html", "xml", "latex", "markdown", "table", "fwf"})


class GenericDataset(PandasFileDataset):
    """Any file format pandas knows, chosen by ``file_format``: loaded with
    ``pandas.read_<file_format>`` and saved with the data's ``to_<file_format>``.

    Use it for formats without a dataset of their own (``orc``, ``stata``, ``html``, ``xml``,
    ...). It takes ``filepath``, ``file_format``, ``load_args``, ``save_args``, ``version``,
    ``credentials``, ``fs_args`` and ``metadata``.
    """

    def __init__(
        self,
        *,
        filepath: str,
        file_format: str,
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(file_format, str) or not file_format.isidentifier():
            raise DatasetError(
                f"GenericDataset 'file_format' must be the name of a pandas format, such as "
                f"'csv', 'orc' or 'stata', not {file_format!r}."
            )
        if file_format in _NOT_FILES:
            raise DatasetError(
                f"Cannot create a dataset of file_format '{file_format}' as it does not "
                "support a filepath target/source."
            )
        self._format = file_format
        self._binary = file_format not in _TEXT_FORMATS
        self._newline = "" if file_format == "csv" else None
        super().__init__(
            filepath=filepath, load_args=load_args, save_args=save_args, version=version,
            credentials=credentials, fs_args=fs_args, metadata=metadata,
        )

    def _reader(self) -> Any:
        import pandas as pd

        reader = getattr(pd, f"read_{self._format}", None)
        if not callable(reader):
            raise DatasetError(
                f"Unable to retrieve 'pandas.read_{self._format}' method: pandas has no "
                f"reader for file_format '{self._format}'. Check the name against the pandas "
                "IO API (https://pandas.pydata.org/docs/reference/io.html)."
            )
        return reader

    def _writer(self, data: Any) -> Any:
        method = getattr(data, f"to_{self._format}", None)
        if not callable(method):
            raise DatasetError(
                f"Unable to retrieve 'to_{self._format}' method of "
                f"{type(data).__name__}: it cannot be saved as file_format "
                f"'{self._format}'. Check the name against the pandas IO API "
                "(https://pandas.pydata.org/docs/reference/io.html)."
            )
        return method

    def _describe(self) -> dict[str, Any]:
        description = super()._describe()
        return {"file_format": self._format, **description}

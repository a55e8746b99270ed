"""``ExcelDataset``: one sheet as a DataFrame, or several sheets as a dict of DataFrames."""

from __future__ import annotations

import io
from typing import IO, Any

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset, public_args
from kedro_ipy.io.datasets._requires import require

__all__ = ["ExcelDataset"]

#: Excel engine -> (module to check, what installs it).
_ENGINES: dict[str, tuple[str, str]] = {
    "openpyxl": ("openpyxl", "pip install 'kedro_ipy[excel]'"),
    "xlsxwriter": ("xlsxwriter", "pip install xlsxwriter"),
    "odf": ("odf", "pip install odfpy"),
    "calamine": ("python_calamine", "pip install python-calamine"),
    "pyxlsb": ("pyxlsb", "pip install pyxlsb"),
    "xlrd": ("xlrd", "pip install xlrd"),
}


class ExcelDataset(AbstractFileDataset):
    """An Excel workbook, read by ``pandas.read_excel`` and written through
    ``pandas.ExcelWriter``.

    Saving a DataFrame (or Series) writes one sheet (``save_args: {sheet_name: ...}`` names
    it); saving a dict ``{sheet name: DataFrame}`` writes one sheet per key. Loading gives a
    DataFrame, or a dict of them when ``load_args.sheet_name`` is a list or ``None`` (every
    sheet).

    Args:
        filepath: Local path or fsspec URL.
        engine: Engine that writes the file, ``openpyxl`` by default; also used to read
            unless ``load_args`` names another.
        load_args: Passed to ``pandas.read_excel`` (``sheet_name``, ``header``, ...).
        save_args: Passed to ``to_excel`` (``index: False`` by default); its ``writer`` key
            goes to ``pandas.ExcelWriter`` instead (``mode: a`` with ``if_sheet_exists`` adds
            sheets to an existing workbook).
        version: ``Version(load, save)`` for a versioned file (not with ``mode: a``).
        credentials: For the fsspec filesystem.
        fs_args: For the fsspec filesystem (``open_args_load``/``open_args_save`` for open).
        metadata: Free-form information; ignored here.
    """

    DEFAULT_SAVE_ARGS = {"index": False}

    def __init__(
        self,
        *,
        filepath: str,
        engine: str = "openpyxl",
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        require("ExcelDataset", (("pandas", "excel"),))
        load_args = {"engine": engine, **(load_args or {})}
        save_args = dict(save_args or {})
        writer = save_args.pop("writer", None) or {}
        if not isinstance(writer, dict):
            raise DatasetError(
                f"ExcelDataset 'save_args.writer' must be a mapping of pandas.ExcelWriter "
                f"arguments (engine, mode, if_sheet_exists, ...), not {writer!r}."
            )
        self._writer_args = {"engine": engine, **writer}
        for used in {load_args["engine"], self._writer_args["engine"]} - {None}:
            self._check_engine(used)
        self._append = self._writer_args.get("mode", "w") == "a"
        if self._append and version is not None:
            raise DatasetError("'ExcelDataset' doesn't support versioning in append mode.")
        super().__init__(
            filepath=filepath, load_args=load_args, save_args=save_args, version=version,
            credentials=credentials, fs_args=fs_args, metadata=metadata,
        )

    @staticmethod
    def _check_engine(engine: Any) -> None:
        known = _ENGINES.get(engine) if isinstance(engine, str) else None
        if known is None:
            return  # an engine pandas knows and we do not: pandas will say if it is wrong
        module, install = known
        try:
            require("ExcelDataset", ((module, "excel"),))
        except DatasetError:
            raise DatasetError(
                f"ExcelDataset with engine '{engine}' needs {module}, which is not "
                f"installed. Install it with: {install}"
            ) from None

    def _load_path(self, path: str) -> Any:
        import pandas as pd

        if self._local and not self._open_args_load:
            return pd.read_excel(path, **self._load_args)
        with self._open_for_read(path) as handle:
            # read_excel needs to seek: remote handles may not, a buffer always can.
            return pd.read_excel(io.BytesIO(handle.read()), **self._load_args)

    def _sheets(self, data: Any) -> dict[str | None, Any]:
        """``{sheet name: data}``; ``None`` means "the sheet ``save_args`` names"."""
        if isinstance(data, dict):
            if "sheet_name" in self._save_args:
                raise DatasetError(
                    "ExcelDataset cannot use save_args 'sheet_name' when saving a dict: the "
                    "dict's keys are the sheet names. Remove 'sheet_name' from save_args."
                )
            sheets: dict[str | None, Any] = {str(name): frame for name, frame in data.items()}
            if not sheets:
                raise DatasetError("ExcelDataset cannot save an empty dict: a workbook "
                                   "needs at least one sheet.")
        else:
            sheets = {None: data}
        for name, frame in sheets.items():
            if not callable(getattr(frame, "to_excel", None)):
                where = f" (sheet '{name}')" if name is not None else ""
                raise TypeError(
                    f"ExcelDataset saves objects with a 'to_excel' method (a pandas "
                    f"DataFrame or Series) or a dict of them, not {type(frame).__name__}"
                    f"{where}."
                )
        return sheets

    def _save(self, data: Any) -> None:
        sheets = self._sheets(data)  # checked before anything is written
        existing = b""
        if self._append:
            path = str(self._get_save_path())
            if self._exists_function(path):
                with self._open_for_read(path) as handle:
                    existing = handle.read()
        super()._save(self._workbook(sheets, existing))

    def _workbook(self, sheets: dict[str | None, Any], existing: bytes) -> bytes:
        """The bytes of the workbook: ``existing`` with ``sheets`` added, or a new one."""
        import pandas as pd

        writer_args = dict(self._writer_args)
        # Appending edits a copy of the old bytes, which replaces the file only if the whole
        # save succeeds; appending to a file not there yet is writing a new one.
        buffer = io.BytesIO(existing)
        if not existing:
            writer_args.pop("mode", None)
            writer_args.pop("if_sheet_exists", None)
        with pd.ExcelWriter(buffer, **writer_args) as writer:
            for name, frame in sheets.items():
                args = self._save_args if name is None else {**self._save_args, "sheet_name": name}
                frame.to_excel(writer, **args)
        return buffer.getvalue()

    def _write(self, handle: IO[Any], data: bytes) -> None:
        handle.write(data)

    def _describe(self) -> dict[str, Any]:
        described = super()._describe()
        return {
            "filepath": described["filepath"],
            "protocol": described["protocol"],
            "load_args": described["load_args"],
            "save_args": described["save_args"],
            "writer_args": public_args(self._writer_args),
            "version": described["version"],
        }

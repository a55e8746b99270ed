"""pandas datasets, named as kedro-datasets names them (``pandas.CSVDataset``, ...).

pandas (and the library of each format: pyarrow, openpyxl, SQLAlchemy) is imported only when
data is loaded or saved; creating a dataset only checks that it is installed, so a catalog is
built quickly and says clearly what is missing.
"""

from __future__ import annotations

from kedro_ipy.io.datasets.pandas._files import (
    CSVDataset,
    FeatherDataset,
    GenericDataset,
    JSONDataset,
    ParquetDataset,
)
from kedro_ipy.io.datasets.pandas.excel import ExcelDataset
from kedro_ipy.io.datasets.pandas.sql import SQLQueryDataset, SQLTableDataset

__all__ = [
    "CSVDataset",
    "ExcelDataset",
    "FeatherDataset",
    "GenericDataset",
    "JSONDataset",
    "ParquetDataset",
    "SQLQueryDataset",
    "SQLTableDataset",
]

# Shown (repr, error messages) under the path users import them from.
for _cls in (CSVDataset, ExcelDataset, FeatherDataset, GenericDataset, JSONDataset,
             ParquetDataset, SQLQueryDataset, SQLTableDataset):
    _cls.__module__ = __name__
del _cls

"""Importing the data layer, and building a catalog, must not pull in heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "fsspec", "numpy", "IPython", "matplotlib", "plotly", "PIL", "openpyxl",
         "sqlalchemy", "pyarrow")


def test_import_and_catalog_stay_light(tmp_path: Path) -> None:
    def at(name: str) -> str:
        return str(tmp_path / name)

    entries = {
        "frame": {"type": "pandas.CSVDataset", "filepath": at("f.csv")},
        "model": {"type": "pickle.PickleDataset", "filepath": at("m.pkl")},
        "sheet": {"type": "pandas.ExcelDataset", "filepath": at("s.xlsx")},
        "feather": {"type": "pandas.FeatherDataset", "filepath": at("f.feather")},
        "generic": {"type": "pandas.GenericDataset", "filepath": at("g.orc"),
                    "file_format": "orc"},
        "table": {"type": "pandas.SQLTableDataset", "table_name": "t",
                  "credentials": {"con": f"sqlite:///{at('db.sqlite')}"}},
        "plot": {"type": "matplotlib.MatplotlibDataset", "filepath": at("p.png")},
        "chart": {"type": "plotly.PlotlyDataset", "filepath": at("c.json"),
                  "plotly_args": {"type": "bar"}},
        "figure": {"type": "plotly.JSONDataset", "filepath": at("f.json")},
        "image": {"type": "pillow.ImageDataset", "filepath": at("i.png")},
        "array": {"type": "numpy.NumpyDataset", "filepath": at("a.npy")},
        "parts": {"type": "partitions.IncrementalDataset", "path": at("parts"),
                  "dataset": "pandas.CSVDataset"},
    }
    code = f"""
import json, sys
import kedro_ipy.io
from kedro_ipy.io import DataCatalog
catalog = DataCatalog.from_config({entries!r})
built = [type(catalog.get(name)).__name__ for name in catalog.keys()]
catalog.save("model", 1)
print(json.dumps([len(built), [m for m in {HEAVY!r} if m in sys.modules]]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == [len(entries), []]

"""Importing the data layer, and building a catalog, must not pull in heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_import_and_catalog_stay_light(tmp_path: Path) -> None:
    code = f"""
import json, sys
import kedro_ipy.io
from kedro_ipy.io import DataCatalog
catalog = DataCatalog.from_config({{
    "frame": {{"type": "pandas.CSVDataset", "filepath": {str(tmp_path / "f.csv")!r}}},
    "model": {{"type": "pickle.PickleDataset", "filepath": {str(tmp_path / "m.pkl")!r}}},
}})
catalog["frame"]
catalog.save("model", 1)
print(json.dumps([m for m in ("pandas", "fsspec", "numpy", "IPython") if m in sys.modules]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == []

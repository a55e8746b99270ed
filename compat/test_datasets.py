"""Differential tests: kedro_ipy's datasets against kedro-datasets on the same data.

Run with the Kedro environment's Python (``make compat``), where kedro-datasets is installed;
skipped elsewhere. Each pair saves the same data: the files must be byte-identical, the loads
equal, and ``describe()`` must show the same fields. (MatplotlibDataset differs on purpose in
one case not tested here: a ``.pdf``/``.svg`` path without ``save_args.format`` gets that
format from us and PNG bytes from kedro-datasets.)
"""

from __future__ import annotations

import filecmp
import os
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("KEDRO_IPY_ROOT") or os.path.dirname(HERE)
sys.path.insert(0, ROOT)

pytest.importorskip("kedro_datasets")
pd = pytest.importorskip("pandas")


def frame() -> Any:
    return pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.5, None]})


def figure() -> Any:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    return fig


def plotly_figure() -> Any:
    px = pytest.importorskip("plotly.express")
    return px.scatter(frame(), x="a", y="c")


def image() -> Any:
    pil = pytest.importorskip("PIL.Image")
    return pil.new("RGB", (3, 3), (1, 2, 3))


BAR = {"type": "bar", "fig": {"x": "b", "y": "a", "orientation": "h"},
       "layout": {"title": "T", "xaxis_title": "X"}}

CASES = [
    ("pandas.CSVDataset", "csv", lambda: frame()["a"], {}),
    ("pandas.JSONDataset", "json", frame, {}),
    ("pandas.JSONDataset", "jsonl", frame,
     {"save_args": {"orient": "records", "lines": True},
      "load_args": {"orient": "records", "lines": True}}),
    ("pandas.FeatherDataset", "feather", frame, {}),
    ("pandas.ParquetDataset", "parquet", frame, {}),
    ("pandas.ExcelDataset", "xlsx", frame, {}),
    ("pandas.ExcelDataset", "xlsx", lambda: {"s1": frame(), "s2": frame().head(1)},
     {"load_args": {"sheet_name": None}}),
    ("pandas.GenericDataset", "csv", frame, {"file_format": "csv"}),
    ("plotly.PlotlyDataset", "json", frame, {"plotly_args": BAR}),
    ("plotly.JSONDataset", "json", plotly_figure, {}),
    ("matplotlib.MatplotlibDataset", "png", figure, {}),
    ("pillow.ImageDataset", "png", image, {}),
]


def classes(short: str) -> tuple[type, type]:
    import importlib

    from kedro_ipy.io._types import resolve_type

    family, name = short.split(".")
    theirs = getattr(importlib.import_module(f"kedro_datasets.{family}"), name)
    return theirs, resolve_type(short)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if hasattr(a, "equals"):
        return bool(a.equals(b))
    return bool(a == b)


@pytest.mark.parametrize(("short", "ext", "make", "kwargs"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_same_file_same_load_same_fields(tmp_path: Path, short: str, ext: str, make: Any,
                                         kwargs: dict[str, Any]) -> None:
    theirs_cls, ours_cls = classes(short)
    theirs = theirs_cls(filepath=str(tmp_path / f"theirs.{ext}"), **kwargs)
    ours = ours_cls(filepath=str(tmp_path / f"ours.{ext}"), **kwargs)
    data = make()
    theirs.save(data)
    ours.save(data)
    assert filecmp.cmp(tmp_path / f"theirs.{ext}", tmp_path / f"ours.{ext}", shallow=False)
    assert list(ours._describe()) == list(theirs._describe())
    if "matplotlib" not in short:
        assert same(theirs.load(), ours.load())


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_matplotlib_folders(tmp_path: Path, kind: str) -> None:
    theirs_cls, ours_cls = classes("matplotlib.MatplotlibDataset")
    fig = figure()
    data = [fig, fig] if kind == "list" else {"a.png": fig, "b.png": fig}
    theirs_cls(filepath=str(tmp_path / "theirs")).save(data)
    ours_cls(filepath=str(tmp_path / "ours")).save(data)
    names = sorted(os.listdir(tmp_path / "theirs"))
    assert sorted(os.listdir(tmp_path / "ours")) == names
    for name in names:
        assert filecmp.cmp(tmp_path / "theirs" / name, tmp_path / "ours" / name, shallow=False)


def test_incremental_checkpoints(tmp_path: Path) -> None:
    theirs_cls, ours_cls = classes("partitions.IncrementalDataset")
    steps = []
    for side, cls in (("theirs", theirs_cls), ("ours", ours_cls)):
        folder = tmp_path / side
        folder.mkdir()
        for i in (1, 2):
            frame().to_csv(folder / f"p{i}.csv", index=False)
        ds = cls(path=str(folder), dataset="pandas.CSVDataset", filename_suffix=".csv")
        seen = [ds.exists(), sorted(ds.load())]
        ds.confirm()
        seen += [(folder / "CHECKPOINT").read_text(), sorted(ds.load())]
        ds.release()
        seen += [ds.load(), ds.exists()]
        frame().to_csv(folder / "p3.csv", index=False)
        ds.release()
        seen.append(sorted(ds.load()))
        forced = cls(path=str(folder), dataset="pandas.CSVDataset", filename_suffix=".csv",
                     checkpoint="")
        seen.append(sorted(forced.load()))
        steps.append(seen)
    assert steps[0] == steps[1]


def test_sql_table(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    theirs_cls, ours_cls = classes("pandas.SQLTableDataset")
    theirs = theirs_cls(table_name="t", credentials={"con": f"sqlite:///{tmp_path / 'k.db'}"})
    ours = ours_cls(table_name="t", credentials={"con": f"sqlite:///{tmp_path / 'o.db'}"})
    assert [theirs.exists(), ours.exists()] == [False, False]
    theirs.save(frame())
    ours.save(frame())
    assert theirs.load().equals(ours.load())
    assert ours.describe() == theirs._describe()

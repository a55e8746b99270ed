"""Figures, images and arrays: matplotlib, plotly, pillow and numpy datasets."""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest
from PIL import Image

from kedro_ipy.io import DataCatalog, DatasetError, Version
from kedro_ipy.io.datasets.matplotlib import MatplotlibDataset, MatplotlibWriter
from kedro_ipy.io.datasets.numpy import NumpyDataset
from kedro_ipy.io.datasets.pillow import ImageDataset
from kedro_ipy.io.datasets.plotly import HTMLDataset, JSONDataset, PlotlyDataset

SHUTTLES = pd.DataFrame({"shuttle_type": ["A", "B"], "passenger_capacity": [3.5, 4.0]})
BAR_ARGS = {
    "type": "bar",
    "fig": {"x": "shuttle_type", "y": "passenger_capacity", "orientation": "h"},
    "layout": {"xaxis_title": "Shuttles", "title": "Capacity"},
}


@pytest.fixture
def figure() -> Any:
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    yield fig
    plt.close(fig)


def magic(path: Path) -> bytes:
    return path.read_bytes()[:8]


class TestMatplotlib:
    def test_one_figure_format_from_extension(self, tmp_path: Path, figure: Any) -> None:
        MatplotlibDataset(filepath=str(tmp_path / "plot.png")).save(figure)
        MatplotlibDataset(filepath=str(tmp_path / "plot.pdf")).save(figure)
        MatplotlibDataset(filepath=str(tmp_path / "x.pdf"), save_args={"format": "png"}).save(
            figure
        )
        assert magic(tmp_path / "plot.png").startswith(b"\x89PNG")
        assert magic(tmp_path / "plot.pdf").startswith(b"%PDF")
        assert magic(tmp_path / "x.pdf").startswith(b"\x89PNG")  # save_args win

    def test_list_and_dict_of_figures(self, tmp_path: Path, figure: Any) -> None:
        MatplotlibDataset(filepath=str(tmp_path / "list")).save([figure, figure])
        assert sorted(os.listdir(tmp_path / "list")) == ["0.png", "1.png"]
        ds = MatplotlibDataset(filepath=str(tmp_path / "dict"))
        ds.save({"a.png": figure, "sub/b.svg": figure})
        assert (tmp_path / "dict" / "sub" / "b.svg").read_bytes().lstrip().startswith(b"<?xml")
        ds.save({"c.png": figure})  # added to the folder
        assert sorted(os.listdir(tmp_path / "dict")) == ["a.png", "c.png", "sub"]
        assert ds.exists()

    def test_overwrite_leaves_only_the_new_figures(self, tmp_path: Path, figure: Any) -> None:
        ds = MatplotlibDataset(filepath=str(tmp_path / "d"), overwrite=True)
        ds.save({"a.png": figure, "b.png": figure})
        ds.save({"c.png": figure})
        assert sorted(os.listdir(tmp_path / "d")) == ["c.png"]
        assert [p.name for p in tmp_path.iterdir()] == ["d"]  # no staging folder left

    def test_versioned_file_and_folder(self, tmp_path: Path, figure: Any) -> None:
        one = MatplotlibDataset(filepath=str(tmp_path / "p.png"), version=Version(None, None))
        one.save(figure)
        many = MatplotlibDataset(filepath=str(tmp_path / "many"), version=Version(None, None))
        many.save([figure])
        many.save([figure, figure])
        versions = many.list_versions(full_path=False)
        assert len(versions) == 2 and many.exists()
        newest = tmp_path / "many" / versions[0] / "many"
        assert sorted(os.listdir(newest)) == ["0.png", "1.png"]
        assert len(one.list_versions()) == 1

    def test_remote_folder(self, figure: Any) -> None:
        root = f"memory://{uuid.uuid4().hex}/plots"
        ds = MatplotlibDataset(filepath=root, overwrite=True)
        ds.save({"a.png": figure, "b.png": figure})
        ds.save({"b.png": figure})
        import fsspec

        fs = fsspec.filesystem("memory")
        assert [p.rsplit("/", 1)[1] for p in fs.find(root)] == ["b.png"]

    def test_failed_figure_writes_nothing(self, tmp_path: Path, figure: Any) -> None:
        ds = MatplotlibDataset(filepath=str(tmp_path / "d"), overwrite=True)
        ds.save({"a.png": figure})
        with pytest.raises(DatasetError, match=re.escape(
            "MatplotlibDataset saves a matplotlib Figure, a list of them or a dict of file "
            "name -> Figure, not str (key 'b.png')."
        )):
            ds.save({"b.png": "not a figure", "c.png": figure})
        assert os.listdir(tmp_path / "d") == ["a.png"]

    def test_bad_use(self, tmp_path: Path, figure: Any) -> None:
        with pytest.raises(DatasetError, match="doesn't support versioning in overwrite mode"):
            MatplotlibDataset(filepath=str(tmp_path / "p"), overwrite=True,
                              version=Version(None, None))
        ds = MatplotlibWriter(filepath=str(tmp_path / "p.png"))
        ds.save(figure)
        with pytest.raises(DatasetError, match="Loading not supported for 'MatplotlibWriter'"):
            ds.load()
        with pytest.raises(DatasetError, match="a dict key is a file name inside the folder"):
            MatplotlibDataset(filepath=str(tmp_path / "d")).save({"../escape.png": figure})

    def test_catalog_types_old_and_new_name(self, tmp_path: Path, figure: Any) -> None:
        catalog = DataCatalog.from_config({
            "new": {"type": "matplotlib.MatplotlibDataset", "filepath": str(tmp_path / "n.png"),
                    "versioned": True},
            "old": {"type": "matplotlib.MatplotlibWriter", "filepath": str(tmp_path / "o.png")},
        })
        catalog.save("new", figure)
        catalog.save("old", figure)
        assert catalog.exists("new") and (tmp_path / "o.png").is_file()


class TestPlotly:
    def test_plotly_dataset_draws_from_a_frame(self, tmp_path: Path) -> None:
        ds = PlotlyDataset(filepath=str(tmp_path / "bar.json"), plotly_args=BAR_ARGS,
                           version=Version(None, None))
        ds.save(SHUTTLES)
        loaded = ds.load()
        expected = px.bar(SHUTTLES, x="shuttle_type", y="passenger_capacity", orientation="h")
        expected.update_layout(BAR_ARGS["layout"])
        assert isinstance(loaded, go.Figure)
        assert loaded == expected
        assert loaded.layout.title.text == "Capacity"
        assert "plotly_args" in ds.describe()

    def test_json_dataset_round_trip(self, tmp_path: Path) -> None:
        fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
        for path in (str(tmp_path / "f.json"), f"memory://{uuid.uuid4().hex}/f.json"):
            ds = JSONDataset(filepath=path)
            ds.save(fig)
            assert ds.load() == fig
        as_dict = JSONDataset(filepath=str(tmp_path / "d.json"))
        as_dict.save(fig.to_dict())
        assert as_dict.load() == fig

    def test_html_page(self, tmp_path: Path) -> None:
        ds = HTMLDataset(filepath=str(tmp_path / "chart.html"), version=Version(None, None),
                         save_args={"include_plotlyjs": "cdn"})
        ds.save(px.bar(SHUTTLES, x="shuttle_type", y="passenger_capacity"))
        assert ds.exists()
        page = next(tmp_path.rglob("chart.html/*/chart.html")).read_text()
        assert "<html>" in page and "shuttle_type" in page
        with pytest.raises(DatasetError, match="Loading not supported for 'HTMLDataset'"):
            ds.load()
        with pytest.raises(DatasetError, match="HTMLDataset saves plotly figures, not str"):
            ds.save("<p>hi</p>")

    def test_bad_arguments(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match="'plotly_args' must be a mapping with 'type'"):
            PlotlyDataset(filepath=str(tmp_path / "x.json"), plotly_args={"fig": {}})
        with pytest.raises(DatasetError, match=re.escape("unknown keys ['figure']")):
            PlotlyDataset(filepath=str(tmp_path / "x.json"),
                          plotly_args={"type": "bar", "figure": {}})
        ds = PlotlyDataset(filepath=str(tmp_path / "x.json"), plotly_args={"type": "barr"})
        with pytest.raises(DatasetError, match=re.escape(
            "plotly_args 'type' 'barr' is not a plotly.express chart function. Did you mean"
        )):
            ds.save(SHUTTLES)
        with pytest.raises(DatasetError, match="saves plotly figures"):
            JSONDataset(filepath=str(tmp_path / "y.json")).save([1, 2])


class TestPillow:
    def test_round_trip_formats(self, tmp_path: Path) -> None:
        image = Image.new("RGB", (5, 4), (10, 200, 30))
        for name, fmt in (("i.png", "PNG"), ("i.jpg", "JPEG"), ("i.bmp", "BMP")):
            ds = ImageDataset(filepath=str(tmp_path / name))
            ds.save(image)
            loaded = ds.load()
            assert (loaded.size, loaded.format) == ((5, 4), fmt)
        png = ImageDataset(filepath=str(tmp_path / "i.png")).load()
        assert png.getpixel((0, 0)) == (10, 200, 30)

    def test_versioned_and_format_argument(self, tmp_path: Path) -> None:
        ds = ImageDataset(filepath=str(tmp_path / "img"), save_args={"format": "PNG"},
                          version=Version(None, None))
        ds.save(Image.new("L", (2, 2), 7))
        assert ds.load().getpixel((1, 1)) == 7

    def test_bad_input(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match="cannot tell the image format from the extension"):
            ImageDataset(filepath=str(tmp_path / "img.unknown")).save(Image.new("L", (1, 1)))
        with pytest.raises(DatasetError, match="ImageDataset saves PIL images, not ndarray"):
            ImageDataset(filepath=str(tmp_path / "i.png")).save(np.zeros((2, 2)))
        assert not (tmp_path / "i.png").exists()


class TestNumpy:
    def test_npy_and_npz(self, tmp_path: Path) -> None:
        arr = np.arange(12, dtype="float32").reshape(3, 4)
        ds = NumpyDataset(filepath=str(tmp_path / "a.npy"), version=Version(None, None))
        ds.save(arr)
        np.testing.assert_array_equal(ds.load(), arr)
        assert ds.load().dtype == np.float32
        archive = NumpyDataset(filepath=str(tmp_path / "a.npz"), save_args={"compressed": True})
        archive.save({"x": arr, "y": np.ones(2)})
        loaded = archive.load()
        assert sorted(loaded) == ["x", "y"]
        np.testing.assert_array_equal(loaded["x"], arr)

    def test_object_arrays_need_allow_pickle(self, tmp_path: Path) -> None:
        objects = np.array([{"a": 1}], dtype=object)
        with pytest.raises(DatasetError, match="allow_pickle=False"):
            NumpyDataset(filepath=str(tmp_path / "o.npy")).save(objects)
        assert not (tmp_path / "o.npy").exists()
        ok = NumpyDataset(filepath=str(tmp_path / "o.npy"), save_args={"allow_pickle": True},
                          load_args={"allow_pickle": True})
        ok.save(objects)
        assert ok.load()[0] == {"a": 1}

    def test_wrong_shape_of_data(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match=re.escape("use a '.npz' file for a dict of arrays")):
            NumpyDataset(filepath=str(tmp_path / "a.npy")).save({"x": np.ones(1)})
        with pytest.raises(DatasetError, match=re.escape("use a '.npy' file for a single array")):
            NumpyDataset(filepath=str(tmp_path / "a.npz")).save(np.ones(1))


@pytest.mark.parametrize(("cls", "kwargs", "module", "extra"), [
    (MatplotlibDataset, {"filepath": "p.png"}, "matplotlib", "matplotlib"),
    (PlotlyDataset, {"filepath": "p.json", "plotly_args": {"type": "bar"}}, "plotly", "plotly"),
    (JSONDataset, {"filepath": "p.json"}, "plotly", "plotly"),
    (HTMLDataset, {"filepath": "p.html"}, "plotly", "plotly"),
    (ImageDataset, {"filepath": "p.png"}, "PIL", "pillow"),
    (NumpyDataset, {"filepath": "p.npy"}, "numpy", "numpy"),
])
def test_missing_library_says_how_to_install(monkeypatch: pytest.MonkeyPatch, cls: type,
                                             kwargs: dict[str, Any], module: str,
                                             extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import is blocked, as if not installed
    with pytest.raises(DatasetError, match=re.escape(
        f"{cls.__name__} needs {module}, which is not installed. Install it with: "
        f"pip install 'kedro_ipy[{extra}]'"
    )):
        cls(**kwargs)


def test_no_secret_in_describe(tmp_path: Path) -> None:
    datasets = [
        MatplotlibDataset(filepath="memory://u:pw-SECRET@h/p.png", credentials={"key": "SECRET"}),
        PlotlyDataset(filepath=str(tmp_path / "p.json"), plotly_args={"type": "bar"},
                      credentials={"token": "SECRET"}),
        ImageDataset(filepath=str(tmp_path / "p.png"), credentials={"token": "SECRET"}),
        NumpyDataset(filepath=str(tmp_path / "p.npy"), credentials={"token": "SECRET"}),
    ]
    for ds in datasets:
        assert "SECRET" not in repr(ds) + str(ds.describe())

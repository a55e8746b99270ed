"""PartitionedDataset: a folder of files as one dataset."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest

from kedro_ipy.io import DatasetError
from kedro_ipy.io.datasets.partitions import PartitionedDataset


def test_round_trip_lazily_loaded(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path / "parts"), dataset="json.JSONDataset",
                            filename_suffix=".json")
    ds.save({"a": [1], "sub/b": [2], "c": lambda: [3]})
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")) == [
        "parts/a.json", "parts/c.json", "parts/sub/b.json",
    ]
    loaded = ds.load()
    assert list(loaded) == ["a", "c", "sub/b"]
    assert all(callable(f) for f in loaded.values())
    assert {k: f() for k, f in loaded.items()} == {"a": [1], "c": [3], "sub/b": [2]}


def test_dataset_config_mapping_and_pandas(tmp_path: Path) -> None:
    ds = PartitionedDataset(
        path=str(tmp_path),
        dataset={"type": "pandas.CSVDataset", "save_args": {"index": False}},
        filename_suffix=".csv",
    )
    frame = pd.DataFrame({"x": [1, 2]})
    ds.save({"p1": frame})
    pd.testing.assert_frame_equal(ds.load()["p1"](), frame)


def test_overwrite_removes_old_partitions(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path), dataset="text.TextDataset", overwrite=True)
    ds.save({"old": "1"})
    ds.save({"new": "2"})
    assert list(ds.load()) == ["new"]


def test_overwrite_keeps_old_partitions_when_the_save_fails(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path), dataset="text.TextDataset", overwrite=True)
    ds.save({"old": "kept"})

    def broken() -> str:
        raise RuntimeError("source went away")

    with pytest.raises(DatasetError, match="source went away"):
        ds.save({"a_new": "x", "b_new": broken})
    assert ds.load()["old"]() == "kept"
    ds.save({"c_new": "y"})  # a save that succeeds still replaces everything
    assert sorted(ds.load()) == ["c_new"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path / "none"), dataset="text.TextDataset")
    assert not ds.exists()
    with pytest.raises(DatasetError, match="No partitions found in"):
        ds.load()


def test_memory_protocol(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=f"memory://{uuid.uuid4().hex}/p", dataset="pickle.PickleDataset")
    ds.save({"a": 1, "b": 2})
    assert {k: f() for k, f in ds.load().items()} == {"a": 1, "b": 2}


def test_versioned_partitions_refused() -> None:
    with pytest.raises(DatasetError, match="does not support versioned partitions"):
        PartitionedDataset(path="x", dataset={"type": "text.TextDataset", "versioned": True})


def test_save_needs_a_dict(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="saves a dict of partition id"):
        PartitionedDataset(path=str(tmp_path), dataset="text.TextDataset").save("x")

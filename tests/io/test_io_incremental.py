"""IncrementalDataset: only partitions past the checkpoint load; confirm() moves it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.io import DataCatalog, DatasetError
from kedro_ipy.io.datasets.partitions import IncrementalDataset
from kedro_ipy.io.datasets.text import TextDataset
from kedro_ipy.pipeline import node, pipeline
from kedro_ipy.runner import SequentialRunner


def write(folder: Path, *ids: str) -> None:
    for partition_id in ids:
        TextDataset(filepath=str(folder / f"{partition_id}.txt")).save(f"data {partition_id}")


def incremental(folder: Path, **kwargs: Any) -> IncrementalDataset:
    return IncrementalDataset(path=str(folder), dataset="text.TextDataset",
                              filename_suffix=".txt", **kwargs)


def test_load_confirm_release_cycle(tmp_path: Path) -> None:
    write(tmp_path, "2024-01", "2024-02")
    ds = incremental(tmp_path)
    assert ds.exists()
    assert ds.load() == {"2024-01": "data 2024-01", "2024-02": "data 2024-02"}  # data, loaded
    ds.confirm()
    assert (tmp_path / "CHECKPOINT").read_text() == "2024-02"
    assert sorted(ds.load()) == ["2024-01", "2024-02"]  # same load until released
    ds.release()
    assert ds.load() == {}
    assert not ds.exists()
    write(tmp_path, "2024-03")
    ds.release()
    assert ds.load() == {"2024-03": "data 2024-03"}
    assert ds.exists()


def test_partitions_arriving_after_the_load_are_not_confirmed(tmp_path: Path) -> None:
    write(tmp_path, "a")
    ds = incremental(tmp_path)
    assert list(ds.load()) == ["a"]
    write(tmp_path, "b")  # arrives while the node works on "a"
    ds.confirm()
    ds.release()
    assert list(ds.load()) == ["b"]


def test_a_new_dataset_reads_the_stored_checkpoint(tmp_path: Path) -> None:
    write(tmp_path, "1", "2", "3")
    (tmp_path / "CHECKPOINT").write_text("2")
    assert list(incremental(tmp_path).load()) == ["3"]


def test_force_checkpoint_and_comparison(tmp_path: Path) -> None:
    write(tmp_path, "1", "2", "3")
    (tmp_path / "CHECKPOINT").write_text("3")
    assert list(incremental(tmp_path, checkpoint="").load()) == ["1", "2", "3"]
    assert list(incremental(tmp_path, checkpoint="1").load()) == ["2", "3"]
    ge = incremental(tmp_path, checkpoint={"comparison_func": "operator.ge"})
    assert list(ge.load()) == ["3"]
    lt = incremental(tmp_path, checkpoint={"comparison_func": lambda pid, cp: pid < cp,
                                           "force_checkpoint": "3"})
    assert list(lt.load()) == ["1", "2"]


def test_checkpoint_elsewhere_and_of_another_type(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(data, "x", "y")
    ds = incremental(data, checkpoint={"type": "json.JSONDataset",
                                       "filepath": str(tmp_path / "cp.json")})
    ds.load()
    ds.confirm()
    assert (tmp_path / "cp.json").read_text() == '"y"'
    assert not (data / "CHECKPOINT").exists()


def test_checkpoint_file_is_never_a_partition(tmp_path: Path) -> None:
    write(tmp_path, "a")
    ds = IncrementalDataset(path=str(tmp_path), dataset="text.TextDataset")  # no suffix
    assert list(ds.load()) == ["a.txt"]
    ds.confirm()
    write(tmp_path, "b")
    ds.release()
    assert list(ds.load()) == ["b.txt"]


def test_save_then_load_sees_the_new_partitions(tmp_path: Path) -> None:
    ds = incremental(tmp_path)
    assert ds.load() == {}  # no partitions is not an error here
    ds.save({"p1": "one"})
    assert ds.load() == {"p1": "one"}


def test_node_confirms_only_when_it_succeeds(tmp_path: Path) -> None:
    write(tmp_path, "a", "b")
    catalog = DataCatalog.from_config({"inc": {
        "type": "partitions.IncrementalDataset", "path": str(tmp_path),
        "dataset": "text.TextDataset", "filename_suffix": ".txt",
    }})
    seen: list[list[str]] = []

    def process(parts: dict[str, str]) -> int:
        seen.append(sorted(parts))
        if len(seen) == 1:
            raise RuntimeError("first run fails")
        return len(parts)

    work = pipeline([node(process, "inc", "count", confirms="inc")])
    with pytest.raises(RuntimeError, match="first run fails"):
        SequentialRunner().run(work, catalog)
    assert not (tmp_path / "CHECKPOINT").exists()
    SequentialRunner().run(work, catalog)
    assert (tmp_path / "CHECKPOINT").read_text() == "b"
    write(tmp_path, "c")
    fresh = DataCatalog.from_config({"inc": {
        "type": "partitions.IncrementalDataset", "path": str(tmp_path),
        "dataset": "text.TextDataset", "filename_suffix": ".txt",
    }})
    SequentialRunner().run(work, fresh)
    assert seen == [["a", "b"], ["a", "b"], ["c"]]


@pytest.mark.parametrize(("checkpoint", "message"), [
    ({"versioned": True}, "does not support versioning of the checkpoint"),
    ({"comparison_func": "operator.nope"}, "'comparison_func' 'operator.nope' cannot be "
                                           "imported"),
    ({"comparison_func": 3}, "'comparison_func' must be a function"),
    (5, "'checkpoint' must be a mapping"),
    ({"type": "text.TextDataset", "nope": 1}, "checkpoint of type TextDataset cannot be "
                                              "created"),
])
def test_bad_checkpoint_config(tmp_path: Path, checkpoint: Any, message: str) -> None:
    with pytest.raises(DatasetError, match=re.escape(message)):
        incremental(tmp_path, checkpoint=checkpoint)


def test_describe_without_credentials(tmp_path: Path) -> None:
    ds = IncrementalDataset(path=f"memory://{tmp_path.name}/inc", dataset="text.TextDataset",
                            credentials={"token": "SECRET-TOKEN"})
    assert "SECRET" not in repr(ds) + str(ds.describe())
    assert ds.describe()["checkpoint"].endswith("/inc/CHECKPOINT")

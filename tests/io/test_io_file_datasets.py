"""File datasets: round trips, versions, atomic saves, missing files, fsspec protocols."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kedro_ipy.io import DatasetError, Version, VersionAlreadyExistsError
from kedro_ipy.io.datasets.json import JSONDataset
from kedro_ipy.io.datasets.pandas import CSVDataset, ParquetDataset
from kedro_ipy.io.datasets.pickle import PickleDataset
from kedro_ipy.io.datasets.text import TextDataset
from kedro_ipy.io.datasets.yaml import YAMLDataset

FRAME = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})

CASES = [
    (PickleDataset, "d.pkl", {"nested": [1, {2, 3}]}),
    (JSONDataset, "d.json", {"a": [1, 2.5, None, "é"]}),
    (YAMLDataset, "d.yml", {"a": {"b": [1, 2]}}),
    (TextDataset, "d.txt", "line one\nline two\r\n"),
    (CSVDataset, "d.csv", FRAME),
    (ParquetDataset, "d.parquet", FRAME),
]
IDS = [c[0].__name__ for c in CASES]


def assert_same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize(("cls", "name", "data"), CASES, ids=IDS)
class TestEveryFileDataset:
    def test_round_trip(self, tmp_path: Path, cls: type, name: str, data: Any) -> None:
        ds = cls(filepath=str(tmp_path / "sub" / name))
        assert not ds.exists()
        ds.save(data)
        assert ds.exists()
        assert_same(ds.load(), data)

    def test_round_trip_memory_protocol(self, cls: type, name: str, data: Any) -> None:
        ds = cls(filepath=f"memory://{uuid.uuid4().hex}/{name}")
        ds.save(data)
        assert_same(ds.load(), data)
        assert "protocol='memory'" in repr(ds)

    def test_versions_are_kept(self, tmp_path: Path, cls: type, name: str, data: Any) -> None:
        path = str(tmp_path / name)
        cls(filepath=path, version=Version(None, "2024-01-01T00.00.00.000Z")).save(data)
        cls(filepath=path, version=Version(None, "2024-02-01T00.00.00.000Z")).save(data)
        ds = cls(filepath=path, version=Version(None, None))
        assert ds.list_versions(full_path=False) == [
            "2024-02-01T00.00.00.000Z", "2024-01-01T00.00.00.000Z",
        ]
        assert (tmp_path / name / "2024-01-01T00.00.00.000Z" / name).is_file()
        assert_same(ds.load(), data)

    def test_missing_file_names_the_path(self, tmp_path: Path, cls: type, name: str,
                                         data: Any) -> None:
        path = str(tmp_path / "nope" / name)
        with pytest.raises(DatasetError, match=re.escape(
            f".\n[Errno 2] No such file or directory: '{path}'"
        )) as info:
            cls(filepath=path).load()
        assert str(info.value).startswith("Failed while loading data from dataset ")


class TestVersionedFiles:
    def test_newest_or_pinned(self, tmp_path: Path) -> None:
        path = str(tmp_path / "m.pkl")
        PickleDataset(filepath=path, version=Version(None, "2024-01-01T00.00.00.000Z")).save(1)
        PickleDataset(filepath=path, version=Version(None, "2024-05-01T00.00.00.000Z")).save(2)
        assert PickleDataset(filepath=path, version=Version(None, None)).load() == 2
        pinned = PickleDataset(filepath=path, version=Version("2024-01-01T00.00.00.000Z", None))
        assert pinned.load() == 1

    def test_existing_version_not_overwritten(self, tmp_path: Path) -> None:
        ds = PickleDataset(filepath=str(tmp_path / "m.pkl"),
                           version=Version(None, "2024-01-01T00.00.00.000Z"))
        ds.save("first")
        with pytest.raises(VersionAlreadyExistsError, match="never overwrite"):
            ds.save("second")
        assert ds.load() == "first"

    def test_version_written_by_someone_else_meanwhile_is_not_overwritten(
        self, tmp_path: Path
    ) -> None:
        # Two writers of one version (two threads, two processes) both pass the "does it
        # exist?" check before either has written: the second must still fail, not replace.
        version = Version(None, "2024-01-01T00.00.00.000Z")
        first = PickleDataset(filepath=str(tmp_path / "m.pkl"), version=version)
        second = PickleDataset(filepath=str(tmp_path / "m.pkl"), version=version)
        second._exists_function = lambda path: False  # checked before `first` wrote
        first.save("first")
        with pytest.raises(VersionAlreadyExistsError, match="never overwrite"):
            second.save("second")
        assert first.load() == "first"
        leftovers = [p.name for p in tmp_path.rglob("*") if p.is_file()]
        assert leftovers == ["m.pkl"]  # no temporary file left behind

    def test_saves_in_quick_succession_each_get_their_own_version(
        self, tmp_path: Path
    ) -> None:
        # Versions have millisecond resolution; a loop of small saves fits many in one.
        ds = TextDataset(filepath=str(tmp_path / "m.txt"), version=Version(None, None))
        for i in range(30):
            ds.save(str(i))
        versions = ds.list_versions(full_path=False)
        assert len(versions) == 30
        assert ds.load() == "29"
        assert versions == sorted(versions, reverse=True)

    def test_unset_save_version_gives_a_new_version_each_save(self, tmp_path: Path) -> None:
        ds = JSONDataset(filepath=str(tmp_path / "m.json"), version=Version(None, None))
        ds.save([1])
        assert len(ds.list_versions()) == 1


class Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle this")


class TestAtomicSaves:
    def test_failed_save_keeps_previous_file(self, tmp_path: Path) -> None:
        path = tmp_path / "d.pkl"
        ds = PickleDataset(filepath=str(path))
        ds.save({"good": 1})
        with pytest.raises(DatasetError, match="cannot pickle this"):
            ds.save({"bad": Unpicklable()})
        assert ds.load() == {"good": 1}
        assert os.listdir(tmp_path) == ["d.pkl"]  # no temporary file left behind

    def test_failed_versioned_save_leaves_no_version_behind(self, tmp_path: Path) -> None:
        ds = PickleDataset(filepath=str(tmp_path / "m.pkl"), version=Version(None, None))
        ds.save("v1")
        with pytest.raises(DatasetError, match="cannot pickle this"):
            ds.save(Unpicklable())
        assert ds.load() == "v1"
        assert len(os.listdir(tmp_path / "m.pkl")) == 1  # no empty folder for the failed one

    def test_failed_csv_save_keeps_previous_file(self, tmp_path: Path) -> None:
        ds = CSVDataset(filepath=str(tmp_path / "d.csv"))
        ds.save(FRAME)
        with pytest.raises(DatasetError, match=re.escape(
            "CSVDataset saves objects with a 'to_csv' method (a pandas DataFrame or Series), "
            "not list."
        )):
            ds.save([1, 2])
        pd.testing.assert_frame_equal(ds.load(), FRAME)

    def test_failed_remote_save_writes_nothing(self) -> None:
        path = f"memory://{uuid.uuid4().hex}/d.json"
        ds = JSONDataset(filepath=path)
        ds.save({"good": 1})
        with pytest.raises(DatasetError, match="not JSON serializable") as info:
            ds.save({"bad": object()})
        assert isinstance(info.value.__cause__, TypeError)
        assert ds.load() == {"good": 1}

    def test_saved_file_has_normal_permissions(self, tmp_path: Path) -> None:
        path = tmp_path / "d.txt"
        TextDataset(filepath=str(path)).save("x")
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


class TestArgs:
    def test_csv_load_and_save_args(self, tmp_path: Path) -> None:
        ds = CSVDataset(filepath=str(tmp_path / "d.csv"), save_args={"sep": ";"},
                        load_args={"sep": ";"})
        ds.save(FRAME)
        assert (tmp_path / "d.csv").read_text().splitlines()[0] == "a;b"
        pd.testing.assert_frame_equal(ds.load(), FRAME)

    def test_json_default_indent(self, tmp_path: Path) -> None:
        JSONDataset(filepath=str(tmp_path / "d.json")).save({"a": 1})
        assert (tmp_path / "d.json").read_text() == '{\n  "a": 1\n}'

    def test_pickle_backend_unknown(self, tmp_path: Path) -> None:
        # Refused when built, with kedro-datasets' error type and sentence.
        with pytest.raises(ImportError, match="Selected backend 'no_such_backend_mod' could not "
                                              "be imported"):
            PickleDataset(filepath=str(tmp_path / "d.pkl"), backend="no_such_backend_mod")
        with pytest.raises(ValueError, match="should satisfy the pickle interface"):
            PickleDataset(filepath=str(tmp_path / "d.pkl"), backend="os")

    def test_text_refuses_non_strings(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match="TextDataset saves strings, not int"):
            TextDataset(filepath=str(tmp_path / "t.txt")).save(3)

    def test_describe_hides_credentials_and_url_passwords(self) -> None:
        ds = PickleDataset(
            filepath="memory://user:hunter22@host/x.pkl",
            credentials={"key": "AKIA-SECRET"},
            load_args={"storage_options": {"token": "tok-SECRET"}},
        )
        shown = repr(ds) + str(ds.describe())
        assert "SECRET" not in shown and "hunter22" not in shown

    def test_pandas_missing_says_how_to_install(self, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
        import importlib.util

        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: None if name == "pandas" else real(name, *a))
        with pytest.raises(DatasetError, match=re.escape(
            "CSVDataset needs pandas, which is not installed. "
            "Install it with: pip install 'kedro_ipy[pandas]'"
        )):
            CSVDataset(filepath=str(tmp_path / "x.csv"))

    def test_filepath_required(self) -> None:
        with pytest.raises(DatasetError, match="JSONDataset needs a 'filepath'"):
            JSONDataset(filepath="")

"""Saves under fire: processes killed mid-save, failing disks, hostile paths, big data.

Crash tests start a real writer process that saves a large value in a loop and kill it with
SIGKILL at a random point: the data saved before must stay loadable, nothing half-written may
be listed or loaded, and the next save cleans up what the dead writer left.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.io import DataCatalog, DatasetError, MemoryDataset, Version
from kedro_ipy.io.datasets._file import _host_tag, temp_prefix
from kedro_ipy.io.datasets.partitions import PartitionedDataset
from kedro_ipy.io.datasets.pickle import PickleDataset
from kedro_ipy.io.datasets.text import TextDataset

ROOT = Path(__file__).resolve().parents[2]

# A writer that saves ever-new values until killed; it prints a line after each save.
WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[3])
    from kedro_ipy.io import Version
    from kedro_ipy.io.datasets.partitions import PartitionedDataset
    from kedro_ipy.io.datasets.pickle import PickleDataset
    from kedro_ipy.io.datasets.text import TextDataset

    kind, path = sys.argv[1], sys.argv[2]
    i = 0
    while True:
        i += 1
        if kind == "pickle":
            PickleDataset(filepath=path).save({"i": i, "rows": list(range(800_000))})
        elif kind == "text":
            TextDataset(filepath=path).save(f"{i}\\n" + "x" * 30_000_000)
        elif kind == "versioned":
            PickleDataset(filepath=path, version=Version(None, None)).save(
                {"i": i, "rows": list(range(800_000))})
        elif kind == "partitions":
            ids = [f"p{n}" for n in range(8)] if i % 2 else [f"q{n}" for n in range(5)]
            PartitionedDataset(path=path, dataset="pickle.PickleDataset", overwrite=True).save(
                {pid: {"i": i, "rows": list(range(60_000))} for pid in ids})
        print(i, flush=True)
""")


def dataset(kind: str, path: Path) -> Any:
    if kind in ("pickle", "versioned"):
        version = Version(None, None) if kind == "versioned" else None
        return PickleDataset(filepath=str(path), version=version)
    if kind == "text":
        return TextDataset(filepath=str(path))
    return PartitionedDataset(path=str(path), dataset="pickle.PickleDataset", overwrite=True)


def first_value(kind: str) -> Any:
    if kind == "text":
        return "0\nfirst"
    if kind == "partitions":
        return {"p0": {"i": 0, "rows": []}}
    return {"i": 0, "rows": []}


def leftovers(folder: Path) -> list[str]:
    """Temp files and staging folders of our saves, anywhere under ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if ".kedroipy-" in p.name)


def check_loadable(kind: str, ds: Any) -> int:
    """Load, check the value is whole, and return its save counter."""
    value = ds.load()
    if kind == "text":
        counter, _, rest = value.partition("\n")
        assert rest == "first" or rest == "x" * 30_000_000
        return int(counter)
    if kind == "partitions":
        loaded = {pid: load() for pid, load in value.items()}
        counters = {part["i"] for part in loaded.values()}
        assert len(counters) == 1, f"old and new partitions mixed: {sorted(loaded)}"
        (counter,) = counters
        expected = {"p0"} if counter == 0 else (
            {f"p{n}" for n in range(8)} if counter % 2 else {f"q{n}" for n in range(5)})
        assert set(loaded) == expected
        return int(counter)
    assert value["rows"] == list(range(len(value["rows"])))
    assert len(value["rows"]) in (0, 800_000)
    return int(value["i"])


KILL_CASES = [(kind, n) for kind in ("pickle", "text", "versioned", "partitions")
              for n in range(2)]


@pytest.mark.parametrize("kind, attempt", KILL_CASES,
                         ids=[f"{k}-{n}" for k, n in KILL_CASES])
def test_kill_9_mid_save_keeps_data_and_next_save_cleans_up(
    tmp_path: Path, kind: str, attempt: int
) -> None:
    target = tmp_path / "data" / ("parts" if kind == "partitions" else "value.bin")
    ds = dataset(kind, target)
    ds.save(first_value(kind))
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, str(script), kind, str(target), str(ROOT)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout is not None
        writer.stdout.readline()  # one save done
        mark = f"-{writer.pid}."
        deadline = time.monotonic() + 20
        while not any(mark in name for name in leftovers(tmp_path / "data")):
            assert time.monotonic() < deadline, "the writer never started a save"
            time.sleep(0.002)
        # Mid-save now (its temp file exists): kill at a different point each attempt.
        time.sleep(random.Random(attempt).uniform(0.0, 0.004))
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    killed_mid_save = any(f"-{writer.pid}." in n for n in leftovers(tmp_path / "data"))

    assert check_loadable(kind, dataset(kind, target)) >= 0
    if kind == "versioned":  # no version of the dead writer is listed unless complete
        for version in dataset(kind, target).list_versions(full_path=True):
            assert Path(version).is_file()
    ds = dataset(kind, target)
    ds.save(first_value(kind))
    assert leftovers(tmp_path / "data") == [], f"killed mid-save: {killed_mid_save}"
    assert check_loadable(kind, dataset(kind, target)) == 0
    if kind == "versioned":
        for folder in target.iterdir():
            assert (folder / target.name).is_file(), f"unfinished version {folder.name} left"


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


class TestTempFiles:
    def test_only_dead_writers_temp_files_are_removed(self, tmp_path: Path) -> None:
        path = tmp_path / "model.pkl"
        dead = tmp_path / (temp_prefix(str(path)).replace(
            f"-{os.getpid()}.", f"-{dead_pid()}.") + "abc.tmp")
        live = tmp_path / (temp_prefix(str(path)).replace(
            f"-{os.getpid()}.", f"-{os.getppid()}.") + "abc.tmp")
        other_host = tmp_path / f".model.pkl.kedroipy-otherhost-{dead_pid()}.abc.tmp"
        foreign = tmp_path / ".model.pkl.abc123.tmp"  # not ours: never touched
        for file in (dead, live, other_host, foreign):
            file.write_bytes(b"half")
        PickleDataset(filepath=str(path)).save([1])
        assert not dead.exists()
        assert live.exists() and other_host.exists() and foreign.exists()

    def test_temp_only_version_is_neither_listed_nor_loaded(self, tmp_path: Path) -> None:
        path = tmp_path / "model.pkl"
        PickleDataset(filepath=str(path), version=Version(None, "2020-01-01T00.00.00.000Z")
                      ).save("old")
        unfinished = path / "2030-01-01T00.00.00.000Z"
        unfinished.mkdir()
        (unfinished / (temp_prefix(str(path)).replace(
            f"-{os.getpid()}.", f"-{dead_pid()}.") + "x.tmp")).write_bytes(b"half")
        (path / "2031-01-01T00.00.00.000Z").mkdir()  # empty: a kill before the temp file
        ds = PickleDataset(filepath=str(path), version=Version(None, None))
        assert ds.list_versions(full_path=False) == ["2020-01-01T00.00.00.000Z"]
        assert ds.load() == "old"
        with pytest.raises(DatasetError, match="does not exist"):
            PickleDataset(filepath=str(path),
                          version=Version("2030-01-01T00.00.00.000Z", None)).load()
        ds.save("new")
        assert not unfinished.exists() and not (path / "2031-01-01T00.00.00.000Z").exists()
        assert len(ds.list_versions()) == 2


class _FullDisk:
    """Pickles to some bytes, then fails the way a full disk fails a write."""

    def __reduce__(self) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("versioned", [False, True], ids=["plain", "versioned"])
def test_full_disk_mid_save_keeps_previous_data_and_leaves_nothing(
    tmp_path: Path, versioned: bool
) -> None:
    path = tmp_path / "model.pkl"
    version = Version(None, None) if versioned else None
    PickleDataset(filepath=str(path), version=version).save({"kept": True})
    with pytest.raises(DatasetError, match="No space left on device"):
        PickleDataset(filepath=str(path), version=version).save([b"x" * 1_000_000, _FullDisk()])
    assert PickleDataset(filepath=str(path), version=version).load() == {"kept": True}
    assert leftovers(tmp_path) == []
    if versioned:
        assert len(list(path.iterdir())) == 1  # no empty version folder


DISK_CASES = [("pickle.PickleDataset", {"a": 1}), ("json.JSONDataset", {"a": 1}),
              ("text.TextDataset", "first"), ("yaml.YAMLDataset", {"a": 1})]


@pytest.mark.parametrize("versioned", [False, True], ids=["plain", "versioned"])
@pytest.mark.parametrize("type_name, first", DISK_CASES, ids=[c[0] for c in DISK_CASES])
def test_disk_full_during_a_save_of_any_file_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, type_name: str, first: Any,
    versioned: bool,
) -> None:
    entry = {"type": type_name, "filepath": str(tmp_path / "data" / "value"),
             "versioned": versioned}
    catalog = DataCatalog.from_config({"value": entry})
    catalog.save("value", first)
    dataset_class = type(catalog["value"])
    real_write = dataset_class._write

    def write_then_fail_on_flush(self: Any, handle: Any, data: Any) -> None:
        real_write(self, handle, data)
        handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dataset_class, "_write", write_then_fail_on_flush)
    again = DataCatalog.from_config({"value": entry})
    with pytest.raises(DatasetError, match="No space left on device"):
        again.save("value", first)
    monkeypatch.undo()
    assert DataCatalog.from_config({"value": entry}).load("value") == first
    assert leftovers(tmp_path) == []
    if versioned:
        assert len(list((tmp_path / "data" / "value").iterdir())) == 1


def test_a_folder_where_the_file_should_be_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "value.txt").mkdir()
    with pytest.raises(DatasetError, match="Is a directory"):
        TextDataset(filepath=str(tmp_path / "value.txt")).save("x")
    assert leftovers(tmp_path) == []


def test_failing_partition_keeps_old_partitions(tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path / "parts"), dataset="pickle.PickleDataset",
                            overwrite=True)
    ds.save({"a": 1, "b": 2})
    with pytest.raises(DatasetError):
        ds.save({"c": 3, "d": _FullDisk()})
    assert {k: f() for k, f in ds.load().items()} == {"a": 1, "b": 2}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("state", ["ready-beside-old", "ready-and-old-aside", "old-aside"])
def test_overwrite_interrupted_at_each_step_is_finished_by_the_next_load(
    tmp_path: Path, state: str
) -> None:
    """The switch of a local overwrite: stage -> ready -> old aside -> ready in place -> drop
    old. Each state a kill can leave is recognised and completed; old and new never mix."""
    root = tmp_path / "parts"
    writer = f"{_host_tag()}-{dead_pid()}"
    ready = tmp_path / f".parts.kedroipy-{writer}.ready"
    old = tmp_path / f".parts.kedroipy-{writer}.old"
    ready.mkdir()
    (ready / "new").write_text("n", encoding="utf-8")
    root.mkdir()
    (root / "old").write_text("o", encoding="utf-8")
    if state != "ready-beside-old":
        root.rename(old)
    if state == "old-aside":
        ready.rename(root)
    ds = PartitionedDataset(path=str(root), dataset="text.TextDataset", overwrite=True)
    assert {k: f() for k, f in ds.load().items()} == {"new": "n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts"]


def test_a_live_writers_switch_is_left_alone(tmp_path: Path) -> None:
    """A reader never finishes the switch of a writer still running (its own job)."""
    root = tmp_path / "parts"
    ready = tmp_path / f".parts.kedroipy-{_host_tag()}-{os.getppid()}.ready"
    ready.mkdir()
    (ready / "new").write_text("n", encoding="utf-8")
    root.mkdir()
    (root / "old").write_text("o", encoding="utf-8")
    ds = PartitionedDataset(path=str(root), dataset="text.TextDataset")
    assert {k: f() for k, f in ds.load().items()} == {"old": "o"}
    assert ready.is_dir()


class TestPartitionIds:
    BAD = ["../../esc", "../esc", "a/../../esc", "..", ".", "", "/abs/esc", "\\abs\\esc",
           "C:\\esc", "c:esc", "~/esc", "a//b", "a/./b", "a/", "a\x00b", "..\\esc"]

    @pytest.mark.parametrize("bad", BAD)
    def test_ids_that_leave_the_folder_are_refused(self, tmp_path: Path, bad: str) -> None:
        folder = tmp_path / "deep" / "parts"
        ds = PartitionedDataset(path=str(folder), dataset="text.TextDataset")
        with pytest.raises(DatasetError) as info:
            ds.save({"fine": "x", bad: "escaped"})
        assert str(info.value) == (
            f"PartitionedDataset '{folder}' cannot save partition {bad!r}: a partition id is a "
            "relative path inside the folder, so it may not be empty, absolute ('/...', "
            "'C:...', '~...'), contain '.' or '..' parts, empty parts ('a//b') or NUL "
            "characters. Use ids such as 'part_1' or '2024/01'."
        )
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert written == []  # nothing saved, inside or out

    @pytest.mark.parametrize("good", ["a", "2024/01", "x.y", "a b", "ünï", "a..b"])
    def test_ordinary_ids_round_trip(self, tmp_path: Path, good: str) -> None:
        ds = PartitionedDataset(path=str(tmp_path / "parts"), dataset="text.TextDataset",
                                filename_suffix=".txt")
        ds.save({good: "v"})
        assert {k: f() for k, f in ds.load().items()} == {good: "v"}


class TestVersionedPaths:
    @pytest.mark.parametrize("name", ["model[v1].pkl", "m*.pkl", "m?.pkl", "[abc].pkl",
                                      "a[!b].pkl", "[[x]].pkl"])
    def test_glob_characters_in_the_path_save_then_load(self, tmp_path: Path, name: str
                                                        ) -> None:
        folder = tmp_path / "[dir]"
        path = folder / name
        (folder / "mX.pkl").mkdir(parents=True)  # would match 'm?.pkl' as a pattern
        ds = PickleDataset(filepath=str(path), version=Version(None, None))
        ds.save({"n": 1})
        assert PickleDataset(filepath=str(path), version=Version(None, None)).load() == {"n": 1}
        assert len(ds.list_versions()) == 1

    @pytest.mark.parametrize("flag", ["false", "no", "False", "true", "yes", "", 1, 0, "off"])
    def test_versioned_must_be_a_boolean(self, tmp_path: Path, flag: Any) -> None:
        entry = {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "x.pkl"),
                 "versioned": flag}
        with pytest.raises(DatasetError) as info:
            DataCatalog.from_config({"model": entry})
        message = str(info.value)
        assert message.startswith(
            f"Catalog entry 'model': 'versioned' must be true or false, got "
            f"{type(flag).__name__} {flag!r}."
        )
        if isinstance(flag, str) and flag.lower() in ("false", "no", "off", ""):
            assert message.endswith("Write versioned: false, without quotes.")

    @pytest.mark.parametrize("flag", [True, False])
    def test_boolean_versioned_works(self, tmp_path: Path, flag: bool) -> None:
        path = tmp_path / "x.pkl"
        catalog = DataCatalog.from_config(
            {"model": {"type": "pickle.PickleDataset", "filepath": str(path), "versioned": flag}})
        catalog.save("model", 5)
        assert catalog.load("model") == 5
        assert path.is_dir() is flag


class TestSymlinks:
    @pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
    def test_save_goes_through_the_link(self, tmp_path: Path, relative: bool) -> None:
        real = tmp_path / "store" / "real.txt"
        real.parent.mkdir()
        real.write_text("old", encoding="utf-8")
        link = tmp_path / "data" / "link.txt"
        link.parent.mkdir()
        link.symlink_to(os.path.relpath(real, link.parent) if relative else real)
        TextDataset(filepath=str(link)).save("new")
        assert link.is_symlink()
        assert real.read_text(encoding="utf-8") == "new"
        assert TextDataset(filepath=str(link)).load() == "new"
        assert leftovers(tmp_path) == []

    def test_dangling_link_creates_its_target(self, tmp_path: Path) -> None:
        link = tmp_path / "link.txt"
        link.symlink_to(tmp_path / "target.txt")
        TextDataset(filepath=str(link)).save("made")
        assert link.is_symlink() and (tmp_path / "target.txt").read_text() == "made"

    def test_symlinked_partition_folder_is_overwritten_in_place(self, tmp_path: Path) -> None:
        real = tmp_path / "real_parts"
        link = tmp_path / "parts"
        ds = PartitionedDataset(path=str(real), dataset="text.TextDataset")
        ds.save({"a": "1"})
        link.symlink_to(real, target_is_directory=True)
        linked = PartitionedDataset(path=str(link), dataset="text.TextDataset", overwrite=True)
        linked.save({"b": "2"})
        assert link.is_symlink()
        assert {k: f() for k, f in linked.load().items()} == {"b": "2"}


class TestMemoryPeak:
    """``MemoryDataset``'s default copies: at most twice the data in memory (runaway family)."""

    SIZE = 20_000_000

    def peak_of_round_trip(self, data: Any) -> tuple[float, Any]:
        ds = MemoryDataset()
        tracemalloc.start()
        try:
            ds.save(data)
            loaded = ds.load()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return 1 + peak / self.SIZE, loaded

    def test_bytearray_is_copied_once_and_loads_are_isolated(self) -> None:
        data = bytearray(self.SIZE)
        peak, loaded = self.peak_of_round_trip(data)
        assert peak <= 2.05
        loaded[0] = 7
        assert data[0] == 0
        assert MemoryDataset(data=data).load()[0] == 0

    def test_numpy_array_is_copied_once(self) -> None:
        import numpy as np

        data = np.zeros(self.SIZE // 8)
        peak, loaded = self.peak_of_round_trip(data)
        assert peak <= 2.05
        loaded[0] = 7
        assert data[0] == 0

    def test_immutable_values_are_never_copied(self) -> None:
        data = bytes(self.SIZE)
        peak, loaded = self.peak_of_round_trip(data)
        assert peak <= 1.05 and loaded is data

    def test_other_values_keep_kedros_copies_both_ways(self) -> None:
        data = {"rows": [1, 2]}
        ds = MemoryDataset(data=data)
        data["rows"].append(3)  # a change after saving is not seen
        ds.load()["rows"].append(4)  # nor a change by one loader
        assert ds.load() == {"rows": [1, 2]}

    def test_explicit_copy_mode_copies_at_save_too(self) -> None:
        data = bytearray(b"abc")
        ds = MemoryDataset(data=data, copy_mode="copy")
        data[0] = ord("z")
        assert ds.load() == bytearray(b"abc")

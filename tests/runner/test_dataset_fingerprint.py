"""What a dataset holds, fingerprinted without trusting anything that cannot tell."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from kedro_ipy.io import MemoryDataset, Version
from kedro_ipy.io.datasets.text import TextDataset
from kedro_ipy.runner._dataset_fingerprint import dataset_fingerprint


def test_a_same_size_edit_within_the_clock_tick_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "rows.txt"
    path.write_text("1 2 3")
    before = dataset_fingerprint(TextDataset(filepath=str(path)))
    stat = path.stat()
    path.write_text("1 2 4")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    assert dataset_fingerprint(TextDataset(filepath=str(path))) != before


def test_touching_a_file_without_changing_it_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "rows.txt"
    path.write_text("1 2 3")
    before = dataset_fingerprint(TextDataset(filepath=str(path)))
    os.utime(path, ns=(1, 1))
    assert dataset_fingerprint(TextDataset(filepath=str(path))) == before


def test_folders_missing_files_and_versions(tmp_path: Path) -> None:
    missing = dataset_fingerprint(TextDataset(filepath=str(tmp_path / "none.txt")))
    versioned = TextDataset(filepath=str(tmp_path / "report.md"), version=Version(None, "v1"))
    versioned.save("first")
    first = dataset_fingerprint(versioned)
    newer = TextDataset(filepath=str(tmp_path / "report.md"), version=Version(None, "v2"))
    newer.save("first")  # the same text, but another version
    assert len({missing, first, dataset_fingerprint(newer)}) == 3
    pinned = TextDataset(filepath=str(tmp_path / "report.md"), version=Version("v1", None))
    assert dataset_fingerprint(pinned) == first


def test_memory_data_by_content_and_unhashable_data_as_unknown() -> None:
    assert dataset_fingerprint(MemoryDataset([1, 2])) == dataset_fingerprint(MemoryDataset([1, 2]))
    assert dataset_fingerprint(MemoryDataset([1, 2])) != dataset_fingerprint(MemoryDataset([1]))
    assert dataset_fingerprint(MemoryDataset(threading.Lock(), copy_mode="assign")) is None


def test_a_remote_file_without_a_checksum_or_time_is_unknown() -> None:
    class Remote:
        _protocol = "s3"
        _filepath = "bucket/rows.csv"

        class _fs:
            @staticmethod
            def info(path: str) -> dict:
                return {"size": 10}

    assert dataset_fingerprint(Remote()) is None

"""The output cache of only_changed runs: bounded, private, clearable."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from kedro_ipy.framework.session._incremental.cache import OutputCache


def test_values_come_back_from_a_new_cache_object(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache")
    assert cache.put("fp1", "rows", {"a": [1, 2]}) is None
    cache.flush()
    assert OutputCache(tmp_path / "cache").get("fp1", "rows") == (True, {"a": [1, 2]})
    assert OutputCache(tmp_path / "cache").get("fp2", "rows") == (False, None)


def test_a_cached_value_is_a_copy_the_caller_cannot_change(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache")
    value = [1, 2]
    cache.put("fp", "rows", value)
    value.append(3)
    _, cached = cache.get("fp", "rows")
    cached.append(4)
    assert cache.get("fp", "rows") == (True, [1, 2])


def test_the_folder_is_capped_least_recently_used_first(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache", max_bytes=2500, memory_bytes=0)
    for index in range(3):
        cache.put(f"fp{index}", "blob", b"x" * 1000)
        cache.flush()
    assert cache.get("fp0", "blob") == (False, None)
    assert cache.get("fp2", "blob")[0]
    assert cache.stats()["disk_bytes"] <= 2500


def test_memory_is_capped_too(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache", memory_bytes=2500)
    for index in range(5):
        cache.put(f"fp{index}", "blob", b"x" * 1000)
    assert cache.stats()["memory_bytes"] <= 2500


def test_clear_forgets_everything(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache")
    cache.put("fp", "rows", [1])
    cache.flush()
    assert cache.clear() == 1
    assert cache.get("fp", "rows") == (False, None)
    assert OutputCache(tmp_path / "cache").get("fp", "rows") == (False, None)


def test_an_unpicklable_value_is_reported_not_cached(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path / "cache")
    assert cache.put("fp", "gen", (x for x in [1])) == (
        "cannot pickle generator (cannot pickle 'generator' object)")
    assert cache.get("fp", "gen") == (False, None)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX")
@pytest.mark.parametrize("loosen", ["folder", "file"])
def test_pickles_others_could_write_are_never_loaded(tmp_path: Path, loosen: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "cache"
    cache = OutputCache(folder)
    cache.put("fp", "rows", [1])
    cache.flush()
    objects = folder / "objects"
    target = objects if loosen == "folder" else next(objects.glob("*.pkl"))
    target.chmod(0o777 if loosen == "folder" else 0o664)
    assert OutputCache(folder).get("fp", "rows") == (False, None)
    assert "Not using cached value" in caplog.text


def test_a_pickle_whose_bytes_changed_is_never_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cache = OutputCache(folder)
    cache.put("fp", "rows", [1])
    cache.flush()
    path = next((folder / "objects").glob("*.pkl"))
    path.write_bytes(pickle.dumps([2]))  # a valid pickle, but not the one written
    assert OutputCache(folder).get("fp", "rows") == (False, None)

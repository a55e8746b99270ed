"""Fingerprints of what a dataset holds right now, without loading it when that can be avoided.

Used twice by incremental runs: for a pipeline's raw inputs (did ``daily_sales.csv`` change
since the last run?) and for persisted outputs (does ``model.pkl`` still hold what the last run
saved?). In order of preference:

- a versioned dataset: the version a load would read (and its file's size and time);
- a local file or folder: size and modification time of each file, plus the bytes of files up
  to ``CONTENT_LIMIT`` (a same-size edit within the file system's clock tick is still seen);
- a remote file: what its filesystem reports (ETag, checksum, size, time);
- an in-memory dataset: a content hash of its value;
- anything else: a content hash of what it loads.

``None`` means "cannot tell": the caller re-runs.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Final

from kedro_ipy.runner._content_hash import UnhashableValueError, content_hash

__all__ = ["CONTENT_LIMIT", "dataset_fingerprint"]

#: Files up to this size are hashed by their bytes, on top of size and modification time.
CONTENT_LIMIT: Final = 32 * 1024 * 1024
_REMOTE_KEYS: Final = ("ETag", "etag", "md5", "md5Hash", "crc32c", "checksum", "size",
                       "LastModified", "mtime", "updated", "last_modified")


def dataset_fingerprint(dataset: Any) -> str | None:
    """A digest of what ``dataset`` holds now, or ``None`` if it cannot be told."""
    try:
        text = _describe_content(dataset)
    except Exception:  # any failure to look means "cannot tell", never "unchanged"
        return None
    if text is None:
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _describe_content(dataset: Any) -> str | None:
    from kedro_ipy.runner.resume import _is_ephemeral

    if _is_ephemeral(dataset):
        if not hasattr(dataset, "_data"):
            return _loaded(dataset)
        data = dataset._data
        if type(data).__name__ == "_Empty":
            return "memory:empty"
        return f"memory:{content_hash(data)}"
    version = getattr(dataset, "_version", None)
    if version is not None and hasattr(dataset, "resolve_load_version"):
        loaded = dataset.resolve_load_version()
        state = _path_state(dataset, str(dataset._get_load_path()))
        return None if state is None else f"version:{loaded}:{state}"
    path = _path_of(dataset)
    if path is not None:
        state = _path_state(dataset, path)
        return None if state is None else f"path:{state}"
    return _loaded(dataset)


def _loaded(dataset: Any) -> str | None:
    try:
        return f"content:{content_hash(dataset.load())}"
    except UnhashableValueError:
        return None


def _path_of(dataset: Any) -> str | None:
    for attribute in ("_filepath", "_path"):
        path = getattr(dataset, attribute, None)
        if path is not None:
            return str(path)
    return None


def _is_local(dataset: Any) -> bool:
    return getattr(dataset, "_protocol", "file") in ("file", "local", "")


def _path_state(dataset: Any, path: str) -> str | None:
    if not _is_local(dataset):
        return _remote_state(dataset, path)
    if os.path.isdir(path):
        entries = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                entries.append(f"{os.path.relpath(full, path)}={_file_state(full)}")
        return "dir[" + ";".join(entries) + "]"
    return _file_state(path)


def _file_state(path: str) -> str:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "missing"
    state = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
    if stat.st_size <= CONTENT_LIMIT:
        digest = hashlib.blake2b(digest_size=20)
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        state = f"{stat.st_size}:{digest.hexdigest()}"
    return state


def _remote_state(dataset: Any, path: str) -> str | None:
    filesystem = getattr(dataset, "_fs", None)
    if filesystem is None:
        return None
    to_fs = getattr(dataset, "_fs_path", None)
    info = filesystem.info(to_fs(path) if to_fs is not None else path)
    found = {key: str(info[key]) for key in _REMOTE_KEYS if key in info}
    if not any(key not in ("size",) for key in found):
        return None  # a size alone cannot tell an edit apart
    return repr(sorted(found.items()))

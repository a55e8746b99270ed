"""``PartitionedDataset``: a folder of files handled as one dataset, one file per partition."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError, get_protocol_and_path
from kedro_ipy.io.datasets._file import (
    _TEMP_MARK,
    _file_mode,
    _Filesystem,
    _host_tag,
    _writer_is_gone,
    public_args,
    remove_stale_temps,
    safe_url,
    sweep_each_folder_once,
    temp_prefix,
)
from kedro_ipy.redaction import collect_secrets
from kedro_ipy.redaction import register as register_secrets

__all__ = ["PartitionedDataset"]

#: After ``.<folder>.kedroipy-``: the writer and the step of its switch.
_SWITCH_STEP = re.compile(r"^(?P<host>[A-Za-z0-9_-]*)-(?P<pid>\d+)\.(?P<kind>ready|old)$")


class PartitionedDataset(_Filesystem, AbstractDataset):
    """Loads a folder as ``{partition_id: load_function}`` and saves a dict as one file each.

    Loading is lazy: each value is the partition's ``load`` method, so a node reads only the
    partitions it needs. When saving, a value may be a function returning the data, so
    partitions are produced one at a time.

    Args:
        path: The folder (local or fsspec URL).
        dataset: Type of each partition's dataset: a type string (``pandas.CSVDataset``), a
            class, or a config mapping with ``type`` and its arguments.
        filepath_arg: The partition dataset's argument that receives the file path.
        filename_suffix: Suffix of partition files (e.g. ``".csv"``), removed from the ids.
        credentials: Given to partition datasets that have no ``credentials`` of their own,
            and to the filesystem when listing.
        load_args: Passed to the listing call (``fsspec`` ``find``) for remote folders.
        fs_args: For the fsspec filesystem.
        overwrite: Replace the existing partitions by the ones saved (else they are added to).
        metadata: Free-form information; ignored here.

    A local save with ``overwrite=True`` never leaves old and new partitions mixed, even when
    the process is killed: the new partitions are written to a hidden sibling folder
    (``.<folder>.kedroipy-<host>-<pid>.<random>.tmp``), which is renamed to
    ``.<folder>.kedroipy-<host>-<pid>.ready`` once complete; then the old folder is moved
    aside (``...<pid>.old``), the ready one takes its place, and the old one is deleted.
    Whatever step a kill interrupts, the next load or save of the dataset finds these names
    of a writer that is gone, and finishes its switch (the new partitions were complete) or
    drops its unfinished staging folder (the old partitions are untouched). Remote folders
    (object stores have no atomic rename) are overwritten in place: new partitions first,
    then stale ones removed.
    """

    def __init__(
        self,
        *,
        path: str,
        dataset: str | type | dict[str, Any],
        filepath_arg: str = "filepath",
        filename_suffix: str = "",
        credentials: dict[str, Any] | None = None,
        load_args: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        overwrite: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        from kedro_ipy.io._types import resolve_type

        if not isinstance(path, (str, os.PathLike)) or not str(path):
            raise DatasetError(f"PartitionedDataset needs a folder 'path', got {path!r}.")
        config: dict[str, Any] = (
            dict(dataset) if isinstance(dataset, dict) else {"type": dataset}
        )
        if "type" not in config:
            raise DatasetError("PartitionedDataset 'dataset' config needs a 'type' key.")
        if config.pop("versioned", False):
            raise DatasetError(
                "PartitionedDataset does not support versioned partitions; "
                "remove 'versioned' from its 'dataset' config."
            )
        if filepath_arg in config:
            raise DatasetError(
                f"PartitionedDataset sets '{filepath_arg}' of each partition itself; "
                f"remove it from the 'dataset' config."
            )
        self._dataset_type = resolve_type(config.pop("type"), "partition dataset")
        self._dataset_config = config
        self._path = os.fspath(path).rstrip("/")
        self._protocol, self._root = get_protocol_and_path(self._path)
        self._filepath_arg = filepath_arg
        self._suffix = filename_suffix
        self._credentials = dict(credentials or {})
        register_secrets(collect_secrets(self._credentials))
        if self._credentials and "credentials" not in config:
            self._dataset_config["credentials"] = self._credentials
        self._load_args = dict(load_args or {})
        self._fs_args = dict(fs_args or {})
        self._overwrite = overwrite
        self.metadata = metadata
        self._fs_obj: Any = None

    def _list_files(self) -> list[str]:
        """Paths (relative to the folder, ``/``-separated) of every partition file."""
        found: list[str] = []
        if self._local:
            if not os.path.isdir(self._root):
                return []
            for folder, dirs, files in os.walk(self._root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.startswith(".") or not name.endswith(self._suffix):
                        continue
                    rel = os.path.relpath(os.path.join(folder, name), self._root)
                    found.append(rel.replace(os.sep, "/"))
        else:
            root = self._fs._strip_protocol(self._path).rstrip("/")
            if not self._fs.exists(root):
                return []
            for full in self._fs.find(root, **self._load_args):
                rel = str(full)[len(root) :].lstrip("/")
                if rel and rel.endswith(self._suffix):
                    found.append(rel)
        return sorted(found)

    def _partition_id(self, rel: str) -> str:
        return rel[: len(rel) - len(self._suffix)] if self._suffix else rel

    def _partition(self, partition_id: str, folder: str | None = None) -> AbstractDataset:
        filepath = f"{folder or self._path}/{partition_id}{self._suffix}"
        try:
            return self._dataset_type(**{**self._dataset_config, self._filepath_arg: filepath})
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"PartitionedDataset could not create partition '{partition_id}' as "
                f"{self._dataset_type.__qualname__}: {type(exc).__name__}: {exc}"
            ) from exc

    def _load(self) -> dict[str, Callable[[], Any]]:
        self._recover()
        partitions = {
            self._partition_id(rel): self._partition(self._partition_id(rel)).load
            for rel in self._list_files()
        }
        if not partitions:
            raise DatasetError(f"No partitions found in '{safe_url(self._path)}'.")
        return partitions

    def _save(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DatasetError(
                "PartitionedDataset saves a dict of partition id -> data (or a function "
                f"returning data), not {type(data).__name__}."
            )
        ids = {self._checked_id(partition_id): partition_id for partition_id in data}
        if self._local:
            self._recover()
            if self._overwrite:
                self._replace_folder(data, ids)
                return
        # Remotely, with ``overwrite``, old partitions go only once every new one is saved: a
        # save that fails half-way must not have deleted the data already there.
        stale = self._list_files() if self._overwrite else []
        with sweep_each_folder_once():
            for partition_id in sorted(ids):
                self._partition(partition_id).save(_value(data[ids[partition_id]]))
        if stale:
            written = {f"{partition_id}{self._suffix}" for partition_id in data}
            for rel in stale:
                if rel not in written:
                    self._remove(rel)

    def _checked_id(self, partition_id: Any) -> str:
        """``partition_id`` as text, refused unless it names a path inside the folder."""
        text = str(partition_id)
        parts = re.split(r"[\\/]", text)
        if (
            not text
            or "\x00" in text
            or text.startswith(("/", "\\", "~"))
            or re.match(r"^[A-Za-z]:", text)
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise DatasetError(
                f"PartitionedDataset '{safe_url(self._path)}' cannot save partition "
                f"{text!r}: a partition id is a relative path inside the folder, so it may not "
                "be empty, absolute ('/...', 'C:...', '~...'), contain '.' or '..' parts, empty "
                "parts ('a//b') or NUL characters. Use ids such as 'part_1' or '2024/01'."
            )
        return text

    # -- local overwrite: stage, then switch folders (see the class docstring) ---------------
    def _aside(self, kind: str, writer: str | None = None) -> str:
        """``.<folder>.kedroipy-<host>-<pid>.<kind>``: a switch step of one writer process."""
        root = self._real_root()
        writer = writer or f"{_host_tag()}-{os.getpid()}"
        name = f".{os.path.basename(root)}.{_TEMP_MARK}-{writer}.{kind}"
        return os.path.join(os.path.dirname(root), name)

    def _real_root(self) -> str:
        return os.path.realpath(self._root)  # a symlinked folder: switch the real one

    def _recover(self) -> None:
        """Finish or undo the local overwrites that killed processes left half-way.

        Only steps of writers that are gone are touched: a live writer (another process, or
        this one in another thread) is left to finish its own switch.
        """
        root = self._real_root()
        parent = os.path.dirname(root)
        prefix = f".{os.path.basename(root)}.{_TEMP_MARK}-"
        try:
            names = sorted(n for n in os.listdir(parent) if n.startswith(prefix))
        except OSError:
            return
        for name in names:
            step = _SWITCH_STEP.match(name[len(prefix):])
            if step is None or step["host"] != _host_tag() or not _writer_is_gone(
                int(step["pid"])
            ):
                continue
            writer = f"{step['host']}-{step['pid']}"
            ready, old = self._aside("ready", writer), self._aside("old", writer)
            if step["kind"] == "ready" and os.path.isdir(ready):
                # The dead writer's new partitions were complete: finish its switch.
                if os.path.isdir(root):
                    if os.path.isdir(old):
                        shutil.rmtree(old)
                    os.rename(root, old)
                os.rename(ready, root)
            if os.path.isdir(old):
                shutil.rmtree(old, ignore_errors=True)
        remove_stale_temps(parent)  # staging folders of killed saves (old data untouched)

    def _replace_folder(self, data: dict[Any, Any], ids: dict[str, Any]) -> None:
        root = self._real_root()
        parent = os.path.dirname(root)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(dir=parent, prefix=temp_prefix(root), suffix=".tmp")
        try:
            os.chmod(staging, _file_mode() | 0o111)  # what os.makedirs would give, not 0700
            with sweep_each_folder_once():
                for partition_id in sorted(ids):
                    self._partition(partition_id, folder=staging).save(
                        _value(data[ids[partition_id]])
                    )
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # the old partitions stay as they were
            raise
        ready, old = self._aside("ready"), self._aside("old")
        os.rename(staging, ready)  # from here on the new partitions win, even after a kill
        if os.path.isdir(root):
            os.rename(root, old)
        os.rename(ready, root)
        with contextlib.suppress(OSError):
            shutil.rmtree(old)

    def _remove(self, rel: str) -> None:
        if self._local:
            os.remove(os.path.join(self._root, rel))
        else:
            root = self._fs._strip_protocol(self._path).rstrip("/")
            self._fs.rm(f"{root}/{rel}")

    def _exists(self) -> bool:
        if self._local:
            self._recover()
        return bool(self._list_files())

    def _describe(self) -> dict[str, Any]:
        return {
            "path": safe_url(self._path),
            "dataset_type": self._dataset_type.__qualname__,
            "dataset_config": public_args(self._dataset_config) or None,
            "filename_suffix": self._suffix or None,
        }


def _value(value: Any) -> Any:
    """A partition's data: the value, or what the function given for it returns."""
    return value() if callable(value) else value


def __getattr__(name: str) -> Any:
    # ``partitions.IncrementalDataset`` lives in its own module, which builds on this one.
    if name == "IncrementalDataset":
        from kedro_ipy.io.datasets.incremental import IncrementalDataset

        return IncrementalDataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

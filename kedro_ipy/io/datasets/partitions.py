"""``PartitionedDataset``: a folder of files handled as one dataset, one file per partition."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError, get_protocol_and_path
from kedro_ipy.io.datasets._file import _Filesystem, public_args, safe_url

__all__ = ["PartitionedDataset"]


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
        overwrite: Delete existing partitions before saving new ones.
        metadata: Free-form information; ignored here.
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

    def _partition(self, partition_id: str) -> AbstractDataset:
        filepath = f"{self._path}/{partition_id}{self._suffix}"
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
        # With ``overwrite``, old partitions go only once every new one is saved: a save
        # that fails half-way must not have deleted the data already there.
        stale = self._list_files() if self._overwrite else []
        for partition_id in sorted(data):
            value = data[partition_id]
            if callable(value):
                value = value()
            self._partition(str(partition_id)).save(value)
        if stale:
            written = {f"{partition_id}{self._suffix}" for partition_id in data}
            for rel in stale:
                if rel not in written:
                    self._remove(rel)

    def _remove(self, rel: str) -> None:
        if self._local:
            os.remove(os.path.join(self._root, rel))
        else:
            root = self._fs._strip_protocol(self._path).rstrip("/")
            self._fs.rm(f"{root}/{rel}")

    def _exists(self) -> bool:
        return bool(self._list_files())

    def _describe(self) -> dict[str, Any]:
        return {
            "path": safe_url(self._path),
            "dataset_type": self._dataset_type.__qualname__,
            "dataset_config": public_args(self._dataset_config) or None,
            "filename_suffix": self._suffix or None,
        }

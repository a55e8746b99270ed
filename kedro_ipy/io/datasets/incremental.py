"""``IncrementalDataset``: a partitioned folder whose loads give only the partitions that are new
since the last *confirmed* load.

What "processed" means is kept in a checkpoint: the id of the last partition a run confirmed,
stored by default as text in ``<path>/CHECKPOINT``. A load returns the partitions whose id
sorts after the checkpoint (``comparison_func``, ``operator.gt`` by default, decides), already
loaded, not as functions. ``confirm()``, usually through a node's ``confirms=``, moves the
checkpoint to the last partition that load saw, so the next run skips them; a run that fails
before confirming sees the same partitions again.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError
from kedro_ipy.io.datasets.partitions import PartitionedDataset

__all__ = ["IncrementalDataset"]


class IncrementalDataset(PartitionedDataset):
    """Loads the partitions added since the checkpoint; ``confirm()`` moves the checkpoint.

    Args:
        path: The folder (local or fsspec URL).
        dataset: Type of each partition's dataset: a type string, a class, or a config
            mapping with ``type`` and its arguments.
        checkpoint: Where the checkpoint lives and how it compares: a mapping with any of
            ``type`` and its arguments (``text.TextDataset`` at ``<path>/CHECKPOINT`` by
            default), ``comparison_func`` (a function or its dotted path, called as
            ``func(partition_id, checkpoint)``; ``operator.gt`` by default) and
            ``force_checkpoint`` (use this value instead of the stored one; ``""`` loads
            everything). A plain string is taken as ``force_checkpoint``.
        filepath_arg: The partition dataset's argument that receives the file path.
        filename_suffix: Suffix of partition files, removed from the ids.
        credentials: Given to the partition and checkpoint datasets that have none of their
            own, and to the filesystem.
        load_args: Passed to the listing call for remote folders.
        fs_args: For the fsspec filesystem.
        metadata: Free-form information; ignored here.
    """

    DEFAULT_CHECKPOINT_TYPE = "text.TextDataset"
    DEFAULT_CHECKPOINT_FILENAME = "CHECKPOINT"

    def __init__(
        self,
        *,
        path: str,
        dataset: str | type | dict[str, Any],
        checkpoint: str | dict[str, Any] | None = None,
        filepath_arg: str = "filepath",
        filename_suffix: str = "",
        credentials: dict[str, Any] | None = None,
        load_args: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            path=path, dataset=dataset, filepath_arg=filepath_arg,
            filename_suffix=filename_suffix, credentials=credentials, load_args=load_args,
            fs_args=fs_args, metadata=metadata,
        )
        config = self._checkpoint_config_from(checkpoint)
        self._force = config.pop("force_checkpoint", None)
        self._has_force = self._force is not None
        self._comparison = self._comparison_from(
            config.pop("comparison_func", operator.gt)
        )
        self._checkpoint_path = str(config.get("filepath"))
        self._checkpoint = self._checkpoint_from(config)
        self._seen: list[str] | None = None  # partition files of the last load, until release

    # -- construction -------------------------------------------------------------------------
    def _checkpoint_config_from(self, checkpoint: Any) -> dict[str, Any]:
        if checkpoint is None:
            config: dict[str, Any] = {}
        elif isinstance(checkpoint, str):
            config = {"force_checkpoint": checkpoint}
        elif isinstance(checkpoint, dict):
            config = dict(checkpoint)
        else:
            raise DatasetError(
                "IncrementalDataset 'checkpoint' must be a mapping (type, filepath, "
                "comparison_func, force_checkpoint) or a string (the checkpoint to force), "
                f"not {type(checkpoint).__name__}."
            )
        if "versioned" in config:
            raise DatasetError(
                "'IncrementalDataset' does not support versioning of the checkpoint. Please "
                "remove 'versioned' key from the checkpoint definition."
            )
        config.setdefault("type", self.DEFAULT_CHECKPOINT_TYPE)
        config.setdefault("filepath", f"{self._path}/{self.DEFAULT_CHECKPOINT_FILENAME}")
        if self._credentials and "credentials" not in config:
            config["credentials"] = self._credentials
        return config

    @staticmethod
    def _comparison_from(value: Any) -> Callable[[str, str], bool]:
        if isinstance(value, str):
            from kedro_ipy.utils import load_obj

            try:
                value = load_obj(value)
            except (ImportError, AttributeError) as exc:
                raise DatasetError(
                    f"IncrementalDataset 'comparison_func' {value!r} cannot be imported: "
                    f"{exc}. Give a dotted path such as 'operator.ge'."
                ) from exc
        if not callable(value):
            raise DatasetError(
                "IncrementalDataset 'comparison_func' must be a function of (partition_id, "
                f"checkpoint) or its dotted path, not {value!r}."
            )
        return value

    @staticmethod
    def _checkpoint_from(config: dict[str, Any]) -> AbstractDataset:
        from kedro_ipy.io._types import resolve_type

        config = dict(config)
        cls = resolve_type(config.pop("type"), "checkpoint")
        try:
            dataset = cls(**config)
        except TypeError as exc:
            raise DatasetError(
                f"IncrementalDataset checkpoint of type {cls.__qualname__} cannot be created "
                f"from {sorted(config)}: {exc}"
            ) from exc
        return dataset

    # -- the checkpoint -----------------------------------------------------------------------
    def _read_checkpoint(self) -> str | None:
        if self._has_force:
            return str(self._force)
        if not self._checkpoint.exists():
            return None
        return str(self._checkpoint.load())

    def _checkpoint_rel(self) -> str | None:
        """The checkpoint file's path inside the folder, if it is there (never a partition)."""
        prefix = f"{self._path}/"
        if self._checkpoint_path.startswith(prefix):
            return self._checkpoint_path[len(prefix):]
        return None

    def _list_new(self) -> list[str]:
        """Partition files past the checkpoint, listed now."""
        if self._local:
            self._recover()
        checkpoint = self._read_checkpoint()
        skip = self._checkpoint_rel()
        return [
            rel for rel in self._list_files()
            if rel != skip and (
                checkpoint is None or self._comparison(self._partition_id(rel), checkpoint)
            )
        ]

    def _new_files(self) -> list[str]:
        """Partition files past the checkpoint as the last load saw them (until release):
        ``confirm()`` must mark what the node processed, not what arrived since."""
        if self._seen is None:
            self._seen = self._list_new()
        return self._seen

    # -- dataset API --------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        return {
            self._partition_id(rel): self._partition(self._partition_id(rel)).load()
            for rel in self._new_files()
        }

    def _save(self, data: dict[str, Any]) -> None:
        super()._save(data)
        self._seen = None

    def _exists(self) -> bool:
        return bool(self._seen if self._seen is not None else self._list_new())

    def _release(self) -> None:
        super()._release()
        self._seen = None

    def confirm(self) -> None:
        """Move the checkpoint to the last partition the last load returned (if any)."""
        files = self._new_files()
        if files:
            self._checkpoint.save(self._partition_id(files[-1]))

    def _describe(self) -> dict[str, Any]:
        return {
            **super()._describe(),
            "checkpoint": os.fspath(self._checkpoint_path),
        }

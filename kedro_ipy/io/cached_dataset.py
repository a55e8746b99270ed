"""``CachedDataset``: keep a copy of another dataset's data in memory after the first load/save."""

from __future__ import annotations

import logging
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError, Version
from kedro_ipy.io.memory_dataset import MemoryDataset, TCopyMode

__all__ = ["CachedDataset"]

logger = logging.getLogger(__name__)


class _BadWrappedDataset(DatasetError, ValueError):
    """``dataset`` is neither a dataset nor its config: a ``ValueError``, as in Kedro."""


class CachedDataset(AbstractDataset):
    """Wraps a dataset so repeated loads in one run read memory instead of the file.

    Args:
        dataset: The wrapped dataset, or its catalog config (a mapping with ``type``).
        version: Passed to the wrapped dataset when it is given as config; put
            ``versioned: true`` on the ``CachedDataset`` entry, not inside ``dataset``.
        copy_mode: Copy mode of the in-memory cache (see ``MemoryDataset``).
        metadata: Free-form information for plugins; ignored here.
    """

    _EPHEMERAL = True
    _SINGLE_PROCESS = True  # the cache cannot be shared with worker processes

    def __init__(
        self,
        dataset: AbstractDataset | dict[str, Any],
        version: Version | None = None,
        copy_mode: TCopyMode | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(dataset, dict):
            dataset = self._from_config(dataset, version)
        elif not isinstance(dataset, AbstractDataset) and not (
            callable(getattr(dataset, "load", None)) and callable(getattr(dataset, "save", None))
        ):
            raise _BadWrappedDataset(
                "The argument type of 'dataset' should be either a dict/YAML representation "
                "of the dataset, or the actual dataset object. Got "
                f"{type(dataset).__name__}: {dataset!r}."
            )
        self._dataset = dataset
        self._cache = MemoryDataset(copy_mode=copy_mode)
        self.metadata = metadata

    @staticmethod
    def _from_config(config: dict[str, Any], version: Version | None) -> AbstractDataset:
        from kedro_ipy.io._types import build_dataset

        if "versioned" in config:
            raise DatasetError(
                "Cached datasets should specify that they are versioned in the "
                "'CachedDataset', not in the wrapped dataset: put 'versioned: true' next to "
                "'type: CachedDataset', not inside 'dataset'."
            )
        config = dict(config)
        if version is not None:
            config["versioned"] = True
            return build_dataset("dataset", config, version.load, version.save)
        return build_dataset("dataset", config)

    def _load(self) -> Any:
        if self._cache.exists():
            return self._cache.load()
        data = self._dataset.load()
        self._cache.save(data)
        return data

    def _save(self, data: Any) -> None:
        self._dataset.save(data)
        self._cache.save(data)

    def _exists(self) -> bool:
        return self._cache.exists() or bool(self._dataset.exists())

    def _release(self) -> None:
        self._cache.release()
        self._dataset.release()

    def _describe(self) -> dict[str, Any]:
        return {"dataset": repr(self._dataset), "cache": repr(self._cache)}

    def __getstate__(self) -> dict[str, Any]:
        # A cache is per process: a copy sent to a worker starts empty.
        logger.warning("%s: clearing cache to pickle.", self)
        state = self.__dict__.copy()
        state["_cache"] = MemoryDataset(copy_mode=self._cache._copy_mode)
        return state

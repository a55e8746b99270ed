"""Fixtures for the runner tests: a recording hooks plugin, and datasets that remember."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl
from kedro_ipy.io import AbstractDataset, MemoryDataset


class RecordingHooks:
    """Records every node and dataset hook call as (hook name, arguments, pid, thread)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.where: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def _record(self, name: str, **kwargs: Any) -> None:
        with self._lock:
            self.calls.append((name, kwargs))
            self.where.append((os.getpid(), threading.current_thread().name))

    def names(self, node_name: str | None = None) -> list[str]:
        return [
            name
            for name, kwargs in self.calls
            if node_name is None or kwargs["node"].name == node_name
        ]

    def of(self, hook: str) -> list[dict[str, Any]]:
        return [kwargs for name, kwargs in self.calls if name == hook]

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id):
        self._record("before_node_run", node=node, catalog=catalog, inputs=inputs,
                     is_async=is_async, run_id=run_id)

    @hook_impl
    def after_node_run(self, node, catalog, inputs, outputs, is_async, run_id):
        self._record("after_node_run", node=node, catalog=catalog, inputs=inputs,
                     outputs=outputs, is_async=is_async, run_id=run_id)

    @hook_impl
    def on_node_error(self, error, node, catalog, inputs, is_async, run_id):
        self._record("on_node_error", error=error, node=node, catalog=catalog, inputs=inputs,
                     is_async=is_async, run_id=run_id)

    @hook_impl
    def before_dataset_loaded(self, dataset_name, node):
        self._record("before_dataset_loaded", dataset_name=dataset_name, node=node)

    @hook_impl
    def after_dataset_loaded(self, dataset_name, data, node):
        self._record("after_dataset_loaded", dataset_name=dataset_name, data=data, node=node)

    @hook_impl
    def before_dataset_saved(self, dataset_name, data, node):
        self._record("before_dataset_saved", dataset_name=dataset_name, data=data, node=node)

    @hook_impl
    def after_dataset_saved(self, dataset_name, data, node):
        self._record("after_dataset_saved", dataset_name=dataset_name, data=data, node=node)


class Disk(AbstractDataset):
    """A persisted dataset stand-in (not a MemoryDataset), keeping data in an attribute."""

    def __init__(self, data: Any = None) -> None:
        self.data = data
        self.saves: list[Any] = []

    def _load(self) -> Any:
        return self.data

    def _save(self, data: Any) -> None:
        self.data = data
        self.saves.append(data)

    def _exists(self) -> bool:
        return self.data is not None

    def _describe(self) -> dict[str, Any]:
        return {}


class RecordingMemoryDataset(MemoryDataset):
    """A MemoryDataset that appends its name to a shared log when released."""

    def __init__(self, name: str, log: list[str], data: Any = None) -> None:
        if data is None:
            super().__init__()
        else:
            super().__init__(data)
        self._name = name
        self._log = log

    def _release(self) -> None:
        self._log.append(self._name)
        super()._release()


@pytest.fixture
def recorder() -> RecordingHooks:
    return RecordingHooks()


@pytest.fixture
def hook_manager(recorder: RecordingHooks) -> Any:
    manager = _create_hook_manager()
    manager.register(recorder)
    return manager

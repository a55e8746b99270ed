"""An internal hooks plugin that writes a run's progress into its result as nodes finish.

It is registered on the session's hook manager for the duration of one run, so the record in
``session.store["runs"]`` is live: a panel polling it sees ``nodes_done`` grow. Which node
failed comes from the runner as data (``kedro_ipy.runner.runner.node_failure``); the hooks
seen here are the fallback for runners written for Kedro, which attach nothing.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.session.result import RunResult


class RunRecorder:
    """Collects finished nodes, their durations and the failing node of one run.

    Args:
        result: the run's result, updated in place (under ``lock``).
        record: the run's record in the store, kept in step with ``result``.
        lock: the session's store lock; runners may call hooks from several threads.
    """

    def __init__(self, result: RunResult, record: dict[str, Any],
                 lock: threading.RLock) -> None:
        self._result = result
        self._record = record
        self._lock = lock
        self._failed_node: str | None = None
        self._started: dict[str, float] = {}

    @property
    def failed_node(self) -> str | None:
        """The node ``on_node_error`` named, else the only node in progress (an input failed
        to load, or the user interrupted it); ``None`` when it cannot be told."""
        with self._lock:
            if self._failed_node is not None:
                return self._failed_node
            return next(iter(self._started)) if len(self._started) == 1 else None

    def _start(self, node: Any) -> None:
        with self._lock:
            if node is not None:
                self._started.setdefault(node.name, time.perf_counter())

    @hook_impl
    def before_dataset_loaded(self, node: Any) -> None:
        self._start(node)

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._start(node)

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        now = time.perf_counter()
        with self._lock:
            started = self._started.pop(node.name, None)
            self._result.nodes_done.append(node.name)
            self._record["nodes_done"].append(node.name)
            if started is not None:
                took = round(now - started, 6)
                self._result.node_durations[node.name] = took
                self._record["node_durations"][node.name] = took

    @hook_impl
    def on_node_error(self, node: Any) -> None:
        with self._lock:
            if self._failed_node is None:
                self._failed_node = node.name

"""An internal hooks plugin that writes a run's progress into its record as nodes finish.

It is registered on the session's hook manager for the duration of one run, so the record in
``session.store["runs"]`` is live: a panel polling it sees ``nodes_done`` grow.
"""

from __future__ import annotations

import threading
from typing import Any

from kedro_ipy.framework.hooks import hook_impl


class RunRecorder:
    """Collects finished node names and the failing node of one run.

    Args:
        record: the run's record, updated in place (under ``lock``).
        lock: the session's store lock; runners may call hooks from several threads.
    """

    def __init__(self, record: dict[str, Any], lock: threading.RLock) -> None:
        self._record = record
        self._lock = lock
        self.failed_node: str | None = None

    @property
    def done(self) -> list[str]:
        with self._lock:
            return list(self._record["nodes_done"])

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        with self._lock:
            self._record["nodes_done"].append(node.name)

    @hook_impl
    def on_node_error(self, node: Any) -> None:
        with self._lock:
            if self.failed_node is None:
                self.failed_node = node.name

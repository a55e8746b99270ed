"""An internal hooks plugin that writes a run's progress into its record as nodes finish.

It is registered on the session's hook manager for the duration of one run, so the record in
``session.store["runs"]`` is live: a panel polling it sees ``nodes_done`` grow.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from kedro_ipy.framework.hooks import hook_impl

#: The note the runner adds to a node's exception (Python 3.11+).
_NOTE = re.compile(r"kedro_ipy: node '([^']+)' failed")


class RunRecorder:
    """Collects finished node names and the failing node of one run.

    Args:
        record: the run's record, updated in place (under ``lock``).
        lock: the session's store lock; runners may call hooks from several threads.
    """

    def __init__(self, record: dict[str, Any], lock: threading.RLock) -> None:
        self._record = record
        self._lock = lock
        self._failed_node: str | None = None
        self._in_progress: list[str] = []

    @property
    def done(self) -> list[str]:
        with self._lock:
            return list(self._record["nodes_done"])

    def failed_node(self, error: BaseException) -> str | None:
        """The node that failed: the one ``on_node_error`` named; when loading an input failed
        (no ``on_node_error``), the runner's note on the error, or the only node in progress."""
        with self._lock:
            if self._failed_node is not None:
                return self._failed_node
            for note in getattr(error, "__notes__", None) or ():
                match = _NOTE.match(str(note))
                if match:
                    return match.group(1)
            return self._in_progress[0] if len(self._in_progress) == 1 else None

    def undo_done(self, name: str | None) -> None:
        """Take the failed node ``name`` out of ``nodes_done``.

        ``after_node_run`` fires before a node's outputs are saved (as in Kedro), so a node
        whose save (or a later ``after_node_run`` hook) failed was counted as done; left
        there, the resume suggestion would skip it and the outputs it never saved.
        """
        with self._lock:
            done = self._record["nodes_done"]
            if name is not None and name in done:
                done.remove(name)

    def _start(self, node: Any) -> None:
        with self._lock:
            if node is not None and node.name not in self._in_progress:
                self._in_progress.append(node.name)

    @hook_impl
    def before_dataset_loaded(self, node: Any) -> None:
        self._start(node)

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._start(node)

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        with self._lock:
            self._record["nodes_done"].append(node.name)
            if node.name in self._in_progress:
                self._in_progress.remove(node.name)

    @hook_impl
    def on_node_error(self, node: Any) -> None:
        with self._lock:
            if self._failed_node is None:
                self._failed_node = node.name

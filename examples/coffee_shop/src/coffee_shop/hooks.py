"""A small hook that times every node, to show how project hooks plug into a run."""

from __future__ import annotations

import logging
import time
from typing import Any

from kedro_ipy.framework.hooks import hook_impl

logger = logging.getLogger(__name__)


class NodeTimingHook:
    """Logs how long each node took and keeps the last run's timings in ``timings``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._started: dict[str, float] = {}

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        self.timings = {}

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        started = self._started.pop(node.name, None)
        if started is not None:
            self.timings[node.name] = time.perf_counter() - started
            logger.debug("Node %s took %.4f s", node.name, self.timings[node.name])

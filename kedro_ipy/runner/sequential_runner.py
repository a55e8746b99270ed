"""``SequentialRunner``: one node after the other, in the calling thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kedro_ipy.runner.runner import AbstractRunner

if TYPE_CHECKING:
    from kedro_ipy.runner._plan import _Plan

__all__ = ["SequentialRunner"]


class SequentialRunner(AbstractRunner):
    """Runs nodes one at a time in topological order: the simplest to debug, and the default.

    Args:
        is_async: Load each node's inputs and save its outputs concurrently in threads.

    Example:
        >>> outputs = SequentialRunner().run(pipeline, catalog)
    """

    def _workers(self, plan: _Plan) -> int:
        return 1

    def _get_executor(self, max_workers: int) -> None:
        return None  # Kedro's answer for "run in this thread, one node at a time"

"""``ThreadRunner``: independent nodes run at the same time in threads of this process.

Threads help when nodes wait (on files, networks, databases, or C code releasing the GIL);
pure-Python CPU-bound nodes want ``ParallelRunner``. The whole node (loads, hooks, function,
saves) runs in a worker thread, so hooks may be called from several threads at once.

A pipeline in which no two nodes can ever run at the same time (a chain) gains nothing from a
pool, so it runs in the calling thread, like ``SequentialRunner``.
"""

from __future__ import annotations

import threading
import warnings
from queue import SimpleQueue
from typing import TYPE_CHECKING

from kedro_ipy.runner.runner import AbstractRunner

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from kedro_ipy.runner._plan import _Plan
    from kedro_ipy.runner.runner import _RunContext

__all__ = ["ThreadRunner"]


def _check_max_workers(max_workers: int | None) -> int | None:
    if max_workers is not None and (not isinstance(max_workers, int) or max_workers <= 0):
        raise ValueError(
            f"max_workers should be positive: got {max_workers!r}; pass a positive integer, "
            "or None for one worker per CPU."
        )
    return max_workers


class ThreadRunner(AbstractRunner):
    """Runs nodes whose inputs are ready concurrently, in a pool of threads.

    Args:
        max_workers: The most threads to use; by default the number of CPUs. Never more than
            the pipeline can use (the most nodes that can run at the same time).
        is_async: Not supported (nodes already run in threads); ``True`` warns and is ignored,
            as in Kedro.

    Raises:
        ValueError: ``max_workers`` is not a positive integer.
    """

    def __init__(self, max_workers: int | None = None, is_async: bool = False) -> None:
        if is_async:
            warnings.warn(
                # Kedro's sentence, which code written for Kedro may filter warnings on
                "'ThreadRunner' doesn't support loading and saving the node inputs and "
                "outputs asynchronously with threads. Setting 'is_async' to False.",
                UserWarning,
                stacklevel=2,
            )
        super().__init__(is_async=False)
        # resolved now, as Kedro does: one per CPU by default (61 at most on Windows)
        self._max_workers = self._validate_max_workers(max_workers)

    def __repr__(self) -> str:
        return f"ThreadRunner(max_workers={self._max_workers!r})"

    def _log_io_mode(self) -> None:
        return None  # threads already overlap I/O; there is no mode to report (as in Kedro)

    def _workers(self, plan: _Plan) -> int:
        return max(1, min(self._max_workers, plan.width))

    def _get_executor(self, max_workers: int) -> Executor:
        """A thread pool of ``max_workers`` (Kedro's hook; this runner schedules its own)."""
        from concurrent.futures import ThreadPoolExecutor

        return ThreadPoolExecutor(max_workers=max_workers)

    def _create_pool(self, context: _RunContext, workers: int) -> _ThreadPool:
        return _ThreadPool(context, workers)


class _ThreadPool:
    """Worker threads fed through one queue and reporting through another.

    Two ``SimpleQueue`` hand-offs per node are cheaper than futures and ``wait()``, which
    matters on long chains of small nodes.
    """

    def __init__(self, context: _RunContext, workers: int) -> None:
        self._context = context
        self._todo: SimpleQueue[int | None] = SimpleQueue()
        self._done: SimpleQueue[tuple[int, BaseException | None]] = SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"kedro_ipy-runner-{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        todo, done, run_node = self._todo, self._done, self._context.run_node
        while True:
            index = todo.get()
            if index is None:
                return
            try:
                run_node(index)
            except BaseException as exc:  # reported to the scheduler, which re-raises it
                done.put((index, exc))
            else:
                done.put((index, None))

    def start(self, index: int) -> None:
        self._todo.put(index)

    def wait_one(self) -> tuple[int, BaseException | None]:
        return self._done.get()

    def wake(self) -> None:
        self._done.put((-1, None))

    def close(self, wait: bool = True) -> None:
        for _ in self._threads:
            self._todo.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

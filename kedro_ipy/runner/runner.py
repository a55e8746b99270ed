"""``AbstractRunner``: the algorithm every runner shares.

A run goes: plan the pipeline once (``_Plan``), check that the catalog has every input the
pipeline does not produce (all missing ones reported together), copy the catalog and give every
unregistered dataset a ``MemoryDataset`` in the copy, run the nodes, and return the values of
the outputs no registered dataset kept. The subclasses only decide *where* a node runs: in the
calling thread (``SequentialRunner``), in a thread pool (``ThreadRunner``) or in worker
processes (``ParallelRunner``); the scheduling, the releases, the hooks and the failure report
live here.

Datasets are released as soon as the last node reading them finished, so memory stays flat
along a long chain of in-memory datasets. The pipeline's own inputs and outputs are never
released: the first belong to the caller, the second are the result.
"""

from __future__ import annotations

import logging
import sys
from abc import ABC, abstractmethod
from collections import deque
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.io import MemoryDataset
from kedro_ipy.runner._hooks import _NullHookManager, _RunHooks
from kedro_ipy.runner._missing_outputs import (  # noqa: F401  (Kedro's private names)
    _is_dataset_ephemeral_or_missing,
    _is_persistent_dataset_missing,
)
from kedro_ipy.runner._plan import _Plan
from kedro_ipy.runner.node_logs import NodeLogs
from kedro_ipy.runner.resume import find_nodes_to_resume_from, format_from_nodes
from kedro_ipy.runner.task import _run_node
from kedro_ipy.utils import close_matches

if TYPE_CHECKING:
    from collections.abc import Iterable
    from concurrent.futures import Executor, Future
    from queue import SimpleQueue

    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = ["AbstractRunner", "MissingInputsError", "NodeFailure", "RunnerError", "node_failure"]

logger = logging.getLogger("kedro_ipy.runner")

#: Windows' process pools refuse more than 61 workers; the default is capped there (as Kedro does).
_MAX_WINDOWS_WORKERS = 61


def _default_workers() -> int:
    """How many workers to use when the user did not say: one per CPU (61 at most on
    Windows)."""
    import os

    count = os.cpu_count() or 1
    if sys.platform == "win32":
        count = min(count, _MAX_WINDOWS_WORKERS)
    return count


class RunnerError(KedroIpyError):
    """Raised by a runner when a pipeline cannot be run as asked (as opposed to a node failing,
    whose own exception is re-raised unchanged)."""


class MissingInputsError(RunnerError, ValueError):
    """Raised before anything runs when the catalog lacks inputs the pipeline does not produce.

    It is also a ``ValueError``, which is what Kedro raises in this case.

    Attributes:
        missing: The missing dataset names, in the pipeline's order.
    """

    def __init__(self, missing: list[str], available: list[str]) -> None:
        self.missing = missing
        self._available = available
        lines = []
        for name in missing:
            matches = close_matches(name, available)
            hint = f" (did you mean {' or '.join(repr(m) for m in matches)}?)" if matches else ""
            lines.append(f"  - '{name}'{hint}")
        noun = "input is" if len(missing) == 1 else "inputs are"
        names = "{" + ", ".join(repr(name) for name in missing) + "}"
        super().__init__(
            # Kedro's sentence first: code written for Kedro matches on it
            f"Pipeline input(s) {names} not found in the DataCatalog. "
            f"{len(missing)} pipeline {noun} not in the catalog, so nothing was run:\n"
            + "\n".join(lines)
            + "\nRegister them in the catalog configuration (conf/base/catalog.yml), add "
            "parameters to parameters.yml, or feed values with catalog.add_feed_dict()."
        )

    def __reduce__(self) -> tuple[Any, ...]:  # picklable despite the two-argument constructor
        return (type(self), (self.missing, self._available))


class NodeFailure:
    """What a runner knows when a node fails, kept on the node's exception as data.

    Callers (the session) read it with :func:`node_failure` instead of parsing the note.

    Attributes:
        node: the node that failed.
        done: the nodes whose outputs were all saved before the failure, in order.
        resume_from: the nodes to restart from without recomputing persisted data (empty
            when nothing finished or it could not be worked out).
        note: the note added to the exception for scripts (front doors that give their own
            resume hint leave it out when they show the exception).
    """

    __slots__ = ("done", "node", "note", "resume_from")

    def __init__(self, node: str, done: list[str], resume_from: list[str],
                 note: str = "") -> None:
        self.node = node
        self.done = done
        self.resume_from = resume_from
        self.note = note

    def __repr__(self) -> str:
        return f"NodeFailure(node={self.node!r}, done={len(self.done)}, resume={self.resume_from})"


def node_failure(exc: BaseException) -> NodeFailure | None:
    """The :class:`NodeFailure` a runner attached to ``exc``, if any."""
    failure = getattr(exc, "_kedro_ipy_failure", None)
    return failure if isinstance(failure, NodeFailure) else None


def _find_all_nodes_for_resumed_pipeline(
    pipeline: Pipeline, unfinished_nodes: Iterable[Node], catalog: DataCatalog
) -> set[Node]:
    """Every node a resumed run must execute, given the nodes that did not finish (Kedro's
    private helper, under its name and signature for code and tests that call it)."""
    from kedro_ipy.runner.resume import _resume_plan

    unfinished = {node.name for node in unfinished_nodes}
    done = [node.name for node in pipeline.nodes if node.name not in unfinished]
    nodes, to_run, _ = _resume_plan(pipeline, done, catalog)
    return {nodes[index] for index in to_run}


def _find_nodes_to_resume_from(
    pipeline: Pipeline, unfinished_nodes: Iterable[Node], catalog: DataCatalog
) -> set[str]:
    """``find_nodes_to_resume_from`` taking the unfinished nodes, as Kedro's private helper
    does."""
    unfinished = {node.name for node in unfinished_nodes}
    done = [node.name for node in pipeline.nodes if node.name not in unfinished]
    return set(find_nodes_to_resume_from(pipeline, done, catalog))


def _defined_outside_us(method: Any) -> bool:
    """Whether a runner method comes from a subclass written outside kedro_ipy's runners."""
    return not getattr(method, "__module__", "").startswith("kedro_ipy.runner")


def _null_if_none(hook_manager: Any) -> Any:
    """Kedro hands ``_run`` a do-nothing manager rather than ``None``."""
    return hook_manager if hook_manager is not None else _NullHookManager()


class _Pool(Protocol):
    """Where a scheduled runner's nodes execute: start some, then collect them as they end."""

    def start(self, index: int) -> None:
        """Begin running node ``index``; may raise if it cannot even be started."""

    def wait_one(self) -> tuple[int, BaseException | None]:
        """Block until a started node has finished (outputs saved) and say how it went."""

    def close(self, wait: bool = True) -> None:
        """Release the workers. ``wait=False`` abandons nodes still running (after an
        interrupt): worker processes are terminated, worker threads left to finish alone."""


class _RunContext:
    """Everything a node execution needs, bundled once per run for the pools."""

    __slots__ = ("catalog", "hooks", "is_async", "plan", "run_id")

    def __init__(
        self,
        plan: _Plan,
        catalog: DataCatalog,
        hooks: _RunHooks,
        is_async: bool,
        run_id: str | None,
    ) -> None:
        self.plan = plan
        self.catalog = catalog
        self.hooks = hooks
        self.is_async = is_async
        self.run_id = run_id

    def run_node(self, index: int) -> None:
        """Run node ``index`` entirely in the calling thread."""
        plan = self.plan
        node = plan.nodes[index]
        _run_node(node, plan.inputs[index], self.catalog, self.hooks, self.is_async, self.run_id)
        for name in node.confirms:
            self.catalog.confirm(name)


_T = TypeVar("_T")


def _put_done(queue: SimpleQueue[tuple[int, Future[_T]]], index: int, future: Future[_T]) -> None:
    """A done-callback (bound with ``partial``): hand node ``index``'s future to the scheduler."""
    queue.put((index, future))


class _ExecutorPool:
    """Runs whole nodes on an executor a Kedro-style subclass supplied (``_get_executor``)."""

    def __init__(self, context: _RunContext, executor: Executor) -> None:
        from queue import SimpleQueue

        self._context = context
        self._executor = executor
        self._done: SimpleQueue[tuple[int, Future[None]]] = SimpleQueue()

    def start(self, index: int) -> None:
        future = self._executor.submit(self._context.run_node, index)
        future.add_done_callback(partial(_put_done, self._done, index))

    def wait_one(self) -> tuple[int, BaseException | None]:
        index, future = self._done.get()
        return index, future.exception()

    def close(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


class AbstractRunner(ABC):
    """Runs a ``Pipeline`` against a ``DataCatalog``; subclasses choose where nodes execute.

    Args:
        is_async: Load each node's inputs and save its outputs concurrently in threads (useful
            when a node touches several slow datasets).
    """

    #: What each node of the last run printed and logged (see :mod:`kedro_ipy.runner.node_logs`).
    node_logs: NodeLogs | None = None

    def __init__(self, is_async: bool = False) -> None:
        self._is_async = is_async

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @property
    def _logger(self) -> logging.Logger:
        """The logger runs report to (Kedro's attribute name, kept for code that reads it).

        A subclass written outside kedro_ipy logs under its own module's name, as in Kedro.
        """
        module = type(self).__module__
        return logger if module.startswith("kedro_ipy.runner") else logging.getLogger(module)

    def _filter_pipeline_for_missing_outputs(
        self, pipeline: Pipeline, catalog: DataCatalog
    ) -> Pipeline:
        """The part of ``pipeline`` that ``only_missing_outputs=True`` runs (Kedro's hook point
        for runners that want another rule)."""
        from kedro_ipy.runner._missing_outputs import _only_missing_outputs

        return _only_missing_outputs(pipeline, catalog)

    def run(
        self,
        pipeline: Pipeline,
        catalog: DataCatalog,
        hook_manager: Any = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
    ) -> dict[str, Any]:
        """Run every node of ``pipeline`` and return the outputs nothing else keeps.

        The caller's catalog is not modified: the run works on ``catalog.shallow_copy()`` in
        which each dataset the catalog does not register is a ``MemoryDataset``.

        Args:
            pipeline: The pipeline to run.
            catalog: Where inputs are loaded from and outputs saved to.
            hook_manager: A pluggy manager (or any object with its ``.hook.<name>(**kwargs)``
                interface) whose node and dataset hooks are called; ``None`` for no hooks.
            run_id: An id passed to the node hooks.
            only_missing_outputs: Skip nodes whose persisted outputs already exist (and which
                no running node needs in-memory data from), as Kedro 1.x does.

        Returns:
            Dataset name -> value, for each pipeline output the catalog does not register.

        Raises:
            MissingInputsError: Inputs the pipeline does not produce are not in the catalog
                (all of them are listed; nothing has run).
            Exception: A node's own exception, unchanged, after ``on_node_error``; its message
                gains a note naming the node and where to resume from.
        """
        if only_missing_outputs:
            pipeline = self._filter_pipeline_for_missing_outputs(pipeline, catalog)
        plan = _Plan(pipeline)
        missing = [name for name in plan.free_inputs if name not in catalog]
        if missing:
            raise MissingInputsError(missing, list(catalog.keys()))
        self._validate(plan, catalog)

        run_catalog = catalog.shallow_copy()
        free_outputs = []
        pipeline_outputs = set(plan.pipeline_outputs)
        for name in plan.datasets:
            if name not in catalog:
                run_catalog.add(name, MemoryDataset())
                if name in pipeline_outputs:
                    free_outputs.append(name)

        self.node_logs = NodeLogs()
        hooks = _RunHooks(hook_manager, self.node_logs)
        context = _RunContext(plan, run_catalog, hooks, self._is_async, run_id)
        start = perf_counter()
        if logger.isEnabledFor(logging.INFO):
            logger.info("Running %d nodes with %s", len(plan.nodes), type(self).__name__)
            self._log_io_mode()
        if type(self)._run is AbstractRunner._run:
            with self.node_logs.listening():
                self._execute(pipeline, context)
        else:  # a runner written for Kedro, overriding its `_run`; it may skip nodes (a dry run)
            self._run(pipeline, run_catalog, _null_if_none(hook_manager), run_id)
            free_outputs = [name for name in free_outputs if run_catalog.exists(name)]
        if logger.isEnabledFor(logging.INFO):
            logger.info(  # Kedro's sentence first: log readers written for Kedro find it
                "Pipeline execution completed successfully in %.1f sec. Ran %d nodes.",
                perf_counter() - start, len(plan.nodes),
            )
        return {name: run_catalog.load(name) for name in free_outputs}

    # -- what subclasses may change ---------------------------------------------------------

    def _log_io_mode(self) -> None:
        """Say whether loads and saves run concurrently (the sentences Kedro logs)."""
        if self._is_async:
            logger.info("Asynchronous mode is enabled for loading and saving data.")
        else:
            logger.info(
                "Using synchronous mode for loading and saving data. Pass is_async=True to "
                "the runner to load and save each node's datasets concurrently."
            )

    def _validate(self, plan: _Plan, catalog: DataCatalog) -> None:
        """Refuse a run before it starts (``ParallelRunner`` checks what it must pickle)."""
        return None

    def _workers(self, plan: _Plan) -> int:
        """How many nodes may run at once; 1 runs them one after the other in this thread."""
        return 1

    def _create_pool(self, context: _RunContext, workers: int) -> _Pool:
        """Where nodes execute when more than one may run at once."""
        raise NotImplementedError

    # -- Kedro's extension points, for runners written against Kedro's AbstractRunner --------

    @abstractmethod
    def _get_executor(self, max_workers: int) -> Executor | None:
        """Kedro's hook: the executor nodes run in, or ``None`` to run them one by one here.

        The built-in runners answer it for compatibility but schedule nodes themselves; a
        subclass defined outside kedro_ipy that overrides it has its executor used.
        """

    def _get_required_workers_count(self, pipeline: Pipeline) -> int:
        """The most nodes of ``pipeline`` this runner would run at once (Kedro's name)."""
        return self._workers(_Plan(pipeline))

    @classmethod
    def _validate_max_workers(cls, max_workers: int | None) -> int:
        """``max_workers`` checked, or the default (one per CPU, at most 61 on Windows)."""
        from kedro_ipy.runner.thread_runner import _check_max_workers

        return _check_max_workers(max_workers) or _default_workers()

    def _run(
        self,
        pipeline: Pipeline,
        catalog: DataCatalog,
        hook_manager: Any = None,
        run_id: str | None = None,
    ) -> None:
        """Run every node of ``pipeline`` against ``catalog`` (Kedro's signature).

        ``run()`` calls it only when a subclass overrides it, as runners written for Kedro
        do; their ``super()._run(...)`` lands here and runs the nodes as usual. Inputs are
        not checked again and no MemoryDataset is added: ``run()`` did both.
        """
        context = _RunContext(
            _Plan(pipeline), catalog, _RunHooks(hook_manager), self._is_async, run_id
        )
        self._execute(pipeline, context)

    # -- the algorithm -----------------------------------------------------------------------

    def _execute(self, pipeline: Pipeline, context: _RunContext) -> None:
        if _defined_outside_us(type(self)._get_executor):
            executor = self._get_executor(self._get_required_workers_count(pipeline))
            if executor is None:
                self._run_in_order(pipeline, context)
            else:  # submit every ready node: the executor decides how many run at once
                workers = max(1, context.plan.width)
                self._run_scheduled(
                    pipeline, context, workers, _ExecutorPool(context, executor)
                )
            return
        workers = self._workers(context.plan)
        if workers <= 1:
            self._run_in_order(pipeline, context)
        else:
            self._run_scheduled(pipeline, context, workers)

    def _run_in_order(self, pipeline: Pipeline, context: _RunContext) -> None:
        """One node at a time, in the pipeline's topological order, in this thread."""
        plan = context.plan
        nodes, inputs, outputs = plan.nodes, plan.inputs, plan.outputs
        catalog, hooks, is_async, run_id = (
            context.catalog, context.hooks, context.is_async, context.run_id,
        )
        releasable = plan.releasable
        counts = dict(plan.load_counts)
        release = catalog.release
        total = len(nodes)
        run_node = _run_node
        info = logger.isEnabledFor(logging.INFO)  # asked once per run, not per node
        async_pool = None
        if is_async:
            from concurrent.futures import ThreadPoolExecutor

            from kedro_ipy.runner.task import _run_node_async

            async_pool = ThreadPoolExecutor(thread_name_prefix="kedro_ipy-io")
        try:
            for index in range(total):
                node = nodes[index]
                if info:
                    logger.info("Running node %s (%d/%d)", node.name, index + 1, total)
                try:
                    if async_pool is None:
                        run_node(node, inputs[index], catalog, hooks, False, run_id)
                    else:
                        _run_node_async(node, inputs[index], catalog, hooks, run_id, async_pool)
                    for name in node.confirms:
                        catalog.confirm(name)
                except Exception as exc:
                    self._report_failure(pipeline, context, node, exc, nodes[:index])
                    raise
                if info:  # Kedro's two progress lines
                    logger.info("Completed node: %s", node.name)
                    logger.info("Completed %d out of %d tasks", index + 1, total)
                for name in inputs[index]:
                    left = counts[name] - 1
                    counts[name] = left
                    if not left and name in releasable:
                        release(name)
                for name in outputs[index]:
                    if name in releasable and name not in counts:
                        release(name)  # a transcoded twin is read instead; this copy is unused
        finally:
            if async_pool is not None:
                async_pool.shutdown()

    def _run_scheduled(
        self,
        pipeline: Pipeline,
        context: _RunContext,
        workers: int,
        pool: _Pool | None = None,
    ) -> None:
        """Up to ``workers`` nodes at a time, each started as soon as its parents finished."""
        plan = context.plan
        nodes, inputs, outputs, children = plan.nodes, plan.inputs, plan.outputs, plan.children
        catalog = context.catalog
        releasable = plan.releasable
        counts = dict(plan.load_counts)
        waiting = list(plan.parent_counts)
        ready = deque(index for index, count in enumerate(waiting) if not count)
        total = len(nodes)
        done: list[Node] = []
        running = started = 0
        failure: tuple[Node, BaseException] | None = None

        info = logger.isEnabledFor(logging.INFO)
        if pool is None:
            pool = self._create_pool(context, workers)
        try:  # failures of nodes are collected in `failure`; only interrupts escape the loop
            while True:
                while ready and running < workers and failure is None:
                    index = ready.popleft()
                    started += 1
                    if info:
                        logger.info("Running node %s (%d/%d)", nodes[index].name, started, total)
                    try:
                        pool.start(index)
                    except Exception as exc:
                        failure = (nodes[index], exc)
                        break
                    running += 1
                if not running:
                    break
                index, error = pool.wait_one()
                running -= 1
                if error is not None:
                    if failure is None:
                        failure = (nodes[index], error)
                    else:  # a second node failed while the first failure drained the pool
                        logger.error("Node '%s' also failed: %r", nodes[index].name, error)
                    continue
                done.append(nodes[index])
                if info:
                    logger.info("Completed node: %s", nodes[index].name)
                    logger.info("Completed %d out of %d tasks", len(done), total)
                for name in inputs[index]:
                    left = counts[name] - 1
                    counts[name] = left
                    if not left and name in releasable:
                        catalog.release(name)
                for name in outputs[index]:
                    if name in releasable and name not in counts:
                        catalog.release(name)
                for child in children[index]:
                    left = waiting[child] - 1
                    waiting[child] = left
                    if not left:
                        ready.append(child)
        except BaseException:
            pool.close(wait=False)
            raise
        pool.close()

        if failure is not None:
            failed_node, error = failure
            self._report_failure(pipeline, context, failed_node, error, done)
            raise error
        if len(done) != total:  # only possible with a cyclic graph, which Pipeline refuses
            raise RunnerError(
                f"Could not schedule {total - len(done)} of {total} nodes: their inputs never "
                "became available."
            )

    def _report_failure(
        self,
        pipeline: Pipeline,
        context: _RunContext,
        node: Node,
        exc: BaseException,
        done: list[Node],
    ) -> None:
        """Say which node failed and where to resume, in the log and on the exception itself."""
        total = len(context.plan.nodes)
        resume: list[str] = []
        if done:
            try:
                resume = find_nodes_to_resume_from(
                    pipeline, [n.name for n in done], context.catalog
                )
            except Exception:  # the report must never hide the node's own error
                logger.debug("Could not compute where to resume from", exc_info=True)
                resume = []
            advice = (
                f"{len(done)} of {total} nodes finished. To resume without recomputing "
                f"persisted data, run again with: {format_from_nodes(resume)}"
                if resume
                else f"{len(done)} of {total} nodes finished."
            )
        else:
            advice = "No nodes ran. Repeat the previous command to attempt a new run."
        message = str(exc)
        stop = "" if message.rstrip().endswith((".", "!", "?")) else "."
        logger.error(
            "Node '%s' failed: %s: %s%s %s", node.name, type(exc).__name__, message, stop, advice
        )
        note = f"kedro_ipy: node '{node.name}' failed. {advice}"
        from contextlib import suppress

        with suppress(AttributeError, TypeError):  # an exception type refusing attributes
            exc._kedro_ipy_failure = NodeFailure(  # type: ignore[attr-defined]
                node.name, [n.name for n in done], sorted(resume), note
            )
        if sys.version_info >= (3, 11):
            exc.add_note(note)
        else:  # PEP 678's attribute by hand (not printed)
            with suppress(AttributeError, TypeError):
                setattr(exc, "__notes__", [*getattr(exc, "__notes__", ()), note])  # noqa: B010

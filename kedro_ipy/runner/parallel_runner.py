"""``ParallelRunner``: independent nodes run at the same time in worker processes.

Only node functions run in the workers. The main process loads each node's inputs, calls every
hook, sends the function and its inputs to a worker, and saves what comes back. Hence, unlike
Kedro's, this runner fires node and dataset hooks (in the main process, where the session and
the notebook panel listen), and in-memory datasets need no shared-memory manager: they simply
stay in the main process.

What crosses to a worker must be picklable: node functions (checked for every node before the
run starts), the values of in-memory pipeline inputs (checked before the run too) and each
input and output value (checked as they are sent, with an error naming the dataset).
"""

from __future__ import annotations

import os
import pickle
from functools import partial
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from kedro_ipy.io import DatasetError
from kedro_ipy.runner.node_logs import captured
from kedro_ipy.runner.runner import AbstractRunner, RunnerError, _put_done
from kedro_ipy.runner.task import (
    _apply_before_node_run,
    _is_generator_node,
    _load_one,
    _notify_node_error,
    _refuse_async_generator,
    _save_outputs,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline.node import Node
    from kedro_ipy.runner._plan import _Plan
    from kedro_ipy.runner.runner import _RunContext

__all__ = ["ParallelRunner", "UnpicklableError"]

_ADVICE = (
    "ParallelRunner sends node functions and their data to other processes with pickle. "
    "Define node functions at module level (not as lambdas, closures or nested functions; "
    "decorators should use functools.wraps), keep unpicklable objects (connections, locks, "
    "open files) out of in-memory datasets, or use SequentialRunner or ThreadRunner."
)


class UnpicklableError(RunnerError, ValueError, AttributeError):
    """Raised by ``ParallelRunner`` when a node function or a dataset's value cannot be sent
    to a worker process; the message names each one.

    It is also an ``AttributeError``, which is what Kedro's ``ParallelRunner`` raises when it
    refuses nodes or datasets before a run.
    """


class _UnpicklableOutputError(UnpicklableError, DatasetError):
    """A node returned a value that cannot travel back from its worker process.

    Also a ``DatasetError``: Kedro raises one when such a value is saved to the in-memory
    dataset shared between processes.
    """


def _pickle_problem(obj: Any) -> str | None:
    """Why ``obj`` cannot be pickled, or ``None`` if it can."""
    try:
        pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _func_name(node: Node) -> str:
    func = node.func
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)


class _UnsendableNodeError(RunnerError):
    """A node's exception that could not be sent back from its worker process, even rebuilt;
    the message names its type and text, and carries the worker's traceback."""


def _round_trips(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return False
    return True


def _rebuild_exception(cls: type, args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """In the main process: the worker's exception again, without calling its constructor."""
    exc = cls.__new__(cls, *args)
    exc.args = args
    exc.__dict__.update(state)
    return exc


def _sendable(exc: Exception) -> Exception:
    """``exc`` made able to travel back to the main process, or a stand-in naming it.

    Exceptions pickle as ``cls(*args)``; one whose constructor wants other arguments (common
    in libraries) cannot be re-created from that, and the pool would then report only a
    broken process pool. Rebuilt without its constructor, the node's own exception (its type,
    message and attributes) reaches the user instead.
    """
    if _round_trips(exc):
        return exc
    state = {key: value for key, value in vars(exc).items() if key != "__reduce_ex__"}
    cls, args = type(exc), exc.args
    exc.__reduce_ex__ = lambda protocol: (_rebuild_exception, (cls, args, state))  # type: ignore[method-assign]
    if _round_trips(exc):
        return exc
    import traceback

    return _UnsendableNodeError(
        f"{cls.__module__}.{cls.__qualname__}: {exc} (raised in a worker process; the "
        "exception itself could not be sent back). Worker traceback:\n"
        + "".join(traceback.format_exception(exc)).rstrip()
    )


#: Where a worker puts a failed node's log on its exception (popped again in the parent).
_LOG_ATTRIBUTE = "_kedro_ipy_node_log"

def _execute(node: Node, inputs: dict[str, Any]) -> bytes:
    """In a worker: run the node's function and return its outputs and log, already pickled.

    Pickling here (rather than letting the pool do it) lets an unpicklable output be named.
    What the node printed or logged travels back with its outputs, or on its exception.
    """
    try:
        with captured() as log:
            outputs = node.run(inputs)
    except Exception as exc:
        sendable = _sendable(exc)
        if log and log[0]:
            sendable.__dict__[_LOG_ATTRIBUTE] = log[0]  # pickled with the exception
        if sendable is exc:
            raise
        raise sendable from None
    if outputs and _is_generator_node(node):  # streams cannot be pickled: send the chunks
        outputs = {name: list(stream) for name, stream in outputs.items()}
    try:
        return pickle.dumps((outputs, log[0]), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        bad = [
            (name, value, problem)
            for name, value in outputs.items()
            if (problem := _pickle_problem(value)) is not None
        ]
        problems = [
            f"  - output '{name}' of node '{node.name}' ({type(value).__name__}): {problem}"
            for name, value, problem in bad
        ]
        # Kedro's sentence first, naming the type of the first bad value
        first = f"{type(bad[0][1])!s}" if bad else f"An output of node '{node.name}'"
        raise _UnpicklableOutputError(
            f"{first} cannot be serialised. ParallelRunner implicit memory datasets can "
            "only be used with serialisable data. These values cannot be sent back from a "
            "worker process:\n"
            + "\n".join(problems or [f"  - the outputs of node '{node.name}'"])
            + "\n" + _ADVICE
        ) from None


def _mp_context() -> Any:
    """The start method: ``KEDRO_MP_CONTEXT`` (fork, spawn or forkserver) as in Kedro, else the
    platform's default."""
    import multiprocessing

    method = os.environ.get("KEDRO_MP_CONTEXT")
    if method not in {"fork", "spawn", "forkserver"}:
        method = None
    return multiprocessing.get_context(method)


class ParallelRunner(AbstractRunner):
    """Runs nodes whose inputs are ready concurrently, in worker processes.

    Use it for CPU-bound pure-Python nodes, which threads cannot speed up. Hooks fire in the
    main process, so run records and progress displays work as with the other runners.

    Args:
        max_workers: The most worker processes; by default the number of CPUs. Never more
            than the pipeline can use (the most nodes that can run at the same time).
        is_async: Load each node's inputs and save its outputs concurrently in threads.

    Raises:
        ValueError: ``max_workers`` is not a positive integer.
    """

    def __init__(self, max_workers: int | None = None, is_async: bool = False) -> None:
        super().__init__(is_async=is_async)
        # resolved now, as Kedro does: one per CPU by default (61 at most on Windows)
        self._max_workers = self._validate_max_workers(max_workers)

    def __repr__(self) -> str:
        return f"ParallelRunner(max_workers={self._max_workers!r})"

    def _workers(self, plan: _Plan) -> int:
        return max(1, min(self._max_workers, plan.width))

    def _get_executor(self, max_workers: int) -> Executor:
        """A process pool of ``max_workers`` (Kedro's hook; this runner schedules its own)."""
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=max_workers, mp_context=_mp_context())

    def _execute(self, pipeline: Any, context: _RunContext) -> None:
        # Even with one worker the function runs in another process, as the user asked.
        self._run_scheduled(pipeline, context, self._workers(context.plan))

    def _validate(self, plan: _Plan, catalog: DataCatalog) -> None:
        """Refuse, before anything runs, what could not be sent to a worker."""
        problems = []
        bad_nodes: list[str] = []
        bad_datasets: list[str] = []
        for node in plan.nodes:
            problem = _pickle_problem(node)
            if problem is not None:
                bad_nodes.append(node.name)
                problems.append(f"  - function '{_func_name(node)}' of node '{node.name}': "
                                f"{problem}")
        from kedro_ipy.io import MemoryDataset

        for name in plan.free_inputs:
            try:
                dataset = catalog[name]
            except Exception:  # e.g. a parameter key answered without a dataset of its own
                continue
            if isinstance(dataset, MemoryDataset):
                problem = _pickle_problem(getattr(dataset, "_data", None))
                if problem is not None:
                    bad_datasets.append(name)
                    problems.append(f"  - dataset '{name}' (in memory): {problem}")
        if problems:
            # Kedro's sentences first, for code that matches on them
            kedro_words = (
                f"The following nodes cannot be serialised: {sorted(bad_nodes)}. "
                if bad_nodes
                else f"The following datasets cannot be used with multiprocessing: "
                f"{sorted(bad_datasets)}. "
            )
            raise UnpicklableError(
                kedro_words + f"Cannot run with ParallelRunner: {len(problems)} "
                f"{'object' if len(problems) == 1 else 'objects'} cannot be pickled to a "
                "worker process:\n" + "\n".join(problems) + "\n" + _ADVICE
            )

    def _create_pool(self, context: _RunContext, workers: int) -> _ProcessPool:
        return _ProcessPool(context, workers)


class _ProcessPool:
    """Main-process side of a node: loads and hooks here, the function in a worker."""

    def __init__(self, context: _RunContext, workers: int) -> None:
        # imported here: multiprocessing costs more to import than the rest of the runners
        from concurrent.futures import ProcessPoolExecutor

        self._context = context
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
        self._done: SimpleQueue[tuple[int, Future[bytes]]] = SimpleQueue()
        self._inputs: dict[int, dict[str, Any]] = {}
        self._io_pool = None
        if context.is_async:
            from concurrent.futures import ThreadPoolExecutor

            self._io_pool = ThreadPoolExecutor(thread_name_prefix="kedro_ipy-io")

    def start(self, index: int) -> None:
        context = self._context
        node = context.plan.nodes[index]
        catalog, hooks = context.catalog, context.hooks
        names = context.plan.inputs[index]
        if self._io_pool is None:
            inputs = {name: _load_one(name, node, catalog, hooks) for name in names}
        else:
            _refuse_async_generator(node)
            futures = {n: self._io_pool.submit(_load_one, n, node, catalog, hooks) for n in names}
            inputs = {name: future.result() for name, future in futures.items()}
        if hooks.before_node_run is not None:
            inputs = _apply_before_node_run(
                hooks, node, catalog, inputs, context.is_async, context.run_id
            )
        self._inputs[index] = inputs
        future = self._executor.submit(_execute, node, inputs)
        future.add_done_callback(partial(_put_done, self._done, index))

    def wait_one(self) -> tuple[int, BaseException | None]:
        index, future = self._done.get()
        inputs = self._inputs.pop(index)
        context = self._context
        node = context.plan.nodes[index]
        try:
            outputs = self._receive(node, inputs, future)
            _save_outputs(node, outputs, context.catalog, context.hooks)
            for name in node.confirms:
                context.catalog.confirm(name)
        except BaseException as exc:
            return index, exc
        return index, None

    def _receive(self, node: Node, inputs: dict[str, Any], future: Future[bytes]) -> dict:
        """The node's outputs, after ``after_node_run``; or its exception, after
        ``on_node_error``."""
        context = self._context
        hooks = context.hooks
        error = future.exception()
        logs = hooks.node_logs
        if logs is not None and error is not None and _LOG_ATTRIBUTE in error.__dict__:
            logs.add(node.name, error.__dict__.pop(_LOG_ATTRIBUTE))
        if error is None:
            outputs, text = pickle.loads(future.result())
            if logs is not None and text:
                logs.add(node.name, text)
            if hooks.after_node_run is not None:
                hooks.after_node_run(
                    node=node, catalog=context.catalog, inputs=inputs, outputs=outputs,
                    is_async=context.is_async, run_id=context.run_id,
                )
            return outputs
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(error, (UnpicklableError, BrokenProcessPool)):
            raise error
        problems = [
            f"  - input '{name}' of node '{node.name}' ({type(value).__name__}): {problem}"
            for name, value in inputs.items()
            if (problem := _pickle_problem(value)) is not None
        ]
        if problems:  # the call never reached the worker
            raise UnpicklableError(
                "These values cannot be sent to a worker process:\n" + "\n".join(problems)
                + "\n" + _ADVICE
            ) from error
        # The node's own exception, as raised in the worker (its traceback is chained).
        if isinstance(error, Exception):
            _notify_node_error(
                hooks, error, node, context.catalog, inputs, context.is_async, context.run_id
            )
        raise error

    def close(self, wait: bool = True) -> None:
        if not wait:  # interrupted: don't make the user wait for long nodes to end
            processes = getattr(self._executor, "_processes", None) or {}
            for process in list(processes.values()):
                process.terminate()
        self._executor.shutdown(wait=wait, cancel_futures=True)
        if self._io_pool is not None:
            self._io_pool.shutdown()

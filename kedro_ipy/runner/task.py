"""Running one node: load its inputs, call it, save its outputs, with hooks around each step.

``_run_node`` is the hot path of every runner, so it keeps to local variables and calls a hook
only when something implements it. ``Task`` wraps it under Kedro's name for code that runs
single nodes itself.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.runner._cancel import _CURRENT
from kedro_ipy.runner._hooks import _RunHooks

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline.node import Node
    from kedro_ipy.runner._cancel import CancelToken

__all__ = ["Task", "TaskError"]

logger = logging.getLogger("kedro_ipy.runner")

_CO_GENERATOR = inspect.CO_GENERATOR


class TaskError(KedroIpyError):
    """Kedro's error for a ``Task`` that cannot run. Kept so code importing it ports; here a
    ``Task`` without a hook manager simply runs without hooks."""


def _is_generator_node(node: Node) -> bool:
    """Whether the node's function uses ``yield``: its outputs are then saved chunk by chunk.

    Plain functions are answered from their code flags (the runner asks once per node run).
    """
    func = node.func
    code = getattr(func, "__code__", None)
    if code is not None:
        return bool(code.co_flags & _CO_GENERATOR)
    return inspect.isgeneratorfunction(func)


def _interleaved(outputs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(name, chunk)`` pairs taking one chunk of each output in turn, as a generator node
    yields them; stops with the shortest stream."""
    names = list(outputs)
    for row in zip(*outputs.values(), strict=False):
        yield from zip(names, row, strict=True)


def _refuse_async_generator(node: Node) -> None:
    if _is_generator_node(node):
        raise ValueError(
            # Kedro's sentences, then which runner setting to change
            "Async data loading and saving does not work with nodes wrapping generator "
            f"functions. Please make sure you don't use `yield` anywhere in node {node}. "
            "Run with is_async=False to save its chunks one by one."
        )


def _apply_before_node_run(
    hooks: _RunHooks,
    node: Node,
    catalog: DataCatalog,
    inputs: dict[str, Any],
    is_async: bool,
    run_id: str | None,
) -> dict[str, Any]:
    """Call ``before_node_run`` and return the inputs with any replacement applied."""
    if hooks.before_node_run is None:
        return inputs
    results = hooks.before_node_run(
        node=node, catalog=catalog, inputs=dict(inputs), is_async=is_async, run_id=run_id
    )
    if not results:  # None from a null manager, [] when every implementation returned None
        return inputs
    for result in results:
        if result is None:
            continue
        if not isinstance(result, dict):
            raise TypeError(  # Kedro's sentence first, then which node it was
                "'before_node_run' must return either None or a dictionary mapping dataset "
                f"names to updated values, got '{type(result).__name__}' instead. (A hook "
                f"returned it for node '{node.name}'.)"
            )
        inputs.update(result)
    return inputs


def _call_node(
    hooks: _RunHooks,
    node: Node,
    catalog: DataCatalog,
    inputs: dict[str, Any],
    is_async: bool,
    run_id: str | None,
) -> dict[str, Any]:
    """Run the node's function; on failure tell ``on_node_error`` and re-raise the original."""
    logs = hooks.node_logs
    try:
        if logs is None:
            outputs = node.run(inputs)
        else:
            with logs.capture(node.name):
                outputs = node.run(inputs)
    except Exception as exc:
        _notify_node_error(hooks, exc, node, catalog, inputs, is_async, run_id)
        raise
    if hooks.after_node_run is not None:
        hooks.after_node_run(
            node=node,
            catalog=catalog,
            inputs=inputs,
            outputs=outputs,
            is_async=is_async,
            run_id=run_id,
        )
    return outputs


def _notify_node_error(
    hooks: _RunHooks,
    error: Exception,
    node: Node,
    catalog: DataCatalog,
    inputs: dict[str, Any],
    is_async: bool,
    run_id: str | None,
) -> None:
    """Call ``on_node_error``; a failing hook is logged so the node's own error still wins."""
    if hooks.on_node_error is None:
        return
    try:
        hooks.on_node_error(
            error=error, node=node, catalog=catalog, inputs=inputs, is_async=is_async,
            run_id=run_id,
        )
    except Exception:
        logger.exception("An 'on_node_error' hook failed while handling node '%s'", node.name)


def _run_node(
    node: Node,
    input_names: Iterable[str],
    catalog: DataCatalog,
    hooks: _RunHooks,
    is_async: bool,
    run_id: str | None,
) -> None:
    """Load, run and save one node in the calling thread.

    Nothing starts, and nothing is saved, once the run's token says the run was stopped.
    """
    token = _CURRENT.get()
    if token is not None:
        token._check_before_node(node.name)
    before_load = hooks.before_dataset_loaded
    after_load = hooks.after_dataset_loaded
    load = catalog.load
    inputs: dict[str, Any] = {}
    for name in input_names:
        if before_load is not None:
            before_load(dataset_name=name, node=node)
        data = load(name)
        if after_load is not None:
            after_load(dataset_name=name, data=data, node=node)
        inputs[name] = data
    if hooks.before_node_run is not None:
        inputs = _apply_before_node_run(hooks, node, catalog, inputs, is_async, run_id)
    outputs = _call_node(hooks, node, catalog, inputs, is_async, run_id)
    _save_outputs(node, outputs, catalog, hooks, token)


def _save_outputs(
    node: Node,
    outputs: dict[str, Any],
    catalog: DataCatalog,
    hooks: _RunHooks,
    token: CancelToken | None = None,
) -> None:
    """Save each output (chunk by chunk for a generator node), unless ``token`` says the run
    was stopped: then ``RunCancelledError`` is raised and the rest is discarded."""
    items = _interleaved(outputs) if outputs and _is_generator_node(node) else outputs.items()
    for name, data in items:
        _save_one(name, data, node, catalog, hooks, token)


def _load_one(name: str, node: Node, catalog: DataCatalog, hooks: _RunHooks) -> Any:
    if hooks.before_dataset_loaded is not None:
        hooks.before_dataset_loaded(dataset_name=name, node=node)
    data = catalog.load(name)
    if hooks.after_dataset_loaded is not None:
        hooks.after_dataset_loaded(dataset_name=name, data=data, node=node)
    return data


def _save_one(name: str, data: Any, node: Node, catalog: DataCatalog, hooks: _RunHooks,
              token: CancelToken | None = None) -> None:
    if token is not None:
        token._begin_save(node.name, name)
    try:
        if hooks.before_dataset_saved is not None:
            hooks.before_dataset_saved(dataset_name=name, data=data, node=node)
        catalog.save(name, data)
        if hooks.after_dataset_saved is not None:
            hooks.after_dataset_saved(dataset_name=name, data=data, node=node)
    finally:
        if token is not None:
            token._end_save()


def _run_node_async(
    node: Node,
    input_names: Iterable[str],
    catalog: DataCatalog,
    hooks: _RunHooks,
    run_id: str | None,
    pool: ThreadPoolExecutor,
) -> None:
    """Like ``_run_node``, but inputs are loaded and outputs saved concurrently on ``pool``.

    Worth it when a node reads or writes several slow datasets (remote files, databases).

    Raises:
        ValueError: The node's function is a generator (its chunks must be saved in order).
    """
    _refuse_async_generator(node)
    token = _CURRENT.get()
    if token is not None:
        token._check_before_node(node.name)
    futures = {name: pool.submit(_load_one, name, node, catalog, hooks) for name in input_names}
    inputs = {name: future.result() for name, future in futures.items()}
    if hooks.before_node_run is not None:
        inputs = _apply_before_node_run(hooks, node, catalog, inputs, True, run_id)
    outputs = _call_node(hooks, node, catalog, inputs, True, run_id)
    saves = [
        pool.submit(_save_one, name, data, node, catalog, hooks, token)
        for name, data in outputs.items()
    ]
    for future in saves:
        future.result()


class Task:
    """One node's execution against a catalog, with hooks: what a runner does per node.

    Kept under Kedro's name so code that executes single nodes (custom runners, tests) ports.

    Args:
        node: The node to run.
        catalog: Where its inputs are loaded from and outputs saved to.
        is_async: Load inputs and save outputs concurrently in threads.
        hook_manager: Any object with pluggy's ``.hook.<name>(**kwargs)``; ``None`` for none.
        run_id: The run's id, passed to the node hooks.
        parallel: Accepted for compatibility with Kedro; has no effect here.
    """

    def __init__(
        self,
        node: Node,
        catalog: DataCatalog,
        is_async: bool,
        hook_manager: Any = None,
        run_id: str | None = None,
        parallel: bool = False,
    ) -> None:
        self.node = node
        self.catalog = catalog
        self.is_async = is_async
        self.hook_manager = hook_manager
        self.run_id = run_id
        self.parallel = parallel

    def execute(self) -> Node:
        """Run the node, confirm its ``confirms`` datasets, and return the node."""
        hooks = _RunHooks(self.hook_manager)
        if self.is_async:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor() as pool:
                _run_node_async(self.node, self.node.inputs, self.catalog, hooks, self.run_id,
                                pool)
        else:
            _run_node(self.node, self.node.inputs, self.catalog, hooks, False, self.run_id)
        for name in self.node.confirms:
            self.catalog.confirm(name)
        return self.node

    def __call__(self) -> Node:
        return self.execute()

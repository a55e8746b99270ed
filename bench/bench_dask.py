"""DaskRunner: per-task overhead against Dask's own floor, and a speed-up on CPU-bound nodes.

Workloads, on local clusters started by this script (nothing else runs on them):

* per-task overhead: a chain of 1,000 trivial nodes (``d{i+1} = d{i} + 1``) run by
  ``DaskRunner(client)``, against Dask's floor: the same chain as 1,000 bare ``client.submit``
  calls, each taking the previous future, and one ``result()`` at the end. Both on the same
  cluster of one worker process with one thread (a chain cannot use more). Figures: the time
  per task of each, and their ratio (target: at most 1.5).
* speed-up: 8 independent CPU-bound nodes of about 0.5 s each, ``DaskRunner`` on a cluster of
  2 worker processes (one thread each) against ``SequentialRunner`` in this process
  (target: at least 1.7). The cluster's start-up is not timed; the runs are.

With ``--framework kedro`` the same workloads run through Kedro's documented DaskRunner recipe
(docs.kedro.org, "Deployment to a Dask cluster"), rebuilt here from its description: each node
a ``client.submit`` of a function that creates a hook manager and runs the node against the
catalog shipped with the task, its dependencies passed as futures, and ``as_completed`` in
the driver. Whatever it does on Kedro 1.7.0 (figures, or the error) is printed. A run counts
only if its outputs equal SequentialRunner's.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, framework_module, parse_args

CPU_SECONDS = 0.5
CHAIN = 1_000


def inc(x: int) -> int:
    return x + 1


class WrongOutputs(AssertionError):
    """A runner returned something else than SequentialRunner's outputs."""


def plain(outputs: dict) -> dict:
    """Outputs as values (Kedro 1.x returns MemoryDataset objects; an empty one is lost data)."""
    values = {}
    for name, value in outputs.items():
        if hasattr(value, "load") and hasattr(value, "save"):
            try:
                value = value.load()
            except Exception as exc:
                value = f"<nothing: {type(exc).__name__}: {exc}>"
        values[name] = value
    return values


def checked(run: Any, expected: dict) -> Any:
    """``run`` timed only if its outputs are right: a runner that loses data is not fast."""

    def once() -> None:
        got = plain(run())
        if got != plain(expected):
            raise WrongOutputs(f"outputs {str(got)[:200]} instead of {str(expected)[:200]}")

    return once


def burn(loops: int) -> int:
    total = 0
    for i in range(loops):
        total += i * i % 7
    return total


def calibrate_loops() -> int:
    """How many iterations of ``burn`` take about ``CPU_SECONDS`` on this machine."""
    loops = 200_000
    start = time.perf_counter()
    burn(loops)
    elapsed = time.perf_counter() - start
    return max(1, int(loops * CPU_SECONDS / elapsed))


def cluster(workers: int, default: bool) -> Any:
    """A client of a new local cluster; the recipe needs it to be the process's default."""
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=40)
    return Client(local, set_as_default=default)


def submit_floor(client: Any, n: int) -> float:
    """Dask's own cost for an n-task chain: bare submits, one result."""
    from uuid import uuid4

    def once() -> None:
        token = uuid4().hex
        future = client.submit(inc, 0, key=f"t-0-{token}")
        for i in range(1, n):
            future = client.submit(inc, future, key=f"t-{i}-{token}")
        assert future.result() == n

    return best_of(once, repeat=3)


def recipe_runner(kedro: Any, client: Any) -> Any:
    """Kedro's documented DaskRunner recipe, as its page describes it, on Kedro's API."""
    from distributed import as_completed

    runner_module = framework_module(kedro, "runner")
    hooks_module = framework_module(kedro, "framework.hooks")

    def run_node_synchronization(node: Any, catalog: Any, is_async: bool, run_id: Any,
                                 *dependencies: Any) -> Any:
        hook_manager = hooks_module._create_hook_manager()  # one per task, on the worker
        return runner_module.Task(node=node, catalog=catalog, is_async=is_async,
                                  hook_manager=hook_manager, run_id=run_id).execute()

    class RecipeDaskRunner(runner_module.AbstractRunner):
        def _get_executor(self, max_workers: int) -> None:
            return None

        def _run(self, pipeline: Any, catalog: Any, hook_manager: Any = None,
                 run_id: Any = None) -> None:
            dependencies = pipeline.node_dependencies
            futures: dict[Any, Any] = {}
            for node in pipeline.nodes:
                futures[node] = client.submit(
                    run_node_synchronization, node, catalog, self._is_async, run_id,
                    *(futures[parent] for parent in dependencies[node]),
                )
            for _, done in as_completed(futures.values(), with_results=True):
                self._logger.info("Completed node: %s", done.name)

    return RecipeDaskRunner()


def main() -> None:
    args = parse_args()
    pipeline_module = framework_module(args.framework, "pipeline")
    io = framework_module(args.framework, "io")
    runner_module = framework_module(args.framework, "runner")
    node, pipeline = pipeline_module.node, pipeline_module.pipeline
    n = 200 if args.quick else CHAIN
    chain = pipeline([node(inc, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(n)])
    loops = calibrate_loops()
    cpu = pipeline([node(burn, "loops", f"out{i}", name=f"burn{i}") for i in range(8)])

    def catalog(feed: dict) -> Any:
        return io.DataCatalog(datasets={k: io.MemoryDataset(v) for k, v in feed.items()})

    def make_runner(client: Any) -> Any:
        if args.framework == "kedro_ipy":
            return runner_module.DaskRunner(client=client)
        return recipe_runner(args.framework, client)

    client = cluster(1, default=args.framework == "kedro")
    try:
        floor = submit_floor(client, n)
        try:
            runner = make_runner(client)
            ours = best_of(checked(lambda: runner.run(chain, catalog({"d0": 0})), {f"d{n}": n}),
                           repeat=3)
        except Exception:
            print(f"{args.framework}: the chain failed:\n{traceback.format_exc()}",
                  file=sys.stderr)
            ours = None
        emit(f"Dask floor: bare client.submit per task, {n:,}-task chain", floor / n,
             group="overhead")
        if ours is not None:
            emit(f"DaskRunner per task, {n:,}-node chain", ours / n, group="overhead")
            emit("DaskRunner per-task overhead / Dask floor (target <= 1.5)", ours / floor,
                 unit="x", group="overhead")
    finally:
        client.close()

    expected: dict = {}

    def sequential_run() -> None:
        expected.update(runner_module.SequentialRunner().run(cpu, catalog({"loops": loops})))

    sequential = best_of(sequential_run, repeat=1)
    client = cluster(2, default=args.framework == "kedro")
    try:
        client.submit(burn, 10).result()  # workers warm (imports done) before timing
        try:
            runner = make_runner(client)
            runner.run(cpu, catalog({"loops": 10}))
            dask = best_of(checked(lambda: runner.run(cpu, catalog({"loops": loops})), expected),
                           repeat=2)
        except Exception:
            print(f"{args.framework}: the CPU-bound run failed:\n{traceback.format_exc()}",
                  file=sys.stderr)
            dask = None
        emit("SequentialRunner, 8 CPU-bound nodes of 0.5 s", sequential, group="speed-up")
        if dask is not None:
            emit("DaskRunner (2 worker processes), 8 CPU-bound nodes of 0.5 s", dask,
                 group="speed-up")
            emit("DaskRunner(2 processes) speed-up over Sequential (target >= 1.7)",
                 sequential / dask, unit="x", group="speed-up")
    finally:
        client.close()
    print(f"cpus: {os.cpu_count()}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Runners: per-node overhead, concurrency speed-ups and memory, kedro_ipy against Kedro 1.7.0.

Workloads (the same code runs on ``kedro.runner`` and ``kedro_ipy.runner``):

* per-node overhead: ``runner.run`` on a chain of n trivial nodes (``d{i} -> d{i+1}``), with a
  hook manager holding one plugin that implements ``before_node_run`` and ``after_node_run``,
  and logging left at each framework's default; the run time divided by n, for
  ``SequentialRunner`` and ``ThreadRunner`` at 1,000 and 5,000 nodes. The catalog is rebuilt
  before every timed run (Kedro's runner adds datasets to it). On a single chain no two
  nodes can ever run together, and kedro_ipy's ThreadRunner then runs in the calling thread,
  so a second ThreadRunner figure uses two independent chains (two nodes ready at once: the
  thread pool is used); its 5,000-node flatness is measured for kedro_ipy only.
* flatness: per-node time at 5,000 divided by per-node time at 1,000 (target: at most 1.5).
* speed-ups (kedro_ipy's own figure is what matters; targets in the figure names):
  ``ThreadRunner(max_workers=2)`` against ``SequentialRunner`` on 200 independent nodes that
  each sleep 10 ms; ``ParallelRunner(max_workers=2)`` against ``SequentialRunner`` on 8
  independent CPU-bound nodes of about 0.5 s.
* memory: ``tracemalloc`` peak during a ``SequentialRunner`` run of a 2,000-node chain whose
  nodes each return a fresh 1 MB ``bytes`` (so every dataset holds 1 MB until released).

Kedro's ``ParallelRunner`` needs its ``SharedMemoryDataCatalog``; the script uses it when the
framework has one. Kedro's 5,000-node runs take minutes (its scheduler is quadratic), so they
are timed once; ``--quick`` skips them.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, framework_module, parse_args

CPU_SECONDS = 0.5


def identity(x: Any) -> Any:
    return x


def sleeper(x: Any) -> Any:
    time.sleep(0.01)
    return x


def fresh_megabyte(x: bytes) -> bytes:
    return bytes(len(x))


def calibrate_loops() -> int:
    """How many iterations of ``burn`` take about ``CPU_SECONDS`` on this machine."""
    loops = 200_000
    start = time.perf_counter()
    burn_loops(loops)
    elapsed = time.perf_counter() - start
    return max(1, int(loops * CPU_SECONDS / elapsed))


def burn_loops(loops: int) -> int:
    total = 0
    for i in range(loops):
        total += i * i % 7
    return total


def burn(loops: int) -> int:
    return burn_loops(loops)


def main() -> None:
    args = parse_args()
    fw = args.framework
    pipeline_mod = framework_module(fw, "pipeline")
    io = framework_module(fw, "io")
    runner_mod = framework_module(fw, "runner")
    hooks_mod = framework_module(fw, "framework.hooks")
    node, Pipeline = pipeline_mod.node, pipeline_mod.Pipeline
    DataCatalog, MemoryDataset = io.DataCatalog, io.MemoryDataset
    hook_impl = hooks_mod.hook_impl

    class TrivialHooks:
        @hook_impl
        def before_node_run(self, node: Any) -> None:
            pass

        @hook_impl
        def after_node_run(self, node: Any) -> None:
            pass

    hook_manager = hooks_mod._create_hook_manager()
    hook_manager.register(TrivialHooks())

    def chain(n: int, func: Any = identity, prefix: str = "") -> list:
        return [node(func, f"{prefix}d{i}", f"{prefix}d{i + 1}", name=f"{prefix}n{i}")
                for i in range(n)]

    def per_node(runner: Any, pipe: Any, feed: dict, n: int, repeat: int) -> float:
        state: dict[str, Any] = {}

        def setup() -> None:
            state["catalog"] = DataCatalog({k: MemoryDataset(v) for k, v in feed.items()})

        def once() -> None:
            runner.run(pipe, state["catalog"], hook_manager=hook_manager)

        return best_of(once, repeat=repeat, setup=setup) / n

    quick = args.quick
    big = 1000 if quick else 5000
    runners = {"SequentialRunner": runner_mod.SequentialRunner,
               "ThreadRunner": runner_mod.ThreadRunner}
    for label, cls in runners.items():
        small = per_node(cls(), Pipeline(chain(1000)), {"d0": 0}, 1000, repeat=3)
        emit(f"{label} per node, 1,000-node chain, hooks on", small, target=1 / 50,
             group="overhead")
        if fw == "kedro" and quick:
            continue
        large = per_node(cls(), Pipeline(chain(big)), {"d0": 0}, big,
                         repeat=1 if fw == "kedro" else 3)
        emit(f"{label} per node, {big:,}-node chain, hooks on", large, group="overhead")
        emit(f"{label} flatness: per node at {big:,} / at 1,000 (target <= 1.5)",
             large / small, unit="x", group="overhead")

    two_chains = Pipeline(chain(500, prefix="a") + chain(500, prefix="b"))
    pooled = per_node(runner_mod.ThreadRunner(max_workers=2), two_chains,
                      {"ad0": 0, "bd0": 0}, 1000, repeat=3)
    emit("ThreadRunner(2) per node, two 500-node chains, hooks on", pooled, target=1 / 50,
         group="overhead")
    if fw == "kedro_ipy" and not quick:  # Kedro would need minutes; this is about our curve
        half = big // 2
        two_long = Pipeline(chain(half, prefix="a") + chain(half, prefix="b"))
        pooled_big = per_node(runner_mod.ThreadRunner(max_workers=2), two_long,
                              {"ad0": 0, "bd0": 0}, big, repeat=3)
        emit(f"ThreadRunner(2) flatness, two chains: per node at {big:,} / at 1,000 "
             "(target <= 1.5)", pooled_big / pooled, unit="x", group="overhead")

    sleepers = Pipeline([node(sleeper, "x", f"s{i}", name=f"sleep{i}") for i in range(200)])
    seq = per_node(runner_mod.SequentialRunner(), sleepers, {"x": 0}, 1, repeat=1)
    thr = per_node(runner_mod.ThreadRunner(max_workers=2), sleepers, {"x": 0}, 1, repeat=1)
    emit("ThreadRunner(2) speed-up, 200 nodes sleeping 10 ms (target >= 1.8)", seq / thr,
         unit="x", group="speed-up")

    loops = calibrate_loops()
    cpu = Pipeline([node(burn, "loops", f"c{i}", name=f"burn{i}") for i in range(8)])
    shared = getattr(io, "SharedMemoryDataCatalog", DataCatalog)

    def cpu_run(runner: Any, catalog_cls: Any) -> float:
        def once() -> None:
            runner.run(cpu, catalog_cls({"loops": MemoryDataset(loops)}),
                       hook_manager=hook_manager)

        return best_of(once, repeat=2)

    seq = cpu_run(runner_mod.SequentialRunner(), DataCatalog)
    par = cpu_run(runner_mod.ParallelRunner(max_workers=2), shared)
    emit("ParallelRunner(2) speed-up, 8 CPU-bound nodes of 0.5 s (target >= 1.7)", seq / par,
         unit="x", group="speed-up")

    megabyte_chain = Pipeline(chain(2000, fresh_megabyte))
    catalog = DataCatalog({"d0": MemoryDataset(bytes(1_000_000))})
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    runner_mod.SequentialRunner().run(megabyte_chain, catalog, hook_manager=hook_manager)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    emit("Peak memory above start, 2,000-node chain of 1 MB values", peak / 1e6, unit="MB",
         group="memory")


if __name__ == "__main__":
    os.environ.setdefault("DO_NOT_TRACK", "1")
    main()

"""What every benchmark module shares.

A benchmark module is a script run twice by ``bench/run.py``: once with ``--framework kedro_ipy``
in the project's environment, once with ``--framework kedro`` in the Kedro 1.7.0 environment.
It imports the framework under test by name (the public import paths are the same), times its
workloads and prints one JSON line per figure. ``run.py`` pairs the lines up and prints ratios.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", choices=["kedro_ipy", "kedro"], default="kedro_ipy")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    return parser.parse_args()


def framework_module(framework: str, sub: str) -> ModuleType:
    """``framework_module("kedro", "pipeline")`` imports ``kedro.pipeline``."""
    return importlib.import_module(f"{framework}.{sub}")


def best_of(
    fn: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None
) -> float:
    """The fastest of ``repeat`` timings of ``fn()``, in seconds; GC is off while timing."""
    timings = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(timings)


def emit(figure: str, value: float, *, unit: str = "s", target: float | None = None,
         group: str = "", limit: float | None = None) -> None:
    """Print one result line.

    ``target`` is the largest acceptable ratio kedro_ipy / Kedro for this figure (for example
    ``1/3``); ``limit`` the largest acceptable value itself, for figures Kedro has no
    counterpart of (``0.05`` s). ``run.py`` prints whether each is met.
    """
    print(json.dumps({"figure": figure, "value": value, "unit": unit, "target": target,
                      "group": group, "limit": limit}), flush=True)

"""Session start-up costs, kedro_ipy vs Kedro 1.7.0, each in fresh processes.

Figures:
- cold ``import <framework>.framework.session`` (target 1/5 of Kedro's);
- a whole cold process that bootstraps a generated 100-node project, creates a session, loads
  the context and runs the default pipeline (target 1/4);
- in-process (warm) create + load_context + run of the same project, for information.

Cold figures are the best of several subprocess runs (the machine is shared; best-of reduces
noise from other work, not the work itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, parse_args
from _project import COLD_RUN, PACKAGE, write_project


def _cold(args: list[str], repeat: int) -> float:
    """Best wall time of ``python <args>`` over ``repeat`` fresh processes."""
    env = dict(os.environ, DO_NOT_TRACK="1", KEDRO_DISABLE_TELEMETRY="true",
               PYTHONDONTWRITEBYTECODE="")
    timings = []
    for _ in range(repeat + 1):  # the first run warms the OS file cache and .pyc files
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env)
        timings.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"{args!r} failed:\n{proc.stderr[-2000:]}")
    return min(timings[1:])


def _warm_run(framework: str, path: Path, repeat: int) -> float:
    import importlib

    startup = importlib.import_module(f"{framework}.framework.startup")
    session_mod = importlib.import_module(f"{framework}.framework.session")
    startup.bootstrap_project(path)

    def once() -> None:
        with session_mod.KedroSession.create(project_path=path, save_on_close=False) as s:
            s.load_context()
            s.run()

    once()
    return best_of(once, repeat=repeat)


def main() -> None:
    args = parse_args()
    framework = args.framework
    repeat = 3 if args.quick else 5
    nodes = 20 if args.quick else 100
    emit("cold `import <framework>.framework.session`", _cold(
        ["-c", f"import {framework}.framework.session"], repeat), target=0.2, group="session")
    with tempfile.TemporaryDirectory(prefix="bench_session_") as tmp:
        path = write_project(Path(tmp) / "project", framework, nodes=nodes)
        emit(f"cold process: bootstrap+create+load_context+run ({nodes} nodes)",
             _cold(["-c", COLD_RUN.format(framework=framework), str(path)], repeat),
             target=0.25, group="session")
        sys.path.insert(0, str(path / "src"))
        emit(f"warm create+load_context+run ({nodes} nodes)",
             _warm_run(framework, path, repeat), group="session")
        sys.modules.pop(PACKAGE, None)


if __name__ == "__main__":
    main()

"""The IPython extension, kedro_ipy vs Kedro 1.7.0's own, each in fresh processes.

Figures:
- ``%load_ext kedro_ipy`` vs ``%load_ext kedro.ipython`` in a fresh IPython shell (target 1/10);
- ``%session_create`` + ``%session_run`` vs ``%reload_kedro`` + ``session.run()`` on the same
  generated 100-node project, the first time in a fresh shell (target 1/4);
- the same a second time in that shell, for information (Kedro needs a new session per run,
  kedro_ipy runs again on the long-lived one).

Each fresh process builds an ``InteractiveShell``, then times only the magics, so IPython's own
start-up is not counted on either side. Values are the best of several processes (the machine
is shared; best-of reduces noise from other work, not the work itself).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import emit, parse_args
from _project import write_project

# Where the magic names differ, the two frameworks branch here, and only here.
MAGICS = {
    "kedro_ipy": {
        "extension": "kedro_ipy",
        "first_run": ["%session_create {path} --no-save-on-close", "%session_run"],
        "again": ["%session_run"],
    },
    "kedro": {
        "extension": "kedro.ipython",
        "first_run": ["%reload_kedro {path}", "session.run()"],
        "again": ["%reload_kedro {path}", "session.run()"],
    },
}

_CHILD = r"""
import io, json, sys, time, contextlib
from IPython.core.interactiveshell import InteractiveShell

spec = json.loads(sys.argv[1])
ip = InteractiveShell.instance()
timings = {}

def cells(lines):
    start = time.perf_counter()
    for line in lines:
        result = ip.run_cell(line, store_history=False)
        if not result.success:
            error = result.error_before_exec or result.error_in_exec
            raise SystemExit(f"{line!r} failed: {error!r}")
    return time.perf_counter() - start

with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    timings["load_ext"] = cells([f"%load_ext {spec['extension']}"])
    if spec.get("first_run"):
        timings["first_run"] = cells(spec["first_run"])
        timings["again"] = cells(spec["again"])
print(json.dumps(timings))
"""


#: IPython and what it imports, by top-level module name.
_IPYTHON_MODULES = (
    "IPython", "traitlets", "prompt_toolkit", "jedi", "parso", "decorator", "matplotlib_inline",
    "pexpect", "ptyprocess", "stack_data", "executing", "asttokens", "pure_eval", "wcwidth",
    "ipython_pygments_lexers", "pygments", "typing_extensions",
)


def _ipython_shim(tmp: Path) -> str | None:
    """A folder to put on PYTHONPATH when this environment has no IPython (Kedro's bench venv).

    It links IPython and its dependencies that this environment lacks from the project's
    .venv, so Kedro's extension can be loaded without installing anything. Better: install
    ``ipython`` in .venv-kedro (then this returns None).
    """
    import importlib.util

    if importlib.util.find_spec("IPython") is not None:
        return None
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = Path(__file__).resolve().parents[1] / ".venv" / "lib" / version / "site-packages"
    shim = tmp / "ipython_shim"
    shim.mkdir()
    for name in _IPYTHON_MODULES:
        if importlib.util.find_spec(name) is not None:
            continue
        for candidate in (site / name, site / f"{name}.py"):
            if candidate.exists():
                (shim / candidate.name).symlink_to(candidate)
    return str(shim)


def _fresh(spec: dict, repeat: int, cwd: Path) -> dict[str, float]:
    """Best value of each timing over ``repeat`` fresh processes (after one warm-up)."""
    env = dict(os.environ, DO_NOT_TRACK="1", KEDRO_DISABLE_TELEMETRY="true",
               IPYTHONDIR=str(cwd / ".ipython"), PYTHONDONTWRITEBYTECODE="")
    # (.pyc files are written by the warm-up run, as they are in any real installation.)
    shim = _ipython_shim(cwd) if not (cwd / "ipython_shim").exists() else str(cwd / "ipython_shim")
    if shim:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), shim]))
    best: dict[str, float] = {}
    for attempt in range(repeat + 1):
        proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(spec)],
                              capture_output=True, text=True, env=env, cwd=cwd)
        if proc.returncode != 0:
            raise RuntimeError(f"child failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        if attempt == 0:
            continue  # warms the OS file cache and writes .pyc files
        timings = json.loads(proc.stdout.strip().splitlines()[-1])
        for key, value in timings.items():
            best[key] = min(value, best.get(key, value))
    return best


def main() -> None:
    args = parse_args()
    magics = MAGICS[args.framework]
    repeat = 2 if args.quick else 5
    nodes = 20 if args.quick else 100
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        load = _fresh({"extension": magics["extension"]}, repeat, tmp_path)
        emit("%load_ext in a fresh shell", load["load_ext"], target=1 / 10, group="ipython")

        project = write_project(tmp_path / "project", args.framework, nodes=nodes)
        spec = {
            "extension": magics["extension"],
            "first_run": [line.format(path=project) for line in magics["first_run"]],
            "again": [line.format(path=project) for line in magics["again"]],
        }
        runs = _fresh(spec, repeat, tmp_path)
        emit(f"create session + run {nodes} nodes (first, fresh shell)", runs["first_run"],
             target=1 / 4, group="ipython")
        emit(f"run {nodes} nodes again in the same shell", runs["again"], group="ipython")


if __name__ == "__main__":
    main()

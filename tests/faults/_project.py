"""A tiny project for fault injection, and a way to run scenarios in real child processes.

``make_project(folder)`` writes ``fault_shop``: a FileSessionStore, pickled datasets and three
pipelines. ``race`` has two independent nodes (so Thread and Parallel runners run them in a
pool): ``slow`` writes ``data/started-<marker>`` when it begins, sleeps ``delay`` seconds
without looking at any cancellation (the worst case) and returns ``marker``, saved to
``data/slow_value.pkl``. ``versioned`` saves ``marker`` to a versioned dataset; ``big`` saves
``size_mb`` megabytes.

``start(project, scenario, *args)`` runs ``python _scenario.py`` in a new process (its own
process group, so a signal sent to it reaches nobody else) and returns the ``Popen``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SCENARIO = Path(__file__).with_name("_scenario.py")
PACKAGE = "fault_shop"

_FILES = {
    "pyproject.toml": f"""
[tool.kedro]
package_name = "{PACKAGE}"
project_name = "Fault shop"
kedro_init_version = "1.7.0"
""",
    f"src/{PACKAGE}/__init__.py": "",
    f"src/{PACKAGE}/settings.py": """
from kedro_ipy.framework.session.store import FileSessionStore

SESSION_STORE_CLASS = FileSessionStore
""",
    f"src/{PACKAGE}/nodes.py": '''
import os
import time
from pathlib import Path


def announce(name):
    """Write this process's pid to data/<name>, atomically: the test reads it at once."""
    Path("data").mkdir(exist_ok=True)
    Path(f"data/{name}.tmp").write_text(str(os.getpid()))
    os.replace(f"data/{name}.tmp", f"data/{name}")


def slow(marker, delay):
    announce(f"started-{marker}")
    end = time.monotonic() + delay
    while time.monotonic() < end:  # ignores any cancellation: the worst case
        time.sleep(0.02)
    return marker


def quick(marker):
    return marker


def make_big(size_mb, marker):
    announce(f"started-big-{marker}")
    return {"marker": marker, "payload": os.urandom(size_mb * 1024 * 1024)}
''',
    f"src/{PACKAGE}/pipeline_registry.py": f'''
from kedro_ipy.pipeline import Pipeline, node
from {PACKAGE}.nodes import make_big, quick, slow


def register_pipelines():
    race = Pipeline([
        node(slow, ["params:marker", "params:delay"], "slow_value", name="slow"),
        node(quick, "params:marker", "quick_value", name="quick"),
    ])
    versioned = Pipeline([node(quick, "params:marker", "model", name="make_model")])
    big = Pipeline([node(make_big, ["params:size_mb", "params:marker"], "big", name="make_big")])
    return {{"__default__": race, "race": race, "versioned": versioned, "big": big}}
''',
    "conf/base/catalog.yml": """
slow_value:
  type: pickle.PickleDataset
  filepath: data/slow_value.pkl
quick_value:
  type: pickle.PickleDataset
  filepath: data/quick_value.pkl
model:
  type: pickle.PickleDataset
  filepath: data/model.pkl
  versioned: true
big:
  type: pickle.PickleDataset
  filepath: data/big.pkl
""",
    "conf/base/parameters.yml": "marker: base\ndelay: 0\nsize_mb: 1\n",
    "conf/local/.keep": "",
}


def make_project(folder: Path) -> Path:
    """Write the project into ``folder`` and return it."""
    for relative, text in _FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    return folder


def start(project: Path, scenario: str, *args: str) -> subprocess.Popen[str]:
    """Run a scenario of ``_scenario.py`` in a child process working in ``project``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.Popen(
        [sys.executable, str(SCENARIO), scenario, *args], cwd=project, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str] | None = None,
              timeout: float = 30.0) -> None:
    """Block until ``path`` exists (a node announced it started); fail if the process died."""
    end = time.monotonic() + timeout
    while not path.exists():
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the scenario ended before {path.name}:\n{out}\n{err}")
        if time.monotonic() > end:
            raise AssertionError(f"{path} did not appear within {timeout} s")
        time.sleep(0.01)


def finish(process: subprocess.Popen[str], timeout: float = 60.0) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True

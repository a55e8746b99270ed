"""Crashes: a process killed with SIGKILL (by pid) in the middle of a run or of a store save.

Whatever moment the kill hits, every session store file left behind is valid JSON that
reopens, every dataset loads (the previous value or the new one, never a torn file), and the
next session in a new process runs.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from ._project import finish, make_project, start, wait_for

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kills by pid with SIGKILL")


def _kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _next_session_works(project: Path, expect: dict[str, object]) -> None:
    code, out, err = finish(start(project, "read-back"))
    assert code == 0, err
    loaded = json.loads(out.split("loaded=")[1].splitlines()[0])
    assert loaded == expect, loaded


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "project")
    # a first complete run: every dataset has a value the kill must not destroy
    code, _, err = finish(start(project, "seed"))
    assert code == 0, err
    return project


def test_kill_while_a_node_runs(project: Path) -> None:
    process = start(project, "run", "race", "second", "delay=30")
    wait_for(project / "data/started-second", process)
    _kill(process)
    _next_session_works(project, {"slow_value": "first", "quick_value": "second",
                                  "big": "first", "model": "first"})


@pytest.mark.parametrize("moment", [0.0, 0.1])
def test_kill_while_a_big_dataset_is_saved(project: Path, moment: float) -> None:
    process = start(project, "run", "big", "second", "size_mb=40")
    wait_for(project / "data/started-big-second", process)
    time.sleep(moment)  # somewhere in producing or writing 40 MB
    _kill(process)
    code, out, err = finish(start(project, "read-back"))
    assert code == 0, err
    loaded = json.loads(out.split("loaded=")[1].splitlines()[0])
    assert loaded["big"] in ("first", "second")  # old or new, never torn
    assert loaded["slow_value"] == "first"


@pytest.mark.parametrize("moment", [0.0, 0.05])
def test_kill_while_the_store_is_saved(project: Path, moment: float) -> None:
    process = start(project, "store-saves")
    wait_for(project / "data/store-loop-started", process)
    time.sleep(moment)
    _kill(process)
    for path in (project / "sessions").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # whole, never half-written
    _next_session_works(project, {"slow_value": "first", "quick_value": "first",
                                  "big": "first", "model": "first"})

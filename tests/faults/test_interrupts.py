"""Interrupts: Ctrl-C (SIGINT, sent by pid) during a run, then another run in the same process.

The first run's ``slow`` node sleeps and then returns ``old``, ignoring any cancellation. The
second run writes ``new`` to the same dataset. Whatever the runner, ``old`` must never land
after the interrupt: a ThreadRunner thread still running is abandoned and its save refused, a
ParallelRunner worker process is ended.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from ._project import finish, make_project, pid_alive, start, wait_for

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals by pid")


@pytest.mark.parametrize("runner", ["ThreadRunner", "ParallelRunner", "SequentialRunner"])
def test_no_save_lands_after_sigint(tmp_path: Path, runner: str) -> None:
    project = make_project(tmp_path / "project")
    process = start(project, "interrupt-then-rerun", runner, "1.5")
    wait_for(project / "data/started-old", process)
    node_pid = int((project / "data/started-old").read_text())
    time.sleep(0.2)  # the parent is then waiting on its workers, as when a user hits Ctrl-C
    os.kill(process.pid, signal.SIGINT)

    code, out, err = finish(process)

    assert code == 0, err
    assert "interrupted=1 reason=interrupted" in out
    assert "after_rerun=new" in out
    assert "final=new" in out, out  # the first run's value never overwrote the second's
    assert "record_status=cancelled" in out  # the session's record of the first run
    assert re.search(r"record_abandoned=(quick,)?slow", out), out
    if runner == "ThreadRunner":
        assert re.search(r"abandoned=(quick,)?slow", out), out
    if runner == "ParallelRunner":  # the worker running `slow` was ended, not left running
        end = time.monotonic() + 10
        while pid_alive(node_pid) and time.monotonic() < end:
            time.sleep(0.05)
        assert not pid_alive(node_pid)

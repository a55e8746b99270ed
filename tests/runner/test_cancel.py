"""Cancelling a run: from another thread (a Stop button), from inside a node, before it
starts; what the token reports; and that nothing of a stopped run saves."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

import kedro_ipy
from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl
from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.pipeline import Pipeline, node
from kedro_ipy.runner import (
    CancelToken,
    ParallelRunner,
    RunCancelledError,
    SequentialRunner,
    ThreadRunner,
    stop_report,
)

from .conftest import Disk


def identity(x):
    return x


def wait_for_cancel(x):
    """A long node that polls kedro_ipy.cancelled() and gives up when asked."""
    for _ in range(2000):
        if kedro_ipy.cancelled():
            return "given up"
        time.sleep(0.005)
    raise AssertionError("never cancelled")


def sleep_in_worker(x, pid_file):
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(60)
    return x


def fail_once_started(x, pid_file):
    while not Path(pid_file).exists():
        time.sleep(0.01)
    raise ValueError("failed while another node runs")


def _wait_gone(pid: int) -> None:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"worker {pid} still running 10 s after the run ended")


class Started:
    """Hooks that set an event when a node starts, and remember which nodes started."""

    def __init__(self, node_name: str) -> None:
        self.node_name = node_name
        self.event = threading.Event()
        self.started: list[str] = []

    @hook_impl
    def before_node_run(self, node):
        self.started.append(node.name)
        if node.name == self.node_name:
            self.event.set()


def _cancel_when(event: threading.Event, token: CancelToken) -> threading.Thread:
    def stop() -> None:
        assert event.wait(timeout=30)
        token.cancel()

    thread = threading.Thread(target=stop)
    thread.start()
    return thread


def _join_runner_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("kedro_ipy-runner"):
            thread.join(timeout=10)


@pytest.mark.parametrize("runner", [SequentialRunner, lambda: ThreadRunner(max_workers=2)],
                         ids=["sequential", "thread"])
def test_cancel_from_another_thread_stops_between_nodes_and_discards_the_running_one(runner):
    pipe = Pipeline([
        node(identity, "a", "b", name="first"),
        node(wait_for_cancel, "b", "c", name="long"),
        node(identity, "c", "d", name="after"),
    ])
    catalog = DataCatalog({"a": MemoryDataset(1), "c": Disk(), "d": Disk()})
    hooks = Started("long")
    manager = _create_hook_manager()
    manager.register(hooks)
    token = CancelToken()
    stopper = _cancel_when(hooks.event, token)

    with pytest.raises(RunCancelledError) as raised:
        runner().run(pipe, catalog, hook_manager=manager, cancel_token=token)
    stopper.join()
    _join_runner_threads()

    assert str(raised.value) == (
        "Run cancelled: 1 of 3 nodes finished; 1 running node was abandoned and its results "
        "discarded: long."
    )
    assert (raised.value.done, raised.value.abandoned) == (("first",), ("long",))
    assert (token.reason, token.done, token.abandoned) == ("cancelled", ("first",), ("long",))
    assert stop_report(raised.value) is token
    assert catalog["c"].saves == [] and catalog["d"].saves == []  # nothing saved after Stop
    assert hooks.started == ["first", "long"]  # `after` never started


def test_thread_runner_wakes_up_on_cancel_and_abandons_nodes_that_ignore_it():
    release = threading.Event()

    def stubborn(x):  # never looks at kedro_ipy.cancelled()
        assert release.wait(timeout=30)
        return x

    pipe = Pipeline([
        node(stubborn, "a", "b", name="left"),
        node(stubborn, "a", "c", name="right"),
        node(identity, "b", "d", name="after"),
    ])
    catalog = DataCatalog({"a": MemoryDataset(1), "b": Disk(), "c": Disk()})
    hooks = Started("right")
    manager = _create_hook_manager()
    manager.register(hooks)
    token = CancelToken()
    stopper = _cancel_when(hooks.event, token)

    with pytest.raises(RunCancelledError) as raised:  # returns while both still run
        ThreadRunner(max_workers=2).run(pipe, catalog, hook_manager=manager, cancel_token=token)
    stopper.join()
    assert sorted(raised.value.abandoned) == ["left", "right"]
    release.set()  # now they finish, after the run: their saves must be refused
    _join_runner_threads()
    assert catalog["b"].saves == [] and catalog["c"].saves == []


@pytest.mark.skipif(os.name != "posix", reason="checks the worker's pid")
def test_parallel_runner_ends_its_worker_processes_on_cancel(tmp_path: Path):
    pid_file = tmp_path / "pid"
    pipe = Pipeline([node(sleep_in_worker, ["a", "params:pid"], "b", name="sleeper")])
    catalog = DataCatalog({"a": MemoryDataset(1), "params:pid": MemoryDataset(str(pid_file)),
                           "b": Disk()})
    token = CancelToken()
    appeared = threading.Event()

    def watch() -> None:
        while not pid_file.exists():
            time.sleep(0.01)
        appeared.set()

    threading.Thread(target=watch, daemon=True).start()
    stopper = _cancel_when(appeared, token)
    with pytest.raises(RunCancelledError, match=re.escape(
        "Run cancelled: 0 of 1 nodes finished; 1 running node was abandoned and its results "
        "discarded: sleeper."
    )):
        ParallelRunner(max_workers=1).run(pipe, catalog, cancel_token=token)
    stopper.join()
    _wait_gone(int(pid_file.read_text()))
    assert catalog["b"].saves == []


@pytest.mark.skipif(os.name != "posix", reason="checks the worker's pid")
def test_a_failure_under_parallel_runner_ends_the_other_workers_without_saving(tmp_path: Path):
    pid_file = tmp_path / "pid"
    pipe = Pipeline([
        node(sleep_in_worker, ["a", "params:pid"], "b", name="sleeper"),
        node(fail_once_started, ["a", "params:pid"], "c", name="failing"),
    ])
    catalog = DataCatalog({"a": MemoryDataset(1), "params:pid": MemoryDataset(str(pid_file)),
                           "b": Disk(), "c": Disk()})
    with pytest.raises(ValueError, match="failed while another node runs") as raised:
        ParallelRunner(max_workers=2).run(pipe, catalog)
    report = stop_report(raised.value)
    assert (report.reason, report.abandoned) == ("failed", ("sleeper",))
    _wait_gone(int(pid_file.read_text()))
    assert catalog["b"].saves == [] and catalog["c"].saves == []


def test_a_token_cancelled_before_the_run_runs_nothing():
    token = CancelToken()
    token.cancel()
    catalog = DataCatalog({"a": MemoryDataset(1), "b": Disk()})
    with pytest.raises(RunCancelledError,
                       match=re.escape("The run was cancelled before any node started.")):
        SequentialRunner().run(Pipeline([node(identity, "a", "b")]), catalog,
                               cancel_token=token)
    assert catalog["b"].saves == []


def test_a_token_serves_one_run():
    token = CancelToken()
    pipe = Pipeline([node(identity, "a", "b")])
    SequentialRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}), cancel_token=token)
    assert (token.closed, token.reason, token.cancelled) == (True, None, False)
    token.cancel()  # after the run: nothing to stop
    assert token.reason is None
    with pytest.raises(ValueError, match=re.escape(
        "This CancelToken was already used by another run; make a new CancelToken() for each "
        "run."
    )):
        SequentialRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}), cancel_token=token)


def test_cancelled_is_false_outside_a_run_and_true_in_a_node_of_a_cancelled_run():
    assert kedro_ipy.cancelled() is False

    def cancel_myself(x):
        from kedro_ipy.runner._cancel import current_token

        current_token().cancel()
        return kedro_ipy.cancelled()

    catalog = DataCatalog({"a": MemoryDataset(1), "b": Disk()})
    with pytest.raises(RunCancelledError):
        SequentialRunner().run(Pipeline([node(cancel_myself, "a", "b", name="n")]), catalog)
    assert catalog["b"].saves == []
    assert kedro_ipy.cancelled() is False


def test_runner_keeps_the_token_of_its_last_run_and_a_failure_closes_it():
    def boom(x):
        raise ValueError("no")

    runner = SequentialRunner()
    with pytest.raises(ValueError, match="no") as raised:
        runner.run(Pipeline([node(identity, "a", "b", name="ok"),
                             node(boom, "b", "c", name="bad")]),
                   DataCatalog({"a": MemoryDataset(1)}))
    token = runner.cancel_token
    assert stop_report(raised.value) is token
    assert (token.reason, token.done, token.abandoned) == ("failed", ("ok",), ())


def test_session_cancel_run_ends_the_run_as_cancelled_with_a_record(example_project: Path):
    from kedro_ipy.framework.session import KedroSession

    class StopAtMargins:
        def __init__(self, session: KedroSession) -> None:
            self.session = session
            self.errors: list[BaseException] = []
            self.cancelled: list[bool] = []

        @hook_impl
        def before_node_run(self, node):
            if node.name == "add_margins":  # a Stop button pressed while the node starts
                stopper = threading.Thread(target=lambda: self.cancelled.append(
                    self.session.cancel_run()))
                stopper.start()
                stopper.join()

        @hook_impl
        def on_pipeline_error(self, error):
            self.errors.append(error)

    with KedroSession.create(project_path=example_project, save_on_close=False) as session:
        assert session.cancel_run() is False  # no run in progress
        plugin = StopAtMargins(session)
        session._hook_manager.register(plugin)
        with pytest.raises(RunCancelledError, match="abandoned and its results discarded: "
                                                    "add_margins"):
            session.run("data_processing")
        assert plugin.cancelled == [True]
        (error,) = plugin.errors  # hooks see the cancellation as an error event
        assert isinstance(error, RunCancelledError)
        record = session.store["runs"][-1]
        assert record["status"] == "cancelled"
        assert record["nodes_done"] == ["parse_orders", "clean_orders"]
        assert record["nodes_abandoned"] == ["add_margins"]
        assert record["error"]["type"] == "RunCancelledError"
        session._hook_manager.unregister(plugin)
        session.run("data_processing")  # the session stays usable
        assert session.store["runs"][-1]["status"] == "success"

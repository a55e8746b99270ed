"""DaskRunner on a real dask.distributed cluster on this machine, offline.

Every test runs twice: on a LocalCluster of threads (``processes=False``) and on one of two
worker processes, each cluster shared by this module's tests.
"""

from __future__ import annotations

import importlib
import os
import pickle
import re
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.io.datasets.pickle import PickleDataset
from kedro_ipy.pipeline import Pipeline, node, pipeline
from kedro_ipy.runner import (
    DaskNotInstalledError,
    DaskRunner,
    SequentialRunner,
    UnpicklableError,
)
from tests.pipeline.test_pipeline_properties import dags

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module", params=[False, True], ids=["threads", "processes"])
def client(request: pytest.FixtureRequest) -> Any:
    import dask

    # one retry for a task whose worker died, then KilledWorker: keeps the kill test short
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            processes=request.param, n_workers=2, threads_per_worker=1,
            dashboard_address=":0", silence_logs=50,
        )
    client = distributed.Client(cluster, set_as_default=False)
    client.processes = request.param  # type: ignore[attr-defined]
    yield client
    client.close()
    cluster.close()


def _tasks_on_cluster(client: Any) -> int:
    """How many tasks the scheduler still holds, once the client's releases (sent in
    batches) have reached it."""
    import time

    deadline = time.monotonic() + 10
    while True:
        count = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))
        if not count or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


# -- node functions (module level: shipped by value, this module being local code) ----------

def inc(x: int) -> int:
    return x + 1


def add(a: int, b: int) -> int:
    return a + b


def scale(x: int, k: int) -> int:
    return x * k


def pair(*args: Any) -> tuple:
    return args


def boom(x: int) -> int:
    raise ValueError(f"cannot handle {x}")


def _chain() -> Any:
    return pipeline([
        node(inc, "a", "b", name="first"),
        node(inc, "b", "c", name="second"),
        node(add, ["b", "c"], "d", name="third"),
        node(scale, ["d", "params:k"], "e", name="fourth"),
    ])


def _catalog(**datasets: Any) -> DataCatalog:
    catalog = DataCatalog(datasets=datasets)
    catalog["a"] = 1
    catalog.add_feed_dict({"parameters": {"k": 10}})
    return catalog


# -- outputs ------------------------------------------------------------------------------


def test_each_node_is_one_task_named_after_it_on_the_dashboard(client: Any) -> None:
    from dask.utils import key_split

    with distributed.get_task_stream(client) as stream:
        DaskRunner(client=client).run(_chain(), _catalog())
    names = [key_split(task["key"]) for task in stream.data]
    # one task per node; small in-memory pipeline inputs (a, params:k) travel inside them
    assert sorted(names) == ["first", "fourth", "second", "third"]


def test_outputs_equal_sequential_and_nothing_stays_on_the_cluster(client: Any) -> None:
    expected = SequentialRunner().run(_chain(), _catalog())
    assert expected == {"e": 50}
    assert DaskRunner(client=client).run(_chain(), _catalog()) == expected
    assert _tasks_on_cluster(client) == 0  # every node's data released, outputs gathered


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=dags(), data=st.data())
def test_random_pipelines_give_sequential_outputs_and_files(
    client: Any, tmp_path_factory: pytest.TempPathFactory, case: Any, data: Any
) -> None:
    nodes, used = case
    # `pair` instead of the generator's function: outputs nest their inputs' values
    nodes = [node(pair, list(n.inputs) or None, n.outputs[0], name=n.name) for n in nodes]
    results = []
    for runner in (SequentialRunner(), DaskRunner(client=client)):
        folder = tmp_path_factory.mktemp("random")
        catalog = DataCatalog()
        for name in used:
            if name.startswith("free"):
                catalog[name] = name
            elif "@" in name:  # transcoded: one file under two names, as in Kedro
                catalog.add(name, PickleDataset(filepath=str(folder / name.split("@")[0])))
        outputs = runner.run(pipeline(nodes), catalog)
        files = {path.name: pickle.loads(path.read_bytes()) for path in folder.iterdir()}
        results.append((outputs, files))
    assert results[0] == results[1]


def test_the_example_project_gives_sequential_outputs_and_files(
    client: Any, example_project: Path
) -> None:
    from kedro_ipy.framework.session import KedroSession

    def run(runner: Any) -> tuple[dict, dict]:
        with KedroSession.create(project_path=example_project, save_on_close=False) as session:
            outputs = session.run(runner=runner)
        data = example_project / "data"
        files = {  # versioned files differ only by their version folder
            re.sub(r"/\d{4}-[^/]+Z/", "/", p.relative_to(data).as_posix()): p.read_bytes()
            for p in sorted(data.rglob("*")) if p.is_file()
        }
        return outputs, files

    sequential = run(SequentialRunner())
    assert set(sequential[0]) == {"metrics", "next_week_forecast"}
    assert run(DaskRunner(client=client)) == sequential


# -- data ------------------------------------------------------------------------------------


class _Watched(MemoryDataset):
    """A registered in-memory dataset that notes any load or save made in this process."""

    touched: list[str] = []

    def load(self) -> Any:
        self.touched.append("load")
        return super().load()

    def save(self, data: Any) -> None:
        self.touched.append("save")
        super().save(data)


def test_in_memory_intermediate_data_never_reaches_the_driver_nor_a_disk(
    client: Any, tmp_path: Path
) -> None:
    _Watched.touched = []
    catalog = _catalog(c=_Watched(), e=PickleDataset(filepath=str(tmp_path / "e.pkl")))
    before = {p for p in tmp_path.rglob("*")}
    assert DaskRunner(client=client).run(_chain(), catalog) == {}
    assert _Watched.touched == []  # "c" went from worker to worker, never through here
    assert {p for p in tmp_path.rglob("*")} - before == {tmp_path / "e.pkl"}
    spilled = client.run(lambda dask_worker: [
        os.path.join(root, name) for root, _, names in os.walk(dask_worker.local_directory)
        for name in names if "storage" in root
    ])
    assert all(files == [] for files in spilled.values())


def test_a_persisted_dataset_is_saved_and_loaded_on_the_worker(
    client: Any, tmp_path: Path
) -> None:
    catalog = _catalog(b=PickleDataset(filepath=str(tmp_path / "b.pkl")))
    where = PickleDataset(filepath=str(tmp_path / "pid.pkl"))
    catalog.add("pid", where)

    def who(b: int) -> int:
        return os.getpid()

    steps = pipeline([node(inc, "a", "b", name="first"), node(who, "b", "pid", name="who")])
    DaskRunner(client=client).run(steps, catalog)
    assert PickleDataset(filepath=str(tmp_path / "b.pkl")).load() == 2
    assert (where.load() != os.getpid()) is client.processes


def test_unshippable_functions_and_inputs_are_named_before_anything_runs(
    client: Any, tmp_path: Path
) -> None:
    lock = threading.Lock()

    def locked(x: int) -> int:
        with lock:
            return x

    ran = tmp_path / "ran"
    catalog = _catalog()
    catalog.add("handle", MemoryDataset(threading.Lock(), copy_mode="assign"))
    steps = pipeline([
        node(lambda a: ran.write_text("x") and a, "a", "b", name="first"),
        node(locked, "b", "c", name="locked_node"),
        node(lambda c, h: c, ["c", "handle"], "d", name="uses_handle"),
    ])
    with pytest.raises(UnpicklableError) as raised:
        DaskRunner(client=client).run(steps, catalog)
    message = str(raised.value)
    assert message.startswith(
        "The following nodes cannot be serialised: ['locked_node']. Cannot run with "
        "DaskRunner: 2 objects cannot be sent to Dask workers:\n"
        "  - function 'test_unshippable_functions_and_inputs_are_named_before_anything_runs"
        ".<locals>.locked' of node 'locked_node': TypeError: cannot pickle '_thread.lock' "
        "object\n  - dataset 'handle' (in memory): TypeError: cannot pickle '_thread.lock' "
        "object\nDaskRunner sends"
    )
    assert not ran.exists()


# -- hooks and progress ----------------------------------------------------------------------


def _per_node(calls: list[tuple[str, dict]]) -> dict[str, list[tuple]]:
    """Each node's hook calls with their arguments (a run's catalog and id aside)."""
    by_node: dict[str, list[tuple]] = {}
    for name, kwargs in calls:
        shown = {key: value for key, value in kwargs.items() if key not in {"catalog", "node"}}
        by_node.setdefault(kwargs["node"].name, []).append((name, repr(sorted(shown.items()))))
    return by_node


def test_hooks_fire_in_the_driver_as_under_sequential_runner(
    client: Any, tmp_path: Path, recorder: Any, hook_manager: Any
) -> None:
    def persisted() -> DataCatalog:
        return _catalog(c=PickleDataset(filepath=str(tmp_path / "c.pkl")))

    SequentialRunner().run(_chain(), persisted(), hook_manager, run_id="r1")
    sequential = list(recorder.calls)
    recorder.calls.clear()
    recorder.where.clear()
    DaskRunner(client=client).run(_chain(), persisted(), hook_manager, run_id="r1")

    assert _per_node(recorder.calls) == _per_node(sequential)
    assert {pid for pid, _ in recorder.where} == {os.getpid()}
    order = [kwargs["node"].name for name, kwargs in recorder.calls if name == "after_node_run"]
    assert order == ["first", "second", "third", "fourth"]  # one progress event per node


def test_one_progress_event_per_node_from_session_style_hooks(client: Any) -> None:
    """The session's and the panel's hooks take only ``node``: nothing is fetched for
    them, and each node is reported once, after its parents."""
    from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

    events: list[tuple[str, str]] = []

    class Progress:
        @hook_impl
        def before_node_run(self, node: Any) -> None:
            events.append(("start", node.name))

        @hook_impl
        def after_node_run(self, node: Any) -> None:
            events.append(("done", node.name))

    manager = _create_hook_manager()
    manager.register(Progress())
    wide = pipeline([node(inc, "a", f"x{i}", name=f"n{i}") for i in range(12)]
                    + [node(pair, [f"x{i}" for i in range(12)], "all", name="join")])
    outputs = DaskRunner(client=client).run(wide, _catalog(), manager)
    assert outputs == {"all": (2,) * 12}
    assert sorted(events) == sorted([("start", f"n{i}") for i in range(12)] + [
        ("done", f"n{i}") for i in range(12)] + [("start", "join"), ("done", "join")])
    assert events[-2:] == [("start", "join"), ("done", "join")]


def _talker(x: int) -> int:
    import logging

    print(f"got {x}")
    logging.getLogger("talker").warning("careful with %s", x)
    return x


def test_what_a_node_prints_on_a_worker_reaches_the_node_logs(client: Any) -> None:
    runner = DaskRunner(client=client)
    steps = pipeline([node(_talker, "a", "b", name="talker"), node(inc, "b", "c", name="quiet")])
    assert runner.run(steps, _catalog()) == {"c": 2}
    assert runner.node_logs is not None
    logs = runner.node_logs.as_dict()
    assert set(logs) == {"talker"}
    assert "got 1\n" in logs["talker"]
    assert "careful with 1" in logs["talker"]


# -- failures ---------------------------------------------------------------------------------


def test_a_failing_node_fails_the_run_with_its_exception_then_resumes(
    client: Any, tmp_path: Path, recorder: Any, hook_manager: Any
) -> None:
    from kedro_ipy.runner import find_nodes_to_resume_from

    def persisted() -> DataCatalog:
        return _catalog(b=PickleDataset(filepath=str(tmp_path / "b.pkl")),
                        c=PickleDataset(filepath=str(tmp_path / "c.pkl")))

    broken = pipeline([
        node(inc, "a", "b", name="first"),
        node(inc, "b", "c", name="second"),
        node(boom, "c", "d", name="third"),
        node(scale, ["d", "params:k"], "e", name="fourth"),
    ])
    with pytest.raises(ValueError, match=r"^cannot handle 3\n") as raised:
        DaskRunner(client=client).run(broken, persisted(), hook_manager)
    assert raised.value.__notes__ == [
        "kedro_ipy: node 'third' failed. 2 of 4 nodes finished. To resume without "
        'recomputing persisted data, run again with: --from-nodes "third"'
    ]
    errors = recorder.of("on_node_error")
    assert [(e["node"].name, e["error"], e["inputs"]) for e in errors] == [
        ("third", raised.value, {"c": 3})]
    assert "fourth" not in recorder.names() or "fourth" not in [
        kwargs["node"].name for kwargs in recorder.of("before_node_run")]
    assert _tasks_on_cluster(client) == 0  # the rest cancelled, nothing left behind

    resume = find_nodes_to_resume_from(broken, ["first", "second"], persisted())
    assert resume == ["third"]
    fixed = pipeline([
        node(inc, "a", "b", name="first"), node(inc, "b", "c", name="second"),
        node(inc, "c", "d", name="third"), node(scale, ["d", "params:k"], "e", name="fourth"),
    ])
    assert DaskRunner(client=client).run(fixed.from_nodes(*resume), persisted()) == {"e": 40}


def test_an_exception_that_cannot_travel_back_is_still_named(client: Any) -> None:
    from tests.runner.test_parallel_runner import locked_failure

    steps = pipeline([node(locked_failure, "a", "b", name="locked")])
    with pytest.raises(Exception, match="held the lock") as raised:
        DaskRunner(client=client).run(steps, _catalog())
    assert "LockedError" in f"{type(raised.value).__name__}: {raised.value}"
    assert _tasks_on_cluster(client) == 0


def test_a_worker_that_dies_is_retried_then_reported_by_node_name(
    client: Any, tmp_path: Path
) -> None:
    if not client.processes:
        pytest.skip("a thread cannot die alone: only worker processes can be killed")
    marker = tmp_path / "died-once"

    def dies_once(x: int) -> int:
        if not marker.exists():
            marker.write_text("x")
            os._exit(1)  # the worker process is killed mid-run
        return x + 100

    def always_dies(x: int) -> int:
        os._exit(1)

    steps = pipeline([node(inc, "a", "b", name="first"),
                      node(dies_once, "b", "c", name="fragile")])
    assert DaskRunner(client=client).run(steps, _catalog()) == {"c": 102}  # Dask retried
    client.wait_for_workers(2, timeout=60)

    steps = pipeline([node(inc, "a", "b", name="first"),
                      node(always_dies, "b", "c", name="doomed")])

    def allow(failures: int) -> None:  # no retry: one worker survives to report the death
        client.run_on_scheduler(
            lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", failures))

    allow(0)
    try:
        # Dask reports the death (KilledWorker), or, when the dead worker also held data
        # the task needed, the task's loss: either way the node is named
        with pytest.raises(Exception, match=r"^(Node 'doomed' was running on a Dask worker "
                           r"that died, on every attempt|The Dask task of node 'doomed' was "
                           r"lost before it finished: a worker running it .* died)") as raised:
            DaskRunner(client=client).run(steps, _catalog())
    finally:
        allow(1)
    assert "1 of 2 nodes finished" in raised.value.__notes__[0]
    client.wait_for_workers(2, timeout=60)
    assert DaskRunner(client=client).run(_chain(), _catalog()) == {"e": 50}  # still usable


def _slow(x: int) -> int:
    import time

    time.sleep(1.5)
    return x


def test_a_cancel_from_another_thread_stops_the_run_and_its_tasks(
    client: Any, tmp_path: Path
) -> None:
    from kedro_ipy.runner import CancelToken, RunCancelledError

    token = CancelToken()
    steps = pipeline([node(inc, "a", "b", name="first"), node(_slow, "b", "c", name="slow"),
                      node(inc, "c", "d", name="after")])
    catalog = _catalog(c=PickleDataset(filepath=str(tmp_path / "c.pkl")))
    from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

    class StopButton:  # pressed from another thread once "slow" is under way
        @hook_impl
        def after_node_run(self, node: Any) -> None:
            if node.name == "first":
                threading.Timer(0.3, token.cancel).start()

    manager = _create_hook_manager()
    manager.register(StopButton())
    with pytest.raises(RunCancelledError, match=r"^Run cancelled: 1 of 3 nodes finished; 1 "
                       r"running node was abandoned and its results discarded: slow\.$"):
        DaskRunner(client=client).run(steps, catalog, manager, cancel_token=token)
    assert (token.reason, token.done, token.abandoned) == ("cancelled", ("first",), ("slow",))
    assert _tasks_on_cluster(client) == 0  # "slow" has ended on its worker by now...
    assert not (tmp_path / "c.pkl").exists()  # ...and saved nothing
    assert DaskRunner(client=client).run(_chain(), _catalog()) == {"e": 50}


def test_ctrl_c_cancels_the_pending_tasks_and_the_runner_stays_usable(client: Any) -> None:
    from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

    class CtrlC:
        @hook_impl
        def after_node_run(self, node: Any) -> None:
            if node.name == "first":
                raise KeyboardInterrupt

    manager = _create_hook_manager()
    manager.register(CtrlC())
    runner = DaskRunner(client=client)
    steps = pipeline([node(inc, "a", "b", name="first"), node(_slow, "b", "c", name="slow"),
                      node(inc, "c", "d", name="after")])
    with pytest.raises(KeyboardInterrupt):
        runner.run(steps, _catalog(), manager)
    assert runner.cancel_token is not None
    assert runner.cancel_token.reason == "interrupted"
    assert _tasks_on_cluster(client) == 0
    assert runner.run(_chain(), _catalog()) == {"e": 50}


# -- code shipped by value -------------------------------------------------------------------


def test_an_edited_project_node_is_picked_up_without_restarting_workers(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "edited_project" / "nodes.py"
    source.parent.mkdir()
    (source.parent / "__init__.py").write_text("")
    source.write_text("def step(x):\n    return x + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("edited_project.nodes")
    try:
        steps = pipeline([node(module.step, "a", "b", name="step")])
        assert DaskRunner(client=client).run(steps, _catalog()) == {"b": 2}

        source.write_text(textwrap.dedent("""\
            class Result:
                def __init__(self, value):
                    self.value = value

            def step(x):
                return Result(x * 1000)
        """))
        module = importlib.reload(module)
        steps = pipeline([node(module.step, "a", "b", name="step"),
                          node(lambda b: b.value, "b", "c", name="unwrap")])
        assert DaskRunner(client=client).run(steps, _catalog()) == {"c": 1000}
    finally:
        for name in [m for m in sys.modules if m.startswith("edited_project")]:
            del sys.modules[name]


def test_a_notebook_defined_node_runs_and_its_edit_is_picked_up(client: Any) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec("def step(x):\n    return x + 1\n", namespace)  # as a notebook cell defines it
    steps = pipeline([node(namespace["step"], "a", "b", name="step")])
    assert DaskRunner(client=client).run(steps, _catalog()) == {"b": 2}
    exec("def step(x):\n    return x - 1\n", namespace)
    steps = pipeline([node(namespace["step"], "a", "b", name="step")])
    assert DaskRunner(client=client).run(steps, _catalog()) == {"b": 0}


# -- choosing the cluster ---------------------------------------------------------------------


def test_a_scheduler_address_is_used_and_only_our_client_closed(client: Any) -> None:
    address = client.scheduler.address
    runner = DaskRunner(address=address)
    assert runner.run(_chain(), _catalog()) == {"e": 50}
    assert client.status == "running"  # the scheduler and the caller's client live on
    assert DaskRunner(client=client).run(_chain(), _catalog()) == {"e": 50}


def test_the_command_line_runs_on_a_scheduler_address(
    client: Any, example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not client.processes:
        pytest.skip("a thread cluster has no network address")
    from kedro_ipy.framework.cli import main

    address = client.scheduler.address.removeprefix("tcp://")
    assert main(["run", "--project-path", str(example_project),
                 "--runner", f"dask://{address}"]) == 0
    out = capsys.readouterr().out
    assert "of pipeline '__default__': 11/11 nodes" in out
    assert "next_week_forecast = [" in out


def test_a_missing_distributed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskNotInstalledError, match=re.escape(
        "DaskRunner needs the 'distributed' package, which is not installed. Install it "
        "with: pip install 'kedro_ipy[dask]'"
    )):
        DaskRunner()
    assert isinstance(DaskNotInstalledError("x"), ImportError)


def test_client_and_address_together_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^DaskRunner takes a client or an address, not both"):
        DaskRunner(client=object(), address="tcp://127.0.0.1:8786")


def test_a_big_pipeline_input_is_one_task_that_the_nodes_share(client: Any) -> None:
    from dask.utils import key_split

    big = list(range(50_000))  # well over the size that travels inside each task
    catalog = DataCatalog({"big": MemoryDataset(big)})
    pipe = Pipeline([node(len, "big", "n1", name="count_a"),
                     node(len, "big", "n2", name="count_b")])
    with distributed.get_task_stream(client) as stream:
        assert DaskRunner(client=client).run(pipe, catalog) == {"n1": 50_000, "n2": 50_000}
    assert sorted(key_split(task["key"]) for task in stream.data) == [
        "big", "count_a", "count_b"]

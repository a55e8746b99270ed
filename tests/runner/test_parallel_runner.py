"""``ParallelRunner``: functions in worker processes; loads, saves and hooks in this one."""

from __future__ import annotations

import os
import re
import sys
import threading

import pytest

from kedro_ipy.io import DataCatalog, DatasetError, MemoryDataset
from kedro_ipy.pipeline import Pipeline, node
from kedro_ipy.runner import ParallelRunner, SequentialRunner, UnpicklableError

from .conftest import Disk


def inc(x):
    return x + 1


def add(x, y):
    return x + y


def pid(_):
    return os.getpid()


def fail(x):
    raise ValueError(f"bad value {x}")


def make_lock(_):
    return threading.Lock()


class QuotaError(Exception):
    """Like many library errors: a constructor that ``cls(*args)`` cannot call again."""

    def __init__(self, used: int, limit: int) -> None:
        super().__init__(f"used {used} of {limit}")
        self.used = used


def over_quota(_):
    raise QuotaError(12, 10)


class LockedError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()  # cannot be pickled at all


def locked_failure(_):
    raise LockedError("held the lock")


def diamond() -> Pipeline:
    return Pipeline([
        node(inc, "a", "b", name="top"),
        node(inc, "b", "left", name="left"),
        node(add, ["b", "a"], "right", name="right"),
        node(add, ["left", "right"], "bottom", name="bottom"),
        node(inc, "a", "side", name="side"),
    ])


def test_same_result_as_sequential():
    expected = SequentialRunner().run(diamond(), DataCatalog({"a": MemoryDataset(1)}))
    result = ParallelRunner(max_workers=2).run(diamond(), DataCatalog({"a": MemoryDataset(1)}))
    assert result == expected == {"bottom": 6, "side": 2}


def test_async_loading_gives_the_same_result():
    result = ParallelRunner(max_workers=2, is_async=True).run(
        diamond(), DataCatalog({"a": MemoryDataset(1)})
    )
    assert result == {"bottom": 6, "side": 2}


def test_functions_run_in_workers_and_hooks_in_this_process(hook_manager, recorder):
    pipe = Pipeline([node(pid, "a", "p1", name="one"), node(pid, "a", "p2", name="two")])

    result = ParallelRunner(max_workers=2).run(
        pipe, DataCatalog({"a": MemoryDataset(0)}), hook_manager=hook_manager, run_id="r1"
    )

    assert os.getpid() not in set(result.values())
    assert {where[0] for where in recorder.where} == {os.getpid()}
    assert sorted(c["node"].name for c in recorder.of("after_node_run")) == ["one", "two"]
    assert {c["run_id"] for c in recorder.of("before_node_run")} == {"r1"}
    for name in ("one", "two"):
        assert recorder.names(name) == [
            "before_dataset_loaded", "after_dataset_loaded", "before_node_run",
            "after_node_run", "before_dataset_saved", "after_dataset_saved",
        ]


def test_unpicklable_functions_and_data_refused_before_the_run(hook_manager, recorder):
    def nested(x):
        return x

    pipe = Pipeline([
        node(lambda x: x, "a", "b", name="anonymous"),
        node(nested, "b", "c", name="inner"),
        node(add, ["c", "lock"], "d", name="fine"),
    ])
    catalog = DataCatalog({"a": MemoryDataset(1), "lock": MemoryDataset(threading.Lock(),
                                                                          copy_mode="assign")})

    with pytest.raises(UnpicklableError) as info:
        ParallelRunner().run(pipe, catalog, hook_manager=hook_manager)

    message = str(info.value)
    assert message.startswith(
        "The following nodes cannot be serialised: ['anonymous', 'inner']. "
        "Cannot run with ParallelRunner: 3 objects cannot be pickled to a worker process:\n"
    )
    assert isinstance(info.value, AttributeError)  # what Kedro's ParallelRunner raises
    assert (
        "  - function 'test_unpicklable_functions_and_data_refused_before_the_run.<locals>"
        ".<lambda>' of node 'anonymous': "
    ) in message
    assert (
        "  - function 'test_unpicklable_functions_and_data_refused_before_the_run.<locals>"
        ".nested' of node 'inner': "
    ) in message
    assert "  - dataset 'lock' (in memory): TypeError: cannot pickle '_thread.lock' object" in (
        message
    )
    assert "use SequentialRunner or ThreadRunner" in message
    assert recorder.calls == []


def test_unpicklable_in_memory_data_alone_is_refused_in_kedro_words():
    pipe = Pipeline([node(inc, "lock", "out", name="user")])
    catalog = DataCatalog({"lock": MemoryDataset(threading.Lock(), copy_mode="assign")})

    with pytest.raises(AttributeError, match=re.escape(
        "The following datasets cannot be used with multiprocessing: ['lock']. "
        "Cannot run with ParallelRunner: 1 object cannot be pickled"
    )):
        ParallelRunner().run(pipe, catalog)


def test_unpicklable_output_named():
    pipe = Pipeline([node(make_lock, "a", "lock", name="locker")])
    with pytest.raises(UnpicklableError, match=re.escape(
        "<class '_thread.lock'> cannot be serialised. ParallelRunner implicit memory datasets "
        "can only be used with serialisable data. "
        "These values cannot be sent back from a worker process:\n"
        "  - output 'lock' of node 'locker' (lock): TypeError: cannot pickle '_thread.lock' "
        "object"
    )) as info:
        ParallelRunner(max_workers=1).run(pipe, DataCatalog({"a": MemoryDataset(1)}))
    assert isinstance(info.value, DatasetError)  # as Kedro's shared-memory dataset raises


def test_unpicklable_input_named():
    pipe = Pipeline([node(make_lock, "a", "lock", name="locker"),
                     node(inc, "lock", "out", name="user")])
    # the lock is made in the main process by a before_node_run replacement
    from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

    class Inject:
        @hook_impl
        def before_node_run(self, node):
            return {"a": threading.Lock()} if node.name == "locker" else None

    manager = _create_hook_manager()
    manager.register(Inject())
    with pytest.raises(UnpicklableError, match=re.escape(
        "These values cannot be sent to a worker process:\n"
        "  - input 'a' of node 'locker' (lock): TypeError: cannot pickle '_thread.lock' object"
    )):
        ParallelRunner(max_workers=1).run(pipe, DataCatalog({"a": MemoryDataset(1)}),
                                          hook_manager=manager)


def test_node_failure_reported_in_this_process(hook_manager, recorder):
    pipe = Pipeline([node(inc, "a", "b", name="ok"), node(fail, "b", "c", name="broken")])

    with pytest.raises(ValueError, match="bad value 2") as info:
        ParallelRunner(max_workers=2).run(pipe, DataCatalog({"a": MemoryDataset(1)}),
                                          hook_manager=hook_manager)

    error_call, = recorder.of("on_node_error")
    assert error_call["error"] is info.value
    assert error_call["node"].name == "broken"
    assert error_call["inputs"] == {"b": 2}
    if sys.version_info >= (3, 11):
        assert info.value.__notes__[-1].startswith("kedro_ipy: node 'broken' failed. 1 of 2")


@pytest.mark.parametrize("bad", [0, -3])
def test_max_workers_must_be_positive(bad):
    with pytest.raises(ValueError, match="max_workers should be positive"):
        ParallelRunner(max_workers=bad)


def squares(n):
    for i in range(n):
        yield i * i


def test_generator_node_chunks_saved_one_by_one_in_the_main_process():
    pipe = Pipeline([node(squares, "n", "sq", name="gen")])
    catalog = DataCatalog({"n": MemoryDataset(4), "sq": Disk()})
    ParallelRunner(max_workers=1).run(pipe, catalog)
    assert catalog["sq"].saves == [0, 1, 4, 9]


@pytest.mark.parametrize(("cpus", "asked", "expected"), [
    (4, 6, 3),     # the fan-out never has more than 3 nodes ready at once
    (4, None, 3),
    (2, None, 2),  # by default one process per CPU
    (1, 2, 2),     # an explicit number may exceed the CPUs
])
def test_worker_count_follows_cpus_request_and_pipeline_width(monkeypatch, cpus, asked,
                                                              expected):
    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    fan = Pipeline([
        node(inc, "a", "b", name="root"),
        node(inc, "b", "c", name="x"), node(inc, "b", "d", name="y"),
        node(inc, "b", "e", name="z"),
    ])
    runner = ParallelRunner(max_workers=asked)
    assert runner._get_required_workers_count(fan) == expected


def test_exception_with_its_own_constructor_comes_back_as_itself(hook_manager, recorder):
    # Without care the pool reports only "BrokenProcessPool" and hides the node's error.
    pipeline = Pipeline([node(over_quota, "a", "b", name="quota"), node(inc, "a", "c")])
    with pytest.raises(QuotaError, match="used 12 of 10") as info:
        ParallelRunner(max_workers=2).run(pipeline, DataCatalog({"a": MemoryDataset(1)}),
                                          hook_manager)
    assert info.value.used == 12
    (call,) = recorder.of("on_node_error")
    assert call["node"].name == "quota"
    assert call["error"] is info.value


def test_exception_that_cannot_travel_is_named():
    pipeline = Pipeline([node(locked_failure, "a", "b", name="locked")])
    with pytest.raises(Exception, match="LockedError: held the lock") as info:
        ParallelRunner(max_workers=1).run(pipeline, DataCatalog({"a": MemoryDataset(1)}))
    assert "BrokenProcessPool" not in type(info.value).__name__
    assert "locked_failure" in str(info.value)  # the worker's traceback is kept

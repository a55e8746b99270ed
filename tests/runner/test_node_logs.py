"""What each node prints or logs is kept per node, with every runner, and still shown."""

from __future__ import annotations

import logging
import sys
import threading
import time

import pytest

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.pipeline import Pipeline, node
from kedro_ipy.runner import ParallelRunner, SequentialRunner, ThreadRunner
from kedro_ipy.runner.node_logs import NodeLogs, captured

log = logging.getLogger("tests.node_logs")


def chatty(x):
    print(f"printing {x}")
    print(f"warning {x}", file=sys.stderr)
    log.warning("logged %s", x)
    return x + 1


def slow_chatty(x):
    # Interleave with the other thread's node, so routing by thread is really tested.
    for step in range(3):
        print(f"{x}:{step}")
        time.sleep(0.01)
    return x


def boom(x):
    print("about to fail")
    raise ValueError("no")


def catalog(**values) -> DataCatalog:
    return DataCatalog({name: MemoryDataset(value) for name, value in values.items()})


@pytest.mark.parametrize("runner", [SequentialRunner(), ThreadRunner(), ParallelRunner()],
                         ids=["sequential", "thread", "parallel"])
def test_each_node_keeps_what_it_printed_and_logged(runner):
    pipe = Pipeline([node(chatty, "a", "b", name="first"), node(chatty, "b", "c", name="second")])
    runner.run(pipe, catalog(a=1))
    logs = runner.node_logs.as_dict()
    assert set(logs) == {"first", "second"}
    assert "printing 1\n" in logs["first"] and "warning 1\n" in logs["first"]
    assert "WARNING tests.node_logs: logged 1" in logs["first"]
    assert "printing 2" in logs["second"] and "printing 1" not in logs["second"]


def test_concurrent_threads_each_get_their_own_lines():
    pipe = Pipeline([node(slow_chatty, "a", "b", name="left"),
                     node(slow_chatty, "c", "d", name="right")])
    runner = ThreadRunner(max_workers=2)
    runner.run(pipe, catalog(a="L", c="R"))
    logs = runner.node_logs.as_dict()
    assert logs["left"] == "L:0\nL:1\nL:2\n"
    assert logs["right"] == "R:0\nR:1\nR:2\n"


@pytest.mark.parametrize("runner", [SequentialRunner(), ParallelRunner()],
                         ids=["sequential", "parallel"])
def test_a_failed_node_keeps_its_log(runner):
    with pytest.raises(ValueError, match="no"):
        runner.run(Pipeline([node(boom, "a", "b", name="bad")]), catalog(a=1))
    assert runner.node_logs.as_dict() == {"bad": "about to fail\n"}


def test_output_still_reaches_the_real_streams_and_they_are_restored(capsys):
    before = (sys.stdout, sys.stderr)
    runner = SequentialRunner()
    runner.run(Pipeline([node(chatty, "a", "b", name="n")]), catalog(a=5))
    assert (sys.stdout, sys.stderr) == before
    shown = capsys.readouterr()
    assert "printing 5" in shown.out and "warning 5" in shown.err


def test_a_chatty_node_is_capped_with_a_count_of_what_was_dropped():
    logs = NodeLogs(cap=100)
    with logs.capture("loud"):
        print("x" * 250)
    text = logs.as_dict()["loud"]
    assert text.startswith("x" * 100)
    assert text.rstrip().endswith("151 more characters not kept")


def test_other_threads_output_is_not_taken_for_the_nodes():
    logs = NodeLogs()
    seen = threading.Event()

    def bystander():
        print("not a node")
        seen.set()

    with logs.capture("n"):
        thread = threading.Thread(target=bystander)
        thread.start()
        thread.join()
        print("mine")
    assert seen.is_set()
    assert logs.as_dict() == {"n": "mine\n"}


def test_captured_collects_a_workers_text():
    with captured() as text:
        print("from a worker")
    assert text == ["from a worker\n"]

"""What every runner promises: free outputs, an untouched catalog, inputs checked up front,
hooks with Kedro's arguments, datasets released, and failures that say where to resume."""

from __future__ import annotations

import logging
import pickle
import re
import sys
import threading
from typing import Any

import pytest

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.pipeline import Pipeline, node
from kedro_ipy.runner import (
    AbstractRunner,
    MissingInputsError,
    SequentialRunner,
    Task,
    ThreadRunner,
)

from .conftest import Disk, RecordingMemoryDataset

RUNNERS = [SequentialRunner, lambda: ThreadRunner(max_workers=2)]
RUNNER_IDS = ["sequential", "thread"]


def inc(x: int) -> int:
    return x + 1


def add(x: int, y: int) -> int:
    return x + y


def boom(x: int) -> int:
    raise ValueError(f"cannot handle {x}")


@pytest.fixture(params=RUNNERS, ids=RUNNER_IDS)
def runner(request: pytest.FixtureRequest) -> Any:
    return request.param()


class TestResult:
    def test_returns_values_of_outputs_the_catalog_does_not_register(self, runner):
        pipe = Pipeline([
            node(inc, "a", "b", name="first"),
            node(inc, "b", "c", name="second"),
            node(inc, "b", "kept", name="third"),
        ])
        kept = Disk()
        catalog = DataCatalog({"a": MemoryDataset(1), "kept": kept})

        assert runner.run(pipe, catalog) == {"c": 3}
        assert kept.data == 3

    def test_caller_catalog_is_not_modified(self, runner):
        pipe = Pipeline([node(inc, "a", "b", name="first"), node(inc, "b", "c", name="second")])
        catalog = DataCatalog({"a": MemoryDataset(1)})

        runner.run(pipe, catalog)

        assert list(catalog.keys()) == ["a"]
        assert "b" not in catalog
        assert catalog.load("a") == 1

    def test_parameters_reach_nodes(self, runner):
        pipe = Pipeline([node(add, ["a", "params:model.alpha"], "out", name="scaled")])
        catalog = DataCatalog({"a": MemoryDataset(1)})
        catalog.add_feed_dict({"parameters": {"model": {"alpha": 10}}})

        assert runner.run(pipe, catalog) == {"out": 11}

    def test_transcoded_entries_are_ordered_as_one_dataset(self, runner):
        pipe = Pipeline([
            node(inc, "b@memory", "c", name="reader"),
            node(inc, "a", "b@disk", name="writer"),
        ])
        disk = Disk()
        catalog = DataCatalog({"a": MemoryDataset(1), "b@disk": disk, "b@memory": disk})

        assert runner.run(pipe, catalog) == {"c": 3}

    def test_empty_pipeline_returns_nothing(self, runner):
        assert runner.run(Pipeline([]), DataCatalog()) == {}


class TestMissingInputs:
    def test_all_missing_inputs_reported_before_anything_runs(self, runner, hook_manager,
                                                              recorder):
        pipe = Pipeline([
            node(add, ["raw_cars", "params:alpha"], "x", name="first"),
            node(add, ["x", "companies"], "y", name="second"),
        ])
        catalog = DataCatalog({"raw_car": MemoryDataset(1), "companies": MemoryDataset(2)})

        with pytest.raises(MissingInputsError) as info:
            runner.run(pipe, catalog, hook_manager=hook_manager)

        assert str(info.value) == (
            "Pipeline input(s) {'raw_cars', 'params:alpha'} not found in the DataCatalog. "
            "2 pipeline inputs are not in the catalog, so nothing was run:\n"
            "  - 'raw_cars' (did you mean 'raw_car'?)\n"
            "  - 'params:alpha'\n"
            "Register them in the catalog configuration (conf/base/catalog.yml), add "
            "parameters to parameters.yml, or feed values with catalog.add_feed_dict()."
        )
        assert info.value.missing == ["raw_cars", "params:alpha"]
        assert str(pickle.loads(pickle.dumps(info.value))) == str(info.value)
        assert isinstance(info.value, ValueError)  # what Kedro raises
        assert recorder.calls == []


class TestRelease:
    def test_intermediates_released_after_their_last_reader(self, runner):
        log: list[str] = []
        pipe = Pipeline([
            node(inc, "a", "b", name="n1"),
            node(inc, "b", "c", name="n2"),
            node(add, ["b", "c"], "d", name="n3"),
            node(inc, "d", "e", name="n4"),
        ])
        catalog = DataCatalog({
            name: RecordingMemoryDataset(name, log, data=1 if name == "a" else None)
            for name in "abcde"
        })

        runner.run(pipe, catalog)

        # 'b' is read by n2 and n3, so it goes with 'c' after n3; the pipeline's own input
        # 'a' and output 'e' are never released.
        assert sorted(log) == ["b", "c", "d"]
        assert log.index("d") > log.index("b")
        assert catalog.load("e") == 6
        assert catalog.load("a") == 1

    def test_memory_stays_flat_along_a_chain(self, runner):
        from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

        datasets = [MemoryDataset() for _ in range(1, 30)]
        holding: list[int] = []

        class Watcher:
            @hook_impl
            def after_dataset_saved(self):
                holding.append(sum(ds.exists() for ds in datasets))

        manager = _create_hook_manager()
        manager.register(Watcher())
        pipe = Pipeline([node(inc, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(30)])
        catalog = DataCatalog({f"d{i}": ds for i, ds in enumerate(datasets, start=1)})
        catalog["d0"] = 0

        assert runner.run(pipe, catalog, hook_manager=manager) == {"d30": 30}
        assert len(holding) == 30
        # at each save: the value just written, and at most the one it was computed from
        assert max(holding) == 2
        assert sum(ds.exists() for ds in datasets) == 0


class TestHooks:
    def test_order_and_arguments(self, hook_manager, recorder):
        pipe = Pipeline([node(add, ["a", "b"], "c", name="adder")])
        catalog = DataCatalog({"a": MemoryDataset(1), "b": MemoryDataset(2)})

        SequentialRunner().run(pipe, catalog, hook_manager=hook_manager, run_id="run-7")

        assert recorder.names() == [
            "before_dataset_loaded", "after_dataset_loaded",
            "before_dataset_loaded", "after_dataset_loaded",
            "before_node_run", "after_node_run",
            "before_dataset_saved", "after_dataset_saved",
        ]
        assert [c["dataset_name"] for c in recorder.of("after_dataset_loaded")] == ["a", "b"]
        assert [c["data"] for c in recorder.of("after_dataset_loaded")] == [1, 2]
        before, = recorder.of("before_node_run")
        after, = recorder.of("after_node_run")
        assert before["node"].name == "adder"
        assert before["inputs"] == {"a": 1, "b": 2}
        assert (before["run_id"], before["is_async"]) == ("run-7", False)
        assert after["outputs"] == {"c": 3}
        assert after["catalog"] is before["catalog"]
        assert after["catalog"] is not catalog  # the run's copy, which knows 'c'
        assert "c" in after["catalog"]
        assert recorder.of("after_dataset_saved")[0]["data"] == 3

    def test_every_node_reports_start_and_finish(self, runner, hook_manager, recorder):
        pipe = Pipeline([node(inc, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(5)])
        catalog = DataCatalog({"d0": MemoryDataset(0)})

        runner.run(pipe, catalog, hook_manager=hook_manager)

        started = [c["node"].name for c in recorder.of("before_node_run")]
        finished = [c["node"].name for c in recorder.of("after_node_run")]
        assert started == finished == [f"n{i}" for i in range(5)]

    def test_before_node_run_can_replace_inputs(self, runner):
        from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

        class Override:
            @hook_impl
            def before_node_run(self, node, inputs):
                inputs["a"] = -1  # mutating the given dict does nothing
                return {"b": 100} if node.name == "adder" else None

        manager = _create_hook_manager()
        manager.register(Override())
        pipe = Pipeline([node(add, ["a", "b"], "c", name="adder")])
        catalog = DataCatalog({"a": MemoryDataset(1), "b": MemoryDataset(2)})

        assert runner.run(pipe, catalog, hook_manager=manager) == {"c": 101}

    def test_before_node_run_returning_a_non_dict_is_refused(self):
        from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

        class Bad:
            @hook_impl
            def before_node_run(self):
                return ["b", 100]

        manager = _create_hook_manager()
        manager.register(Bad())
        pipe = Pipeline([node(inc, "a", "c", name="incr")])
        with pytest.raises(TypeError, match=re.escape(
            "'before_node_run' must return either None or a dictionary mapping dataset names "
            "to updated values, got 'list' instead. (A hook returned it for node 'incr'.)"
        )):
            SequentialRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}),
                                   hook_manager=manager)

    def test_any_object_with_a_hook_relay_works(self):
        seen = []

        class Relay:
            def before_node_run(self, **kwargs):
                seen.append(kwargs["node"].name)
                return None

        class Manager:
            hook = Relay()

        pipe = Pipeline([node(inc, "a", "c", name="incr")])
        assert SequentialRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}),
                                      hook_manager=Manager()) == {"c": 2}
        assert seen == ["incr"]

    def test_async_loading_gives_the_same_result(self, hook_manager, recorder):
        pipe = Pipeline([node(add, ["a", "b"], "c", name="adder"), node(inc, "c", "d", name="i")])
        catalog = DataCatalog({"a": MemoryDataset(1), "b": MemoryDataset(2)})

        assert SequentialRunner(is_async=True).run(pipe, catalog, hook_manager=hook_manager) == {
            "d": 4
        }
        assert {c["is_async"] for c in recorder.of("before_node_run")} == {True}
        assert sorted(c["dataset_name"] for c in recorder.of("after_dataset_loaded")) == [
            "a", "b", "c"
        ]


class TestFailure:
    def _pipeline(self) -> tuple[Pipeline, DataCatalog]:
        pipe = Pipeline([
            node(inc, "raw", "clean", name="prepare"),
            node(inc, "clean", "features", name="featurize"),
            node(boom, "features", "model", name="train_model"),
            node(inc, "model", "metrics", name="evaluate"),
        ])
        catalog = DataCatalog({"raw": Disk(1), "features": Disk()})
        return pipe, catalog

    def test_original_exception_reraised_after_on_node_error(self, runner, hook_manager,
                                                             recorder):
        raised = []

        def failing(x):
            exc = RuntimeError("broken")
            raised.append(exc)
            raise exc

        pipe = Pipeline([node(inc, "a", "b", name="ok"), node(failing, "b", "c", name="bad")])
        with pytest.raises(RuntimeError) as info:
            runner.run(pipe, DataCatalog({"a": MemoryDataset(1)}), hook_manager=hook_manager)

        assert info.value is raised[0]
        error_call, = recorder.of("on_node_error")
        assert error_call["error"] is raised[0]
        assert error_call["node"].name == "bad"
        assert error_call["inputs"] == {"b": 2}
        assert "after_node_run" not in recorder.names("bad")

    @pytest.mark.skipif(sys.version_info < (3, 11), reason="add_note is Python 3.11+")
    def test_note_names_node_and_resume_arguments(self, runner):
        pipe, catalog = self._pipeline()

        with pytest.raises(ValueError, match="cannot handle 3") as info:
            runner.run(pipe, catalog)

        assert info.value.__notes__ == [
            "kedro_ipy: node 'train_model' failed. 2 of 4 nodes finished. To resume without "
            'recomputing persisted data, run again with: --from-nodes "train_model"'
        ]

    def test_failure_logged_at_error_with_resume_suggestion(self, runner, caplog):
        pipe, catalog = self._pipeline()

        with caplog.at_level(logging.ERROR, logger="kedro_ipy.runner"), pytest.raises(
            ValueError
        ):
            runner.run(pipe, catalog)

        assert [r.getMessage() for r in caplog.records] == [
            "Node 'train_model' failed: ValueError: cannot handle 3. 2 of 4 nodes finished. "
            'To resume without recomputing persisted data, run again with: --from-nodes '
            '"train_model"'
        ]

    def test_resume_goes_back_to_the_producer_of_in_memory_inputs(self, runner, caplog):
        pipe, _ = self._pipeline()
        catalog = DataCatalog({"raw": Disk(1)})  # 'features' now only lives in memory

        with caplog.at_level(logging.ERROR, logger="kedro_ipy.runner"), pytest.raises(
            ValueError
        ):
            runner.run(pipe, catalog)

        assert caplog.records[0].getMessage().endswith('--from-nodes "prepare"')

    def test_failure_of_first_node_suggests_retrying(self, runner, caplog):
        pipe = Pipeline([node(boom, "a", "b", name="first"), node(inc, "b", "c", name="second")])

        with caplog.at_level(logging.ERROR, logger="kedro_ipy.runner"), pytest.raises(
            ValueError
        ):
            runner.run(pipe, DataCatalog({"a": MemoryDataset(1)}))

        assert caplog.records[0].getMessage() == (
            "Node 'first' failed: ValueError: cannot handle 1. No nodes ran. Repeat the "
            "previous command to attempt a new run."
        )

    def test_message_ending_a_sentence_gets_no_second_full_stop(self, runner, caplog):
        def strict(x):
            raise ValueError(f"alpha must be >= 0, got {x}.")

        pipe = Pipeline([node(strict, "a", "b", name="fit")])
        with caplog.at_level(logging.ERROR, logger="kedro_ipy.runner"), pytest.raises(
            ValueError
        ):
            runner.run(pipe, DataCatalog({"a": MemoryDataset(-1)}))

        assert caplog.records[0].getMessage() == (
            "Node 'fit' failed: ValueError: alpha must be >= 0, got -1. No nodes ran. Repeat "
            "the previous command to attempt a new run."
        )

    def test_failing_on_node_error_hook_does_not_hide_the_node_error(self, runner, caplog):
        from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl

        class Broken:
            @hook_impl
            def on_node_error(self, error):
                raise KeyError("hook bug")

        manager = _create_hook_manager()
        manager.register(Broken())
        pipe = Pipeline([node(boom, "a", "b", name="first")])

        with pytest.raises(ValueError, match="cannot handle 1"):
            runner.run(pipe, DataCatalog({"a": MemoryDataset(1)}), hook_manager=manager)
        assert "An 'on_node_error' hook failed while handling node 'first'" in caplog.text


class TestLogging:
    def test_quiet_below_info(self, runner, caplog):
        pipe = Pipeline([node(inc, "a", "b", name="first")])
        with caplog.at_level(logging.WARNING):
            runner.run(pipe, DataCatalog({"a": MemoryDataset(1)}))
        assert caplog.records == []

    def test_progress_at_info(self, caplog):
        pipe = Pipeline([node(inc, "a", "b", name="first"), node(inc, "b", "c", name="second")])
        with caplog.at_level(logging.INFO, logger="kedro_ipy.runner"):
            SequentialRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}))
        messages = [r.getMessage() for r in caplog.records]
        assert messages[:8] == [
            "Running 2 nodes with SequentialRunner",
            "Using synchronous mode for loading and saving data. Pass is_async=True to the "
            "runner to load and save each node's datasets concurrently.",
            "Running node first (1/2)",
            "Completed node: first",
            "Completed 1 out of 2 tasks",
            "Running node second (2/2)",
            "Completed node: second",
            "Completed 2 out of 2 tasks",
        ]
        assert re.fullmatch(
            r"Pipeline execution completed successfully in \d+\.\d sec\. Ran 2 nodes\.",
            messages[8],
        )

    def test_thread_runner_counts_completed_tasks(self, caplog):
        pipe = Pipeline([node(inc, "a", "b", name="left"), node(inc, "a", "c", name="right")])
        with caplog.at_level(logging.INFO, logger="kedro_ipy.runner"):
            ThreadRunner(max_workers=2).run(pipe, DataCatalog({"a": MemoryDataset(1)}))
        messages = [r.getMessage() for r in caplog.records]
        assert "Completed 1 out of 2 tasks" in messages
        assert "Completed 2 out of 2 tasks" in messages

    def test_a_runner_written_elsewhere_logs_under_its_own_module(self):
        class Mine(SequentialRunner):
            pass

        assert SequentialRunner()._logger.name == "kedro_ipy.runner"
        assert Mine()._logger.name == __name__

    def test_async_mode_is_announced_and_thread_runner_reports_no_mode(self, caplog):
        pipe = Pipeline([node(inc, "a", "b", name="first")])
        with caplog.at_level(logging.INFO, logger="kedro_ipy.runner"):
            SequentialRunner(is_async=True).run(pipe, DataCatalog({"a": MemoryDataset(1)}))
            ThreadRunner().run(pipe, DataCatalog({"a": MemoryDataset(1)}))
        messages = [r.getMessage() for r in caplog.records]
        assert "Asynchronous mode is enabled for loading and saving data." in messages
        assert not any(m.startswith("Using synchronous mode") for m in messages)

    def test_runner_adds_no_handlers(self):
        assert logging.getLogger("kedro_ipy.runner").handlers == []


class TestThreadRunner:
    def test_independent_nodes_run_at_the_same_time(self):
        barrier = threading.Barrier(2, timeout=10)

        def meet(x):
            barrier.wait()  # only returns once both nodes are inside at once
            return x

        pipe = Pipeline([node(meet, "a", "b", name="left"), node(meet, "a", "c", name="right")])
        result = ThreadRunner(max_workers=2).run(pipe, DataCatalog({"a": MemoryDataset(1)}))
        assert result == {"b": 1, "c": 1}

    def test_same_result_as_sequential_on_a_dag(self):
        nodes = [node(inc, "x", "n0", name="s0")]
        for i in range(1, 40):
            inputs = [f"n{i - 1}"] if i % 3 else [f"n{i - 1}", f"n{i // 2}"]
            func = inc if len(inputs) == 1 else add
            nodes.append(node(func, inputs, f"n{i}", name=f"s{i}"))
        nodes += [node(inc, f"n{i}", f"leaf{i}", name=f"leaf{i}") for i in range(0, 40, 5)]
        pipe = Pipeline(nodes)

        def catalog():
            return DataCatalog({"x": MemoryDataset(1)})

        expected = SequentialRunner().run(pipe, catalog())
        assert ThreadRunner(max_workers=3).run(pipe, catalog()) == expected
        assert ThreadRunner().run(pipe, catalog()) == expected

    def test_nodes_running_when_another_fails_are_abandoned_without_saving(
            self, caplog, hook_manager, recorder):
        import kedro_ipy
        from kedro_ipy.runner import stop_report

        def fail(x):
            raise ValueError("early failure")

        saw_cancelled = threading.Event()

        def slow(x):  # still running when `fail` fails; finishes only after the run ended
            for _ in range(1000):
                if kedro_ipy.cancelled():
                    saw_cancelled.set()
                    break
                threading.Event().wait(0.01)
            return x

        pipe = Pipeline([
            node(fail, "a", "x", name="fail"),
            node(slow, "a", "y", name="slow"),
            node(add, ["x", "y"], "z", name="after"),
        ])
        catalog = DataCatalog({"a": MemoryDataset(1), "y": Disk()})

        with caplog.at_level(logging.WARNING, logger="kedro_ipy.runner"), pytest.raises(
            ValueError, match="early failure"
        ) as raised:
            ThreadRunner(max_workers=2).run(pipe, catalog, hook_manager=hook_manager)

        assert saw_cancelled.wait(timeout=10)  # kedro_ipy.cancelled() works in a worker thread
        for thread in threading.enumerate():  # let the abandoned node try to save
            if thread.name.startswith("kedro_ipy-runner"):
                thread.join(timeout=10)
        report = stop_report(raised.value)
        assert (report.reason, report.done, report.abandoned) == ("failed", (), ("slow",))
        assert catalog["y"].saves == []  # the abandoned node's result was discarded
        messages = [r.getMessage() for r in caplog.records]
        assert "Run failed: abandoned 1 running node(s), their results discarded: slow" in (
            " ".join(messages))
        assert messages[-1].endswith("No nodes ran. Repeat the previous command to attempt a "
                                     "new run.")

    @pytest.mark.parametrize("bad", [0, -1, 1.5])
    def test_max_workers_must_be_positive(self, bad):
        with pytest.raises(ValueError, match=re.escape(
            f"max_workers should be positive: got {bad!r}; pass a positive integer, or None "
            "for one worker per CPU."
        )):
            ThreadRunner(max_workers=bad)

    def test_is_async_is_ignored_with_a_warning(self):
        with pytest.warns(UserWarning, match=re.escape(
            "'ThreadRunner' doesn't support loading and saving the node inputs and outputs "
            "asynchronously with threads. Setting 'is_async' to False."
        )):
            runner = ThreadRunner(is_async=True)
        assert runner._is_async is False


class TestTask:
    def test_executes_one_node_with_hooks(self, hook_manager, recorder):
        catalog = DataCatalog({"a": MemoryDataset(1), "b": MemoryDataset()})
        the_node = node(inc, "a", "b", name="one")

        assert Task(the_node, catalog, is_async=False, hook_manager=hook_manager).execute() is (
            the_node
        )
        assert catalog.load("b") == 2
        assert recorder.names() == [
            "before_dataset_loaded", "after_dataset_loaded", "before_node_run",
            "after_node_run", "before_dataset_saved", "after_dataset_saved",
        ]


class TestOnlyMissingOutputs:
    """Same choices as Kedro 1.7.0's ``only_missing_outputs`` on this pipeline."""

    def _run(self, d_exists: bool) -> tuple[list[str], dict]:
        ran: list[str] = []

        def track(name):
            def func(x):
                ran.append(name)
                return x
            return func

        pipe = Pipeline([
            node(track("A"), "raw", "b_file", name="A"),
            node(track("B"), "b_file", "c_mem", name="B"),
            node(track("C"), "c_mem", "d_file", name="C"),
            node(track("E"), "raw", "e_mem", name="E"),
        ])
        catalog = DataCatalog({"raw": Disk(1), "b_file": Disk(2),
                               "d_file": Disk(3 if d_exists else None)})
        result = SequentialRunner().run(pipe, catalog, only_missing_outputs=True)
        return sorted(ran), result

    def test_runs_what_a_missing_output_needs(self):
        # C's output is missing; C needs B's in-memory output; A's persisted output exists
        assert self._run(d_exists=False) == (["B", "C"], {})

    def test_runs_nothing_when_every_output_exists(self):
        assert self._run(d_exists=True) == ([], {})

    def test_logs_what_it_skips_and_runs_in_kedro_words(self, caplog):
        with caplog.at_level(logging.DEBUG, logger="kedro_ipy.runner"):
            self._run(d_exists=False)
        messages = [r.getMessage() for r in caplog.records]
        assert "Skipping 2 nodes with existing outputs: A, E" in messages
        assert "Running 2 out of 4 nodes" in messages
        assert "Node 'C' must run: has missing output 'd_file'" in messages
        assert "Node 'B' must run: produces 'c_mem' needed by running child 'C'" in messages

    def test_says_when_everything_is_skipped(self, caplog):
        with caplog.at_level(logging.INFO, logger="kedro_ipy.runner"):
            self._run(d_exists=True)
        assert "Skipping all 4 nodes (all persistent outputs exist)" in [
            r.getMessage() for r in caplog.records
        ]

    def test_subclasses_can_change_the_rule(self):
        class EverythingRuns(SequentialRunner):
            def _filter_pipeline_for_missing_outputs(self, pipeline, catalog):
                return pipeline

        pipe = Pipeline([node(inc, "a", "b", name="one")])
        catalog = DataCatalog({"a": MemoryDataset(1), "b": Disk(5)})
        EverythingRuns().run(pipe, catalog, only_missing_outputs=True)
        assert catalog["b"].data == 2


def count_up(n):
    yield from range(n)


def pairs(n):
    for i in range(n):
        yield i, -i


class TestGeneratorNodes:
    """A node whose function yields has each chunk saved as it comes (as in Kedro)."""

    @pytest.mark.parametrize("make_runner", [
        SequentialRunner, lambda: ThreadRunner(max_workers=2),
    ], ids=["sequential", "thread"])
    def test_every_chunk_is_saved_in_turn(self, make_runner, hook_manager, recorder):
        pipe = Pipeline([node(pairs, "n", ["pos", "neg"], name="gen"),
                         node(count_up, "n", "count", name="counter")])
        catalog = DataCatalog({"n": MemoryDataset(3), "pos": Disk(), "neg": Disk(),
                               "count": Disk()})

        make_runner().run(pipe, catalog, hook_manager=hook_manager)

        assert catalog["pos"].saves == [0, 1, 2]
        assert catalog["neg"].saves == [0, -1, -2]
        assert catalog["count"].saves == [0, 1, 2]
        saved = [(c["dataset_name"], c["data"]) for c in recorder.of("after_dataset_saved")
                 if c["node"].name == "gen"]
        assert saved == [("pos", 0), ("neg", 0), ("pos", 1), ("neg", -1), ("pos", 2),
                         ("neg", -2)]

    def test_a_function_returning_an_iterable_is_saved_whole(self):
        pipe = Pipeline([node(lambda n: range(n), "n", "r", name="plain")])
        catalog = DataCatalog({"n": MemoryDataset(3), "r": Disk()})
        SequentialRunner().run(pipe, catalog)
        assert catalog["r"].saves == [range(3)]

    def test_async_mode_refuses_generator_nodes(self):
        pipe = Pipeline([node(count_up, "n", "count", name="counter")])
        catalog = DataCatalog({"n": MemoryDataset(3), "count": Disk()})
        with pytest.raises(ValueError, match=re.escape(
            "Async data loading and saving does not work with nodes wrapping generator "
            "functions. Please make sure you don't use `yield` anywhere in node "
        )):
            SequentialRunner(is_async=True).run(pipe, catalog)
        assert catalog["count"].saves == []


class TestKedroPrivateHelpers:
    """Kedro's private resume helpers exist under their names, taking unfinished nodes."""

    def test_resume_helpers_take_the_unfinished_nodes(self):
        from kedro_ipy.runner.runner import (
            _find_all_nodes_for_resumed_pipeline,
            _find_nodes_to_resume_from,
        )

        pipe = Pipeline([node(inc, "raw", "mem", name="A"), node(inc, "mem", "disk", name="B"),
                         node(inc, "disk", "out", name="C")])
        catalog = DataCatalog({"raw": Disk(1), "disk": Disk()})
        unfinished = [n for n in pipe.nodes if n.name in {"B", "C"}]
        assert _find_nodes_to_resume_from(pipe, unfinished, catalog) == {"A"}
        assert {n.name for n in _find_all_nodes_for_resumed_pipeline(pipe, unfinished,
                                                                      catalog)} == {"A", "B",
                                                                                    "C"}

    def test_default_workers_capped_on_windows(self, monkeypatch):
        from kedro_ipy.runner import runner as runner_module

        monkeypatch.setattr("os.cpu_count", lambda: 100)
        monkeypatch.setattr(runner_module.sys, "platform", "win32")
        assert runner_module._default_workers() == runner_module._MAX_WINDOWS_WORKERS == 61


class TestRunnersWrittenForKedro:
    """Subclasses using Kedro's extension points (`_get_executor`, `_run`) keep working."""

    def test_dry_runner_overriding_run_sees_the_nodes_and_runs_none(self, caplog):
        class DryRunner(AbstractRunner):
            def _get_executor(self, max_workers):
                return None

            def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
                self._logger.info("Would run: %s", [n.name for n in pipeline.nodes])
                missing = [name for name in pipeline.inputs() if not catalog.exists(name)]
                self._logger.info("Missing inputs: %s", missing)
                assert hook_manager is not None  # a do-nothing manager, as Kedro passes
                assert hook_manager.hook.before_node_run(node=None) is None

        pipe = Pipeline([node(inc, "a", "b", name="one"), node(inc, "b", "c", name="two")])
        with caplog.at_level(logging.INFO):  # it logs under this module's name, as in Kedro
            result = DryRunner().run(pipe, DataCatalog({"a": Disk()}))

        assert result == {}
        messages = [r.getMessage() for r in caplog.records]
        assert "Would run: ['one', 'two']" in messages
        assert "Missing inputs: ['a']" in messages

    def test_run_override_delegating_to_super_runs_with_hooks(self, hook_manager, recorder):
        calls = []

        class Counting(AbstractRunner):
            def _get_executor(self, max_workers):
                return None

            def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
                calls.append(len(pipeline.nodes))
                super()._run(pipeline, catalog, hook_manager, run_id)

        pipe = Pipeline([node(inc, "a", "b", name="one"), node(inc, "b", "c", name="two")])
        result = Counting().run(pipe, DataCatalog({"a": MemoryDataset(1)}),
                                hook_manager=hook_manager, run_id="r")

        assert result == {"c": 3}
        assert calls == [2]
        assert [c["node"].name for c in recorder.of("after_node_run")] == ["one", "two"]

    def test_executor_from_get_executor_runs_the_nodes(self):
        from concurrent.futures import ThreadPoolExecutor

        asked = []
        threads = set()

        def where(x):
            threads.add(threading.current_thread().name)
            return x

        class OwnPool(AbstractRunner):
            def _get_required_workers_count(self, pipeline):
                return 2

            def _get_executor(self, max_workers):
                asked.append(max_workers)
                return ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="own")

            def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
                super()._run(pipeline, catalog, hook_manager, run_id)  # as Kedro's own runners

        pipe = Pipeline([node(where, "a", "b", name="left"), node(where, "a", "c", name="right"),
                         node(add, ["b", "c"], "d", name="join")])
        result = OwnPool().run(pipe, DataCatalog({"a": MemoryDataset(1)}))

        assert result == {"d": 2}
        assert asked == [2]
        assert threads and all(name.startswith("own") for name in threads)

    def test_builtin_runners_answer_kedro_s_questions(self):
        pipe = Pipeline([node(inc, "a", "b"), node(inc, "a", "c"), node(add, ["b", "c"], "d")])
        assert SequentialRunner()._get_executor(1) is None
        assert SequentialRunner()._get_required_workers_count(pipe) == 1
        assert ThreadRunner(max_workers=8)._get_required_workers_count(pipe) == 2
        executor = ThreadRunner()._get_executor(2)
        executor.shutdown()
        assert ThreadRunner._validate_max_workers(3) == 3
        with pytest.raises(ValueError, match="max_workers should be positive"):
            ThreadRunner._validate_max_workers(0)

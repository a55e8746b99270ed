"""The panel's plain-Python model: the plan digest and the run states."""

from __future__ import annotations

import threading

import pytest

from kedro_ipy.framework.session import RunRequest, RunResult
from kedro_ipy.framework.session.plan import make_plan
from kedro_ipy.ipython.panel.model import PanelModel, Plan


def plan(pipelines, **fields) -> Plan:
    return Plan.of(make_plan(pipelines, RunRequest(**fields)))


class TestPlan:
    """The count line: the session's plan, in the panel's digest."""

    def test_no_filter_runs_every_node_of_the_pipeline(self, pipelines):
        digest = plan(pipelines)
        assert digest.nodes == ("split", "clean", "fit", "evaluate", "report")
        assert digest.message == "will run 5 of 5 nodes"

    def test_count_follows_each_filter(self, pipelines):
        digest = plan(pipelines, tags=("training",))
        assert digest.message == "will run 2 of 5 nodes"
        assert digest.nodes == ("fit", "evaluate")
        assert plan(pipelines, from_nodes=("fit",)).nodes == ("fit", "evaluate", "report")
        assert plan(pipelines, to_outputs=("model",)).nodes == ("split", "clean", "fit")

    def test_filters_intersect(self, pipelines):
        digest = plan(pipelines, from_nodes=("clean",), to_nodes=("fit",))
        assert digest.nodes == ("clean", "fit")
        assert digest.message == "will run 2 of 5 nodes"

    def test_counts_within_the_chosen_pipeline(self, pipelines):
        assert plan(pipelines, pipeline_names=("ds",)).message == "will run 2 of 2 nodes"

    def test_names_the_filter_that_left_nothing_in_common(self, pipelines):
        digest = plan(pipelines, from_nodes=("report",), to_nodes=("clean",))
        assert not digest.runnable
        assert digest.message == (
            "Pipeline '__default__' has no nodes to run: each filter selects nodes on its "
            "own, but to_nodes=['clean'] leaves none once combined with from_nodes=['report'].")

    def test_names_the_filter_that_matches_nothing_alone(self, pipelines):
        digest = plan(pipelines, pipeline_names=("prep",), tags=("training",))
        assert digest.message == ("Pipeline 'prep' has no nodes to run: tags=['training'] "
                                  "selects no node. Tags in the pipeline: prep.")

    def test_unknown_pipeline_lists_the_registered_ones(self, pipelines):
        assert plan(pipelines, pipeline_names=("dss",)).message.endswith(
            "Registered pipelines: __default__, ds, prep, report. Did you mean 'ds'?")

    def test_missing_input_blocks_the_run_but_keeps_the_nodes(self, pipelines):
        catalog = {"raw": 1, "params:alpha": 0.5}

        class Catalog(dict):
            def keys(self):
                return list(super().keys())

        digest = Plan.of(make_plan(pipelines, RunRequest(from_nodes=("fit",)), Catalog(catalog)))
        assert digest.nodes == ("fit", "evaluate", "report")
        assert digest.blocked and not digest.runnable
        assert "read inputs 'clean_rows', 'test_rows' that no selected node produces" \
            in digest.message


def result(status, nodes, done, failed=None, resume=None) -> RunResult:
    return RunResult(RunRequest(), "r1", status=status, nodes=tuple(nodes),
                     nodes_done=list(done), failed_node=failed,
                     resume_request=RunRequest(from_nodes=tuple(resume)) if resume else None,
                     outputs={"x": 1} if status == "success" else None)


class TestRunState:
    def test_a_second_begin_while_running_is_refused(self):
        model = PanelModel()
        assert model.try_begin(RunRequest(), ["a", "b"])
        assert not model.try_begin(RunRequest(), ["a"])
        assert model.snapshot().total == 2

    def test_hook_events_move_nodes_through_their_states(self):
        model = PanelModel()
        topics = []
        model.subscribe(topics.append)
        model.try_begin(RunRequest(), ["a", "b", "c"])
        model.pipeline_started(["a", "b"])  # the runner's own pipeline decides the rows
        model.node_started("a")
        assert [s.status for s in model.snapshot().nodes] == ["running", "pending"]
        model.node_finished("a")
        model.node_started("b")
        model.node_finished("b", failed=True)
        snap = model.snapshot()
        assert [(s.name, s.status) for s in snap.nodes] == [("a", "done"), ("b", "failed")]
        assert snap.done == 1 and snap.total == 2
        assert snap.nodes[0].duration_s is not None
        assert topics[0] == "run" and "nodes" in topics

    def test_events_outside_a_panel_run_are_ignored(self):
        model = PanelModel()
        model.node_started("a")
        model.pipeline_started(["a"])
        assert model.snapshot().nodes == []

    def test_success_settles_every_node(self):
        model = PanelModel()
        model.try_begin(RunRequest(), ["a", "b"])
        model.node_started("a")
        model.finish(result("success", "ab", ["a", "b"]))
        snap = model.snapshot()
        assert snap.status == "success"
        assert [s.status for s in snap.nodes] == ["done", "done"]
        assert snap.outputs == {"x": 1}
        assert not model.running

    def test_nodes_never_run_after_a_failure_say_not_run(self):
        model = PanelModel()
        model.try_begin(RunRequest(), ["a", "b", "c"])
        model.finish(result("failed", "abc", ["a"], failed="b", resume=["b"]),
                     {"type": "ValueError", "message": "bad", "node": "b"})
        snap = model.snapshot()
        assert [s.status for s in snap.nodes] == ["done", "failed", "not run"]
        assert snap.status == "failed"
        assert model.resume_request() == RunRequest(from_nodes=("b",))

    def test_no_resume_when_nothing_ran_or_after_success(self):
        model = PanelModel()
        model.try_begin(RunRequest(), ["a", "b"])
        model.finish(result("failed", "ab", [], failed="a"), {"node": "a"})
        assert model.resume_request() is None
        model.try_begin(RunRequest(), ["a"])
        model.finish(result("success", "a", ["a"]))
        assert model.resume_request() is None

    def test_a_run_that_never_started_settles_its_rows(self):
        model = PanelModel()
        model.try_begin(RunRequest(), ["a"])
        model.finish(None, {"type": "KedroContextError", "message": "m", "node": None})
        snap = model.snapshot()
        assert snap.status == "failed" and [s.status for s in snap.nodes] == ["not run"]
        assert model.resume_request() is None

    def test_concurrent_node_events_are_all_counted(self):
        names = [f"n{i}" for i in range(200)]
        model = PanelModel()
        model.try_begin(RunRequest(), names)

        def work(chunk):
            for name in chunk:
                model.node_started(name)
                model.node_finished(name)

        threads = [threading.Thread(target=work, args=(names[i::4],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert model.snapshot().done == 200


def test_plan_runnable_flag():
    assert Plan(3, ("a",), "").runnable
    assert not Plan(3, (), "").runnable
    assert not Plan(3, ("a",), "", blocked=True).runnable


@pytest.mark.parametrize("runner", ["Sequential", "Thread", "Parallel", "Dask"])
def test_each_offered_runner_resolves(runner):
    from kedro_ipy.framework.session._runners import check_runner

    request = RunRequest(runner=runner)
    expected = None if runner == "Sequential" else runner
    assert request.runner == expected
    assert type(check_runner(runner)).__name__ == f"{runner}Runner"

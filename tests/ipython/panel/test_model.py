"""The panel's plain-Python model: selection, node count, emptied filters, run states."""

from __future__ import annotations

import threading

import pytest

from kedro_ipy.ipython.panel.model import (
    PanelModel,
    Plan,
    Selection,
    plan_selection,
    selection_from_record,
)


class TestPlan:
    def test_no_filter_runs_every_node_of_the_pipeline(self, pipelines):
        plan = plan_selection(pipelines, Selection())
        assert plan.nodes == ("split", "clean", "fit", "evaluate", "report")
        assert plan.message == "will run 5 of 5 nodes"

    def test_count_follows_each_filter(self, pipelines):
        plan = plan_selection(pipelines, Selection(tags=("training",)))
        assert plan.message == "will run 2 of 5 nodes"
        assert plan.nodes == ("fit", "evaluate")
        plan = plan_selection(pipelines, Selection(from_nodes=("fit",)))
        assert plan.nodes == ("fit", "evaluate", "report")
        plan = plan_selection(pipelines, Selection(to_outputs=("model",)))
        assert plan.nodes == ("split", "clean", "fit")

    def test_filters_intersect(self, pipelines):
        plan = plan_selection(pipelines, Selection(from_nodes=("clean",), to_nodes=("fit",)))
        assert plan.nodes == ("clean", "fit")
        assert plan.message == "will run 2 of 5 nodes"

    def test_counts_within_the_chosen_pipeline(self, pipelines):
        plan = plan_selection(pipelines, Selection(pipeline_name="ds"))
        assert plan.message == "will run 2 of 2 nodes"

    def test_names_the_filter_that_left_nothing_in_common(self, pipelines):
        plan = plan_selection(pipelines, Selection(from_nodes=("report",), to_nodes=("clean",)))
        assert not plan.runnable
        assert plan.message == (
            "Nothing to run: to nodes 'clean' has no node in common with from nodes 'report'."
        )

    def test_names_the_filter_that_matches_nothing_alone(self, pipelines):
        plan = plan_selection(pipelines, Selection(pipeline_name="prep", tags=("training",)))
        assert plan.message == "Nothing to run: tags 'training' match no node of pipeline 'prep'."

    def test_names_an_unknown_node(self, pipelines):
        plan = plan_selection(pipelines, Selection(node_names=("fitt",)))
        assert not plan.runnable
        assert plan.message.startswith("Nothing to run: nodes 'fitt': ")
        assert "fitt" in plan.message.split(": ", 2)[2]

    def test_unknown_pipeline_lists_the_registered_ones(self, pipelines):
        plan = plan_selection(pipelines, Selection(pipeline_name="dss"))
        assert plan.message == (
            "Pipeline 'dss' not found. Registered pipelines: __default__, ds, prep, report."
        )


class TestSelection:
    def test_run_kwargs_are_the_magics(self):
        selection = Selection().with_values(
            pipeline_name="ds", tags=["training"], runner="Thread",
            load_versions={"model": "2026-01-01T00.00.00.000Z", "metrics": ""},
        )
        kwargs = selection.run_kwargs()
        runner = kwargs.pop("runner")
        assert type(runner).__name__ == "ThreadRunner"
        assert kwargs == {
            "pipeline_name": "ds", "tags": ["training"], "node_names": None,
            "from_nodes": None, "to_nodes": None, "from_inputs": None, "to_outputs": None,
            "load_versions": {"model": "2026-01-01T00.00.00.000Z"},
        }

    def test_defaults_pass_none_like_a_bare_session_run(self):
        assert Selection().run_kwargs() == {
            "pipeline_name": None, "tags": None, "runner": None, "node_names": None,
            "from_nodes": None, "to_nodes": None, "from_inputs": None, "to_outputs": None,
            "load_versions": None,
        }

    def test_magic_line(self):
        selection = Selection().with_values(pipeline_name="ds", from_nodes=["fit"],
                                            runner="Parallel")
        assert selection.magic_line() == "%session_run ds --from-nodes fit --runner Parallel"
        assert Selection().magic_line() == "%session_run"

    def test_from_record_refills_every_choice(self):
        record = {
            "run_id": "x", "pipeline_name": "ds", "tags": ["training"], "node_names": None,
            "from_nodes": ["fit"], "to_nodes": None, "from_inputs": None,
            "to_outputs": ["metrics"], "load_versions": {"model": "v1"},
            "runner": "ThreadRunner", "status": "success",
        }
        assert selection_from_record(record) == Selection(
            pipeline_name="ds", tags=("training",), from_nodes=("fit",),
            to_outputs=("metrics",), runner="Thread", load_versions=(("model", "v1"),),
        )

    def test_from_record_of_a_default_run(self):
        record = {"pipeline_name": None, "runner": "kedro_ipy.runner.SequentialRunner"}
        assert selection_from_record(record) == Selection()


class TestRunState:
    def test_a_second_begin_while_running_is_refused(self):
        model = PanelModel()
        assert model.try_begin(Selection(), ["a", "b"])
        assert not model.try_begin(Selection(), ["a"])
        assert model.snapshot().total == 2

    def test_hook_events_move_nodes_through_their_states(self):
        model = PanelModel()
        topics = []
        model.subscribe(topics.append)
        model.try_begin(Selection(), ["a", "b", "c"])
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
        model.try_begin(Selection(), ["a", "b"])
        model.node_started("a")
        model.finish(outputs={"x": 1})
        snap = model.snapshot()
        assert snap.status == "success"
        assert [s.status for s in snap.nodes] == ["done", "done"]
        assert snap.outputs == {"x": 1}
        assert not model.running

    def test_failure_keeps_unfinished_nodes_pending(self):
        model = PanelModel()
        model.try_begin(Selection(), ["a", "b", "c"])
        model.finish(error={"type": "ValueError", "message": "bad", "node": "b"},
                     resume_from_nodes=["b"], nodes_done=["a"])
        snap = model.snapshot()
        assert [s.status for s in snap.nodes] == ["done", "failed", "pending"]
        assert snap.status == "failed"

    def test_resume_keeps_the_failed_runs_narrowing_filters(self):
        model = PanelModel()
        ran = Selection(pipeline_name="ds", tags=("training",), from_inputs=("clean_rows",),
                        runner="Thread")
        model.try_begin(ran, ["fit", "evaluate"])
        model.finish(error={"type": "E", "message": "m", "node": "evaluate"},
                     resume_from_nodes=["evaluate"])
        assert model.resume_selection() == Selection(
            pipeline_name="ds", tags=("training",), from_nodes=("evaluate",), runner="Thread")

    def test_no_resume_after_success(self):
        model = PanelModel()
        model.try_begin(Selection(), ["a"])
        model.finish(outputs={})
        assert model.resume_selection() is None

    def test_concurrent_node_events_are_all_counted(self):
        names = [f"n{i}" for i in range(200)]
        model = PanelModel()
        model.try_begin(Selection(), names)

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


@pytest.mark.parametrize("runner", ["Sequential", "Thread", "Parallel", "Dask"])
def test_each_offered_runner_resolves(runner):
    kwargs = Selection(runner=runner).run_kwargs()
    expected = None if runner == "Sequential" else f"{runner}Runner"
    runner_obj = kwargs["runner"]
    assert (type(runner_obj).__name__ if runner_obj is not None else None) == expected

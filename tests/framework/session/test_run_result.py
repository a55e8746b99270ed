"""``session.plan`` / ``session.execute``: the plan before a run, the result after it, the
record written when it starts, listeners, and runs whose process died."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.session import (
    KedroSession,
    PipelineSelectionError,
    RunPlanError,
    RunRequest,
    RunResult,
)

PROCESSING = ["parse_orders", "clean_orders", "add_margins", "aggregate_daily"]


@pytest.fixture
def session(example_project: Path):
    with KedroSession.create(project_path=example_project, save_on_close=False) as s:
        yield s


class TestPlan:
    def test_what_a_request_would_run(self, session):
        plan = session.plan(RunRequest(pipeline_names=("data_processing",)))
        assert plan.runnable and plan.nodes == tuple(PROCESSING)
        assert (plan.count, plan.total) == (4, 4)
        assert plan.free_inputs == ("raw_orders", "supplier_costs")
        assert plan.summary() == "will run 4 of 4 nodes"
        assert session.store["runs"] == []  # nothing ran, nothing recorded

    def test_names_the_filter_that_emptied_the_selection(self, session):
        plan = session.plan(RunRequest.parse("data_processing --tags training"))
        assert not plan.runnable and plan.emptied_by == "tags"
        assert plan.problem.startswith("Pipeline 'data_processing' has no nodes to run: "
                                       "tags=['training'] selects no node.")

    def test_a_missing_free_input(self, session):
        plan = session.plan(RunRequest.parse("--from-nodes clean_orders "
                                             "--to-nodes aggregate_daily"))
        assert plan.nodes == ("clean_orders", "add_margins", "aggregate_daily")
        assert plan.missing_inputs == ("orders",)
        assert not plan.runnable
        with pytest.raises(RunPlanError, match="read input 'orders' that no selected node"):
            session.run(from_nodes=["clean_orders"], to_nodes=["aggregate_daily"])
        assert session.store["runs"] == []

    def test_a_load_version_not_on_disk_fails_before_any_node_runs(self, session):
        session.run()
        (version,) = session.load_context().catalog["sales_model"].list_versions(
            full_path=False)
        plan = session.plan(RunRequest.parse("--load-versions sales_model:nope"))
        assert plan.problem == (f"Version 'nope' of dataset 'sales_model' does not exist. "
                                f"Versions on disk, newest first: {version}.")
        ran: list[str] = []

        class Spy:
            @hook_impl
            def before_node_run(self, node: Any) -> None:
                ran.append(node.name)

        session._hook_manager.register(Spy())
        with pytest.raises(RunPlanError, match="Version 'nope' of dataset 'sales_model'"):
            session.run(load_versions={"sales_model": "nope"})
        assert ran == [] and len(session.store["runs"]) == 1

    def test_unknown_pipeline(self, session):
        with pytest.raises(PipelineSelectionError,
                           match="Did you mean one of these: 'forecasting'"):
            session.execute(RunRequest(pipeline_names=("forcasting",)))


class TestResult:
    def test_success(self, session):
        result = session.execute(RunRequest(pipeline_names=("data_processing",)))
        assert result is session.last_result
        assert (result.status, result.exception, result.failed_node) == ("success", None, None)
        assert list(result.nodes) == result.nodes_done == PROCESSING
        assert set(result.node_durations) == set(PROCESSING)
        assert result.duration_s is not None and result.resume_request is None
        assert session.store["runs"][-1] == {**result.to_record(),
                                             "pid": os.getpid(), "host": socket.gethostname()}

    def test_failure_is_data_and_run_raises_it(self, session, example_project):
        params = example_project / "conf" / "base" / "parameters.yml"
        params.write_text(params.read_text().replace("alpha: 0.5", "alpha: -1.0"))
        result = session.execute(RunRequest())
        assert result.status == "failed" and result.failed_node == "fit_model"
        assert isinstance(result.exception, ValueError)
        assert "fit_model" not in result.nodes_done and "parse_orders" in result.nodes_done
        assert set(result.nodes_not_run) == (
            set(result.nodes) - set(result.nodes_done) - {"fit_model"})
        assert "evaluate_model" in result.nodes_not_run
        assert result.resume_request is not None
        assert result.resume_request.from_nodes == tuple(
            session.store["runs"][-1]["resume_from_nodes"])
        with pytest.raises(ValueError, match=r"model\.alpha must be >= 0"):
            session.run()

    def test_an_interrupt_cancels_the_run_and_the_session_stays_usable(self, session):
        class Interrupt:
            @hook_impl
            def before_node_run(self, node: Any) -> None:
                if node.name == "add_margins":
                    raise KeyboardInterrupt

        interrupt = Interrupt()
        session._hook_manager.register(interrupt)
        result = session.execute(RunRequest(pipeline_names=("data_processing",)))
        assert result.status == "cancelled" and result.failed_node == "add_margins"
        assert result.nodes_done == ["parse_orders", "clean_orders"]
        assert session.store["runs"][-1]["status"] == "cancelled"
        with pytest.raises(KeyboardInterrupt):
            session.run("data_processing")
        session._hook_manager.unregister(interrupt)
        assert session.execute(RunRequest()).status == "success"

    def test_per_run_params_reach_that_run_only(self, session):
        session.run("data_processing")
        first = session.execute(RunRequest(pipeline_names=("forecasting",),
                                           params={"model": {"alpha": 0.1}}))
        assert first.status == "success"
        assert first.catalog.load("params:model.alpha") == 0.1
        assert first.context.params["model"]["alpha"] == 0.1
        assert first.context.params["model"]["target"] == "revenue"  # siblings kept
        assert session.load_context().params["model"]["alpha"] == 0.5
        assert session.store["runs"][-1]["params"] == {"model": {"alpha": 0.1}}


class TestListeners:
    def test_told_when_a_run_starts_and_ends(self, session):
        seen: list[tuple[str, str]] = []

        def listener(result: RunResult) -> None:
            record = session.store["runs"][-1]
            seen.append((result.status, record["status"]))

        session.add_run_listener(listener)
        session.run("data_processing")
        assert seen == [("running", "running"), ("success", "success")]
        session.remove_run_listener(listener)
        session.run("data_processing")
        assert len(seen) == 2

    def test_a_failing_listener_never_breaks_a_run(self, session, caplog):
        def broken(result: RunResult) -> None:
            raise RuntimeError("oops")

        session.add_run_listener(broken)
        assert session.run("data_processing") == {}
        assert "A run listener failed: RuntimeError: oops" in caplog.text


_KILLED_RUN = r"""
import os, sys
from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.session import KedroSession

class Die:
    @hook_impl
    def before_node_run(self, node):
        if node.name == "add_margins":
            os._exit(3)  # the kernel dies mid-run: nothing finishes the record

session = KedroSession.create(project_path=sys.argv[1])
session._hook_manager.register(Die())
print(session.session_id, flush=True)
session.run("data_processing")
"""


def test_a_run_whose_process_died_reads_interrupted(example_project):
    done = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(example_project)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    session_id = done.stdout.split()[0]
    saved = json.loads((example_project / "sessions" / f"{session_id}.json").read_text())
    assert saved["runs"][0]["status"] == "running"  # written when the run started
    reopened = KedroSession(session_id=session_id, project_path=example_project)
    (run,) = reopened.store["runs"]
    assert run["status"] == "interrupted"
    assert run["nodes_done"] == [] and run["command"] == "%session_run data_processing"


def test_each_nodes_printed_and_logged_text_is_in_the_result_and_the_record(example_project):
    nodes = example_project / "src" / "coffee_shop" / "pipelines" / "data_processing" / "nodes.py"
    body = "    return list(csv.DictReader(io.StringIO(raw_orders)))\n"
    nodes.write_text(nodes.read_text().replace(
        body,
        '    print("parsing", len(raw_orders.splitlines()) - 1, "orders")\n'
        '    print("x" * 10_000)\n' + body,
    ))
    with KedroSession.create(project_path=example_project, save_on_close=False) as session:
        result = session.execute(RunRequest(pipeline_names=("data_processing",)))
        assert result.status == "success"
        assert set(result.node_logs) == {"parse_orders"}
        assert result.node_logs["parse_orders"].startswith("parsing ")
        assert len(result.node_logs["parse_orders"]) > 10_000
        kept = session.store["runs"][-1]["node_logs"]["parse_orders"]
        assert kept.startswith("parsing ") and kept.endswith("… (cut)\n")
        assert len(kept) < 4_100

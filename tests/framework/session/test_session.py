"""KedroSession through the example project: the whole seed API, many runs, failures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.framework.context import KedroContext, KedroContextError
from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.session import KedroSession, KedroSessionError, SessionState
from kedro_ipy.framework.session.session import generate_timestamp
from kedro_ipy.runner import SequentialRunner, ThreadRunner

RECORD_KEYS = {
    "run_id", "pipeline_name", "tags", "node_names", "from_nodes", "to_nodes", "from_inputs",
    "to_outputs", "load_versions", "runner", "status", "started_at", "finished_at",
    "duration_s", "nodes_total", "nodes_done", "error", "resume_from_nodes",
    # Kedro 1.x's run arguments, recorded too
    "pipeline_names", "namespaces", "only_missing_outputs", "only_changed",
    # the request as typed (per-run params, the runner option, the equivalent line), the
    # per-node timings, and the process that ran it (to tell an interrupted run)
    "params", "runner_option", "command", "node_durations", "pid", "host",
    # what each node printed and logged (capped)
    "node_logs",
}
PROCESSING = ["parse_orders", "clean_orders", "add_margins", "aggregate_daily"]


@pytest.fixture
def session(example_project: Path):
    with KedroSession.create(project_path=example_project, save_on_close=False) as s:
        yield s


class EventLog:
    """A hooks plugin writing down every lifecycle event it sees, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.errors: list[BaseException] = []

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        self.events.append("after_context_created")

    @hook_impl
    def after_catalog_created(self, catalog: Any) -> None:
        self.events.append("after_catalog_created")

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        self.events.append(f"before_pipeline_run:{run_params['pipeline_name']}")

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self.events.append(f"before_node_run:{node.name}")

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self.events.append(f"after_node_run:{node.name}")

    @hook_impl
    def after_pipeline_run(self, run_result: dict[str, Any]) -> None:
        self.events.append(f"after_pipeline_run:{sorted(run_result)}")

    @hook_impl
    def on_pipeline_error(self, error: BaseException) -> None:
        self.events.append("on_pipeline_error")
        self.errors.append(error)


class TestCreate:
    def test_store_describes_the_session(self, example_project: Path) -> None:
        session = KedroSession.create(
            project_path=example_project, env="local", extra_params={"model.alpha": 1.0}
        )
        store = session.store
        assert store["session_id"] == session.session_id
        assert store["project_path"] == example_project.resolve().as_posix()
        assert store["package_name"] == "coffee_shop"
        assert store["env"] == "local"
        assert store["runtime_params"] == {"model.alpha": 1.0}
        assert store["runs"] == []
        assert session._project_path == example_project.resolve()
        session.close()

    def test_store_is_a_copy(self, session: KedroSession) -> None:
        session.store["runs"].append("not a run")
        session.store["env"] = "elsewhere"
        assert session.store["runs"] == []
        assert session.store["env"] is None

    def test_package_name_is_accepted_and_recorded(self, example_project: Path) -> None:
        with KedroSession.create("coffee_shop", project_path=example_project) as session:
            assert session.store["package_name"] == "coffee_shop"

    def test_kedro_1_positional_project_path(self, example_project: Path) -> None:
        with KedroSession.create(example_project, save_on_close=False) as session:
            assert session._project_path == example_project.resolve()
            assert session.store["package_name"] == "coffee_shop"

    def test_runtime_params_is_kedro_1_alias(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project,
                                 runtime_params={"report.top_n": 1}) as session:
            assert session.load_context().params["report"]["top_n"] == 1

    def test_found_from_a_subfolder(self, example_project: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
        notebooks = example_project / "notebooks"
        notebooks.mkdir()
        monkeypatch.chdir(notebooks)
        with KedroSession.create(save_on_close=False) as session:
            assert session._project_path == example_project.resolve()
            # relative catalog paths resolve against the project, not the current folder
            assert session.load_context().catalog.load("raw_orders").startswith("order_id,")

    def test_hook_manager_has_project_hooks(self, session: KedroSession) -> None:
        names = {type(plugin).__name__ for plugin in session._hook_manager.get_plugins()}
        assert "NodeTimingHook" in names


class TestIds:
    def test_unique_and_sortable(self) -> None:
        ids = [generate_timestamp() for _ in range(200)]
        assert len(set(ids)) == 200
        assert sorted(ids) == ids
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z", ids[0])

    def test_sessions_created_back_to_back_differ(self, example_project: Path) -> None:
        first = KedroSession.create(project_path=example_project, save_on_close=False)
        second = KedroSession.create(project_path=example_project, save_on_close=False)
        assert first.session_id < second.session_id


class TestRun:
    def test_returns_free_outputs(self, session: KedroSession) -> None:
        outputs = session.run()
        assert set(outputs) == {"metrics", "next_week_forecast"}
        assert set(outputs["metrics"]) == {"mae", "rmse", "r2", "test_days"}
        assert len(outputs["next_week_forecast"]) == 7

    def test_record_has_the_contract_shape(self, session: KedroSession) -> None:
        session.run("data_processing", tags=["preprocessing"])
        (record,) = session.store["runs"]
        assert set(record) == RECORD_KEYS
        assert record["pipeline_name"] == "data_processing"
        assert record["tags"] == ["preprocessing"]
        assert record["status"] == "success"
        assert record["nodes_total"] == 4
        assert record["nodes_done"] == PROCESSING
        assert record["runner"] == "SequentialRunner"
        assert record["error"] is None and record["resume_from_nodes"] is None
        assert record["finished_at"] >= record["started_at"]
        assert record["duration_s"] >= 0

    def test_one_session_many_runs(self, session: KedroSession) -> None:
        session.run("data_processing")
        outputs = session.run("forecasting", tags=["features", "training"])
        assert set(outputs) == {"metrics"}
        session.run("reporting", runner=ThreadRunner())
        runs = session.store["runs"]
        assert [r["pipeline_name"] for r in runs] == ["data_processing", "forecasting",
                                                       "reporting"]
        assert len({r["run_id"] for r in runs}) == 3
        assert runs[1]["nodes_done"] == ["build_features", "split_data", "fit_model",
                                         "evaluate_model"]
        assert runs[2]["runner"] == "ThreadRunner"

    def test_each_run_saves_a_new_version(self, session: KedroSession,
                                          example_project: Path) -> None:
        session.run("data_processing")
        session.run("forecasting")
        session.run("forecasting")
        versions = sorted(p.name for p in
                          (example_project / "data/06_models/sales_model.pkl").iterdir())
        assert versions == sorted(r["run_id"] for r in session.store["runs"][1:])

    def test_load_versions(self, session: KedroSession) -> None:
        session.run("data_processing")
        session.run("forecasting")
        first = session.store["runs"][-1]["run_id"]
        session.run("forecasting")
        session.run("reporting", load_versions={"sales_model": first})
        assert session.store["runs"][-1]["load_versions"] == {"sales_model": first}
        assert session.store["runs"][-1]["status"] == "success"

    def test_filters_are_recorded_as_lists(self, session: KedroSession) -> None:
        session.run("data_processing", node_names=("parse_orders", "clean_orders"),
                    to_outputs="clean_orders")
        record = session.store["runs"][-1]
        assert record["node_names"] == ["parse_orders", "clean_orders"]
        assert record["to_outputs"] == ["clean_orders"]
        assert record["nodes_done"] == ["parse_orders", "clean_orders"]

    def test_record_is_live_during_the_run(self, session: KedroSession) -> None:
        seen: list[tuple[str, int]] = []

        class Watcher:
            @hook_impl
            def after_node_run(self, node: Any) -> None:
                record = session.store["runs"][-1]
                seen.append((record["status"], len(record["nodes_done"])))

        session._hook_manager.register(Watcher())
        session.run("data_processing")
        assert [status for status, _ in seen] == ["running"] * 4
        # the watcher may run before or after the recorder for the same node
        assert [n for _, n in seen][-1] in (3, 4)

    def test_runner_class_instead_of_instance(self, session: KedroSession) -> None:
        message = ("KedroSession expect an instance of Runner instead of a class.Have you "
                   "forgotten the `()` at the end of the statement? KedroSession.run expects "
                   "a runner instance, got the class SequentialRunner. Did you forget the "
                   "parentheses: runner=SequentialRunner()?")
        with pytest.raises(KedroSessionError, match=re.escape(message)):
            session.run(runner=SequentialRunner)
        assert session.store["runs"] == []

    def test_runner_by_name(self, session: KedroSession) -> None:
        session.run("data_processing", runner="thread")
        assert session.store["runs"][-1]["runner"] == "ThreadRunner"

    def test_no_second_run_while_one_is_running(self, session: KedroSession) -> None:
        caught: list[Exception] = []

        class Reentrant:
            @hook_impl
            def before_pipeline_run(self) -> None:
                try:
                    session.run("data_processing")
                except KedroSessionError as exc:
                    caught.append(exc)

        session._hook_manager.register(Reentrant())
        session.run("data_processing")
        assert len(caught) == 1
        assert "already running one" in str(caught[0])
        assert len(session.store["runs"]) == 1


class TestPipelineErrors:
    def test_unknown_pipeline(self, session: KedroSession) -> None:
        message = ("Failed to find the pipeline named 'forcasting'. It needs to be generated "
                   "and returned by the 'register_pipelines' function. Registered pipelines: "
                   "__default__, data_processing, forecasting, reporting. Did you mean one of "
                   "these: 'forecasting', 'reporting'?")
        with pytest.raises(KedroContextError, match=re.escape(message)):
            session.run("forcasting")
        assert session.store["runs"] == []

    def test_selection_errors_are_value_errors_too(self, session: KedroSession) -> None:
        # Kedro 1.x raises ValueError for these; code catching either keeps working.
        with pytest.raises(ValueError, match="Failed to find the pipeline named 'nope'"):
            session.run(pipeline_names=["nope"])
        with pytest.raises(ValueError, match="has no nodes to run"):
            session.run("reporting", tags=["trainig"])

    def test_filter_that_selects_nothing(self, session: KedroSession) -> None:
        message = ("Pipeline 'reporting' has no nodes to run: tags=['trainig'] selects no "
                   "node. Tags in the pipeline: reporting.")
        with pytest.raises(KedroContextError, match=re.escape(message)):
            session.run("reporting", tags=["trainig"])

    def test_filter_suggests_close_tag(self, session: KedroSession) -> None:
        with pytest.raises(KedroContextError, match=re.escape("Did you mean 'training'?")):
            session.run(tags=["trainig"])

    def test_filters_that_empty_the_pipeline_together(self, session: KedroSession) -> None:
        message = ("Pipeline '__default__' has no nodes to run: each filter selects nodes on "
                   "its own, but to_nodes=['fit_model'] leaves none once combined with "
                   "tags=['reporting'].")
        with pytest.raises(KedroContextError, match=re.escape(message)):
            session.run(tags=["reporting"], to_nodes=["fit_model"])

    def test_unknown_node_name(self, session: KedroSession) -> None:
        with pytest.raises(KedroContextError, match=r"node_names=\['fit_modle'\] is invalid"):
            session.run(node_names=["fit_modle"])


class TestFailure:
    def test_failing_node_is_recorded_and_reraised(self, example_project: Path) -> None:
        log = EventLog()
        with KedroSession.create(project_path=example_project, save_on_close=False,
                                 extra_params={"model.alpha": -1}) as session:
            session._hook_manager.register(log)
            with pytest.raises(ValueError, match=re.escape("model.alpha must be >= 0, got -1.")
                               ) as raised:
                session.run()
            record = session.store["runs"][-1]
        assert record["status"] == "failed"
        assert record["error"] == {"type": "ValueError", "node": "fit_model",
                                   "message": "model.alpha must be >= 0, got -1."}
        assert "fit_model" not in record["nodes_done"]
        assert {"split_data", *PROCESSING} <= set(record["nodes_done"])
        # every input of fit_model is persisted, so the run can resume right there
        assert record["resume_from_nodes"] == ["fit_model"]
        assert log.errors == [raised.value]
        assert log.events[-1] == "on_pipeline_error"

    def test_resume_from_the_suggestion(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project, save_on_close=False,
                                 extra_params={"model.alpha": -1}) as broken:
            with pytest.raises(ValueError):
                broken.run()
            resume = broken.store["runs"][-1]["resume_from_nodes"]
        # "fix" the parameter, then resume without recomputing the persisted data
        with KedroSession.create(project_path=example_project, save_on_close=False) as fixed:
            outputs = fixed.run(from_nodes=resume)
            assert set(outputs) == {"metrics", "next_week_forecast"}
            assert fixed.store["runs"][-1]["nodes_done"] == [
                "fit_model", "evaluate_model", "forecast_next_days", "write_report"]

    @pytest.mark.parametrize("runner", ["Sequential", "Thread", "Parallel"])
    def test_node_whose_save_fails_is_not_done(self, session: KedroSession,
                                               runner: str) -> None:
        # after_node_run fires before the outputs are saved: a node whose save then fails
        # must neither count as done nor be skipped by the resume suggestion.
        from kedro_ipy.io import AbstractDataset, DatasetError

        class FullDisk(AbstractDataset):
            def _load(self) -> Any:
                raise AssertionError("never saved, never loaded")

            def _save(self, data: Any) -> None:
                raise OSError("disk full")

            def _describe(self) -> dict[str, Any]:
                return {}

        class BreakModelInput:
            @hook_impl
            def after_catalog_created(self, catalog: Any) -> None:
                catalog["model_input"] = FullDisk()

        session.run("data_processing")
        session._hook_manager.register(BreakModelInput())
        with pytest.raises(DatasetError, match="disk full"):
            session.run("forecasting", runner=runner)
        record = session.store["runs"][-1]
        assert record["error"]["node"] == "build_features"
        assert record["nodes_done"] == []
        assert record["resume_from_nodes"] is None  # nothing ran: nothing to resume

    def test_failed_node_is_known_without_add_note(self, session: KedroSession,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        # Python 3.10 has no add_note; the runner still tells the session which node failed.
        import sys
        import types

        import kedro_ipy.runner.runner as runner_module

        monkeypatch.setattr(runner_module, "sys", types.SimpleNamespace(
            version_info=(3, 10), platform=sys.platform))
        self.test_failing_after_node_run_hook_fails_its_node(session)

    def test_failing_after_node_run_hook_fails_its_node(self, session: KedroSession) -> None:
        class Strict:
            @hook_impl
            def after_node_run(self, node: Any) -> None:
                if node.name == "clean_orders":
                    raise RuntimeError("audit refused clean_orders")

        session._hook_manager.register(Strict())
        with pytest.raises(RuntimeError, match="audit refused"):
            session.run("data_processing")
        record = session.store["runs"][-1]
        assert record["error"]["node"] == "clean_orders"
        assert record["nodes_done"] == ["parse_orders"]
        assert record["resume_from_nodes"] == ["parse_orders"]  # orders lived in memory only

    def test_failing_after_pipeline_run_hook_is_a_failed_run(
        self, session: KedroSession
    ) -> None:
        class Publisher:
            calls = 0

            @hook_impl
            def after_pipeline_run(self) -> None:
                Publisher.calls += 1
                if Publisher.calls == 1:
                    raise ConnectionError("tracking server down")

        session._hook_manager.register(Publisher())
        with pytest.raises(ConnectionError):
            session.run("data_processing")
        record = session.store["runs"][-1]
        assert record["status"] == "failed"  # the caller saw an exception
        assert record["error"] == {"type": "ConnectionError", "node": None,
                                   "message": "tracking server down"}
        assert record["nodes_done"] == PROCESSING
        assert record["resume_from_nodes"] is None
        session.run("data_processing")
        assert session.store["runs"][-1]["status"] == "success"

    def test_session_stays_usable_after_a_failure(self, session: KedroSession) -> None:
        from kedro_ipy.io import DatasetError

        # The report needs persisted data that no run has produced yet.
        with pytest.raises(DatasetError, match="clean_orders"):
            session.run("reporting")
        assert session.state is SessionState.OPEN
        failed = session.store["runs"][-1]
        assert failed["status"] == "failed"
        assert failed["error"]["node"] == "rank_products"
        assert failed["error"]["type"] == "DatasetError"
        session.run()
        assert session.run("reporting") == {}
        assert [r["status"] for r in session.store["runs"]] == ["failed", "success", "success"]


class TestHooks:
    def test_lifecycle_order(self, session: KedroSession) -> None:
        log = EventLog()
        session._hook_manager.register(log)
        session.run("data_processing", node_names=["parse_orders", "clean_orders"])
        assert log.events == [
            "after_context_created",
            "after_catalog_created",
            "before_pipeline_run:data_processing",
            "before_node_run:parse_orders",
            "after_node_run:parse_orders",
            "before_node_run:clean_orders",
            "after_node_run:clean_orders",
            "after_pipeline_run:[]",
        ]

    def test_run_params(self, session: KedroSession) -> None:
        received: list[dict[str, Any]] = []

        class Spy:
            @hook_impl
            def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
                received.append(run_params)

        session._hook_manager.register(Spy())
        session.run("data_processing", tags=["preprocessing"])
        (params,) = received
        assert params["run_id"] == session.store["runs"][-1]["run_id"]
        assert params["session_id"] == session.session_id
        assert params["pipeline_name"] == "data_processing"
        assert params["tags"] == ["preprocessing"]
        assert params["runner"] == "SequentialRunner"

    def test_project_hook_times_nodes(self, session: KedroSession) -> None:
        (timer,) = [p for p in session._hook_manager.get_plugins()
                    if type(p).__name__ == "NodeTimingHook"]
        session.run("data_processing")
        assert set(timer.timings) == set(PROCESSING)


class TestContext:
    def test_load_context(self, session: KedroSession, example_project: Path) -> None:
        context = session.load_context()
        assert isinstance(context, KedroContext)
        assert context.project_path == example_project.resolve()
        assert context.params["model"]["alpha"] == 0.5

    def test_extra_params_override(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project, save_on_close=False,
                                 extra_params={"model.alpha": 3.0,
                                               "report": {"top_n": 1}}) as session:
            params = session.load_context().params
            assert params["model"] == {"alpha": 3.0, "split_ratio": 0.75, "target": "revenue"}
            assert params["report"] == {"top_n": 1, "currency": "EUR"}
            session.run("data_processing")
            session.run("forecasting")
            assert session.load_context().catalog.load("sales_model").alpha == 3.0

    def test_env_layering(self, example_project: Path) -> None:
        (example_project / "conf/local/parameters.yml").write_text("model:\n  alpha: 0.9\n")
        staging = example_project / "conf/staging"
        staging.mkdir()
        (staging / "parameters.yml").write_text("report:\n  top_n: 5\n")
        with KedroSession.create(project_path=example_project) as local:
            params = local.load_context().params
            assert params["model"]["alpha"] == 0.9
            assert params["report"]["top_n"] == 3
        with KedroSession.create(project_path=example_project, env="staging") as session:
            context = session.load_context()
            assert context.env == "staging"
            assert context.params["model"]["alpha"] == 0.5
            assert context.params["report"]["top_n"] == 5

    def test_unknown_env(self, example_project: Path) -> None:
        conf = example_project.resolve() / "conf"
        message = (f"Configuration environment 'lcoal' not found: {conf} has no 'lcoal' "
                   f"folder. Environments: base, local. Did you mean 'local'?")
        with KedroSession.create(project_path=example_project, env="lcoal") as session:
            with pytest.raises(KedroContextError, match=re.escape(message)):
                session.run()
            assert session.store["runs"] == []

    def test_kedro_env_variable(self, example_project: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
        (example_project / "conf/staging").mkdir()
        monkeypatch.setenv("KEDRO_ENV", "staging")
        with KedroSession.create(project_path=example_project) as session:
            assert session.load_context().env == "staging"


class TestLifecycle:
    def test_closed_session_refuses_to_run(self, session: KedroSession) -> None:
        session.close()
        message = (f"Cannot run a pipeline: session {session.session_id} has been closed. "
                   f"Start a new one with KedroSession.create().")
        with pytest.raises(KedroSessionError, match=re.escape(message)):
            session.run()
        # reading the configuration stays possible, as in Kedro
        assert session.load_context().env is None
        session.close()  # closing twice is harmless
        assert session.state is SessionState.CLOSED
        assert session.store["runs"] == []

    def test_context_manager_closes(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project) as session:
            assert session.state is SessionState.OPEN
        assert session.state is SessionState.CLOSED
        assert "closed" in repr(session)


def _one() -> int:
    return 1


class TestKedro1Compatibility:
    """What code written for Kedro 1.x sees: run arguments, run_params, ids, errors."""

    @pytest.fixture
    def registered(self, monkeypatch: pytest.MonkeyPatch, session: KedroSession) -> KedroSession:
        from kedro_ipy.framework import project
        from kedro_ipy.pipeline import node, pipeline

        one = pipeline([node(_one, None, "b", name="make")], namespace="first")
        two = pipeline([node(_one, None, "d", name="make")], namespace="second")
        monkeypatch.setattr(project, "pipelines",
                            {"__default__": one + two, "one": one, "two": two})
        return session

    def test_run_params_have_kedro_1_keys(self, session: KedroSession) -> None:
        received: list[dict[str, Any]] = []

        class Spy:
            @hook_impl
            def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
                received.append(run_params)

        session._hook_manager.register(Spy())
        session.run(tags=["preprocessing"])
        session.run(pipeline_names=["data_processing"])
        first, second = received
        assert first["pipeline_names"] is None  # the default pipeline, as Kedro reports it
        assert second["pipeline_names"] == ["data_processing"]
        assert first["namespaces"] is None
        assert first["only_missing_outputs"] is False
        assert first["kedro_version"] == first["kedro_ipy_version"]
        assert first["project_path"] == session._project_path.as_posix()

    def test_first_run_uses_the_session_id(self, session: KedroSession) -> None:
        session.run("data_processing")
        session.run("data_processing")
        first, second = session.store["runs"]
        # a one-run session saves under its session id, as Kedro's does
        assert first["run_id"] == session.session_id
        assert second["run_id"] != session.session_id

    def test_several_pipeline_names_run_together(self, registered: KedroSession) -> None:
        outputs = registered.run(pipeline_names=["one", "two"])
        assert outputs == {"first.b": 1, "second.d": 1}
        assert registered.store["runs"][-1]["pipeline_name"] == "one + two"

    def test_pipeline_name_wins_over_pipeline_names(self, registered: KedroSession) -> None:
        registered.run("one", pipeline_names=["two"])
        record = registered.store["runs"][-1]
        assert record["pipeline_names"] == ["one"]

    def test_namespaces_filter(self, registered: KedroSession) -> None:
        registered.run(namespaces=["second"])
        record = registered.store["runs"][-1]
        assert record["namespaces"] == ["second"]
        assert record["nodes_done"] == ["second.make"]
        with pytest.raises(ValueError, match="namespaces=\\['thrid'\\]"):
            registered.run(namespaces=["thrid"])

    def test_only_missing_outputs_skips_done_work(self, session: KedroSession) -> None:
        session.run("data_processing")
        session.run("data_processing", only_missing_outputs=True)
        record = session.store["runs"][-1]
        assert record["only_missing_outputs"] is True
        assert record["nodes_total"] == len(PROCESSING)
        assert len(record["nodes_done"]) < len(PROCESSING)

    def test_exception_in_with_block_is_stored(self, example_project: Path) -> None:
        with (pytest.raises(ZeroDivisionError),
              KedroSession.create(project_path=example_project) as session):
            1 / 0  # noqa: B018
        error = session.store["exception"]
        assert error["type"] == "ZeroDivisionError"
        assert error["value"] == "division by zero"
        assert any("1 / 0" in line for line in error["traceback"])

    def test_config_loader_without_arguments(self, example_project: Path) -> None:
        (example_project / "conf/staging").mkdir()
        with KedroSession.create(project_path=example_project, env="staging",
                                 runtime_params={"x": 1}) as session:
            loader = session._get_config_loader()
            assert loader.env == "staging"
            assert loader.runtime_params == {"x": 1}

    def test_unknown_env_fails_at_run_not_at_load_context(self, example_project: Path) -> None:
        from kedro_ipy.config import MissingConfigException

        with KedroSession.create(project_path=example_project, env="lcoal") as session:
            assert session.load_context().env == "lcoal"
            with pytest.raises(MissingConfigException, match="'lcoal' not found"):
                session.run()

    def test_unfinished_project_metadata_still_gives_a_session(self, tmp_path: Path) -> None:
        # a pyproject.toml naming a package whose src/ folder is not there
        (tmp_path / "pyproject.toml").write_text(
            '[tool.kedro]\npackage_name = "ghost"\nproject_name = "ghost"\n'
            'kedro_init_version = "1.7.0"\n'
        )
        (tmp_path / "conf/base").mkdir(parents=True)
        (tmp_path / "conf/local").mkdir()
        (tmp_path / "conf/base/parameters.yml").write_text("rate: 2\n")
        with KedroSession.create(project_path=tmp_path) as session:
            assert session.load_context().params == {"rate": 2}

    def test_conf_source_is_kept_as_a_string(self, session: KedroSession) -> None:
        assert session._conf_source == str(session._project_path / "conf")

    def test_project_folder_name_is_taken_as_a_path(self, example_project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(example_project.parent)
        with KedroSession.create(example_project.name) as session:
            assert session._project_path == example_project.resolve()

"""The magics on a copy of the example project with the real session: the scenarios."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.ipython.magics import NodeRunError, ProjectCodeError
from kedro_ipy.ipython.testing import TestingShell


@pytest.fixture
def project(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean copy of the example project, with the current folder inside it."""
    monkeypatch.chdir(example_project / "src")  # found upwards
    return example_project


@pytest.fixture
def shell(ip) -> TestingShell:
    return TestingShell(ip)


def test_create_then_run_twice_with_filters(shell, project, capsys):
    shell.run_cell("%session_create --no-save-on-close")
    out = capsys.readouterr().out.splitlines()
    session = shell.user_ns["session"]
    names = list(shell.user_ns["catalog"].keys())
    datasets = [name for name in names
                if name != "parameters" and not name.startswith("params:")]
    assert out == [
        f"Session {session.session_id} on 'Coffee shop' (env: local)",
        "pipelines: __default__ (11 nodes), data_processing (4), forecasting (5), reporting (2)",
        f"datasets: {len(datasets)} in catalog · variables: session, context, catalog, params, "
        "pipelines",
    ]
    assert shell.user_ns["params"]["model"]["alpha"] == 0.5
    assert shell.user_ns["pipelines"]["forecasting"] is not None

    shell.run_cell("%session_run")
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    first_catalog = shell.user_ns["catalog"]
    shell.run_cell("%session_run forecasting --tags training --as trained")
    assert set(shell.user_ns["trained"]) == {"metrics"}
    assert shell.user_ns["catalog"] is not first_catalog  # refreshed after each run
    out = capsys.readouterr().out
    assert re.search(r"█{20} 11/11 nodes · \d+\.\d\d s", out)
    assert re.search(r"█{20} 3/3 nodes · \d+\.\d\d s\ntrained: 1 output\n  metrics  dict: ", out)
    runs = session.store["runs"]
    assert [(r["pipeline_name"], r["status"]) for r in runs] == [
        ("__default__", "success"), ("forecasting", "success")]


def test_unknown_pipeline_names_the_registered_ones(shell, project):
    shell.run_cell("%session_create")
    with pytest.raises(UsageError, match=re.escape(
            "Failed to find the pipeline named 'forcasting'. It needs to be generated and "
            "returned by the 'register_pipelines' function. Registered pipelines: __default__, "
            "data_processing, forecasting, reporting. Did you mean one of these: 'forecasting', "
            "'reporting'?")):
        shell.run_cell("%session_run forcasting")


def test_failing_node_then_fixed_source_resumes(shell, project, capsys):
    """Scenario 2: a node fails, the user fixes the source file, the resume line works."""
    shell.run_cell("%session_create --params model.alpha=-1")
    capsys.readouterr()
    with pytest.raises(NodeRunError) as failure:
        shell.run_cell("%session_run")
    assert isinstance(failure.value.original, ValueError)
    lines = failure.value._render_traceback_()
    assert lines[0] == "✗ node 'fit_model' failed: ValueError: model.alpha must be >= 0, got -1."
    assert lines[1].startswith("  src/coffee_shop/pipelines/forecasting/nodes.py:")
    assert lines[2] == "  7 of 11 nodes finished. Resume without recomputing persisted data:"
    resume = lines[3].strip()
    assert resume.startswith("%session_run --from-nodes ")
    resume_nodes = resume.removeprefix("%session_run --from-nodes ").split(",")
    assert "fit_model" in resume_nodes or "split_data" in resume_nodes
    # %debug lands in the node's own frame.
    tb = failure.value.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert tb.tb_frame.f_code.co_name == "fit_model"

    nodes_py = project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes_py.read_text()
    fixed = source.replace('raise ValueError(f"model.alpha must be >= 0, got {model[\'alpha\']}.")',
                           'model = {**model, "alpha": 0.0}')
    assert fixed != source
    nodes_py.write_text(fixed)
    shell.run_cell(resume)
    out = capsys.readouterr().out
    assert "reloaded the project code (src/coffee_shop/pipelines/forecasting/nodes.py " \
           "changed)" in out
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    record = shell.user_ns["session"].store["runs"][-1]
    assert record["status"] == "success"
    assert record["from_nodes"] == resume_nodes
    assert "build_features" not in record["nodes_done"]  # finished before: not run again


def test_a_typo_saved_in_project_code_is_reported_compactly_then_recovered(
        shell, project, capsys):
    """A syntax error saved in nodes.py: a short report pointing at the line, not a traceback
    through the registry and importlib; once fixed, the same session runs again."""
    shell.run_cell("%session_create --no-save-on-close")
    nodes_py = project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes_py.read_text()
    nodes_py.write_text(source + "\ndef broken(:\n")
    for line in ("%session_run", "%load_node fit_model", "%session_panel"):
        with pytest.raises(ProjectCodeError) as failure:
            shell.run_cell(line)
        lines = failure.value._render_traceback_()
        assert lines[0] == ("✗ the project's code could not be imported: "
                            "SyntaxError: invalid syntax")
        assert re.fullmatch(r"  src/coffee_shop/pipelines/forecasting/nodes\.py:\d+: "
                            r"def broken\(:", lines[1])
        assert isinstance(failure.value.original, SyntaxError)
    nodes_py.write_text(source)
    capsys.readouterr()
    shell.run_cell("%session_run")
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    assert [r["status"] for r in shell.user_ns["session"].store["runs"]] == ["success"]

    # The same report when the typo is already there as the session is created.
    nodes_py.write_text(source + "\ndef broken(:\n")
    with pytest.raises(ProjectCodeError) as failure:
        shell.run_cell("%session_create --no-save-on-close")
    assert failure.value._render_traceback_()[0] == (
        "✗ the project's code could not be imported: SyntaxError: invalid syntax")


def test_load_node_loads_persisted_and_computes_memory_inputs(shell, project, capsys):
    shell.run_cell("%session_create")
    shell.run_cell("%session_run data_processing")
    capsys.readouterr()
    shell.run_cell("%load_node fit_model")
    out = capsys.readouterr().out
    assert "  train_rows   <- train_rows (list, computed by %session_run --to-outputs " \
           "train_rows,model_input)\n" in out
    assert "  model_input  <- model_input (dict, computed by %session_run --to-outputs " \
           "train_rows,model_input)\n" in out
    assert "  params_model <- params:model (dict)\n" in out
    assert "Call it: fit_model(train_rows, model_input, params_model)\n" in out
    assert "# src/coffee_shop/pipelines/forecasting/nodes.py:" in out
    assert "def fit_model(" in out
    ns = shell.user_ns
    assert ns["params_model"]["alpha"] == 0.5
    assert isinstance(ns["train_rows"], list) and ns["train_rows"]
    model = shell.run_cell("fit_model = session_node = pipelines['forecasting'].nodes[2].func\n"
                           "fit_model(train_rows, model_input, params_model)")
    assert model is not None


def test_code_edited_before_session_create_is_what_the_new_session_runs(shell, project):
    """Like %reload_kedro: a new session imports the project code afresh, even when it was
    edited while no session was open."""
    shell.run_cell("%session_create --no-save-on-close")
    shell.run_cell("%session_run")
    assert "edited" not in shell.user_ns["outputs"]["metrics"]
    shell.run_cell("%session_close")
    nodes_py = project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes_py.read_text()
    edited = source.replace('    return {\n        "mae"',
                            '    return {\n        "edited": 1,\n        "mae"')
    assert edited != source
    nodes_py.write_text(edited)
    stat = nodes_py.stat()  # a later second, so that no cached bytecode can pass for it
    os.utime(nodes_py, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    shell.run_cell("%session_create --no-save-on-close")
    shell.run_cell("%session_run")
    assert shell.user_ns["outputs"]["metrics"]["edited"] == 1


def test_a_package_name_that_cannot_be_imported_is_refused(shell, project):
    with pytest.raises(UsageError, match=re.escape(
            "Package 'coffe_shop' of --package-name cannot be imported. The project at "
            f"{project.resolve()} declares package 'coffee_shop': leave --package-name out")):
        shell.run_cell("%session_create --package-name coffe_shop")
    assert "session" not in shell.user_ns
    shell.run_cell("%session_create --package-name coffee_shop --no-save-on-close")
    assert shell.user_ns["session"] is not None


def test_env_completes_before_the_first_session(shell, project, tmp_path):
    (project / "conf" / "staging").mkdir()
    # From inside the project, as %session_create without a path would find it.
    assert shell.complete("%session_create --env ") == ["local", "staging"]
    # Of the project named on the line, wherever the notebook is.
    other = tmp_path / "other"
    (other / "conf" / "prod").mkdir(parents=True)
    assert shell.complete(f"%session_create {other} --env ") == ["prod"]


def test_completion_on_the_example(shell, project):
    shell.run_cell("%session_create")
    assert shell.complete("%session_run for") == ["forecasting"]
    assert shell.complete("%session_run forecasting --tags ") == [
        "evaluation", "features", "forecast", "training"]
    assert shell.complete("%session_run --from-nodes fit") == ["fit_model"]
    assert shell.complete("%session_run --to-outputs params:model.") == [
        "params:model.split_ratio"]
    assert shell.complete("%session_run --load-versions sales_m") == ["sales_model:"]
    assert shell.complete("%session_run --params model.al") == ["model.alpha="]
    assert shell.complete("%session_run --namesp") == ["--namespaces"]
    assert shell.complete("%session_create --env ") == ["local"]


def test_session_info_and_close(shell, project, capsys):
    shell.run_cell("%session_create --env local")
    shell.run_cell("%session_run data_processing --to-nodes clean_orders")
    capsys.readouterr()
    shell.run_cell("%session_info")
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "project: .."  # relative to the current folder, project/src
    assert out[2] == "runs: 1"
    assert re.fullmatch(r" +1 ✓ success 2/2 nodes +\d+\.\d\d s  data_processing --to-nodes "
                        r"clean_orders", out[3])
    session = shell.user_ns["session"]
    shell.run_cell("%session_close")
    assert session.state.name == "CLOSED"


def test_runner_and_load_versions_reach_the_session(shell, project):
    shell.run_cell("%session_create")
    shell.run_cell("%session_run --runner Thread")
    first = shell.user_ns["session"].store["runs"][-1]
    assert first["runner"] == "ThreadRunner"
    versions = shell.user_ns["catalog"]["sales_model"].list_versions(full_path=False)
    assert len(versions) == 1
    assert shell.complete("%session_run --load-versions sales_model:") == versions
    shell.run_cell(f"%session_run forecasting --nodes forecast_next_days "
                   f"--load-versions sales_model:{versions[0]} --as evaluated")
    record = shell.user_ns["session"].store["runs"][-1]
    assert record["load_versions"] == {"sales_model": versions[0]}
    assert set(shell.user_ns["evaluated"]) == {"next_week_forecast"}
    runs = len(shell.user_ns["session"].store["runs"])
    with pytest.raises(UsageError, match=re.escape(
            "Dataset 'sales_modle' of load_versions is not in the catalog. "
            "Did you mean one of these: 'sales_model', 'sales_report'?")):
        shell.run_cell("%session_run --load-versions sales_modle:x")
    # a version that is not on disk fails before any node runs, listing those that are
    with pytest.raises(UsageError, match=re.escape(
            f"RunPlanError: Version 'nope' of dataset 'sales_model' does not exist. "
            f"Versions on disk, newest first: {versions[0]}.")):
        shell.run_cell("%session_run forecasting --load-versions sales_model:nope")
    assert len(shell.user_ns["session"].store["runs"]) == runs


@pytest.mark.parametrize(("line", "message"), [
    ("--nodes fit_modle", "PipelineSelectionError: Pipeline '__default__': "
     "node_names=['fit_modle'] is invalid: "),
    ("forecasting --tags trainig", "PipelineSelectionError: Pipeline 'forecasting' has no "
     "nodes to run: tags=['trainig'] selects no node. Tags in the pipeline: "),
    ("--namespaces nowhere", "PipelineSelectionError: Pipeline '__default__': "
     "namespaces=['nowhere'] is invalid: "),
    ("--from-nodes clean_orders --to-nodes aggregate_daily --nodes fit_model",
     "PipelineSelectionError: Pipeline '__default__' has no nodes to run: each filter "
     "selects nodes on its own, but to_nodes=['aggregate_daily'] leaves none once combined "
     "with node_names=['fit_model'], from_nodes=['clean_orders']."),
    ("--runner Sequental", "KedroSessionError: Unknown runner 'Sequental'."),
])
def test_bad_requests_fail_before_anything_runs(shell, project, line, message):
    shell.run_cell("%session_create --no-save-on-close")
    with pytest.raises(UsageError) as info:
        shell.run_cell(f"%session_run {line}")
    assert str(info.value).startswith(message)
    assert shell.user_ns["session"].store["runs"] == []


def test_tags_with_a_space_after_the_comma_are_two_tags(shell, project):
    shell.run_cell("%session_create --no-save-on-close")
    shell.run_cell("%session_run")
    shell.run_cell("%session_run forecasting --tags training, evaluation")
    record = shell.user_ns["session"].store["runs"][-1]
    assert record["tags"] == ["training", "evaluation"]
    assert record["command"] == "%session_run forecasting --tags training,evaluation"


def test_per_run_params_apply_to_that_run_only(shell, project):
    shell.run_cell("%session_create --no-save-on-close")
    shell.run_cell("%session_run --params model.alpha=0.1")
    assert shell.user_ns["params"]["model"]["alpha"] == 0.1  # what the run used
    first = shell.user_ns["session"].last_result
    shell.run_cell("%session_run")
    assert shell.user_ns["params"]["model"]["alpha"] == 0.5
    runs = shell.user_ns["session"].store["runs"]
    assert [r["params"] for r in runs] == [{"model": {"alpha": 0.1}}, {}]
    assert first.outputs["metrics"] != shell.user_ns["outputs"]["metrics"]


def test_live_progress_on_a_terminal(shell, project, monkeypatch, capsys):
    import io

    from kedro_ipy.ipython import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    shell.run_cell("%session_create")
    session = shell.user_ns["session"]
    with _progress.live_progress(session, terminal):
        session.run("data_processing")
    frames = terminal.getvalue().split("\r")
    assert frames[1].startswith("░" * 20 + " 0/4 nodes · ")
    assert any(f.startswith("█" * 20 + " 4/4 nodes · ") for f in frames)
    assert frames[-1] == ""  # cleared: the summary starts on a clean line
    plain = io.StringIO()  # not a terminal: nothing drawn
    with _progress.live_progress(session, plain):
        session.run("data_processing")
    assert plain.getvalue() == ""


class _Counter:
    def __init__(self) -> None:
        self.contexts = self.catalogs = 0

    @hook_impl
    def after_context_created(self) -> None:
        self.contexts += 1

    @hook_impl
    def after_catalog_created(self) -> None:
        self.catalogs += 1


def test_session_run_builds_one_context_one_catalog_and_reads_parameters_once(
        ip, example_project, monkeypatch):
    from kedro_ipy.config import OmegaConfigLoader

    ip.run_line_magic("session_create", f"{example_project} --no-save-on-close")
    ip.run_line_magic("session_run", "")  # the data the next run reads
    session = ip.user_ns["session"]
    counter = _Counter()
    session._hook_manager.register(counter)
    reads: list[str] = []
    original = OmegaConfigLoader.__getitem__

    def counting(self, key):
        reads.append(key)
        return original(self, key)

    monkeypatch.setattr(OmegaConfigLoader, "__getitem__", counting)
    ip.run_line_magic("session_run", "forecasting --tags training")
    assert (counter.contexts, counter.catalogs) == (1, 1)
    assert reads.count("parameters") == 1
    assert reads.count("catalog") == 1
    # what the magic published is what the run used
    assert ip.user_ns["context"] is session.last_result.context
    assert ip.user_ns["catalog"] is session.last_result.catalog

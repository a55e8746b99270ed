"""``kedro-ipy run`` and ``kedro-ipy new``, through ``main([...])`` and one real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli._new import package_name_for
from kedro_ipy.framework.cli._parser import CommandLineError, parse
from kedro_ipy.framework.session import KedroSession


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sessions_of(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "sessions").glob("*.json"))]


class TestParsing:
    def test_option_errors_carry_the_run_usage(self) -> None:
        # The readers are tested in tests/framework/session/test_options.py; here, the CLI's
        # wrapping: its own error type, the shared message, then the usage of `run`.
        with pytest.raises(CommandLineError) as info:
            parse(["run", "--params", "alpha"])
        message, usage = str(info.value).split("\n", 1)
        assert message == "Invalid --params item 'alpha': expected key=value, e.g. model.alpha=0.1."
        assert usage.startswith("usage: kedro-ipy run ")
        with pytest.raises(CommandLineError, match=r"^Invalid --load-versions item 'm'.*\nusage"):
            parse(["run", "-lv", "m"])

    def test_run_namespace(self) -> None:
        args = parse(["run", "-p", "forecasting", "--tags", "a,b", "--tags", "c",
                      "--nodes", "n1", "--from-nodes", "f", "--to-outputs", "o1,o2",
                      "--runner", "Thread", "--env", "prod", "--params", "a.b=1"])
        assert (args.pipeline, args.tags, args.node_names, args.from_nodes, args.to_outputs,
                args.runner, args.env, args.params) == (
            ["forecasting"], ["a", "b", "c"], ["n1"], ["f"], ["o1", "o2"], "Thread", "prod",
            {"a": {"b": 1}})
        assert (args.to_nodes, args.from_inputs, args.load_versions) == (None, None, None)

    def test_the_run_request(self) -> None:
        from kedro_ipy.framework.cli._run import run_request

        args = parse(["run", "--pipelines", "a,b", "--tags", "training,", "evaluation",
                      "--namespaces", "ns", "--only-missing-outputs", "-lv", "m:v1"])
        assert str(run_request(args)) == ("%session_run a,b --tags training,evaluation "
                                          "--namespaces ns --load-versions m:v1 "
                                          "--only-missing-outputs")

    def test_package_names(self) -> None:
        assert package_name_for("My Project-2") == "my_project_2"
        assert package_name_for("2fast") == "project_2fast"
        with pytest.raises(CommandLineError, match="not a valid Python package name"):
            package_name_for("class")


class TestRun:
    def test_run_prints_outputs_and_records_the_session(
        self, example_project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run_cli(capsys, "run", "--project-path", str(example_project))
        assert code == 0
        assert "metrics = {'mae': " in out
        assert "next_week_forecast = [" in out
        assert "of pipeline '__default__': 11/11 nodes" in out
        (saved,) = sessions_of(example_project)
        assert f"recorded in {example_project / 'sessions' / saved['session_id']}.json" in out
        # the same store a notebook session reads
        reopened = KedroSession(session_id=saved["session_id"], project_path=example_project)
        assert reopened.store["runs"][0]["status"] == "success"

    def test_filters_params_and_runner(self, example_project: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["run", "--project-path", str(example_project), "-p",
                     "data_processing"]) == 0
        code, out, _ = run_cli(
            capsys, "run", "--project-path", str(example_project), "--pipeline", "forecasting",
            "--tags", "features,training", "--params", "model.alpha=0.1",
            "--runner", "Thread",
        )
        assert code == 0, out
        assert "next_week_forecast" not in out
        record = sessions_of(example_project)[-1]
        assert record["runtime_params"] == {"model": {"alpha": 0.1}}
        # Nested overrides merge into the configured parameters, siblings kept.
        reopened = KedroSession(session_id=record["session_id"], project_path=example_project)
        assert reopened.load_context().params["model"] == {
            "alpha": 0.1, "split_ratio": 0.75, "target": "revenue"}
        (run,) = record["runs"]
        assert run["tags"] == ["features", "training"]
        assert run["runner"] == "ThreadRunner"
        assert run["nodes_done"] == ["build_features", "split_data", "fit_model",
                                     "evaluate_model"]

    def test_runner_class_of_the_project(self, example_project: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
        # The runner is resolved once the project is bootstrapped, so its own code is found.
        (example_project / "src/coffee_shop/my_runner.py").write_text(
            "from kedro_ipy.runner import SequentialRunner\n\n\n"
            "class CarefulRunner(SequentialRunner):\n    pass\n")
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project), "-p",
                               "data_processing", "--runner",
                               "coffee_shop.my_runner.CarefulRunner")
        assert code == 0, err
        assert sessions_of(example_project)[-1]["runs"][0]["runner"] == "CarefulRunner"

    def test_found_from_the_current_folder(self, example_project: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        (example_project / "notebooks").mkdir()
        monkeypatch.chdir(example_project / "notebooks")
        code, _, _ = run_cli(capsys, "run", "--pipeline", "data_processing")
        assert code == 0
        assert len(sessions_of(example_project)) == 1

    @pytest.mark.parametrize(("argv", "message"), [
        (["--pipeline", "forcasting"], "kedro-ipy: error: Failed to find the pipeline named "
         "'forcasting'. It needs to be generated and returned by the 'register_pipelines' "
         "function. Registered pipelines: __default__, data_processing, forecasting, reporting. "
         "Did you mean one of these: 'forecasting', 'reporting'?"),
        (["--tags", "nope"], "kedro-ipy: error: Pipeline '__default__' has no nodes to run: "
         "tags=['nope'] selects no node."),
        (["--tag", "x"], "kedro-ipy: error: unrecognized arguments: --tag x (did you mean "
         "--tags?)"),
        (["--params", "alpha"], "kedro-ipy: error: Invalid --params item 'alpha'"),
        (["--runner", "Sequental"], "kedro-ipy: error: Unknown runner 'Sequental'. Use one "
         "of: Sequential, Thread, Parallel, Dask (any case, 'Runner' suffix optional), "
         "dask://HOST:PORT for a Dask scheduler, or a dotted path to a runner class such as "
         "my_package.runners.MyRunner. Did you mean "
         "'Sequential'?\nusage: kedro-ipy run "),
        (["--runner", "coffee_shop.NoRunner"], "kedro-ipy: error: Cannot import runner "
         "'coffee_shop.NoRunner': module 'coffee_shop' has no attribute 'NoRunner'"),
        (["--load-versions", "sales_model"], "kedro-ipy: error: Invalid --load-versions "
         "item 'sales_model': expected dataset:version, e.g. model:2026-01-01T00.00.00.000Z."
         "\nusage: kedro-ipy run "),
        (["--env", "lcoal"], "kedro-ipy: error: Configuration environment 'lcoal' not found: "),
    ])
    def test_bad_input_is_one_line_without_traceback(
        self, example_project: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str,
    ) -> None:
        code, out, err = run_cli(capsys, "run", "--project-path", str(example_project), *argv)
        assert code == 2
        assert err.startswith(message)
        assert "Traceback" not in err + out

    def test_not_a_project(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run_cli(capsys, "run", "--project-path", str(tmp_path))
        assert code == 2
        assert err.startswith(f"kedro-ipy: error: No kedro_ipy project found in "
                              f"'{tmp_path}' or above it")

    def test_unusable_metadata_is_reported_not_an_empty_registry(
        self, example_project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pyproject = example_project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('"coffee_shop"', "coffee_shop", 1))
        code, out, err = run_cli(capsys, "run", "--project-path", str(example_project))
        assert code == 2
        assert err.startswith("kedro-ipy: error: Failed to parse 'pyproject.toml' file.")
        assert "register_pipelines" not in err + out

    def test_failing_node(self, example_project: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project),
                               "--params", "model.alpha=-1")
        assert code == 1
        assert ("kedro-ipy: node 'fit_model' failed: ValueError: model.alpha must be >= 0, "
                "got -1.") in err
        assert ("kedro-ipy run --params model.alpha=-1 --from-nodes fit_model"
                in err)
        assert "Traceback" not in err
        (saved,) = sessions_of(example_project)
        assert saved["runs"][0]["status"] == "failed"

    def test_resume_line_keeps_the_filters_of_the_failed_run(
        self, example_project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["run", "--project-path", str(example_project), "-p",
                     "data_processing"]) == 0
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project),
                               "--tags", "training,features", "--runner", "Thread",
                               "--params", "model.alpha=-1")
        assert code == 1
        (line,) = [x.strip() for x in err.splitlines() if x.strip().startswith("kedro-ipy run")]
        assert line == (f"kedro-ipy run --tags training,features --runner Thread --params "
                        f"model.alpha=-1 --from-nodes fit_model --project-path "
                        f"{example_project}")
        # Pasted (with the parameter fixed), it runs what the failed run left, and no more:
        # not forecast_next_days, which the tags had left out.
        import shlex

        argv = shlex.split(line.replace("alpha=-1", "alpha=0.5"))[1:]
        assert main(argv) == 0
        last = sessions_of(example_project)[-1]["runs"][0]
        assert sorted(last["nodes_done"]) == ["evaluate_model", "fit_model"]
        assert last["runner"] == "ThreadRunner"

    def test_broken_project_code_is_one_line(self, example_project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
        registry = example_project / "src/coffee_shop/pipeline_registry.py"
        registry.write_text(registry.read_text() + "\nbroken = (\n")
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project))
        assert code == 1
        assert err == (f"kedro-ipy: error: SyntaxError: '(' was never closed ({registry}, "
                       "line 21) (run with --traceback for the full traceback)\n")
        registry.write_text(registry.read_text().replace("broken = (", "import no_such_mod"))
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project))
        assert code == 1
        assert err.startswith("kedro-ipy: error: ModuleNotFoundError: No module named "
                              f"'no_such_mod' ({registry}, line 21)")
        with pytest.raises(ModuleNotFoundError):
            main(["run", "--project-path", str(example_project), "--traceback"])

    def test_error_message_starting_with_a_line_break_stays_on_one_line(
        self, example_project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        settings = example_project / "src/coffee_shop/settings.py"
        settings.write_text(settings.read_text() + "\nSESSION_STORE_ARGS = {'bogus': 1}\n")
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project))
        assert code == 1
        assert err.startswith("kedro-ipy: error: ValueError: BaseSessionStore.__init__() got "
                              "an unexpected keyword argument 'bogus'.")

    def test_traceback_on_request(self, example_project: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run_cli(capsys, "run", "--project-path", str(example_project),
                               "--params", "model.alpha=-1", "--traceback")
        assert code == 1
        assert "Traceback" in err


class TestNew:
    def test_new_project_runs(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, _ = run_cli(capsys, "new", "Demo Shop", "--directory", str(tmp_path))
        assert code == 0
        project = tmp_path / "Demo_Shop"
        assert f"Created project 'Demo Shop' (package demo_shop) in {project}" in out
        assert (project / "src/demo_shop/pipelines/data_science/pipeline.py").is_file()
        assert "package_name = \"demo_shop\"" in (project / "pyproject.toml").read_text()
        assert "{{" not in "".join(p.read_text() for p in project.rglob("*") if p.is_file())

        monkeypatch.chdir(project)
        code, out, err = run_cli(capsys, "run")
        assert code == 0, err
        assert "metrics = {'mae': " in out
        code, out, err = run_cli(capsys, "run", "--pipeline", "data_science", "--tags",
                                 "training", "--params", "model.alpha=0.1")
        assert code == 0, err
        assert "1/1 nodes" in out
        assert len(sessions_of(project)) == 2

    def test_scenario_four_runs_data_science_first(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Straight after `new`, before anything made the intermediate data.
        assert main(["new", "my_project", "--directory", str(tmp_path)]) == 0
        project = tmp_path / "my_project"
        monkeypatch.chdir(project)
        code, out, err = run_cli(capsys, "run", "--pipeline", "data_science", "--tags",
                                 "training", "--params", "model.alpha=0.1")
        assert code == 0, err
        assert "1/1 nodes" in out
        (saved,) = sessions_of(project)
        assert saved["runs"][0]["status"] == "success"
        # the shipped cleaned points are exactly what data_processing makes of the raw ones
        shipped = json.loads((project / "data/02_intermediate/clean_points.json").read_text())
        assert main(["run", "--pipeline", "data_processing"]) == 0
        remade = json.loads((project / "data/02_intermediate/clean_points.json").read_text())
        assert shipped == remade

    def test_existing_folder_is_refused(self, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "taken").mkdir()
        (tmp_path / "taken" / "file.txt").write_text("mine")
        code, _, err = run_cli(capsys, "new", "taken", "--directory", str(tmp_path))
        assert code == 2
        assert "already exists and is not empty" in err
        assert (tmp_path / "taken" / "file.txt").read_text() == "mine"


def test_python_dash_m(example_project: Path) -> None:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [sys.executable, "-m", "kedro_ipy", "run", "--project-path", str(example_project),
         "--pipeline", "data_processing"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "of pipeline 'data_processing': 4/4 nodes" in proc.stdout
    assert "Running node parse_orders" in proc.stderr  # progress goes to the log


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    from kedro_ipy import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kedro-ipy {__version__}"
    assert main(["run", "--help"]) == 0
    assert "--from-inputs" in capsys.readouterr().out

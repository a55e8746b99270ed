"""Kedro-style projects, ported by ``kedro-ipy port``, run unchanged through the command line,
the Python API and the magics, and write the same data each way.

(``make compat`` runs the same unported projects with Kedro 1.7.0 and compares.)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli.port import port_project
from kedro_ipy.framework.session._options import parse_params
from tests.projects.kedro_projects import PROJECTS, RUNS, build, cli_arguments, digest


def _ported(name: str, tmp_path: Path) -> Path:
    source = build(name, tmp_path / "kedro")
    report = port_project(source, to=tmp_path / "ported")
    assert report.changes, "a Kedro project always has imports to port"
    return tmp_path / "ported"


def _fresh_copy(ported: Path, target: Path) -> Path:
    shutil.copytree(ported, target)
    return target


def _runner(name: str) -> Any:
    path = RUNS[name].get("runner")
    if not path:
        return None
    from kedro_ipy.utils import load_obj

    return load_obj(path)()  # type: ignore[operator]


def _run_api(name: str, project: Path) -> None:
    from kedro_ipy.framework.session import KedroSession

    run = RUNS[name]
    params = parse_params([run["params"]]) if run.get("params") else None
    with KedroSession.create(project_path=project, env=run.get("env"),
                             extra_params=params) as session:
        session.run(runner=_runner(name))


def _run_magics(name: str, project: Path, ipython: Any) -> None:
    run = RUNS[name]
    create = f"{project}"
    if run.get("env"):
        create += f" --env {run['env']}"
    if run.get("params"):
        create += f" --params {run['params']}"
    ipython.run_line_magic("load_ext", "kedro_ipy")
    try:
        ipython.run_line_magic("session_create", create)
        line = f"--runner {run['runner']}" if run.get("runner") else ""
        ipython.run_line_magic("session_run", line)
        assert ipython.user_ns["session"].store["runs"][-1]["status"] == "success"
    finally:
        ipython.run_line_magic("unload_ext", "kedro_ipy")


def _needs_chart_datasets(name: str) -> None:
    if name != "spaceflights_viz":
        return
    from kedro_ipy.io._types import resolve_type

    for type_name in ("plotly.PlotlyDataset", "plotly.JSONDataset",
                      "matplotlib.MatplotlibDataset"):
        try:
            resolve_type(type_name)
        except Exception:
            pytest.skip(f"kedro_ipy has no {type_name} yet")


#: What each project must have written, whichever way it ran (beyond "the same each way").
EXPECTED_FILES = {
    "spaceflights": {"03_primary/model_input_table.parquet", "08_reporting/metrics.json",
                     "06_models/regressor.pickle/<version>/regressor.pickle"},
    "spaceflights_viz": {"08_reporting/capacity_plot_express.json",
                         "08_reporting/capacity_plot_figure.json",
                         "08_reporting/rating_histogram.png"},
    "advanced_config": {"08_reporting/report_t1.json", "08_reporting/scaled_sales.csv"},
    "extending": {"08_reporting/audit.json", "08_reporting/runner_report.json",
                  "02_intermediate/restocked.txt"},
    "deep_dive": {"08_reporting/model_comparison.csv",
                  "08_reporting/metrics_active_modelling_pipeline.json",
                  "08_reporting/metrics_candidate_modelling_pipeline.json"},
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_ported_project_gives_the_same_outputs_through_cli_api_and_magics(
    name: str, tmp_path: Path
) -> None:
    _needs_chart_datasets(name)
    from IPython.testing.globalipapp import get_ipython

    ported = _ported(name, tmp_path)
    cli = _fresh_copy(ported, tmp_path / "cli")
    assert main(["run", "--project-path", str(cli), *cli_arguments(name)]) == 0
    api = _fresh_copy(ported, tmp_path / "api")
    _run_api(name, api)
    magics = _fresh_copy(ported, tmp_path / "magics")
    from IPython.core.getipython import get_ipython as current

    _run_magics(name, magics, get_ipython() or current())

    by_cli, by_api, by_magics = digest(cli), digest(api), digest(magics)
    assert EXPECTED_FILES[name] <= set(by_cli)
    assert by_api == by_cli
    assert by_magics == by_cli


def test_outputs_carry_the_projects_configuration(tmp_path: Path) -> None:
    """The advanced-configuration project, run in env prod with runtime params: globals,
    env overrides, custom resolvers and runtime params all reach the report."""
    project = _ported("advanced_config", tmp_path)
    assert main(["run", "--project-path", str(project), *cli_arguments("advanced_config")]) == 0
    report = digest(project)["08_reporting/report_t1.json"]
    assert report["currency"] == "USD"  # conf/prod/globals.yml over conf/base
    assert report["label"] == "PROD SALES"  # custom resolver "upper" from settings.py
    assert report["threshold"] == 150  # custom resolver "add"
    assert report["regions"] == ["north", "south", "east"]  # conf/prod/parameters.yml
    assert report["top"] == 3  # runtime param options.top=3 over the env's 2


def test_extending_project_runs_its_dataset_hooks_and_runner(tmp_path: Path) -> None:
    project = _ported("extending", tmp_path)
    assert main(["run", "--project-path", str(project), *cli_arguments("extending")]) == 0
    written = digest(project)
    assert written["08_reporting/runner_report.json"] == {"runner": "ReportingRunner",
                                                          "nodes": 2}
    assert written["02_intermediate/restocked.txt"] == (
        "bolts:5\ngears:7\nnuts:12\nwashers:5\n")
    assert written["08_reporting/audit.json"] == [
        "context env=None", "catalog", "start restock <- ['params:minimum', 'stock']",
        "saved restocked", "start count_items <- ['restocked']", "saved stock_summary",
        "done ['__default__']",
    ]
